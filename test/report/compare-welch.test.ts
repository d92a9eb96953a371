import { describe, expect, it } from 'vitest';
import { compareRuns, welchTTest } from '../../src/stats/compare.js';

// Wikipedia "Welch's t-test" examples; references from SciPy 1.17.1
// scipy.stats.ttest_ind(a, b, equal_var=False) → (statistic, pvalue, df).
const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
const B1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const B2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];

describe("Welch's t-test", () => {
  it('matches SciPy on equal sizes (t of mean(b) − mean(a))', () => {
    // scipy tests a − b: t = −2.455356398286006, p = 0.021378001462866992, df = 24.988529290231416
    const w = welchTTest(A1, A2);
    expect(w.t).toBeCloseTo(2.455356398286006, 10);
    expect(w.dof).toBeCloseTo(24.988529290231416, 9);
    expect(w.pValue).toBeCloseTo(0.021378001462866992, 8);
  });
  it('matches SciPy on unequal sizes and variances', () => {
    // scipy: t = −1.5654335235985037, p = 0.14884169660532817, df = 9.904741248650831
    const w = welchTTest(B1, B2);
    expect(w.t).toBeCloseTo(1.5654335235985037, 10);
    expect(w.dof).toBeCloseTo(9.904741248650831, 9);
    expect(w.pValue).toBeCloseTo(0.14884169660532817, 8);
  });
  it('handles zero variance on both sides exactly', () => {
    expect(welchTTest([5, 5, 5], [5, 5, 5]).pValue).toBe(1);
    expect(welchTTest([5, 5, 5], [6, 6, 6]).pValue).toBe(0);
  });
  it('rejects fewer than two samples', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(RangeError);
  });
});

describe('ratio of geometric means with its interval', () => {
  it('unpaired: matches SciPy Welch on log values (90 % CI)', () => {
    // a = [101.2, 99.1, 100.4, 98.7, 100.9, 99.8], b = [95.3, 96.8, 94.1, 95.9, 97.2]:
    // r = ttest_ind(log b, log a, equal_var=False); ci = r.confidence_interval(0.90); exp(·) − 1
    // → [−0.05419182187175442, −0.028807940041451263], estimate −0.041583914553802614;
    // mannwhitneyu(b, a, alternative='less', method='exact').pvalue = 0.0021645021645021645
    const r = compareRuns({ values: [101.2, 99.1, 100.4, 98.7, 100.9, 99.8] }, { values: [95.3, 96.8, 94.1, 95.9, 97.2] }, true);
    expect(r.method).toBe('welch-log');
    expect(r.relChange!).toBeCloseTo(-0.041583914553802614, 12);
    expect(r.ciLow!).toBeCloseTo(-0.05419182187175442, 8);
    expect(r.ciHigh!).toBeCloseTo(-0.028807940041451263, 8);
    expect(r.rankPValue!).toBeCloseTo(0.0021645021645021645, 12);
    expect(r.verdict).toBe('SLOWER');
  });
  it('paired by round: matches SciPy one-sample t on the log ratios and the exact signed-rank', () => {
    // d = log(b) − log(a); ttest_1samp(d, 0).confidence_interval(0.90) → exp − 1:
    // [−0.031132021358273754, −0.022844749160748634], estimate −0.026997208277502183; wilcoxon(d, 'less') = 0.015625
    const r = compareRuns({ values: [100.0, 102.0, 98.0, 101.0, 99.5, 100.7] }, { values: [97.1, 99.9, 95.2, 98.8, 96.1, 97.9] }, true, { paired: true });
    expect(r.method).toBe('paired-log');
    expect(r.relChange!).toBeCloseTo(-0.026997208277502183, 12);
    expect(r.ciLow!).toBeCloseTo(-0.031132021358273754, 8);
    expect(r.ciHigh!).toBeCloseTo(-0.022844749160748634, 8);
    expect(r.rankPValue!).toBe(0.015625);
  });
});
