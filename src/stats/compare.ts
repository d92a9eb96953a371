/**
 * Run-level regression verdicts (pure): SAME / FASTER / SLOWER / UNKNOWN per metric, from one
 * headline value per independent run (its own process). Within-run samples share their run's
 * clocks, heat and load, so they never count as replicates (Georges et al., OOPSLA 2007; Kalibera &
 * Jones, "Rigorous benchmarking in reasonable time", ISMM 2013).
 *
 * Method (per metric):
 *  - log of each run's value; the estimate is the ratio of geometric means (candidate / baseline).
 *    Its confidence interval is Welch's on the mean log difference (unpaired), or Student's on the
 *    per-round log ratios when the runs were interleaved in rounds (paired).
 *  - the interval is two-sided at 1 − 2α (90 % at α = 0.05): each bound is a one-sided test at α.
 *  - a rank test cross-checks it: exact Mann–Whitney U (unpaired; as Google Benchmark's
 *    `compare.py`) or Wilcoxon signed-rank (paired), one-sided in the direction of the estimate.
 *  - verdict, first match wins (size beyond significance, as asv (`--factor` and p) and
 *    pyperformance gate; SAME is a TOST equivalence test, Lakens 2017):
 *      UNKNOWN  fewer than 2 runs a side (or 1 against many)
 *      SLOWER/FASTER  the interval excludes no change (one-sided t test at α, Holm-adjusted
 *               across the gated metrics by the caller, see `applyHolm`), the estimated change is
 *               beyond the noise threshold τ (default 3.5 %), and ≥ minRuns (5) runs a side. The
 *               rank test is reported next to it; when it disagrees the reason says so.
 *      SAME     the whole interval within ±tolerance Δ (default 5 %)
 *      UNKNOWN  otherwise, with how many runs a side would likely settle it.
 *    Why τ on the estimate rather than "the whole interval beyond a floor": with 5 runs a side the
 *    interval is wide, and requiring it to clear even a 1 % floor (or the rank test to agree) cost
 *    a 10 % slowdown at 5 % run noise its detection (84 % instead of ≥ 90 %, simulated), while a
 *    threshold on the estimate keeps identical code at 2 % run noise below 1 % false verdicts.
 *  - one run a side: the within-run samples only through batch means (src/stats/batch-means.ts),
 *    which respects their autocorrelation; that interval lacks run-to-run variation, so it is shown
 *    and the verdict stays UNKNOWN ("need ≥ 5 runs a side").
 */
import { batchMeansCi } from './batch-means.js';
import { labelOutliers } from './outliers.js';
import { mannWhitneyU, signedRankTest } from './rank-tests.js';
import { mean as ssMean, sampleVariance } from 'simple-statistics';
import { jStat } from './jstat.js';

/** Verdict for one metric. FASTER/SLOWER mean better/worse, whatever the metric's direction. */
export type Verdict = 'SAME' | 'FASTER' | 'SLOWER' | 'UNKNOWN';

/** Result of Welch's unequal-variance t-test of mean(b) − mean(a). */
export interface WelchResult {
  /** t statistic of mean(b) − mean(a). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  dof: number;
  /** Two-sided p-value. */
  pValue: number;
  meanA: number;
  meanB: number;
  /** Squared standard errors of the means, s²/n. */
  varMeanA: number;
  varMeanB: number;
}

function meanVar(x: readonly number[]): { n: number; mean: number; variance: number } {
  return { n: x.length, mean: ssMean(x as number[]), variance: x.length > 1 ? sampleVariance(x as number[]) : 0 };
}

