import { describe, expect, it } from 'vitest';
import { averageRanks, autocorrelation, hamedRaoAr1Factor, kendallS, mannKendall, sensSlope, varianceS } from '../../src/stats/trend.js';

/**
 * pyMannKendall's own test data (github.com/mmhs013/pyMannKendall, MIT licence,
 * tests/data/Monthly Rainfall.csv, column "Bogra", 1981–2010, 7 missing months skipped as
 * pyMannKendall skips them): 353 values. Expected figures are pyMannKendall's published test
 * results (tests/test_pymannkendall.py: test_original_test, test_hamed_rao_modification_test,
 * test_hamed_rao_modification_test_lag3), typed in.
 */
const BOGRA = [
  32, 20, 25, 189, 240, 193, 379, 278, 301, 0, 0, 82, 0, 4, 121, 234, 360, 262, 120, 30, 11, 1, 7, 3, 31,
  31, 355, 102, 248, 274, 308, 5, 26, 11, 16, 6, 48, 388, 539, 431, 272, 404, 186, 0, 2, 0, 4, 1, 54,
  272, 459, 235, 164, 365, 135, 2, 4, 0, 128, 210, 163, 446, 225, 462, 467, 19, 13, 0, 3, 17, 132, 178,
  338, 525, 623, 145, 31, 19, 3, 0, 29, 25, 87, 259, 756, 486, 180, 292, 43, 92, 1, 0, 16, 2, 0, 130,
  253, 594, 111, 273, 30, 0, 4, 0, 27, 24, 41, 292, 378, 499, 265, 320, 227, 4, 0, 4, 14, 8, 48, 416,
  240, 404, 207, 733, 105, 0, 112, 0, 14, 0, 30, 140, 202, 289, 159, 424, 106, 3, 0, 65, 3, 14, 58, 268,
  466, 432, 266, 240, 95, 1, 0, 10, 26, 4, 114, 94, 289, 173, 208, 263, 156, 5, 0, 16, 16, 14, 0, 111,
  475, 534, 432, 471, 117, 70, 1, 3, 28, 7, 401, 184, 283, 338, 171, 335, 176, 0, 0, 10, 11, 9, 140, 102,
  208, 298, 245, 220, 29, 2, 27, 10, 13, 26, 84, 143, 367, 749, 563, 283, 353, 10, 0, 0, 0, 0, 9, 246,
  265, 343, 429, 168, 133, 17, 0, 18, 35, 76, 158, 272, 250, 190, 289, 466, 84, 0, 0, 0, 0, 0, 22, 217,
  299, 185, 115, 344, 203, 8, 0, 5, 284, 123, 254, 476, 496, 326, 27, 20, 0, 4, 53, 72, 113, 214, 364,
  219, 220, 156, 264, 0, 13, 0, 0, 45, 90, 137, 638, 529, 261, 206, 251, 0, 0, 5, 9, 58, 72, 138, 130,
  471, 328, 356, 523, 0, 1, 0, 0, 12, 143, 193, 184, 192, 138, 174, 69, 1, 0, 0, 18, 25, 28, 92, 732,
  320, 256, 302, 131, 15, 0, 27, 0, 22, 20, 213, 393, 474, 374, 109, 159, 0, 0, 0, 3, 3, 49, 205, 128,
  194, 570, 169, 89, 0, 0, 0, 0, 0, 26, 185, 286, 92, 225, 244, 190, 3, 20
];

const close = (got: number, want: number, rel = 1e-12): void => {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));
};

describe('Mann-Kendall and Sen slope against pyMannKendall\'s published results', () => {
  it('the series is the 353 non-missing Bogra months', () => {
    expect(BOGRA.length).toBe(353);
  });
  it('original_test: S -1959, Var(S) 4889800.33 (ties), z -0.88546, p 0.37591, tau, Sen slope', () => {
    const r = mannKendall(BOGRA);
    expect(r.s).toBe(-1959);
    close(r.varS, 4889800.333333333);
    close(r.z, -0.8854562842589916);
    close(r.p, 0.37591058740506833, 1e-9);
    close(r.tau, -0.03153167653875869);
    close(r.slope, -0.0064516129032258064);
  });
  it('hamed_rao_modification_test (all lags): Var(S) 257403.39, z -3.85927, p 1.137e-4', () => {
    const r = mannKendall(BOGRA, { correction: 'hamed-rao' });
    close(r.varS, 257403.38678462413, 1e-9);
    close(r.z, -3.859273515045842, 1e-9);
    close(r.p, 0.00011372459883540742, 1e-6);
  });
  it('hamed_rao_modification_test(lag=3): Var(S) 14226812.43, z -0.51911, p 0.60368', () => {
    const r = mannKendall(BOGRA, { correction: 'hamed-rao', lags: 3 });
    close(r.varS, 14226812.425138814, 1e-9);
    close(r.z, -0.5191093899188985, 1e-9);
    close(r.p, 0.603684460662274, 1e-9);
  });
});

