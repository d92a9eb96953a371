/**
 * The headline figures: one definition per figure (what its value is, how its ± is computed,
 * whether `compare` gates on it), used by the run summary, `report`, `compare` and the
 * github-action-benchmark export, so one hash rate is one number everywhere, with its statistic
 * named.
 *
 * Within one run the ± is a 95 % confidence interval of the run's own figure:
 *  - rates over back-to-back slices (H/s, micro-benchmark ops/s): batch means of the slices
 *    (src/stats/batch-means.ts; consecutive slices are autocorrelated, so an i.i.d. interval
 *    would be too narrow), time-weighted so the centre is total work / total time;
 *  - per-repetition figures (prefill/decode tok/s, each repetition with a cleared KV cache):
 *    Student t over the repetitions;
 *  - per-joule figures: none (one energy window, or one sum of windows).
 * Across runs (compare, exports of several runs) the figure is the geometric mean of the runs'
 * values with a 95 % Student t interval on their logs (runs are the replicates).
 */
import { batchMeansCi } from '../stats/batch-means.js';
import { countOutliers } from '../stats/outliers.js';
import { summarize, tCritical } from '../stats/summary.js';
import type { Measurement, Metric, ResultDoc } from './schema.js';

/** How the within-run ± of a figure is computed. */
export type IntervalMethod = 'batch-means' | 'student-t' | 'none';

/** One headline figure's definition. */
export interface HeadlineDef {
  /** Measurement kind it applies to. */
  kind: Measurement['kind'];
  /** Metric name in the result (`hashesPerSecond`). */
  metric: string;
  /** Short label for tables (`H/s`). */
  label: string;
  /** What the value is, in words. */
  statistic: string;
  /** How the within-run 95 % CI is computed. */
  interval: IntervalMethod;
  /** Batch values weighted by sample duration (rates: batch = its work / its time). */
  timeWeighted: boolean;
  /** In the family `compare` gates on (Holm-adjusted); others are reported ungated. */
  gated: boolean;
  /** A per-joule figure: both sides must share the energy basis to be compared. */
  perJoule: boolean;
}

/** The headline figures. Throughput and time are each counted once in the gated family. */
export const HEADLINES: readonly HeadlineDef[] = [
  {
    kind: 'hash',
    metric: 'hashesPerSecond',
    label: 'H/s',
    statistic: 'total nonces / timed span',
    interval: 'batch-means',
    timeWeighted: true,
    gated: true,
    perJoule: false,
  },
  {
    kind: 'hash',
    metric: 'hashesPerJoule',
    label: 'H/J',
    statistic: 'nonces in the energy window / its energy',
    interval: 'none',
    timeWeighted: false,
    gated: true,
    perJoule: true,
  },
  {
    kind: 'infer',
    metric: 'prefillTokensPerSecond',
    label: 'prefill tok/s',
    statistic: 'mean of the repetitions (prompt tokens / prefill time)',
    interval: 'student-t',
    timeWeighted: false,
    gated: true,
    perJoule: false,
  },
  {
    kind: 'infer',
    metric: 'decodeTokensPerSecond',
    label: 'decode tok/s',
    statistic: 'mean of the repetitions (generated tokens / decode time)',
    interval: 'student-t',
    timeWeighted: false,
    gated: true,
    perJoule: false,
  },
  {
    kind: 'infer',
    metric: 'tokensPerJoule',
    label: 'tok/J',
    statistic: 'decode tokens / energy of the decode windows',
    interval: 'none',
    timeWeighted: false,
    gated: true,
    perJoule: true,
  },
  {
    kind: 'infer',
    metric: 'prefillTokensPerJoule',
    label: 'prefill tok/J',
    statistic: 'prompt tokens / energy of the prefill windows',
    interval: 'none',
    timeWeighted: false,
    gated: false,
    perJoule: true,
  },
  {
    kind: 'micro',
    metric: 'opsPerSecond',
    label: 'ops/s',
    statistic: 'mean of the tinybench samples (calls / batch time)',
    interval: 'batch-means',
    timeWeighted: false,
    gated: true,
    perJoule: false,
  },
];

/** Definition of a metric: a headline one, or a generic ungated one. */
export function headlineDef(kind: Measurement['kind'], metric: string, unit = ''): HeadlineDef {
  const d = HEADLINES.find((h) => h.kind === kind && h.metric === metric);
  if (d) return d;
  return {
    kind,
    metric,
    label: unit || metric,
    statistic: 'as recorded (see the metric method)',
    interval: 'batch-means',
    timeWeighted: false,
    gated: false,
    perJoule: /\/J$/.test(unit),
  };
}

/** Words for an interval method. */
export function intervalText(m: IntervalMethod, timeWeighted = false): string {
  if (m === 'batch-means') return `95 % CI by batch means of the samples${timeWeighted ? ' (time-weighted)' : ''}, autocorrelation-robust`;
  if (m === 'student-t') return '95 % CI, Student t over the repetitions';
  return 'no interval (one energy window)';
}