/**
 * Welch's t-test (two-sided) of b against a. Needs ≥ 2 finite samples on each side.
 * Two zero-variance samples: p = 1 when the means are equal, 0 otherwise (the difference is exact).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  if (a.length < 2 || b.length < 2) throw new RangeError(`Welch's t-test needs ≥ 2 samples per side, got ${a.length} and ${b.length}`);
  for (const v of [...a, ...b]) if (!Number.isFinite(v)) throw new RangeError(`non-finite sample ${v}`);
  const A = meanVar(a);
  const B = meanVar(b);
  const va = A.variance / A.n;
  const vb = B.variance / B.n;
  const se2 = va + vb;
  const diff = B.mean - A.mean;
  if (se2 === 0) {
    const t = diff === 0 ? 0 : Math.sign(diff) * Infinity;
    return { t, dof: A.n + B.n - 2, pValue: diff === 0 ? 1 : 0, meanA: A.mean, meanB: B.mean, varMeanA: va, varMeanB: vb };
  }
  const t = diff / Math.sqrt(se2);
  const dof = (se2 * se2) / ((va * va) / (A.n - 1) + (vb * vb) / (B.n - 1));
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), dof)));
  return { t, dof, pValue, meanA: A.mean, meanB: B.mean, varMeanA: va, varMeanB: vb };
}

/** Options of the run-level comparison. */
export interface CompareOptions {
  /** Noise threshold τ: a significant change must also be estimated beyond ±τ to be FASTER/SLOWER (0.03 = 3 %). */
  noiseThreshold?: number;
  /** Equivalence band Δ: SAME needs the whole interval inside ±Δ (0.05 = 5 %). */
  tolerance?: number;
  /** One-sided error rate per direction; the interval is two-sided at 1 − 2α. */
  alpha?: number;
  /** Fewest runs a side for FASTER/SLOWER. */
  minRuns?: number;
}

/**
 * A run is set aside as disturbed when the modified z-score (Iglewicz & Hoaglin 1993) of its log
 * value among its side's runs (of its round's log ratio, when paired) exceeds this. Far above the
 * 3.5 that labels ordinary outliers: it takes a gross disturbance (a run at half speed while the
 * others agree within a few per cent, as seen on a shared CI machine), never the tail of ordinary
 * noise. It needs at least DISTURBED_MIN_RUNS runs (the MAD of fewer is too unsteady: with 5,
 * three close values make any fourth look disturbed) and sets aside at most a quarter of them.
 */
export const DISTURBED_RUN_Z = 8;
/** Fewest runs on which a run is judged disturbed. */
export const DISTURBED_MIN_RUNS = 8;

/** Indices of disturbed runs among `logs` (see DISTURBED_RUN_Z). */
function disturbedRuns(logs: readonly number[]): number[] {
  if (logs.length < DISTURBED_MIN_RUNS) return [];
  const idx = labelOutliers(logs, DISTURBED_RUN_Z).indices;
  return idx.length <= Math.floor(logs.length / 4) ? idx : [];
}

/**
 * Defaults: τ 3.5 % (above the ≈ 2.7 % run-to-run CV CodSpeed measured on GitHub-hosted runners,
 * https://codspeed.io/blog/benchmarks-in-ci-without-noise; 3.5 rather than 3 keeps 5-run comparisons
 * at 2 % run noise under 1 % false verdicts, test/compare-simulation.test.ts), Δ 5 %, α 0.05
 * one-sided, n ≥ 5 a side.
 */
export const DEFAULT_COMPARE: Required<CompareOptions> = { noiseThreshold: 0.035, tolerance: 0.05, alpha: 0.05, minRuns: 5 };

/** How the interval of one comparison was made. */
export type CompareMethod = 'welch-log' | 'paired-log' | 'batch-means-within-run' | 'none';

