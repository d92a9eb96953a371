/**
 * Confidence interval of a mean from autocorrelated samples by non-overlapping batch means (pure).
 *
 * Consecutive slices of one run share its clocks, heat and background load, so they are
 * positively autocorrelated (lag-1 r = 0.2–0.6 in shipped results) and the i.i.d. interval
 * t·sd/√n is far too narrow. Batch means (Schmeiser, "Batch size effects in the analysis of
 * simulation output", Operations Research 30(3), 1982; Law & Kelton, "Simulation Modeling and
 * Analysis", §9.5.3) splits the series into b contiguous batches: when a batch is long compared with
 * the correlation time, the batch means are close to independent and Student's t with b − 1 degrees
 * of freedom applies to them. b = ⌊√n⌋ (capped at 30) lets both the batch length and the number of
 * batches grow with n, the usual consistent choice.
 *
 * With weights (durations), each batch's value is Σwᵢxᵢ / Σwᵢ: for per-slice rates xᵢ = workᵢ/tᵢ
 * and wᵢ = tᵢ that is the batch's total work over its total time, and the centre is the whole run's
 * total work / total time — the same number the run reports.
 */
import { tCritical } from './summary.js';

/** A batch-means interval. */
export interface BatchMeansCi {
  /** Weighted mean of all samples (total work / total time for rates weighted by duration). */
  mean: number;
  /** Half-width of the interval (t with batches − 1 dof on the batch means). */
  halfWidth: number;
  /** halfWidth / |mean| (Infinity when mean is 0). */
  relHalfWidth: number;
  low: number;
  high: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  batches: number;
  /** Samples per batch (the smallest batch, when n is not a multiple of the batch count). */
  batchSize: number;
  /** The batch values (for diagnostics and tests). */
  batchMeans: number[];
}

/** Fewest samples for a batch-means interval (2 batches of 2). */
export const MIN_BATCH_MEANS_SAMPLES = 4;

/** Batch count for n samples: ⌊√n⌋, at least 2, at most 30. */
export function batchCount(n: number): number {
  return Math.max(2, Math.min(30, Math.floor(Math.sqrt(n))));
}

/**
 * Batch-means interval of the (weighted) mean of `values`, or null when there are fewer than
 * MIN_BATCH_MEANS_SAMPLES samples. `weights` (e.g. slice durations) must be positive and as many
 * as the values. Batches are contiguous, in sample order, with sizes differing by at most one.
 */
export function batchMeansCi(
  values: readonly number[],
  opts: { weights?: readonly number[]; level?: number; batches?: number } = {},
): BatchMeansCi | null {
  const n = values.length;
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`batch means: level must be in (0, 1), got ${level}`);
  const w = opts.weights;
  if (w && w.length !== n) throw new RangeError(`batch means: ${w.length} weights for ${n} values`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) throw new RangeError(`batch means: non-finite value ${values[i]}`);
    if (w && !(w[i]! > 0 && Number.isFinite(w[i]!))) throw new RangeError(`batch means: weight ${w[i]} is not a positive number`);
  }
  if (n < MIN_BATCH_MEANS_SAMPLES) return null;
  const b = Math.min(opts.batches ?? batchCount(n), Math.floor(n / 2));
  if (b < 2) return null;
  const batchMeans: number[] = [];
  let sumW = 0;
  let sumWX = 0;
  let start = 0;
  for (let j = 0; j < b; j++) {
    const end = Math.round(((j + 1) * n) / b);
    let bw = 0;
    let bwx = 0;
    for (let i = start; i < end; i++) {
      const wi = w ? w[i]! : 1;
      bw += wi;
      bwx += wi * values[i]!;
    }
    batchMeans.push(bwx / bw);
    sumW += bw;
    sumWX += bwx;
    start = end;
  }
  const mean = sumWX / sumW;
  let avg = 0;
  for (const m of batchMeans) avg += m;
  avg /= b;
  let ss = 0;
  for (const m of batchMeans) ss += (m - avg) * (m - avg);
  const sd = Math.sqrt(ss / (b - 1));
  const halfWidth = tCritical(level, b - 1) * (sd / Math.sqrt(b));
  return {
    mean,
    halfWidth,
    relHalfWidth: mean === 0 ? Infinity : halfWidth / Math.abs(mean),
    low: mean - halfWidth,
    high: mean + halfWidth,
    level,
    batches: b,
    batchSize: Math.floor(n / b),
    batchMeans,
  };
}

/** Lag-1 autocorrelation of a series (0 for fewer than 3 values or no spread). */
export function lag1Autocorrelation(values: readonly number[]): number {
  const n = values.length;
  if (n < 3) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    den += d * d;
    if (i > 0) num += d * (values[i - 1]! - mean);
  }
  return den === 0 ? 0 : num / den;
}
