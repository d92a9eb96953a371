/**
 * The timed hashing phase's flags (--min-seconds, --target-rel-ci, --no-autotune-cache) as
 * runHashBench options, checked against --seconds: shared by `hash bench` and `run` (and
 * src/run/checks.ts). Pure; the commander definitions are src/cli/timed-phase-options.ts.
 */
import type { HashBenchOptions } from './bench.js';
import { UsageError } from '../util/errors.js';

/** The parsed flags. */
export interface TimedPhaseFlags {
  minSeconds?: number;
  /** Percent. */
  targetRelCi: number;
  /** False with --no-autotune-cache. */
  autotuneCache: boolean;
}

/** The runHashBench options these flags set; `seconds` is the time limit. */
export function timedPhaseOptions(f: TimedPhaseFlags, seconds: number): Pick<HashBenchOptions, 'minSeconds' | 'targetRelCi' | 'autotuneCache'> {
  if (f.minSeconds !== undefined && f.minSeconds > seconds) {
    throw new UsageError(`--min-seconds ${f.minSeconds}: longer than the --seconds ${seconds} time limit; lower it or raise --seconds`);
  }
  return {
    ...(f.minSeconds !== undefined ? { minSeconds: f.minSeconds } : {}),
    targetRelCi: f.targetRelCi / 100,
    autotuneCache: { read: f.autotuneCache !== false, write: true },
  };
}