/** Verdict for one metric with the statistics behind it. */
export interface MetricComparison {
  verdict: Verdict;
  /** One line saying why (always set, shown in the Markdown). */
  reason: string;
  method: CompareMethod;
  /** Runs with a usable value. */
  nBaseline: number;
  nCandidate: number;
  /** Central value per side: geometric mean of the runs (the run's own value for one run). */
  centerBaseline: number | null;
  centerCandidate: number | null;
  /** Relative change candidate/baseline − 1 of the centres (null when unknown). */
  relChange: number | null;
  /** Interval of the relative change at `ciLevel` (null when there is none). */
  ciLow: number | null;
  ciHigh: number | null;
  ciLevel: number;
  /** One-sided p of the t test in the direction of the estimate (null when not tested). */
  pValue: number | null;
  /** One-sided p of the rank cross-check in the same direction. */
  rankPValue: number | null;
  /** Coefficient of variation of the run values per side (null below 2 runs). */
  cvBaseline: number | null;
  cvCandidate: number | null;
  /** Runs a side that would likely settle an UNKNOWN (null when not estimable). */
  needRuns: number | null;
  /** Whether FASTER/SLOWER was reached before multiplicity adjustment (set for `applyHolm`). */
  directional: boolean;
  /** Runs set aside as disturbed (DISTURBED_RUN_Z), per side; counted in nBaseline/nCandidate. */
  setAsideBaseline: number;
  setAsideCandidate: number;
  /**
   * Paired only: sample sd of the per-round log ratios the test used (disturbed rounds set aside),
   * the run-to-run noise that sizes an interleaved comparison (src/stats/sample-size.ts); else null.
   */
  spreadLog: number | null;
}

/** What a side brings: one headline value per run, and (for the one-run case) that run's samples. */
export interface RunValues {
  values: readonly number[];
  /** Within-run samples of the single run (used only when there is exactly one run). */
  samples?: readonly number[];
  /** Durations (weights) of those samples, for rates: total work / total time per batch. */
  sampleWeights?: readonly number[];
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} %`;
}

function validate(o: Required<CompareOptions>): void {
  if (!(o.noiseThreshold >= 0 && o.noiseThreshold < 1)) throw new RangeError(`noiseThreshold must be in [0, 1), got ${o.noiseThreshold}`);
  if (!(o.tolerance > 0 && o.tolerance < 1)) throw new RangeError(`tolerance must be in (0, 1), got ${o.tolerance}`);
  if (!(o.alpha > 0 && o.alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${o.alpha}`);
  if (!(Number.isInteger(o.minRuns) && o.minRuns >= 2)) throw new RangeError(`minRuns must be an integer ≥ 2, got ${o.minRuns}`);
}

function geoMean(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += Math.log(v);
  return Math.exp(s / x.length);
}

function cv(x: readonly number[]): number | null {
  if (x.length < 2) return null;
  const { mean, variance } = meanVar(x);
  return mean === 0 ? null : Math.sqrt(variance) / Math.abs(mean);
}

/** Log-scale estimate with its standard error and degrees of freedom. */
interface LogEstimate {
  d: number;
  se: number;
  dof: number;
}

function unpairedLog(a: readonly number[], b: readonly number[]): LogEstimate {
  const w = welchTTest(a.map(Math.log), b.map(Math.log));
  return { d: w.meanB - w.meanA, se: Math.sqrt(w.varMeanA + w.varMeanB), dof: w.dof };
}

function pairedLog(a: readonly number[], b: readonly number[]): LogEstimate & { sd: number } {
  const d = a.map((x, i) => Math.log(b[i]!) - Math.log(x));
  const { n, mean, variance } = meanVar(d);
  return { d: mean, se: Math.sqrt(variance / n), dof: n - 1, sd: Math.sqrt(variance) };
}

/** One-sided p-values of a t statistic (≥ d and ≤ d); exact 0/1 when se is 0. */
function tTails(e: LogEstimate): { pLess: number; pGreater: number } {
  if (e.se === 0) return e.d === 0 ? { pLess: 1, pGreater: 1 } : e.d < 0 ? { pLess: 0, pGreater: 1 } : { pLess: 1, pGreater: 0 };
  const t = e.d / e.se;
  const cdf = jStat.studentt.cdf(t, e.dof);
  return { pLess: cdf, pGreater: 1 - cdf };
}

/**
 * Runs a side for the interval to settle a verdict, from the half-width h at n runs (h ∝ 1/√n):
 * the half-width must shrink below the distance from the estimate to the nearer decision edge
 * (noise floor for a change, tolerance for SAME). Null when the estimate sits on an edge.
 */
