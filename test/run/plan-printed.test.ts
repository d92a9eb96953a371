import { describe, expect, it } from 'vitest';
import { defaultSiteFile } from '../../src/run/checks.js';
import { formatRunPlan } from '../../src/run/plan.js';
import { H100, planFor } from '../fixtures/run-plan.js';

// The plan in words: the adapter, the meter, then one numbered line per step in the order they run.
describe('run plan, printed', () => {
  it('says each step, its window and the economics', async () => {
    const text = formatRunPlan(await planFor(['--ep', 'cpu', '--model', 'tiny', '--watts', '300', '--idle-baseline', '0', '--serving', 'load'], H100));
    expect(text.split('\n')).toEqual([
      'adapter  NVIDIA H100 80GB HBM3 (vulkan)',
      "energy   meter declared 300 W; first window on GPU 'NVIDIA H100 80GB HBM3'",
      "1. hash.sha256d: autotune ≈ 6 s, timed search ≤ 20 s; window on GPU 'NVIDIA H100 80GB HBM3'",
      '2. infer.tiny: tiny on cpu, pp512 tg128 ×3, batch 1; window on CPU (--ep cpu), meter chosen again for it',
      '3. infer.serve.tiny: Poisson load, hardware adapter: burst + 3 bisection probes, 30 s levels, max batch 16; p99 TTFT ≤ 2000 ms, TPOT ≤ 50 ms; window on CPU (--ep cpu)',
      `4. profit.site: Boden, Sweden — Nordic hydro (HIVE archetype) (${defaultSiteFile()}), per MW from this run's figures`,
      '',
    ]);
  });
});
