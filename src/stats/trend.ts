/**
 * Monotonic trend in a series (pure): the Mann–Kendall test with Hamed & Rao's variance correction
 * for serial correlation, and Sen's slope.
 *
 * - Mann–Kendall: S = Σ_{i<j} sign(x_j − x_i); under "no trend" S has mean 0 and variance
 *   (n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)) / 18 over tie groups t; Z = (S ∓ 1)/√Var(S) (continuity
 *   correction), two-sided normal p (Mann, Econometrica 13, 1945; Kendall, "Rank Correlation
 *   Methods", 1975; Gilbert, "Statistical Methods for Environmental Pollution Monitoring", 1987).
 * - Consecutive slices of one run are positively autocorrelated, and positive autocorrelation makes
 *   the plain test see trends that are not there. Hamed & Rao ("A modified Mann-Kendall trend test
 *   for autocorrelated data", J. Hydrology 204, 1998) multiply Var(S) by
 *   n/n* = 1 + 2/(n(n−1)(n−2)) · Σ_i (n−i)(n−i−1)(n−i−2) ρ_i, over the lags i whose rank
 *   autocorrelation ρ_i of the detrended series (x_t − t·slope, Sen's slope) is significant at α
 *   (|ρ_i| > z_{1−α/2}/√n).
 *   With few values, lags significant by chance (positive or negative) swing that sum, so a
 *   short series gets the 'hamed-rao-ar1' variant: the same factor with an AR(1) model's
 *   correlations ρ_i = ρ₁^i at every lag. ρ₁ comes from the first differences of the ranks: for a
 *   stationary AR(1), corr(Δx_t, Δx_{t−1}) = −(1 − ρ₁)/2, so ρ₁ = 1 + 2·r_Δ. Differencing removes
 *   a slow trend whatever its shape, where detrending by one straight line leaves a ramp that
 *   levels off looking like strong autocorrelation (which then hides the ramp). r_Δ is corrected
 *   for its small-sample bias as Marriott & Pope (Biometrika 41, 1954) correct a lag-1
 *   autocorrelation, E[r] ≈ ρ − (1 + 4ρ)/m over m values, and ρ₁ is kept in [0, 0.95] (the
 *   correction only ever widens the variance). False-alarm and power figures of this variant on
 *   simulated AR(1) series are in test/stats/steady-state.test.ts.
 * - Sen's slope: the median of (x_j − x_i)/(t_j − t_i) over all pairs (Sen, JASA 63, 1968).
 *
 * Computed exactly as pyMannKendall 1.x computes them (original_test, hamed_rao_modification_test,
 * sens_slope; github.com/mmhs013/pyMannKendall), whose published test results on its monthly
 * rainfall series are the reference in test/stats/trend.test.ts.
 */
import { jStat } from './jstat.js';

/** A Mann–Kendall result. */
export interface MannKendall {
  n: number;
  /** Kendall's S. */
  s: number;
  /** Var(S), after the autocorrelation correction when one was asked for. */
  varS: number;
  /** Var(S) of the plain test (ties accounted for). */
  varSPlain: number;
  /** Variance inflation n/n* applied (1 for the plain test). */
  varianceFactor: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
  /** Kendall's tau = S / (n(n−1)/2). */
  tau: number;
  /** Sen's slope per index step. */
  slope: number;
}

/** Kendall's S: Σ_{i<j} sign(x_j − x_i). */
export function kendallS(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) for (let j = i + 1; j < x.length; j++) s += Math.sign(x[j]! - x[i]!);
  return s;
}

/** Var(S) under no trend, with the tie correction. */
export function varianceS(x: readonly number[]): number {
  const n = x.length;
  const counts = new Map<number, number>();
  for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) ties += t * (t - 1) * (2 * t + 5);
  return (n * (n - 1) * (2 * n + 5) - ties) / 18;
}

/** Median of a non-empty array (copies). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sen's slope: median pairwise slope; `t` gives the positions (default 0, 1, 2, ...). */
export function sensSlope(x: readonly number[], t?: readonly number[]): number {
  if (x.length < 2) throw new RangeError(`Sen's slope needs ≥ 2 values, got ${x.length}`);
  if (t && t.length !== x.length) throw new RangeError(`Sen's slope: ${t.length} positions for ${x.length} values`);
  const d: number[] = [];
  for (let i = 0; i < x.length - 1; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dt = t ? t[j]! - t[i]! : j - i;
      if (dt !== 0) d.push((x[j]! - x[i]!) / dt);
    }
  }
  return median(d);
}