export function runsToSettle(n: number, estimateLog: number, halfWidthLog: number, floorLog: number, toleranceLog: number, minRuns: number): number | null {
  // A change settles when the interval excludes 0 (half-width < |d|) with |d| beyond the threshold;
  // SAME when it fits inside ±tolerance.
  const changeGap = Math.abs(estimateLog) > floorLog ? Math.abs(estimateLog) : 0;
  const gap = Math.max(changeGap, toleranceLog - Math.abs(estimateLog));
  if (!(gap > 0) || !(halfWidthLog > 0)) return null;
  const need = Math.ceil(n * (halfWidthLog / gap) ** 2);
  return Math.max(minRuns, need);
}

/**
 * Compare one metric between two sets of runs. `paired`: baseline.values[i] and
 * candidate.values[i] come from the same round (interleaved A/B); needs equal counts.
 * `higherIsBetter` decides which direction is FASTER.
 */
export function compareRuns(
  baseline: RunValues,
  candidate: RunValues,
  higherIsBetter: boolean,
  options: CompareOptions & { paired?: boolean } = {},
): MetricComparison {
  const o = { ...DEFAULT_COMPARE, ...options };
  validate(o);
  const a = baseline.values;
  const b = candidate.values;
  const level = 1 - 2 * o.alpha;
  for (const v of [...a, ...b]) if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`run values must be finite and > 0, got ${v}`);
  const out: MetricComparison = {
    verdict: 'UNKNOWN',
    reason: '',
    method: 'none',
    nBaseline: a.length,
    nCandidate: b.length,
    centerBaseline: a.length ? geoMean(a) : null,
    centerCandidate: b.length ? geoMean(b) : null,
    relChange: null,
    ciLow: null,
    ciHigh: null,
    ciLevel: level,
    pValue: null,
    rankPValue: null,
    cvBaseline: cv(a),
    cvCandidate: cv(b),
    needRuns: null,
    directional: false,
    setAsideBaseline: 0,
    setAsideCandidate: 0,
    spreadLog: null,
  };
  if (out.centerBaseline !== null && out.centerCandidate !== null) out.relChange = out.centerCandidate / out.centerBaseline - 1;
  const need = `need ≥ ${o.minRuns} runs a side`;
  if (a.length === 0 || b.length === 0) {
    return { ...out, reason: `no run with a value on the ${a.length === 0 ? 'baseline' : 'candidate'} side`, needRuns: o.minRuns };
  }
  if (a.length === 1 && b.length === 1) return withinRunOnly(out, baseline, candidate, level, need, o.minRuns);
  if (a.length < 2 || b.length < 2) {
    return { ...out, reason: `${a.length} baseline run(s) against ${b.length} candidate run(s): run-to-run spread unknown on one side; ${need}`, needRuns: o.minRuns };
  }
  const paired = options.paired === true && a.length === b.length;
  const kept = keepUndisturbed(a, b, paired);
  const e: LogEstimate & { sd?: number } = paired ? pairedLog(kept.a, kept.b) : unpairedLog(kept.a, kept.b);
  const tc = e.se === 0 ? 0 : jStat.studentt.inv(1 - o.alpha, e.dof);
  const lo = e.d - tc * e.se;
  const hi = e.d + tc * e.se;
  const tails = tTails(e);
  const rank = paired ? signedRankTest(kept.a.map((x, i) => Math.log(kept.b[i]!) - Math.log(x))) : mannWhitneyU(kept.a, kept.b);
  const down = e.d < 0;
  const res: MetricComparison = {
    ...out,
    centerBaseline: geoMean(kept.a),
    centerCandidate: geoMean(kept.b),
    setAsideBaseline: a.length - kept.a.length,
    setAsideCandidate: b.length - kept.b.length,
    spreadLog: e.sd ?? null,
    method: paired ? 'paired-log' : 'welch-log',
    relChange: Math.exp(e.d) - 1,
    ciLow: Math.exp(lo) - 1,
    ciHigh: Math.exp(hi) - 1,
    pValue: down ? tails.pLess : tails.pGreater,
    rankPValue: down ? rank.pLess : rank.pGreater,
  };
  const decided = decide(res, e, tc, { nA: kept.a.length, nB: kept.b.length, higherIsBetter, paired, o });
  return kept.note ? { ...decided, reason: `${kept.note}; ${decided.reason}` } : decided;
}

