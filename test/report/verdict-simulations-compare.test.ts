// `compare` on simulated unpaired runs (bench/verdict-simulations.ts: runs of 40 AR(1) slices,
// 5,000 trials per scenario, seeded) through the real verdict: the committed rates (the README's)
// hold, identical code stays under 1 % false FASTER/SLOWER at 2 % run noise with 5 and 8 runs a
// side, and a true 10 % slowdown at 5 % run noise is SLOWER ≥ 90 % with 5 runs a side. One run a side
// is not simulated: its verdict is UNKNOWN by rule (test/report/compare-verdicts.test.ts).
import { describe, expect, it } from 'vitest';
import { COMPARE_SCENARIOS, GROSS_NULL, simulateCompare, simulateGrossNull, wilsonInterval } from '../../bench/verdict-simulations.js';
import { committed, expectConsistent, LEVEL } from '../fixtures/verdict-sims.js';

describe('compare on simulated runs (5,000 trials a scenario)', () => {
  const file = committed();
  for (const s of COMPARE_SCENARIOS) {
    it(`${s.name}: the committed rates hold`, () => {
      const was = file.compare.find((c) => c.seed === s.seed)!;
      expect(was).toMatchObject({ runs: s.runs, runSd: s.runSd, ratio: s.ratio, trials: s.trials });
      const now = simulateCompare(s);
      console.log(`[sim] ${s.name}: ${JSON.stringify(now)} of ${s.trials} (seed ${s.seed})`);
      for (const v of ['SLOWER', 'FASTER', 'SAME', 'UNKNOWN'] as const) expectConsistent(`${s.name} ${v}`, was.counts[v], now[v], s.trials);
      const [, falseHi] = wilsonInterval(now.SLOWER + now.FASTER, s.trials, LEVEL);
      const [slowerLo] = wilsonInterval(now.SLOWER, s.trials, LEVEL);
      if (s.ratio === 1) expect(falseHi, 'false FASTER/SLOWER, 99 % upper bound').toBeLessThan(0.01);
      else {
        expect(now.FASTER).toBe(0);
        expect(slowerLo, 'SLOWER, 99 % lower bound').toBeGreaterThanOrEqual(s.runs === 5 ? 0.89 : 0.98);
      }
    });
  }
  it('normal noise alone makes a gross deviation (robust z > 8 at 8 rounds) as rarely as committed', () => {
    const now = simulateGrossNull(GROSS_NULL);
    expect(file.gross).toMatchObject(GROSS_NULL);
    expectConsistent('gross below the median', file.gross.low, now.low, GROSS_NULL.samples);
    expectConsistent('gross above the median', file.gross.high, now.high, GROSS_NULL.samples);
    expect(wilsonInterval(now.low, GROSS_NULL.samples, LEVEL)[1]).toBeLessThan(0.002);
  });
});
