import { describe, expect, it } from 'vitest';
import { planFor } from '../fixtures/run-plan.js';

// No WebGPU adapter: hashing is recorded as skipped, inference runs GPT-2 shapes on the CPU
// execution provider inside a CPU window, then the site economics.
describe('run plan without an adapter', () => {
  it('skips hashing, runs inference on the CPU EP, then the economics', async () => {
    const plan = await planFor(['--seconds', '3'], null);
    expect(plan.adapter).toBeNull();
    expect(plan.steps.map((s) => s.kind)).toEqual(['skip', 'infer', 'profit']);
    const [hash, infer, profit] = plan.steps;
    expect(hash).toEqual({ kind: 'skip', id: 'hash.sha256d', measurement: 'hash', reason: 'no WebGPU adapter: install a Vulkan driver (see README) to run the WGSL hashing benchmark' });
    const cpu = { device: 'cpu', why: '--ep cpu' };
    expect(plan.energy).toEqual({ meter: 'auto (the meter whose scope matches the work)', first: cpu, idleBaselineS: 3 });
    expect(infer).toMatchObject({ kind: 'infer', id: 'infer.gpt2', model: 'gpt2', picked: null, ep: 'cpu', prompt: 128, gen: 32, repetitions: 3, batch: [1, 4], sloMsPerToken: 50 });
    expect(infer).toMatchObject({ energy: { workload: cpu, newDevice: false } });
    expect(profit).toMatchObject({ kind: 'profit', id: 'profit.site', powerPriceUsdPerKWh: undefined });
    expect((profit as { site: { file: string } }).site.file).toMatch(/sites[\\/]boden-sweden\.yaml$/);
  });
});
