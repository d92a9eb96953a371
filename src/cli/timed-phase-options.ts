/**
 * Flags of a timed hashing phase, shared by `hash bench` and `run`: the stopping rule
 * (src/stats/stopping.ts: --seconds is the time limit, --min-seconds and --target-rel-ci let it stop
 * earlier) and the autotune cache (src/hash/autotune-cache.ts).
 */
import type { Command } from 'commander';
import type { HashBenchOptions } from '../hash/bench.js';
import { DEFAULT_MIN_TIME_S } from '../stats/stopping.js';
import { UsageError } from '../util/errors.js';
import { numberArg } from './common.js';

/** The parsed flags. */
export interface TimedPhaseFlags {
  minSeconds?: number;
  /** Percent. */
  targetRelCi: number;
  /** False with --no-autotune-cache. */
  autotuneCache: boolean;
}

/** Add --min-seconds, --target-rel-ci and --no-autotune-cache. */
export function addTimedPhaseOptions(cmd: Command): Command {
  return cmd
    .option('--min-seconds <s>', `seconds before --target-rel-ci may stop the timed phase (default: the smaller of --seconds and ${DEFAULT_MIN_TIME_S})`, numberArg('--min-seconds', { min: 0, max: 86_400 }))
    .option('--target-rel-ci <percent>', "stop the timed phase once the 95 % CI half-width of the rate (batch means of the slices) is within this percent of it; 0 = always run to --seconds", numberArg('--target-rel-ci', { min: 0, max: 100 }), 1)
    .option('--no-autotune-cache', 'autotune afresh instead of reusing the cached launch configuration for this adapter, driver and kernel version (the new choice is stored)');
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
