import { describe, expect, it } from 'vitest';
import { LLVMPIPE, planFor } from '../fixtures/run-plan.js';

// A software adapter: autotuned hashing, then the tiny model's batch sweep on the webgpu EP, both on
// the CPU that runs the rasteriser (one window device, so the declared meter is kept throughout).
describe('run plan on a software adapter', () => {
  it('hashes with autotune, sweeps batch 1,4 on webgpu, prices the site', async () => {
    const plan = await planFor(['--seconds', '3', '--watts', '65', '--power-price', '0.05'], LLVMPIPE);
    expect(plan.steps.map((s) => s.kind)).toEqual(['hash', 'infer', 'profit']);
    const cpu = { device: 'cpu', why: "software adapter 'llvmpipe (LLVM 15.0.6, 256 bits)' runs on the CPU" };
    expect(plan.energy).toEqual({ meter: 'declared 65 W', first: cpu, idleBaselineS: 3 });
    const [hash, infer, profit] = plan.steps;
    expect(hash).toMatchObject({ kind: 'hash', id: 'hash.sha256d', seconds: 3, launch: undefined, autotuneS: 6, maxWindowS: 300, energy: { workload: cpu, newDevice: false } });
    expect(infer).toMatchObject({ kind: 'infer', model: 'tiny', picked: null, ep: 'webgpu', prompt: 128, gen: 64, repetitions: 5, batch: [1, 4], sloMsPerToken: 50, energy: { workload: cpu, newDevice: false } });
    expect((infer as { notes: string[] }).notes).toEqual([
      "inference: default model 'tiny' (software adapter: real-model presets take minutes per run on a CPU rasteriser)",
      'inference: batch 1,4, target 50 ms/token p99 (software adapter: a small sweep (1,4) to exercise the serving figure; CPU timings, never priced)',
    ]);
    expect(profit).toMatchObject({ kind: 'profit', powerPriceUsdPerKWh: 0.05 });
  });
});
