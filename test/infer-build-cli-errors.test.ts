import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('infer build rejects an unknown preset with one line naming the presets, exit 2', () => {
  it('unknown preset name', async () => {
    const r = await runCli(['infer', 'build', 'no-such-model']);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^joulebench: error: infer build 'no-such-model': not a preset; use one of tiny, tiny-gpt2, gpt2, qwen2\.5-0\.5b, llama3\.2-1b/);
    expect(r.stdout).toBe('');
  });
});
