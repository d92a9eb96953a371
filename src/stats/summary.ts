/**
 * Sample summaries (pure). Names follow tinybench (mean, sd, p50, mad, rme) so results read alike.
 * Percentiles use linear interpolation between closest ranks (R type 7 / NumPy default), which
 * is what hand computations in the tests use.
 */
import { mean as ssMean, sampleStandardDeviation, median as ssMedian } from 'simple-statistics';
import { jStat } from './jstat.js';

/** Summary of a set of samples, in the samples' own unit. */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 when n < 2. */
  sd: number;
  median: number;
  /** Median absolute deviation from the median (raw, not scaled by 1.4826). */
  mad: number;
  min: number;
  max: number;
  p5: number;
  p95: number;
  /** sd / mean (0 when mean is 0); "rel. stdev" as nvbench and hyperfine print it. */
  relStdev: number;
  /** Half-width of the 95 % confidence interval of the mean (Student t, n − 1 dof); Infinity when n < 2. */
  ci95HalfWidth: number;
  ci95Low: number;
  ci95High: number;
}

/** Percentile p ∈ [0, 1] of an already sorted array, linear interpolation (type 7). */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile p must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Median absolute deviation around the median (unscaled). */
export function mad(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('MAD of an empty sample');
  const med = ssMedian([...samples]);
  return ssMedian(samples.map((x) => Math.abs(x - med)));
}

/** Two-sided Student t critical value for confidence `level` and `dof` degrees of freedom. */
export function tCritical(level: number, dof: number): number {
  return jStat.studentt.inv(1 - (1 - level) / 2, dof);
}

/** Summarise samples. Throws on an empty array or non-finite values (a bug upstream, not data). */
export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  if (n === 0) throw new RangeError('cannot summarise zero samples');
  for (const x of samples) if (!Number.isFinite(x)) throw new RangeError(`non-finite sample ${x}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const m = ssMean(sorted);
  const sd = n >= 2 ? sampleStandardDeviation(sorted) : 0;
  const half = n >= 2 ? tCritical(0.95, n - 1) * (sd / Math.sqrt(n)) : Infinity;
  return {
    n,
    mean: m,
    sd,
    median: percentileSorted(sorted, 0.5),
    mad: mad(sorted),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p5: percentileSorted(sorted, 0.05),
    p95: percentileSorted(sorted, 0.95),
    relStdev: m === 0 ? 0 : sd / Math.abs(m),
    ci95HalfWidth: half,
    ci95Low: m - half,
    ci95High: m + half,
  };
}
