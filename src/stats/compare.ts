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
 *    and the verdict stays UNKNOWN ("need ≥ 5 runs a side"). That is a rule, not a measured rate.
 *  - disturbed and intermittent runs (src/stats/disturbance.ts), before the table above:
 *      1. set aside only on evidence independent of the side: the run's own host telemetry (CPU
 *         taken by others, throttling on both sides), or both runs of a round grossly slow;
 *      2. among the rest (≥ 8 rounds, or runs a side), gross deviations (robust z > 8 and beyond τ)
 *         are never averaged: rounds where the candidate came out grossly worse make the verdict
 *         SLOWER (intermittent: k of n rounds) whatever the others say; rounds where it came out
 *         grossly better (a baseline run grossly slow) are left out of the test, and then FASTER
 *         must hold on the typical rounds alone and SAME is not given (UNKNOWN, saying why);
 *      3. the table runs on the typical rounds; a SLOWER there stands as it is.
 */
import { batchMeansCi } from './batch-means.js';
import { GROSS_MIN_RUNS, grossDeviations, telemetryDisturbed, type HostActivityLike } from './disturbance.js';
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
 * Defaults: τ 3.5 % (above the ≈ 2.7 % run-to-run CV CodSpeed measured on GitHub-hosted runners,
 * https://codspeed.io/blog/benchmarks-in-ci-without-noise; 3.5 rather than 3 keeps 5-run comparisons
 * at 2 % run noise under 1 % false verdicts, bench/out/verdict-simulations.json), Δ 5 %, α 0.05
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
  /** Runs set aside as disturbed (telemetry, or both runs of a round grossly slow), per side; counted in nBaseline/nCandidate. */
  setAsideBaseline: number;
  setAsideCandidate: number;
  /**
   * Paired only: sample sd of the per-round log ratios the test used (disturbed rounds set aside),
   * the run-to-run noise that sizes an interleaved comparison (src/stats/sample-size.ts); else null.
   */
  spreadLog: number | null;
  /** Rounds (runs) that deviate grossly from the others without evidence of a disturbance; null when not judged. */
  gross: GrossDeviations | null;
  /** What qualifies the verdict, shown beside it (e.g. "intermittent: 2 of 8 rounds"); null when nothing. */
  verdictDetail: string | null;
}

/** Gross deviations found among the runs kept (src/stats/disturbance.ts), 1-based. */
export interface GrossDeviations {
  /** `round` when paired (indices are rounds), `run` when unpaired (indices are runs of the named side). */
  unit: 'round' | 'run';
  /** Rounds (paired) or candidate runs (unpaired) judged for `candidateWorse`. */
  of: number;
  /** Where the candidate came out grossly worse: rounds (paired) or candidate runs (unpaired). */
  candidateWorse: number[];
  /** Where it came out grossly better: rounds (paired) or baseline runs grossly slow (unpaired). */
  candidateBetter: number[];
  /** Rounds (paired) or baseline runs (unpaired) judged for `candidateBetter`. */
  ofBetter: number;
}

/** What a side brings: one headline value per run, and (for the one-run case) that run's samples. */
export interface RunValues {
  values: readonly number[];
  /** Within-run samples of the single run (used only when there is exactly one run). */
  samples?: readonly number[];
  /** Durations (weights) of those samples, for rates: total work / total time per batch. */
  sampleWeights?: readonly number[];
  /** Host telemetry of each run, aligned with `values` (null where a run recorded none). */
  activity?: readonly (HostActivityLike | null)[];
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
    gross: null,
    verdictDetail: null,
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
  const sc = (paired ? screenPaired : screenUnpaired)({ a, b, actA: baseline.activity, actB: candidate.activity, higherIsBetter, floorLog: Math.log1p(o.noiseThreshold) });
  const base: MetricComparison = { ...out, setAsideBaseline: a.length - sc.kept.a.length, setAsideCandidate: b.length - sc.kept.b.length, gross: sc.gross };
  const prefix = (r: MetricComparison) => (sc.note ? { ...r, reason: `${sc.note}; ${r.reason}` } : r);
  if (sc.kept.a.length < 2 || sc.kept.b.length < 2) return prefix({ ...base, reason: `fewer than 2 runs a side left; ${need}`, needRuns: o.minRuns });
  const test = (x: Pair) => testOn(base, x, { higherIsBetter, paired, o });
  return prefix(judge(sc, test(sc.typical), test));
}

/** Run values of both sides (aligned by round when paired). */
interface Pair {
  a: number[];
  b: number[];
}

/** What screening found: runs kept, gross deviations, and the run sets the tests use. */
interface Screened {
  /** Runs left after setting aside the disturbed ones (on side-independent evidence). */
  kept: Pair;
  /** Which were set aside and why (null when none). */
  note: string | null;
  gross: GrossDeviations | null;
  /** Kept runs without any gross deviation: the table's input. */
  typical: Pair;
  /** Kept runs without those favouring the candidate: what an intermittent SLOWER is shown on. */
  withoutBetter: Pair;
  /** The gross deviations in words (null when none). */
  worseText: string | null;
  betterText: string | null;
}