/** Both sides without their disturbed runs (whole rounds when paired), and a note saying so. */
function keepUndisturbed(a: readonly number[], b: readonly number[], paired: boolean): { a: number[]; b: number[]; note: string | null } {
  const without = (x: readonly number[], drop: readonly number[]) => x.filter((_, i) => !drop.includes(i));
  const zText = `modified z > ${DISTURBED_RUN_Z}`;
  if (paired) {
    const drop = disturbedRuns(a.map((x, i) => Math.log(b[i]!) - Math.log(x)));
    if (!drop.length) return { a: [...a], b: [...b], note: null };
    return { a: without(a, drop), b: without(b, drop), note: `${drop.length} disturbed round(s) set aside (round ${drop.map((i) => i + 1).join(', ')}: ratio ${zText})` };
  }
  const dropA = disturbedRuns(a.map(Math.log));
  const dropB = disturbedRuns(b.map(Math.log));
  if (!dropA.length && !dropB.length) return { a: [...a], b: [...b], note: null };
  const parts = [dropA.length ? `${dropA.length} baseline` : '', dropB.length ? `${dropB.length} candidate` : ''].filter(Boolean);
  return { a: without(a, dropA), b: without(b, dropB), note: `${parts.join(' and ')} run(s) set aside as disturbed (value ${zText})` };
}

/**
 * The verdict table applied to an interval (log scale: d ± tc·se), first match wins: significant
 * and estimated beyond the noise threshold → FASTER/SLOWER (with enough runs), within the tolerance
 * → SAME, else UNKNOWN with the runs a side likely to settle it.
 */
function decide(
  res: MetricComparison,
  e: LogEstimate,
  tc: number,
  x: { nA: number; nB: number; higherIsBetter: boolean; paired: boolean; o: Required<CompareOptions> },
): MetricComparison {
  const { o } = x;
  const lo = e.d - tc * e.se;
  const hi = e.d + tc * e.se;
  const floorLog = Math.log1p(o.noiseThreshold);
  const tolLog = Math.log1p(o.tolerance);
  const floorText = `±${(o.noiseThreshold * 100).toFixed(1)} %`;
  const ciText = `${Math.round(res.ciLevel * 100)} % CI [${pct(res.ciLow!)}, ${pct(res.ciHigh!)}]`;
  const significant = lo > 0 || hi < 0;
  if (significant && Math.abs(e.d) > floorLog) {
    const word = e.d > 0 === x.higherIsBetter ? 'FASTER' : 'SLOWER';
    if (x.nA < o.minRuns || x.nB < o.minRuns) {
      return { ...res, reason: `${ciText}, change beyond ${floorText} but ${x.nA}/${x.nB} runs: need ≥ ${o.minRuns} runs a side for ${word}`, needRuns: o.minRuns };
    }
    const rankName = x.paired ? 'signed-rank' : 'Mann–Whitney U';
    const rankText = res.rankPValue! < o.alpha ? `${rankName} p = ${fmtP(res.rankPValue!)}` : `${rankName} p = ${fmtP(res.rankPValue!)}, which does not confirm it: check the runs`;
    return { ...res, verdict: word, directional: true, reason: `${ciText}: significant (t p = ${fmtP(res.pValue!)}) and beyond the ${floorText} noise threshold (${rankText})` };
  }
  if (lo > -tolLog && hi < tolLog) return { ...res, verdict: 'SAME', reason: `${ciText}: within ±${(o.tolerance * 100).toFixed(1)} % (equivalence)` };
  const needRuns = runsToSettle(Math.min(x.nA, x.nB), e.d, tc * e.se, floorLog, tolLog, o.minRuns);
  return {
    ...res,
    needRuns,
    reason: `${ciText}: neither a significant change beyond ${floorText} nor within ±${(o.tolerance * 100).toFixed(1)} %${needRuns ? `; need ≈ ${needRuns} runs a side` : '; a change near the noise threshold: more runs may not settle it'}`,
  };
}

