import { describe, expect, it } from 'vitest';
import { H100, planFor } from '../fixtures/run-plan.js';

// --ep cpu next to a hardware adapter: hashing is measured on the GPU, inference on the CPU; the
// inference window is on another device, so its meter is chosen again (an auto meter for the GPU
// board would not see the CPU's work).
describe('run plan with --ep cpu next to a GPU', () => {
  it('puts hashing in a GPU window and inference in a new CPU window', async () => {
    const plan = await planFor(['--ep', 'cpu', '--model', 'tiny'], H100);
    expect(plan.steps.map((s) => s.kind)).toEqual(['hash', 'infer', 'profit']);
    const gpu = { device: 'webgpu', adapter: H100 };
    expect(plan.energy.first).toEqual(gpu);
    const [hash, infer] = plan.steps;
    expect(hash).toMatchObject({ kind: 'hash', energy: { workload: gpu, newDevice: false } });
    // Hardware-adapter lengths and sweep; --model given, so no priced default and no model line.
    expect(infer).toMatchObject({ kind: 'infer', model: 'tiny', picked: null, ep: 'cpu', prompt: 512, gen: 128, repetitions: 3, batch: [1, 4, 16], energy: { workload: { device: 'cpu', why: '--ep cpu' }, newDevice: true } });
    expect((infer as { notes: string[] }).notes).toEqual(['inference: batch 1,4,16, target 50 ms/token p99 (hardware adapter: sweep 1,4,16, the serving figure is the most efficient batch within the target)']);
  });
});
