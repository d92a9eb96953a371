import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import { buildModelDir } from '../../src/infer/model-store.js';
import { parameterCount, PRESETS } from '../../src/infer/presets.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-bypath-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a generated model passed by path is still labelled synthetic', () => {
  it('directory and model.onnx paths: synthetic, mirrors, parameters, dtype and variant from config.json', async () => {
    const built = buildModelDir('tiny', { dtype: 'fp32', variant: 'std', dir: join(root, 'copy-of-tiny') });
    for (const model of [built.dir, built.modelPath]) {
      const m = await runInferBench({ model, ep: 'cpu', prompt: 4, gen: 2, repetitions: 1, profile: false });
      const d = (m.details as any).model;
      expect(d.source).toBe('file');
      expect(d.synthetic).toBe(true);
      expect(d.mirrors).toBe(PRESETS.tiny!.mirrors);
      expect(d.parameters).toBe(parameterCount(PRESETS.tiny!));
      expect(d.note).toMatch(/^synthetic seeded weights .*preset tiny.*harness test model of no public model.s size/);
      expect(m.params.dtype).toBe('fp32');
      expect(m.params.variant).toBe('std');
    }
  });
});