/** A figure as every reader shows it. */
export interface HeadlineFigure {
  def: HeadlineDef;
  value: number | null;
  unit: string;
  /** 95 % CI half-width of the value (null when there is none). */
  ci95HalfWidth: number | null;
  /** Half-width relative to the value. */
  relCi95: number | null;
  /** Samples behind the interval (0 for a single window). */
  n: number;
  /** Outliers labelled among the samples (null without samples). */
  outliers: number | null;
  /** "total nonces / timed span" */
  statistic: string;
  /** "95 % CI by batch means …" */
  intervalMethod: string;
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/** Durations of a metric's samples: stored ones, else equal work per sample (duration ∝ 1/rate). */
export function weightsOf(m: Metric): number[] | undefined {
  const stored = (m as { sampleDurationsS?: unknown }).sampleDurationsS;
  if (Array.isArray(stored) && stored.length === m.samples?.length && stored.every((x) => typeof x === 'number' && x > 0)) return stored as number[];
  if (m.samples?.every((x) => x > 0)) return m.samples.map((x) => 1 / x);
  return undefined;
}

/** The within-run 95 % CI half-width of a metric's value under its definition (null when none). */
export function withinRunHalfWidth(def: HeadlineDef, m: Metric): number | null {
  const s = m.samples;
  if (m.value === null || !s?.length || def.interval === 'none') return null;
  if (def.interval === 'student-t') {
    if (s.length < 2) return null;
    const sum = summarize(s);
    // Only when the value is what the interval is about (the mean of the samples).
    return sameNumber(sum.mean, m.value) ? sum.ci95HalfWidth : null;
  }
  const weights = def.timeWeighted ? weightsOf(m) : undefined;
  const ci = batchMeansCi(s, weights ? { weights } : {});
  if (!ci) return null;
  // An unweighted interval is about the mean of the samples: only when that is the value.
  if (!def.timeWeighted && !sameNumber(ci.mean, m.value)) return null;
  return ci.halfWidth;
}

/** The headline figure of `metric` in measurement `meas`. */
export function headlineOf(meas: Pick<Measurement, 'kind'>, name: string, m: Metric): HeadlineFigure {
  const def = headlineDef(meas.kind, name, m.unit);
  const half = withinRunHalfWidth(def, m);
  const stored = (m as { outliers?: { count?: unknown } }).outliers;
  const outliers = typeof stored?.count === 'number' ? stored.count : m.samples && m.samples.length >= 3 ? countOutliers(m.samples).count : null;
  return {
    def,
    value: m.value,
    unit: m.unit,
    ci95HalfWidth: half,
    relCi95: half !== null && m.value ? Math.abs(half / m.value) : null,
    n: m.samples?.length ?? 0,
    outliers,
    statistic: def.statistic,
    intervalMethod: half === null ? 'no interval' : intervalText(def.interval, def.timeWeighted),
  };
}

/** "± 1.7 %" (95 % CI) or '' when the figure has no interval. */
export function plusMinus(f: Pick<HeadlineFigure, 'relCi95'>): string {
  return f.relCi95 === null ? '' : ` ± ${(f.relCi95 * 100).toFixed(1)} %`;
}

/**
 * Add each metric's headline definition (`headline`) and outlier count (`outliers`) to a result
 * document, in place (idempotent): what a reader of the JSON alone needs to know which statistic
 * each value is. Called when a result is written.
 */
export function annotateHeadlines(doc: ResultDoc): ResultDoc {
  for (const meas of doc.measurements) {
    for (const [name, m] of Object.entries(meas.metrics)) {
      if (m.samples && m.samples.length >= 3 && !(m as { outliers?: unknown }).outliers) {
        (m as Record<string, unknown>).outliers = countOutliers(m.samples);
      }
      if (m.value === null) continue;
      const f = headlineOf(meas, name, m);
      (m as Record<string, unknown>).headline = { statistic: f.statistic, ci95HalfWidth: f.ci95HalfWidth, ci95Method: f.intervalMethod, gated: f.def.gated };
    }
  }
  return doc;
}

/** Legend lines naming the statistic of each figure shown (for summaries and reports). */
export function headlineLegend(defs: readonly HeadlineDef[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of defs) {
    const key = `${d.kind}.${d.metric}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${d.label} = ${d.statistic}${d.interval === 'none' ? '' : ` ± 95 % CI (${d.interval === 'batch-means' ? 'batch means of the samples' : 'Student t over the repetitions'})`}`);
  }
  return out;
}

/** A figure aggregated over several runs: geometric mean with a 95 % t interval on the logs. */
export interface RunAggregate {
  value: number;
  low: number | null;
  high: number | null;
  n: number;
  statistic: string;
}

/** Aggregate run values (each > 0): the geometric mean of n runs ± 95 % CI (t on log values). */
export function aggregateRuns(values: readonly number[]): RunAggregate {
  if (!values.length || values.some((v) => !(v > 0 && Number.isFinite(v)))) throw new RangeError('aggregateRuns: values must be finite and > 0');
  const logs = values.map(Math.log);
  const n = logs.length;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { value: Math.exp(mean), low: null, high: null, n, statistic: 'value of 1 run' };
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = tCritical(0.95, n - 1) * (sd / Math.sqrt(n));
  return { value: Math.exp(mean), low: Math.exp(mean - h), high: Math.exp(mean + h), n, statistic: `geometric mean of ${n} runs ± 95 % CI (t on log values)` };
}
