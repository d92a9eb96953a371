/**
 * Outlier labelling with the modified z-score of Iglewicz & Hoaglin (1993):
 * Mᵢ = 0.6745 · (xᵢ − median) / MAD; |Mᵢ| > 3.5 labels an outlier. hyperfine uses the same
 * statistic to warn about disturbed runs. Samples are labelled, never dropped: callers decide.
 */
import { median } from 'simple-statistics';
import { mad } from './summary.js';

/** Threshold recommended by Iglewicz & Hoaglin. */
export const MODIFIED_Z_THRESHOLD = 3.5;

/** Modified z-score of every sample; all 0 when MAD is 0 (no spread to judge by). */
export function modifiedZScores(samples: readonly number[]): number[] {
  if (samples.length === 0) return [];
  const med = median([...samples]);
  const m = mad(samples);
  if (m === 0) return samples.map(() => 0);
  return samples.map((x) => (0.6745 * (x - med)) / m);
}

/** Outlier labels and counts for a sample set. */
export interface OutlierReport {
  /** Indices (into the input) of samples with |modified z| above the threshold. */
  indices: number[];
  scores: number[];
  threshold: number;
  /** Fraction of samples labelled. */
  fraction: number;
}

/** Label outliers by modified z-score. */
export function labelOutliers(samples: readonly number[], threshold = MODIFIED_Z_THRESHOLD): OutlierReport {
  const scores = modifiedZScores(samples);
  const indices = scores.flatMap((z, i) => (Math.abs(z) > threshold ? [i] : []));
  return { indices, scores, threshold, fraction: samples.length ? indices.length / samples.length : 0 };
}

/** What results store about outliers: counted and located, never removed from the samples. */
export interface OutlierCount {
  /** The rule, in words. */
  method: string;
  threshold: number;
  count: number;
  fraction: number;
  /** Indices (into the samples) of the labelled samples. */
  indices: number[];
}

/** Outlier count of a sample set for results and summaries (labelOutliers, described). */
export function countOutliers(samples: readonly number[], threshold = MODIFIED_Z_THRESHOLD): OutlierCount {
  const r = labelOutliers(samples, threshold);
  return {
    method: `modified z-score |0.6745·(x − median)/MAD| > ${threshold} (Iglewicz & Hoaglin 1993); labelled, kept in every statistic`,
    threshold,
    count: r.indices.length,
    fraction: r.fraction,
    indices: r.indices,
  };
}
