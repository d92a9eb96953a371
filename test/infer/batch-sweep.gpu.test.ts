/**
 * `infer bench --batch 1,4` (tiny, CPU EP): each batch is its own test in its own energy windows,
 * and a decode step of batch B emits B tokens. The token count per step is checked against
 * onnxruntime itself (the logits of one batch-4 decode step have 4 rows), and each batch's
 * throughput against its recorded step latencies (batch × 1000 / mean step ms) and against the
 * decode window's own wall time (a separate clock from the per-step timer).
 */
import { describe, expect, it } from 'vitest';
import { useTempModelsDir } from '../helpers.js';
import { runInferBench } from '../../src/infer/bench.js';
import { DecoderRunner, openDecoderSession } from '../../src/infer/decoder.js';
import { ensureModel } from '../../src/infer/model-store.js';
import type { EnergyMonitor } from '../../src/power/monitor.js';
import { DeclaredMeter } from '../../src/power/monitor.js';
import { measurementSchema, type Energy } from '../../src/results/schema.js';

useTempModelsDir('jb-sweep-');

/** Records which windows were opened (names) around the declared meter. */
function recording(inner: DeclaredMeter): EnergyMonitor & { names: string[] } {
  const names: string[] = [];
  return {
    meter: inner.meter,
    names,
    idleBaseline: () => inner.idleBaseline(),
    requirement: () => inner.requirement(),
    begin: async (n: string) => {
      names.push(n);
      await inner.begin(n);
    },
    end: (n: string) => inner.end(n),
    close: () => inner.close(),
  } as EnergyMonitor & { names: string[] };
}

describe('batch sweep', () => {
  it('onnxruntime: one decode step at batch 4 returns logits for 4 sequences (4 tokens per step)', async () => {
    const m = ensureModel('tiny', { dtype: 'fp32', variant: 'gqa' });
    const { session, io } = await openDecoderSession(m.modelPath, 'cpu');
    try {
      const r = new DecoderRunner(session, io, 4);
      await r.step(Int32Array.from({ length: 4 * 6 }, (_, i) => (i * 7) % 500), 6);
      const logits = await r.step(Int32Array.of(1, 2, 3, 4), 1);
      expect(logits.dims).toEqual([4, 1, m.config.vocabSize]);
      r.close();
    } finally {
      await session.release();
    }
  });

  it('--batch 1,4 with a target: per-batch rows, windows, throughput from the step latencies, serving figure', async () => {
    const gen = 6;
    const mon = recording(new DeclaredMeter(100));
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', batch: [4, 1], sloMsPerToken: 1000, prompt: 8, gen, repetitions: 2, profile: false }, mon);
    measurementSchema.parse(m);
    const d = m.details as Record<string, any>;
    // Smallest first, each batch in its own pp and tg windows.
    expect(mon.names).toEqual(['infer.pp.b1', 'infer.tg.b1', 'infer.pp.b4', 'infer.tg.b4']);
    expect(m.params.batch).toEqual([1, 4]);
    expect(d.batchSweep.map((r: any) => r.batch)).toEqual([1, 4]);
    expect(d.batchSweepSkipped).toEqual([]);
    for (const r of d.batchSweep) {
      const where = `batch ${r.batch}`;
      // Every decode step emits `batch` tokens: tokens in the window = batch × steps.
      expect(r.decodeSteps, where).toBe(gen * r.decodeSequences);
      expect(r.decodeTokens, where).toBe(r.batch * r.decodeSteps);
      // Throughput from the recorded step latencies, and from the window's own clock.
      const fromSteps = (r.batch * 1000) / r.stepLatencyMeanMs;
      const fromWindow = r.decodeTokens / r.decodeWindowS;
      expect(r.windowTokensPerSecond, where).toBeCloseTo(fromWindow, 6);
      expect(fromWindow / fromSteps, `${where}: window ${fromWindow} vs steps ${fromSteps} tok/s`).toBeGreaterThan(0.75);
      expect(fromWindow / fromSteps, where).toBeLessThanOrEqual(1.0001);
      expect(r.stepLatencyP50Ms, where).toBeLessThanOrEqual(r.stepLatencyP99Ms);
      // Declared 100 W: tokens/J = tokens / (100 W × decode window time), labelled declared.
      const e = r.energy as Extract<Energy, { measured: false }> & { energyJ: number; timeS: number };
      expect(r.tokensPerJoule, where).toBeCloseTo(r.decodeTokens / e.energyJ, 9);
      expect(r.energyBasis).toBe('declared');
      expect(r.avgPowerW).toBe(100);
      // KV cache of one runner: 2 (k, v) × layers × batch × kv heads × (prompt + gen) × head dim × 4 B.
      expect(r.kvCacheBytes, where).toBe(2 * 2 * r.batch * 2 * (8 + gen) * 16 * 4);
      expect(r.peakRssBytes).toBeGreaterThan(0);
      expect(r.meetsSlo).toBe(r.stepLatencyP99Ms <= 1000);
      expect(m.metrics[`decodeTokensPerSecond.b${r.batch}`]!.samples).toHaveLength(r.decodeSequences);
    }
    // Top-level figures are batch 1's (the smallest), so they compare with a single-batch run.
    expect(d.headlineBatch.batch).toBe(1);
    expect(m.metrics.decodeTokensPerSecond!.value).toBeCloseTo(d.batchSweep[0].decodeTokensPerSecond, 9);
    expect(d.tokens.decode).toBe(d.batchSweep[0].decodeTokens);
    // Serving figure: the most tokens/J among batches meeting 1000 ms/token.
    const meeting = d.batchSweep.filter((r: any) => r.meetsSlo);
    const best = meeting.reduce((a: any, b: any) => (b.tokensPerJoule > a.tokensPerJoule ? b : a));
    expect(d.serving).toMatchObject({ basis: 'slo', batch: best.batch, sloMsPerToken: 1000, avgPowerW: 100, decodeTokensPerSecond: best.windowTokensPerSecond, tokensPerJoule: best.tokensPerJoule });
    expect(m.metrics.servingTokensPerSecond!.value).toBe(best.windowTokensPerSecond);
    expect(m.metrics.servingTokensPerSecond!.method).toMatch(new RegExp(`batch ${best.batch} \\(slo\\)`));
    expect(m.metrics.servingTokensPerJoule!.energyBasis).toBe('declared');
  });
});