interface ScreenInput {
  a: readonly number[];
  b: readonly number[];
  actA: RunValues['activity'];
  actB: RunValues['activity'];
  higherIsBetter: boolean;
  floorLog: number;
}

const pick = (x: readonly number[], idx: readonly number[]) => idx.map((i) => x[i]!);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const list = (idx: readonly number[]) => idx.map((i) => i + 1).join(', ');
const medianOf = (x: readonly number[]) => {
  const s = [...x].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Telemetry reasons per run: baseline runs first, then candidate runs. */
function telemetryOf(x: ScreenInput): Array<string | null> {
  if (!x.actA?.some(Boolean) && !x.actB?.some(Boolean)) return new Array<string | null>(x.a.length + x.b.length).fill(null);
  return telemetryDisturbed([
    ...x.a.map((_, i) => ({ side: 'baseline' as const, activity: x.actA?.[i] ?? null })),
    ...x.b.map((_, i) => ({ side: 'candidate' as const, activity: x.actB?.[i] ?? null })),
  ]);
}

/** Indices of grossly slow runs (worse for the metric) among values. */
function grossSlow(values: readonly number[], x: ScreenInput): number[] {
  const g = grossDeviations(values.map(Math.log), x.floorLog);
  return x.higherIsBetter ? g.low : g.high;
}

/** Paired by round: rounds set aside on evidence, then gross deviations of the round log ratios. */
function screenPaired(x: ScreenInput): Screened {
  const n = x.a.length;
  const why = telemetryOf(x);
  const slowA = new Set(grossSlow(x.a, x));
  // Only a round slow on both sides is set aside: the candidate side is screened when needed.
  const slowB = new Set(slowA.size ? grossSlow(x.b, x) : []);
  const notes: string[] = [];
  const keep = range(n).filter((i) => {
    const w = why[i] ? `baseline run: ${why[i]}` : why[n + i] ? `candidate run: ${why[n + i]}` : slowA.has(i) && slowB.has(i) ? 'both runs grossly slow on their own sides' : null;
    if (w) notes.push(`round ${i + 1}: ${w}`);
    return !w;
  });
  const kept = { a: pick(x.a, keep), b: pick(x.b, keep) };
  const r = keep.map((i) => Math.log(x.b[i]!) - Math.log(x.a[i]!));
  const g = grossDeviations(r, x.floorLog);
  const [worse, better] = x.higherIsBetter ? [g.low, g.high] : [g.high, g.low];
  const typicalIdx = range(keep.length).filter((j) => !worse.includes(j) && !better.includes(j));
  const noBetterIdx = range(keep.length).filter((j) => !better.includes(j));
  const typRel = Math.expm1(medianOf(pick(r, typicalIdx)));
  const text = (idx: number[]) =>
    idx.length ? `candidate ${pct(Math.expm1(medianOf(pick(r, idx))))} against the baseline in round${idx.length > 1 ? 's' : ''} ${list(pick(keep, idx))} (${idx.length} of ${keep.length}; ${pct(typRel)} in the others)` : null;
  return {
    kept,
    note: notes.length ? `${notes.length} round(s) set aside as disturbed (${notes.join('; ')})` : null,
    gross: keep.length >= GROSS_MIN_RUNS ? { unit: 'round', of: keep.length, ofBetter: keep.length, candidateWorse: pick(keep, worse).map((i) => i + 1), candidateBetter: pick(keep, better).map((i) => i + 1) } : null,
    typical: { a: pick(kept.a, typicalIdx), b: pick(kept.b, typicalIdx) },
    withoutBetter: { a: pick(kept.a, noBetterIdx), b: pick(kept.b, noBetterIdx) },
    worseText: text(worse),
    betterText: text(better),
  };
}

/** Unpaired: runs set aside on telemetry, then grossly slow runs on each side. */
function screenUnpaired(x: ScreenInput): Screened {
  const why = telemetryOf(x);
  const keepA = range(x.a.length).filter((i) => !why[i]);
  const keepB = range(x.b.length).filter((i) => !why[x.a.length + i]);
  const notes = why.flatMap((w, k) => (w ? [`${k < x.a.length ? `baseline run ${k + 1}` : `candidate run ${k - x.a.length + 1}`}: ${w}`] : []));
  const kept = { a: pick(x.a, keepA), b: pick(x.b, keepB) };
  const slowA = grossSlow(kept.a, x);
  const slowB = grossSlow(kept.b, x);
  const without = (v: number[], idx: number[]) => v.filter((_, j) => !idx.includes(j));
  const text = (side: string, v: number[], idx: number[], orig: number[]) =>
    idx.length ? `${side} run${idx.length > 1 ? 's' : ''} ${list(pick(orig, idx))} (${idx.length} of ${v.length}) at ${pct(Math.expm1(medianOf(pick(v, idx).map(Math.log)) - medianOf(without(v, idx).map(Math.log))))} from the ${side}'s other runs` : null;
  const judged = kept.a.length >= GROSS_MIN_RUNS || kept.b.length >= GROSS_MIN_RUNS;
  return {
    kept,
    note: notes.length ? `${notes.length} run(s) set aside as disturbed (${notes.join('; ')})` : null,
    gross: judged ? { unit: 'run', of: kept.b.length, ofBetter: kept.a.length, candidateWorse: pick(keepB, slowB).map((i) => i + 1), candidateBetter: pick(keepA, slowA).map((i) => i + 1) } : null,
    typical: { a: without(kept.a, slowA), b: without(kept.b, slowB) },
    withoutBetter: { a: without(kept.a, slowA), b: kept.b },
    worseText: text('candidate', kept.b, slowB, keepB),
    betterText: text('baseline', kept.a, slowA, keepA),
  };
}

/**
 * The verdict once gross deviations are known (see the module note): a SLOWER on the typical runs
 * stands; rounds where the candidate came out grossly worse make it SLOWER (intermittent); rounds
 * where it came out grossly better allow FASTER only on the typical rounds, and never SAME.
 */
function judge(sc: Screened, typical: MetricComparison, test: (x: Pair) => MetricComparison): MetricComparison {
  const g = sc.gross;
  if (!g || (!g.candidateWorse.length && !g.candidateBetter.length)) return typical;
  const unit = g.unit === 'round' ? 'rounds' : 'runs';
  const without = sc.betterText ? `; left out of the test: ${sc.betterText}` : '';
  if (typical.verdict === 'SLOWER') return { ...typical, reason: `${[sc.worseText, sc.betterText].filter(Boolean).join('; ')}; on the typical ${unit}: ${typical.reason}` };
  if (g.candidateWorse.length) {
    const all = test(sc.withoutBetter);
    const detail = `intermittent: ${g.candidateWorse.length} of ${g.of} ${g.unit === 'round' ? 'rounds' : 'candidate runs'}`;
    return {
      ...all,
      verdict: 'SLOWER',
      // Decided by the gross-deviation rule, not by the t test: Holm does not demote it.
      directional: false,
      needRuns: null,
      verdictDetail: detail,
      reason: `${detail}: ${sc.worseText}, with no host telemetry of a disturbance (a regression some of the time is never averaged away)${without}; all these ${unit} together: ${pct(all.relChange!)}, ${Math.round(all.ciLevel * 100)} % CI [${pct(all.ciLow!)}, ${pct(all.ciHigh!)}]`,
    };
  }
  if (typical.verdict === 'FASTER') return { ...typical, reason: `${sc.betterText} (left out: FASTER holds on the typical ${unit} alone); ${typical.reason}` };
  return {
    ...typical,
    verdict: 'UNKNOWN',
    directional: false,
    reason: `${sc.betterText}, with no host telemetry of a disturbance: an intermittently slow baseline or an unrecorded disturbance, so neither FASTER nor SAME (record host telemetry, or re-run); on the typical ${unit}: ${typical.reason}`,
  };
}

/** The t interval, rank cross-check and verdict table on one pair of run sets. */
function testOn(base: MetricComparison, x: Pair, c: { higherIsBetter: boolean; paired: boolean; o: Required<CompareOptions> }): MetricComparison {
  const { a, b } = x;
  const e: LogEstimate & { sd?: number } = c.paired ? pairedLog(a, b) : unpairedLog(a, b);
  const tc = e.se === 0 ? 0 : jStat.studentt.inv(1 - c.o.alpha, e.dof);
  const lo = e.d - tc * e.se;
  const hi = e.d + tc * e.se;
  const tails = tTails(e);
  const rank = c.paired ? signedRankTest(a.map((v, i) => Math.log(b[i]!) - Math.log(v))) : mannWhitneyU(a, b);
  const down = e.d < 0;
  const res: MetricComparison = {
    ...base,
    centerBaseline: geoMean(a),
    centerCandidate: geoMean(b),
    spreadLog: e.sd ?? null,
    method: c.paired ? 'paired-log' : 'welch-log',
    relChange: Math.exp(e.d) - 1,
    ciLow: Math.exp(lo) - 1,
    ciHigh: Math.exp(hi) - 1,
    pValue: down ? tails.pLess : tails.pGreater,
    rankPValue: down ? rank.pLess : rank.pGreater,
  };
  return decide(res, e, tc, { nA: a.length, nB: b.length, higherIsBetter: c.higherIsBetter, paired: c.paired, o: c.o });
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
 * An intermittent SLOWER (`verdictDetail`) is decided by the gross-deviation rule, not by its t
 * test, so it is not `directional` and never demoted.
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
