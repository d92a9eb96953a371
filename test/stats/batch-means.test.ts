import { describe, expect, it } from 'vitest';
import { batchCount, batchMeansCi, lag1Autocorrelation } from '../../src/stats/batch-means.js';
import { summarize } from '../../src/stats/summary.js';
import { ar1, seededRandom } from '../helpers.js';

describe('batch means interval', () => {
  it('matches a hand computation: 1..9 in 3 batches → means 2, 5, 8; half-width t(0.975, 2)·3/√3', () => {
    const ci = batchMeansCi([1, 2, 3, 4, 5, 6, 7, 8, 9])!;
    expect(ci.batches).toBe(3);
    expect(ci.batchMeans).toEqual([2, 5, 8]);
    expect(ci.mean).toBe(5);
    // SciPy: stats.t.ppf(0.975, 2) * std([2, 5, 8], ddof=1) / sqrt(3) = 7.452413135250991
    expect(ci.halfWidth).toBeCloseTo(7.452413135250991, 7);
  });
  it('weights by duration: a batch of rates is its total work over its total time', () => {
    // Two slices of 100 units each: 100 units in 1 s (100/s) and 100 units in 4 s (25/s) → 200/5 = 40/s.
    const ci = batchMeansCi([100, 25, 100, 25], { weights: [1, 4, 1, 4], batches: 2 })!;
    expect(ci.batchMeans).toEqual([40, 40]);
    expect(ci.mean).toBe(40);
  });
  it('needs 4 samples', () => {
    expect(batchMeansCi([1, 2, 3])).toBeNull();
    expect(batchCount(100)).toBe(10);
    expect(batchCount(5000)).toBe(30);
  });
  it('covers the true mean of autocorrelated slices (AR(1), r = 0.6) at ≈ 95 %, where the i.i.d. interval does not', () => {
    const seed = 20260210;
    const rnd = seededRandom(seed);
    let bm = 0;
    let iid = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const x = ar1(100, 1000, 0.6, 10, rnd);
      const ci = batchMeansCi(x)!;
      if (ci.low <= 1000 && 1000 <= ci.high) bm++;
      const s = summarize(x);
      if (s.ci95Low <= 1000 && 1000 <= s.ci95High) iid++;
    }
    // Expected i.i.d. coverage with r = 0.6: the variance of the mean is ≈ (1+r)/(1−r) = 4× the
    // i.i.d. one, so the interval covers ≈ P(|Z| < 1.96/2) ≈ 67 %.
    expect(bm / trials, `seed ${seed}`).toBeGreaterThan(0.9);
    expect(bm / trials, `seed ${seed}`).toBeLessThan(0.985);
    expect(iid / trials, `seed ${seed}`).toBeLessThan(0.8);
  });
  it('lag-1 autocorrelation of an AR(1) series is near φ', () => {
    expect(lag1Autocorrelation(ar1(20000, 0, 0.6, 1, seededRandom(7)))).toBeCloseTo(0.6, 1);
    expect(lag1Autocorrelation([1, 1, 1])).toBe(0);
  });
});