function fmtP(p: number): string {
  return p < 1e-4 ? '< 0.0001' : p.toPrecision(2);
}

/**
 * One run a side: the change between the two runs' values, with a batch-means interval from their
 * within-run samples when both have enough. That interval covers within-run noise only (not
 * run-to-run variation), so the verdict stays UNKNOWN.
 */
function withinRunOnly(out: MetricComparison, baseline: RunValues, candidate: RunValues, level: number, need: string, minRuns: number): MetricComparison {
  const ba = baseline.samples?.length ? batchMeansCi(baseline.samples, { level, ...(baseline.sampleWeights ? { weights: baseline.sampleWeights } : {}) }) : null;
  const bb = candidate.samples?.length ? batchMeansCi(candidate.samples, { level, ...(candidate.sampleWeights ? { weights: candidate.sampleWeights } : {}) }) : null;
  const base = { ...out, needRuns: minRuns };
  if (!ba || !bb || ba.mean <= 0 || bb.mean <= 0) {
    return { ...base, reason: `1 run a side: run-to-run variation unknown; ${need} (interleaved: joulebench ab)` };
  }
  // Delta method on the log ratio of the two batch-means estimates (independent runs).
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const seA = ba.halfWidth / ba.mean / jStat.studentt.inv(1 - (1 - level) / 2, ba.batches - 1);
  const seB = bb.halfWidth / bb.mean / jStat.studentt.inv(1 - (1 - level) / 2, bb.batches - 1);
  const d = Math.log(out.centerCandidate! / out.centerBaseline!);
  const h = z * Math.sqrt(seA * seA + seB * seB);
  const lo = Math.exp(d - h) - 1;
  const hi = Math.exp(d + h) - 1;
  return {
    ...base,
    method: 'batch-means-within-run',
    ciLow: lo,
    ciHigh: hi,
    reason: `1 run a side: within-run ${Math.round(level * 100)} % CI [${pct(lo)}, ${pct(hi)}] (batch means) leaves out run-to-run variation; ${need} (interleaved: joulebench ab)`,
  };
}

/**
 * Holm's step-down adjustment (Holm, Scand. J. Statist. 6(2), 1979) over a family of comparisons:
 * directional verdicts (FASTER/SLOWER) whose t-test p is not rejected at
 * α/(m − i + 1) become UNKNOWN. `family` holds the gated comparisons that reached a t test; returns
 * the indices (into `family`) that were demoted. Controls the family-wise error under any dependence.
 */
export function applyHolm(family: MetricComparison[], alpha: number): number[] {
  const tested = family
    .map((c, i) => ({ i, p: c.pValue }))
    .filter((x): x is { i: number; p: number } => x.p !== null)
    .sort((x, y) => x.p - y.p);
  const m = tested.length;
  const demoted: number[] = [];
  let stillRejecting = true;
  tested.forEach((x, k) => {
    const threshold = alpha / (m - k);
    if (stillRejecting && x.p <= threshold) return;
    stillRejecting = false;
    const c = family[x.i]!;
    if (c.directional && (c.verdict === 'FASTER' || c.verdict === 'SLOWER')) {
      demoted.push(x.i);
      c.reason = `${c.reason}; not significant after Holm over ${m} gated metrics (p = ${fmtP(x.p)} > ${threshold.toPrecision(2)}): take more runs`;
      c.verdict = 'UNKNOWN';
      c.needRuns = Math.max(c.nBaseline, c.nCandidate) * 2;
    }
  });
  return demoted;
}
