import { describe, expect, it } from 'vitest';
import { relativeChangeCi, welchTTest } from '../src/stats/compare.js';

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

describe("Fieller's CI of the relative change", () => {
  it('matches a brute-force inversion of the Welch test statistic', () => {
    // Reference: NumPy grid over ρ ∈ [0.9, 1.3] step 1e-7 keeping |m_b − ρ·m_a| / √(v_b + ρ²·v_a) ≤ t(0.975, df),
    // df from Welch–Satterthwaite: ρ ∈ [1.0158404, 1.2036848]; point estimate m_b/m_a − 1 = 0.10406660262568046.
    const ci = relativeChangeCi(welchTTest(A1, A2));
    expect(ci.estimate).toBeCloseTo(0.10406660262568046, 12);
    expect(ci.low!).toBeCloseTo(0.0158404, 6);
    expect(ci.high!).toBeCloseTo(0.2036848, 6);
  });
  it('is unbounded when the baseline mean is not clearly above zero', () => {
    const ci = relativeChangeCi(welchTTest([-1, 1, -2, 2, 0.5], [10, 11, 12, 9, 10]));
    expect(ci.low).toBeNull();
    expect(ci.high).toBeNull();
  });
});