/** Average ranks (1-based; ties share their mean rank), as scipy.stats.rankdata. */
export function averageRanks(x: readonly number[]): number[] {
  const idx = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Sample autocorrelation at lags 0..maxLag (demeaned, divided by the lag-0 sum: statsmodels' acf default). */
export function autocorrelation(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const d = x.map((v) => v - m);
  const c0 = d.reduce((a, v) => a + v * v, 0);
  const out: number[] = [];
  for (let k = 0; k <= maxLag; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += d[t]! * d[t + k]!;
    out.push(c0 === 0 ? (k === 0 ? 1 : 0) : c / c0);
  }
  return out;
}

/** Hamed & Rao's n/n* from the detrended series' rank autocorrelations at lags 1..lags (significant ones only). */
export function hamedRaoFactor(x: readonly number[], slope: number, lags: number, alpha: number): number {
  const n = x.length;
  const ranks = averageRanks(x.map((v, i) => v - (i + 1) * slope));
  const rho = autocorrelation(ranks, lags);
  const bound = jStat.normal.inv(1 - alpha / 2, 0, 1) / Math.sqrt(n);
  let sum = 0;
  for (let i = 1; i <= lags; i++) {
    if (Math.abs(rho[i]!) > bound) sum += (n - i) * (n - i - 1) * (n - i - 2) * rho[i]!;
  }
  return 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
}

/** Largest lag-1 correlation the AR(1) variant uses (beyond it the factor explodes on noise). */
export const AR1_RHO_MAX = 0.95;

/** The AR(1) variant's factor: Hamed & Rao's sum with ρ_i = ρ₁^i, ρ₁ from the differenced ranks (see the module note). */
export function hamedRaoAr1Factor(x: readonly number[]): { factor: number; rho1: number } {
  const n = x.length;
  const ranks = averageRanks(x);
  const diffs = ranks.slice(1).map((r, i) => r - ranks[i]!);
  const m = diffs.length;
  // Equal differences (a strictly monotone series: ranks 1..n) carry no serial correlation to
  // estimate; count them as uncorrelated (r_Δ = −1/2 ⇔ ρ₁ = 0), as too few differences are.
  const flat = diffs.every((d) => d === diffs[0]);
  const rd = m > 4 && !flat ? (m * autocorrelation(diffs, 1)[1]! + 1) / (m - 4) : -0.5;
  const rho1 = Math.min(AR1_RHO_MAX, Math.max(0, 1 + 2 * rd));
  let sum = 0;
  for (let i = 1, r = rho1; i <= n - 3 && r > 1e-12; i++, r *= rho1) sum += (n - i) * (n - i - 1) * (n - i - 2) * r;
  return { factor: 1 + (2 / (n * (n - 1) * (n - 2))) * sum, rho1 };
}

/** Which variance correction for serial correlation (see the module note). */
export type MkCorrection = 'none' | 'hamed-rao' | 'hamed-rao-ar1';

/**
 * Mann–Kendall test of `x` (in time order). `correction: 'hamed-rao'` applies the
 * autocorrelation correction over lags 1..`lags` (default n − 1, all) at level `alpha` (0.05);
 * 'hamed-rao-ar1' the AR(1) variant.
 */
export function mannKendall(
  x: readonly number[],
  opts: { correction?: MkCorrection; lags?: number; alpha?: number } = {},
): MannKendall {
  const n = x.length;
  if (n < 3) throw new RangeError(`Mann-Kendall needs ≥ 3 values, got ${n}`);
  for (const v of x) if (!Number.isFinite(v)) throw new RangeError(`Mann-Kendall: non-finite value ${v}`);
  const s = kendallS(x);
  const varSPlain = varianceS(x);
  const slope = sensSlope(x);
  const lags = Math.min(n - 1, opts.lags ?? n - 1);
  const varianceFactor =
    opts.correction === 'hamed-rao' ? hamedRaoFactor(x, slope, lags, opts.alpha ?? 0.05)
    : opts.correction === 'hamed-rao-ar1' ? hamedRaoAr1Factor(x).factor
    : 1;
  const varS = varSPlain * varianceFactor;
  const z = s === 0 || !(varS > 0) ? 0 : (s - Math.sign(s)) / Math.sqrt(varS);
  const p = 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1));
  return { n, s, varS, varSPlain, varianceFactor, z, p, tau: s / ((n * (n - 1)) / 2), slope };
}
