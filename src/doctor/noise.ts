/**
 * What a machine's run-to-run noise means for A/B comparisons (pure): the spread of repeated runs
 * of one workload, and the smallest regression `joulebench ab` can call with a given number of
 * rounds on it.
 *
 * `ab` runs one baseline and one candidate process per round and tests the per-round log ratios
 * (src/stats/compare.ts, paired); its power is src/stats/sample-size.ts `pairedPower`. Two runs in
 * a round share the machine's slow drift, so the spread of a round's log ratio is estimated from
 * successive runs: the root mean square of successive log differences (von Neumann, "Distribution
 * of the ratio of the mean square successive difference to the variance", Ann. Math. Statist. 12,
 * 1941), which is √2·σ for independent runs and leaves out drift slower than one run. The
 * smallest callable change is then the smallest `detectRel` whose power reaches the target, found
 * by bisection (power grows with the change), and never below the verdict's noise threshold.
 */
import { pairedPower, regressionLog } from '../stats/sample-size.js';

/** Run-to-run coefficient of variation: sample standard deviation / mean. */
export function runToRunCv(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`run-to-run CV needs ≥ 2 runs, got ${values.length}`);
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, x) => a + (x - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(v) / m;
}

/** Root mean square of successive log differences: the expected spread of one ab round's log ratio. */
export function successiveLogSpread(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`successive differences need ≥ 2 runs, got ${values.length}`);
  for (const v of values) if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`run values must be finite and > 0, got ${v}`);
  let s = 0;
  for (let i = 1; i < values.length; i++) s += Math.log(values[i]! / values[i - 1]!) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** What the smallest-change search needs. */
export interface DetectableInput {
  /** Per-round log-ratio spread (successiveLogSpread). */
  spreadLog: number;
  rounds: number;
  /** One-sided level of the verdict (compare's alpha). */
  alpha: number;
  /** Compare's noise threshold τ: no change within it is ever called. */
  noiseThreshold: number;
  /** Target probability of calling the change SLOWER. */
  power: number;
}

/** Largest change the search considers (a 95 % drop). */
export const MAX_DETECTABLE = 0.95;

/** Smallest relative regression (higher-is-better metric) called SLOWER with `power` in `rounds` rounds; null when even MAX_DETECTABLE is not. */
export function smallestDetectable(p: DetectableInput): number | null {
  // The change whose log equals the noise threshold's: anything at or below it is never called.
  const floor = p.noiseThreshold / (1 + p.noiseThreshold);
  const power = (r: number): number => pairedPower(p.rounds, { spreadLog: p.spreadLog, detectRel: r, higherIsBetter: true, alpha: p.alpha, noiseThreshold: p.noiseThreshold });
  if (power(MAX_DETECTABLE) < p.power) return null;
  let lo = floor * (1 + 1e-9);
  if (!(regressionLog(lo, true) > Math.log1p(p.noiseThreshold))) lo = floor + 1e-9;
  let hi = MAX_DETECTABLE;
  if (power(lo) >= p.power) return lo;
  for (let i = 0; i < 60 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= p.power) hi = mid;
    else lo = mid;
  }
  return hi;
}
