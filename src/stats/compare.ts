/**
 * Two-sample regression verdicts (pure): SAME / FASTER / SLOWER / UNKNOWN per metric.
 *
 * The rule is criterion.rs's two gates (statistically AND practically significant), issue 7:
 *  - Welch's t-test on the raw samples, p < alpha (default 0.05), and
 *  - the 95 % confidence interval of the relative change of the mean, (candidate / baseline − 1),
 *    lies entirely beyond the noise threshold (default 2 %) in one direction.
 * The interval is Fieller's for a ratio of two independent means with unequal variances (Welch
 * degrees of freedom). Unlike the delta method it is exact under normality and stays honest when the
 * baseline mean is itself uncertain (it becomes unbounded when the baseline mean is not significantly
 * different from 0, which we report as UNKNOWN).
 *
 * SAME needs evidence too (an equivalence test in the TOST spirit): the whole interval lies within
 * ±threshold. An interval that is neither inside the band nor wholly beyond it (too noisy, or a
 * change of about the threshold's size) is UNKNOWN with the reason, never silently SAME. Fewer than
 * `minSamples` (default 5) samples on either side, or no samples, is UNKNOWN.
 */
import { createRequire } from 'node:module';
// jstat is a UMD/CommonJS module whose named exports Node's ESM loader cannot detect
// (`import { jStat } from 'jstat'` throws under plain Node and tsx; only vite's interop accepts it).
const { jStat } = createRequire(import.meta.url)('jstat') as typeof import('jstat');

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
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
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

/** Confidence interval of the relative change mean(b)/mean(a) − 1; null bounds = unbounded. */
export interface RelChangeCi {
  /** Point estimate mean(b)/mean(a) − 1. */
  estimate: number;
  low: number | null;
  high: number | null;
  level: number;
}

/**
 * Fieller's interval for ρ = μb/μa from independent means with unequal variances, minus 1.
 * Solves (m_b − ρ·m_a)² = t²·(v_b + ρ²·v_a) for ρ with t the two-sided Student critical value at
 * `dof`; bounded only when m_a² > t²·v_a (the baseline mean is significantly non-zero).
 */
export function relativeChangeCi(w: WelchResult, level = 0.95): RelChangeCi {
  const { meanA: ma, meanB: mb, varMeanA: va, varMeanB: vb } = w;
  const estimate = ma === 0 ? NaN : mb / ma - 1;
  const tc = va + vb === 0 ? 0 : jStat.studentt.inv(1 - (1 - level) / 2, w.dof);
  const t2 = tc * tc;
  const qa = ma * ma - t2 * va;
  if (!(qa > 0)) return { estimate, low: null, high: null, level };
  const disc = ma * ma * mb * mb - qa * (mb * mb - t2 * vb);
  const root = Math.sqrt(Math.max(0, disc));
  const r1 = (ma * mb - root) / qa;
  const r2 = (ma * mb + root) / qa;
  return { estimate, low: Math.min(r1, r2) - 1, high: Math.max(r1, r2) - 1, level };
}

/** Options for `compareSamples`. */
export interface CompareOptions {
  /** Relative change treated as noise, e.g. 0.02 for 2 %. */
  noiseThreshold?: number;
  /** Significance level of the t-test. */
  alpha?: number;
  /** Fewest samples per side for a verdict. */
  minSamples?: number;
}

/** Defaults of issue 7. */
export const DEFAULT_COMPARE: Required<CompareOptions> = { noiseThreshold: 0.02, alpha: 0.05, minSamples: 5 };

/** Verdict for one metric with the statistics behind it. */
export interface MetricComparison {
  verdict: Verdict;
  /** One line saying why (always set, shown in the Markdown). */
  reason: string;
  nBaseline: number;
  nCandidate: number;
  meanBaseline: number | null;
  meanCandidate: number | null;
  /** Relative change of the mean, candidate/baseline − 1 (null when unknown). */
  relChange: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  dof: number | null;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} %`;
}

/**
 * Compare a metric's samples. `higherIsBetter` decides which direction is FASTER: for throughput a
 * rise is FASTER, for a duration a rise is SLOWER.
 */
export function compareSamples(
  baseline: readonly number[] | undefined,
  candidate: readonly number[] | undefined,
  higherIsBetter: boolean,
  options: CompareOptions = {},
): MetricComparison {
  const o = { ...DEFAULT_COMPARE, ...options };
  if (!(o.noiseThreshold >= 0) || !(o.alpha > 0 && o.alpha < 1) || !(o.minSamples >= 2)) {
    throw new RangeError(`bad compare options ${JSON.stringify(o)}`);
  }
  const a = baseline ?? [];
  const b = candidate ?? [];
  const base: MetricComparison = {
    verdict: 'UNKNOWN',
    reason: '',
    nBaseline: a.length,
    nCandidate: b.length,
    meanBaseline: a.length ? meanVar(a).mean : null,
    meanCandidate: b.length ? meanVar(b).mean : null,
    relChange: null,
    ciLow: null,
    ciHigh: null,
    pValue: null,
    dof: null,
  };
  if (base.meanBaseline !== null && base.meanCandidate !== null && base.meanBaseline !== 0) {
    base.relChange = base.meanCandidate / base.meanBaseline - 1;
  }
  if (a.length < o.minSamples || b.length < o.minSamples) {
    const which = !baseline?.length || !candidate?.length ? 'no samples' : 'too few samples';
    return { ...base, reason: `${which} (${a.length} baseline, ${b.length} candidate; need ≥ ${o.minSamples} each)` };
  }
  if ([...a, ...b].some((v) => !Number.isFinite(v))) return { ...base, reason: 'non-finite samples' };
  const w = welchTTest(a, b);
  const ci = relativeChangeCi(w, 1 - o.alpha);
  const out: MetricComparison = { ...base, pValue: w.pValue, dof: w.dof, ciLow: ci.low, ciHigh: ci.high };
  if (ci.low === null || ci.high === null || w.meanA <= 0) {
    return { ...out, reason: 'baseline mean not clearly above 0: the relative change has no bounded interval' };
  }
  const thr = o.noiseThreshold;
  const pText = w.pValue < 1e-4 ? 'p < 0.0001' : `p = ${w.pValue.toPrecision(2)}`;
  const ciText = `${Math.round((1 - o.alpha) * 100)} % CI of change [${pct(ci.low)}, ${pct(ci.high)}], ${pText}`;
  const significant = w.pValue < o.alpha;
  const up = significant && ci.low > thr;
  const down = significant && ci.high < -thr;
  if (up || down) {
    const better = up === higherIsBetter;
    return { ...out, verdict: better ? 'FASTER' : 'SLOWER', reason: `${ciText}: beyond ±${(thr * 100).toFixed(1)} % noise threshold` };
  }
  if (ci.low >= -thr && ci.high <= thr) {
    return { ...out, verdict: 'SAME', reason: `${ciText}: within ±${(thr * 100).toFixed(1)} % noise threshold` };
  }
  return { ...out, reason: `${ciText}: inconclusive against ±${(thr * 100).toFixed(1)} % (noisy or near the threshold; take more samples)` };
}