describe('Mann-Kendall pieces by hand', () => {
  it('S and Var(S) with a tie: x = 1, 3, 2, 3, 5', () => {
    // Pairs: (1,3)+ (1,2)+ (1,3)+ (1,5)+ (3,2)- (3,3)0 (3,5)+ (2,3)+ (2,5)+ (3,5)+ → S = 8 − 1 = 7.
    expect(kendallS([1, 3, 2, 3, 5])).toBe(7);
    // (n(n−1)(2n+5) − Σ t(t−1)(2t+5))/18 = (5·4·15 − 2·1·9)/18 = 282/18.
    expect(varianceS([1, 3, 2, 3, 5])).toBeCloseTo(282 / 18, 12);
  });
  it('z with continuity correction and two-sided p: x = 1..10 gives S = 45, Var 125, z = 44/√125', () => {
    const r = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.s).toBe(45);
    expect(r.varS).toBeCloseTo(125, 12); // 10·9·25/18
    expect(r.z).toBeCloseTo(44 / Math.sqrt(125), 12);
    // SciPy: 2 * (1 - norm.cdf(44 / sqrt(125))) = 8.3031e-05.
    expect(r.p).toBeCloseTo(8.30307e-5, 9);
  });
  it("Sen's slope is the median pairwise slope, with positions", () => {
    // Slopes of (0,1),(0,2),(1,2) for x = 0, 2, 3 at t = 0, 1, 3: 2, 1, 0.5 → median 1.
    expect(sensSlope([0, 2, 3], [0, 1, 3])).toBe(1);
    expect(sensSlope([5, 4, 3, 2])).toBe(-1);
  });
  it('average ranks share ties, as scipy.stats.rankdata', () => {
    expect(averageRanks([10, 20, 10, 30])).toEqual([1.5, 3, 1.5, 4]);
  });
  it('autocorrelation is demeaned and divided by the lag-0 sum', () => {
    // x = 1, 2, 3, 4: d = −1.5, −.5, .5, 1.5; c0 = 5; lag 1: (.75 − .25 + .75)/5 = 0.25.
    expect(autocorrelation([1, 2, 3, 4], 1)).toEqual([1, 0.25]);
  });
  it('AR(1) variant: ρ₁ = 1 + 2·r of the differenced ranks, bias-corrected, by hand for n = 7', () => {
    const x = [1, 3, 2, 4, 6, 5, 7]; // ranks = values; differences 2, −1, 2, 2, −1, 2
    const d = [2, -1, 2, 2, -1, 2];
    // mean 1; deviations 1, −2, 1, 1, −2, 1; c0 = 12; c1 = −2 − 2 + 1 − 2 − 2 = −7 → r = −7/12
    expect(autocorrelation(d, 1)[1]).toBeCloseTo(-7 / 12, 12);
    const rd = (6 * (-7 / 12) + 1) / (6 - 4); // Marriott-Pope correction over m = 6 differences: −1.25
    const rho = Math.min(0.95, Math.max(0, 1 + 2 * rd)); // clamped to 0: no inflation
    expect(rho).toBe(0);
    expect(hamedRaoAr1Factor(x)).toEqual({ factor: 1, rho1: 0 });
  });
  it('AR(1) variant: a smooth rise-and-fall is strongly autocorrelated (ρ₁ at its 0.95 cap), NumPy/SciPy reference', () => {
    // Python: r = rankdata(x); d = diff(r); r1 = lag-1 acf of d = 0.76288; corrected (11·r1 + 1)/7 = 1.34167
    // → ρ₁ = min(0.95, 1 + 2·1.34167) = 0.95; 1 + 2/(12·11·10)·Σ_{i=1}^{9} (12−i)(11−i)(10−i)·0.95^i = 4.952121133825621
    const got = hamedRaoAr1Factor([1, 2, 3, 5, 8, 9, 10, 9, 8, 6, 5, 4]);
    expect(got.rho1).toBe(0.95);
    expect(got.factor).toBeCloseTo(4.952121133825621, 10);
  });
});
