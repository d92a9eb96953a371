import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModelDir } from '../../src/infer/model-store.js';
import { runCli } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-runerr-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a run() that onnxruntime rejects mid-benchmark is one error line with its context', () => {
  it('a bare model.onnx (no config.json, so no known context) asked for more positions than its rotary table holds', async () => {
    const m = buildModelDir('tiny', { dtype: 'fp32', variant: 'gqa', dir: join(root, 'built') });
    const bare = join(root, 'bare');
    mkdirSync(bare);
    copyFileSync(m.modelPath, join(bare, 'model.onnx')); // tiny keeps its weights inline
    const r = await runCli(['infer', 'bench', '--model', bare, '--ep', 'cpu', '--prompt', '300', '--gen', '2', '-r', '1', '--no-profile']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^joulebench: error: onnxruntime run\(\) of 300 token\(s\) per sequence at past length 0 failed \(context 300 tokens; .*lower --prompt\/--gen\): .*GroupQueryAttention/);
  });
});
