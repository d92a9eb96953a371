/**
 * Rank tests for small samples of run values (pure): Mann–Whitney U (unpaired) and Wilcoxon
 * signed-rank (paired), one-sided, exact when there are no ties.
 *
 * They cross-check the t interval (a verdict needs both to agree), as Google Benchmark's
 * `compare.py` and benchstat use U on repetitions/runs. The exact null distributions come from the
 * classic recurrences (Mann & Whitney, Ann. Math. Statist. 18(1), 1947, eq. 2; Wilcoxon 1945):
 *   U:  p(u; m, n) = m/(m+n)·p(u − n; m − 1, n) + n/(m+n)·p(u; m, n − 1)
 *   W+: count of subsets of {1..n} with rank sum w (subset-sum DP).
 * With ties (or sizes beyond the exact tables) they fall back to the normal approximation with the
 * tie-corrected variance and a continuity correction (as SciPy's `method="asymptotic"`).
 */
import { jStat } from './jstat.js';

/** Result of a one-sided rank test. */
export interface RankTest {
  /** The statistic: U = #(b > a) + ½·#(b = a) for Mann–Whitney; W+ for signed-rank. */
  statistic: number;
  /** One-sided p-value of "b tends to be smaller than a" (Mann–Whitney) / "d < 0" (signed-rank). */
  pLess: number;
  /** One-sided p-value of "b tends to be larger" / "d > 0". */
  pGreater: number;
  /** `exact` (no ties, table computed) or `normal` (ties or large sizes). */
  method: 'exact' | 'normal';
}

/** Largest m·n for which the exact U distribution is computed (cost O(m·n·m·n)). */
const EXACT_U_MAX_MN = 2500;
/** Largest n for the exact signed-rank distribution. */
const EXACT_W_MAX_N = 60;

function ranks(x: readonly number[]): { ranks: number[]; tieTerm: number } {
  const idx = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(x.length);
  let tieTerm = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]![1]] = avg;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks: r, tieTerm };
}

const uCache = new Map<string, Float64Array>();

/** P(U = u) for u = 0..m·n under H0 (no ties). */
function uDistribution(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const hit = uCache.get(key);
  if (hit) return hit;
  // prev[k][u] over k = 0..m for the current n, built column by column in n.
  let cols: Float64Array[] = [];
  for (let k = 0; k <= m; k++) cols.push(Float64Array.of(1)); // n = 0: U = 0 surely
  for (let nn = 1; nn <= n; nn++) {
    const next: Float64Array[] = [Float64Array.of(1)]; // k = 0: U = 0 surely
    for (let k = 1; k <= m; k++) {
      const d = new Float64Array(k * nn + 1);
      const a = cols[k]!; // p(·; k, nn − 1)
      const b = next[k - 1]!; // p(·; k − 1, nn)
      const wa = nn / (k + nn);
      const wb = k / (k + nn);
      for (let u = 0; u < d.length; u++) {
        const pa = u < a.length ? a[u]! : 0;
        const pb = u - nn >= 0 && u - nn < b.length ? b[u - nn]! : 0;
        d[u] = wa * pa + wb * pb;
      }
      next.push(d);
    }
    cols = next;
  }
  const out = cols[m]!;
  uCache.set(key, out);
  return out;
}

/** P(S ≤ s) and P(S ≥ s) from the exact null distribution of an integer statistic S. */
function exactTails(dist: Float64Array, s: number): { pLess: number; pGreater: number } {
  const k0 = Math.round(s);
  let cdf = 0;
  for (let k = 0; k <= k0; k++) cdf += dist[k]!;
  let sf = 0;
  for (let k = k0; k < dist.length; k++) sf += dist[k]!;
  return { pLess: Math.min(1, cdf), pGreater: Math.min(1, sf) };
}

function normalTail(z: number): number {
  return 1 - jStat.normal.cdf(z, 0, 1);
}

/**
 * Mann–Whitney U test of `b` against `a` (each ≥ 1 finite value). U counts pairs with b > a
 * (ties ½), so a small U means b tends to be smaller.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): RankTest {
  const m = a.length;
  const n = b.length;
  if (m < 1 || n < 1) throw new RangeError(`Mann–Whitney U needs ≥ 1 value per side, got ${m} and ${n}`);
  for (const v of [...a, ...b]) if (!Number.isFinite(v)) throw new RangeError(`non-finite value ${v}`);
  const { ranks: r, tieTerm } = ranks([...a, ...b]);
  let rb = 0;
  for (let i = m; i < m + n; i++) rb += r[i]!;
  const u = rb - (n * (n + 1)) / 2;
  if (tieTerm === 0 && m * n <= EXACT_U_MAX_MN) {
    return { statistic: u, ...exactTails(uDistribution(m, n), u), method: 'exact' };
  }
  const N = m + n;
  const mu = (m * n) / 2;
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  if (sigma === 0) return { statistic: u, pLess: 1, pGreater: 1, method: 'normal' };
  return {
    statistic: u,
    pLess: 1 - normalTail((u + 0.5 - mu) / sigma),
    pGreater: normalTail((u - 0.5 - mu) / sigma),
    method: 'normal',
  };
}

const wCache = new Map<number, Float64Array>();

/** P(W+ = w) for w = 0..n(n+1)/2 under H0. */
function wDistribution(n: number): Float64Array {
  const hit = wCache.get(n);
  if (hit) return hit;
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) for (let w = max; w >= k; w--) counts[w]! += counts[w - k]!;
  const total = 2 ** n;
  for (let w = 0; w <= max; w++) counts[w] = counts[w]! / total;
  wCache.set(n, counts);
  return counts;
}

/**
 * Wilcoxon signed-rank test of paired differences `d` (zeros dropped, Wilcoxon's convention).
 * W+ is the rank sum of the positive differences, so a small W+ means d tends to be negative.
 */
export function signedRankTest(d: readonly number[]): RankTest {
  for (const v of d) if (!Number.isFinite(v)) throw new RangeError(`non-finite difference ${v}`);
  const nz = d.filter((v) => v !== 0);
  const n = nz.length;
  if (n === 0) return { statistic: 0, pLess: 1, pGreater: 1, method: 'exact' };
  const { ranks: r, tieTerm } = ranks(nz.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (nz[i]! > 0) wPlus += r[i]!;
  if (tieTerm === 0 && n <= EXACT_W_MAX_N) {
    return { statistic: wPlus, ...exactTails(wDistribution(n), wPlus), method: 'exact' };
  }
  const mu = (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sigma === 0) return { statistic: wPlus, pLess: 1, pGreater: 1, method: 'normal' };
  return {
    statistic: wPlus,
    pLess: 1 - normalTail((wPlus + 0.5 - mu) / sigma),
    pGreater: normalTail((wPlus - 0.5 - mu) / sigma),
    method: 'normal',
  };
}
