import { describe, expect, it } from 'vitest';
import { LLVMPIPE, planFor } from '../fixtures/run-plan.js';

// --serving load: the static bench runs batch 1 only (pp/tg figures, no serving figure of its own),
// then `infer serve` on the same model and device makes the serving figure, then the economics.
describe('run plan with --serving load', () => {
  it('adds a serve step after batch-1 inference', async () => {
    const plan = await planFor(['--serving', 'load', '--slo-ms-per-token', '80'], LLVMPIPE);
    expect(plan.steps.map((s) => s.kind)).toEqual(['hash', 'infer', 'serve', 'profit']);
    const [, infer, serve] = plan.steps;
    expect(infer).toMatchObject({ kind: 'infer', model: 'tiny', ep: 'webgpu', batch: [1], sloMsPerToken: null });
    // The batch line is not said: there is no sweep.
    expect((infer as { notes: string[] }).notes).toEqual(["inference: default model 'tiny' (software adapter: real-model presets take minutes per run on a CPU rasteriser)"]);
    expect(serve).toEqual({
      kind: 'serve',
      id: 'infer.serve.tiny',
      model: 'tiny',
      dtype: undefined,
      ep: 'webgpu',
      prompt: 128,
      gen: 64,
      qps: ['inf'],
      durationS: 10,
      maxBatch: 4,
      searchSteps: 3,
      slo: { ttftMs: 2000, tpotMs: 80 },
      seed: 1234,
      reason: 'software adapter: burst + 3 bisection probes, 10 s levels, max batch 4',
      energy: { workload: { device: 'cpu', why: "software adapter 'llvmpipe (LLVM 15.0.6, 256 bits)' runs on the CPU" }, newDevice: false },
    });
  });
});
