import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';

describe('infer build rejects what it cannot build with one line, exit 2', () => {
  it('unknown preset name: names the presets', async () => {
    const r = await runCliInProcess(['infer', 'build', 'no-such-model']);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^joulebench: error: infer build 'no-such-model': not a preset; use one of tiny, tiny-gpt2, gpt2, smollm2-135m, qwen2\.5-0\.5b, llama3\.2-1b/);
    expect(r.stdout).toBe('');
  });

  it('a 4-bit dtype with the standard-opset variant (MatMulNBits is a contrib op)', async () => {
    const r = await runCliInProcess(['infer', 'build', 'tiny', '--dtype', 'q4f16', '--variant', 'std']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^joulebench: error: --dtype q4f16 with --variant std: 4-bit presets use the gqa graph .*; drop --variant std\n$/);
    expect(r.stdout).toBe('');
  });
});
