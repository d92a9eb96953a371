// The power `ab --detect` sizes rounds with (src/stats/sample-size.ts: noncentral t × noise
// threshold) against what the real paired verdict does: Monte Carlo through compareRuns on
// interleaved rounds with normal per-round log ratios (seeded). The formula is the prediction; the
// simulated SLOWER rate is the independent measurement.
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/stats/compare.js';
import { pairedPower, regressionLog, roundsToDetect } from '../../src/stats/sample-size.js';
import { seededNormal, seededRandom } from '../helpers.js';

const TRIALS = 2000;

/** SLOWER rate of the paired verdict: n rounds, a true relative regression `rel`, log-ratio sd `sd`. */
function simulatedPower(seed: number, n: number, sd: number, rel: number, alpha: number, higherIsBetter: boolean): number {
  const rnd = seededRandom(seed);
  const dLog = higherIsBetter ? Math.log1p(-rel) : Math.log1p(rel);
  let slower = 0;
  for (let t = 0; t < TRIALS; t++) {
    // Each round has its own machine state (shared by both runs of the round) and its own ratio noise.
    const base = Array.from({ length: n }, () => 1e7 * Math.exp(0.2 * seededNormal(rnd)));
    const cand = base.map((b) => b * Math.exp(dLog + sd * seededNormal(rnd)));
    if (compareRuns({ values: base }, { values: cand }, higherIsBetter, { alpha, paired: true }).verdict === 'SLOWER') slower++;
  }
  return slower / TRIALS;
}

describe('paired power (what --detect sizes rounds with)', () => {
  it('predicts the simulated SLOWER rate of the real verdict within 3 points', () => {
    const cases = [
      { n: 8, sd: 0.2, rel: 0.2, alpha: 0.01, higherIsBetter: true },
      { n: 12, sd: 0.25, rel: 0.2, alpha: 0.05, higherIsBetter: true },
      { n: 6, sd: 0.08, rel: 0.1, alpha: 0.05, higherIsBetter: false },
      { n: 20, sd: 0.3, rel: 0.15, alpha: 0.01, higherIsBetter: true },
    ];
    cases.forEach((c, i) => {
      const predicted = pairedPower(c.n, { spreadLog: c.sd, detectRel: c.rel, higherIsBetter: c.higherIsBetter, alpha: c.alpha, noiseThreshold: 0.035 });
      const seen = simulatedPower(2100 + i, c.n, c.sd, c.rel, c.alpha, c.higherIsBetter);
      console.log(`[power] n ${c.n}, sd ${c.sd}, −${c.rel * 100} %, alpha ${c.alpha}: predicted ${(predicted * 100).toFixed(1)} %, simulated ${(seen * 100).toFixed(1)} % (${TRIALS} trials)`);
      expect(predicted, JSON.stringify(c)).toBeGreaterThan(0.2);
      expect(predicted, JSON.stringify(c)).toBeLessThan(0.98);
      expect(Math.abs(predicted - seen), JSON.stringify(c)).toBeLessThan(0.03);
    });
  });

  it('sizes by hand-checked cases: no noise needs the floor, a size inside the threshold is refused', () => {
    const p = { detectRel: 0.2, higherIsBetter: true, alpha: 0.01, noiseThreshold: 0.035, power: 0.9, minRounds: 5, maxRounds: 40 };
    expect(roundsToDetect({ ...p, spreadLog: 0 })).toEqual({ rounds: 5, power: 1, capped: false });
    // A 20 % slowdown is log(1/0.8) = 0.2231; a 20 % rise in a lower-is-better figure is log 1.2 = 0.1823.
    expect(regressionLog(0.2, true)).toBeCloseTo(0.22314, 5);
    expect(regressionLog(0.2, false)).toBeCloseTo(0.18232, 5);
    // Normal approximation n ≈ ((z_.99 + z_.9)·σ/δ)² = ((2.326 + 1.282)·0.3/0.2231)² = 23.5; the t
    // distribution's heavier tails at ~23 df need a round or two more.
    const r = roundsToDetect({ ...p, spreadLog: 0.3 });
    expect(r.capped).toBe(false);
    expect(r.rounds).toBeGreaterThanOrEqual(24);
    expect(r.rounds).toBeLessThanOrEqual(27);
    expect(r.power).toBeGreaterThanOrEqual(0.9);
    expect(roundsToDetect({ ...p, spreadLog: 0.3, maxRounds: 12 })).toMatchObject({ rounds: 12, capped: true });
    expect(() => roundsToDetect({ ...p, spreadLog: 0.1, detectRel: 0.03 })).toThrow(/within the 3\.5 % noise threshold/);
  });
});
