/**
 * The statistics `verify` re-derives, written here from their definitions rather than imported
 * from src/stats (a check that called the code under check would only replay its output). The
 * Student t quantile is jStat's (the library, not project code).
 */
import { jStat } from '../../stats/jstat.js';

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 denominator); 0 for fewer than 2 values. */
export function sampleSd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (n - 1));
}

/** Median (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Two-sided 95 % Student t critical value with `dof` degrees of freedom. */
export function t95(dof: number): number {
  return jStat.studentt.inv(0.975, dof);
}

/** Half-width of the 95 % Student t interval of the mean of `xs` (null below 2 values). */
export function studentHalfWidth(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  return t95(xs.length - 1) * (sampleSd(xs) / Math.sqrt(xs.length));
}

/**
 * Half-width of the 95 % batch-means interval as README "Headline figures" defines it for rates
 * over slices: b = ⌊√n⌋ batches (at least 2, at most 30, at most n/2), contiguous in sample order,
 * batch j holding samples [round(j·n/b), round((j+1)·n/b)); each batch's value is its weighted
 * mean (Σwx/Σw; with durations as weights, its work over its time); Student t with b − 1 degrees
 * of freedom on the batch values (Schmeiser, Operations Research 30(3), 1982). Null below 4 samples.
 */
export function batchMeansHalfWidth(xs: readonly number[], weights?: readonly number[]): number | null {
  const n = xs.length;
  if (n < 4) return null;
  const b = Math.min(Math.max(2, Math.min(30, Math.floor(Math.sqrt(n)))), Math.floor(n / 2));
  const values: number[] = [];
  for (let j = 0; j < b; j++) {
    let sw = 0;
    let swx = 0;
    for (let i = Math.round((j * n) / b); i < Math.round(((j + 1) * n) / b); i++) {
      const w = weights ? weights[i]! : 1;
      sw += w;
      swx += w * xs[i]!;
    }
    values.push(swx / sw);
  }
  return t95(b - 1) * (sampleSd(values) / Math.sqrt(b));
}

/** Nearest whole number of `x` and how far `x` is from it. */
export function wholeness(x: number): { nearest: number; off: number } {
  const nearest = Math.round(x);
  return { nearest, off: Math.abs(x - nearest) };
}
