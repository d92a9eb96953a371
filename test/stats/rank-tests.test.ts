import { describe, expect, it } from 'vitest';
import { mannWhitneyU, signedRankTest } from '../../src/stats/rank-tests.js';

// References: SciPy 1.17.1, scipy.stats.mannwhitneyu(x, y, method=..., alternative=...) where x is
// our `b` (its U counts x > y) and scipy.stats.wilcoxon(d, method=..., alternative=...).
describe('Mann–Whitney U', () => {
  it('complete separation, 5 vs 5: U = 0, one-sided p = 1/252 (exact)', () => {
    const r = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.statistic).toBe(0);
    expect(r.method).toBe('exact');
    expect(r.pLess).toBeCloseTo(0.003968253968253968, 14);
    expect(r.pGreater).toBeCloseTo(1, 12);
  });
  it('matches SciPy exact on unequal sizes', () => {
    // mannwhitneyu([1.1,2.5,3.2,4.8,5.0,7.7], [6.1,0.7,8.3,9.9]): U = 7, less 0.17619…, greater 0.87142…
    const r = mannWhitneyU([6.1, 0.7, 8.3, 9.9], [1.1, 2.5, 3.2, 4.8, 5.0, 7.7]);
    expect(r.statistic).toBe(7);
    expect(r.pLess).toBeCloseTo(0.17619047619047618, 12);
    expect(r.pGreater).toBeCloseTo(0.8714285714285714, 12);
  });
  it('with ties uses the tie-corrected normal approximation (SciPy asymptotic, continuity)', () => {
    // mannwhitneyu([1,2,2,3,4], [2,3,5,6,6,7], method='asymptotic', alternative='greater'): U = 4.5, p = 0.9791386449652283
    const r = mannWhitneyU([2, 3, 5, 6, 6, 7], [1, 2, 2, 3, 4]);
    expect(r.method).toBe('normal');
    expect(r.statistic).toBe(4.5);
    expect(r.pGreater).toBeCloseTo(0.9791386449652283, 10);
  });
  it('reproduces the published critical values: two-sided α .05 rejects at U ≤ c for n = 4…10', () => {
    // ci-statistics table (SciPy): c = 0, 2, 5, 8, 13, 17, 23 for balanced n = 4..10.
    const crit = [0, 2, 5, 8, 13, 17, 23];
    crit.forEach((c, k) => {
      const n = 4 + k;
      // Construct samples with exactly U = c and U = c + 1 (b below a except c (or c+1) pairs).
      const withU = (u: number) => {
        const a = Array.from({ length: n }, (_, i) => 100 + i);
        const b = Array.from({ length: n }, (_, i) => 50 + i);
        // Move b's largest value above the u smallest values of a: U = u (u ≤ n).
        if (u > n) throw new Error('u > n');
        b[n - 1] = u === 0 ? b[n - 1]! : 100 + u - 0.5;
        return mannWhitneyU(a, b);
      };
      if (c <= n - 1) {
        expect(2 * withU(c).pLess, `n = ${n}`).toBeLessThanOrEqual(0.05);
        expect(2 * withU(c + 1).pLess, `n = ${n}`).toBeGreaterThan(0.05);
      }
    });
  });
});

describe('Wilcoxon signed-rank', () => {
  it('matches SciPy exact', () => {
    // wilcoxon([0.3,-0.1,0.5,0.7,0.2,-0.4,0.9]): W+ = 23, greater 0.078125, less 0.9453125
    const r = signedRankTest([0.3, -0.1, 0.5, 0.7, 0.2, -0.4, 0.9]);
    expect(r.statistic).toBe(23);
    expect(r.pGreater).toBeCloseTo(0.078125, 14);
    expect(r.pLess).toBeCloseTo(0.9453125, 14);
  });
  it('5 negative pairs: one-sided p = 1/32', () => {
    expect(signedRankTest([-1, -2, -3, -4, -5]).pLess).toBe(1 / 32);
  });
  it('with tied |d| falls back to the normal approximation', () => {
    const r = signedRankTest([1, -1, 2, 2, 3, -3, 4, 5]);
    expect(r.method).toBe('normal');
    // SciPy wilcoxon(..., method='approx', correction=True, alternative='greater') = 0.0700082515985845
    expect(r.pGreater).toBeCloseTo(0.0700082515985845, 3);
  });
});
