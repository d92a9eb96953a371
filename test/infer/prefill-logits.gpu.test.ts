import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import { DecoderRunner, openDecoderSession } from '../../src/infer/decoder.js';
import { buildModelDir } from '../../src/infer/model-store.js';
import { PRESETS } from '../../src/infer/presets.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-logits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the prefill measurement states the all-position logits it carries (unlike llama-bench)', () => {
  it('tiny fp32, batch 2, prompt 8: the session returns [2, 8, vocab] logits and the result counts their bytes', async () => {
    const m = buildModelDir('tiny', { dtype: 'fp32', variant: 'gqa', dir: join(root, 'tiny') });
    const V = PRESETS.tiny!.vocabSize;
    // Independent check of the premise: a prefill run() returns logits for every prompt position.
    const { session, io } = await openDecoderSession(m.modelPath, 'cpu');
    try {
      const logits = await new DecoderRunner(session, io, 2).step(Array.from({ length: 16 }, (_, i) => i + 1), 8);
      expect(logits.dims).toEqual([2, 8, V]);
    } finally {
      await session.release();
    }
    const r = await runInferBench({ model: m.dir, ep: 'cpu', batch: 2, prompt: 8, gen: 2, repetitions: 1, profile: false });
    expect((r.details as any).model.prefillLogitsBytes).toBe(2 * 8 * V * 4);
    expect(r.metrics.prefillTokensPerSecond!.method).toMatch(/logits for all 8 prompt positions \(0\.03 MiB of logits per prefill\).*llama-bench computes only the last/);
  });
});
