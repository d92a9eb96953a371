/**
 * Flags of a timed hashing phase, shared by `hash bench` and `run`: the stopping rule
 * (src/stats/stopping.ts: --seconds is the time limit, --min-seconds and --target-rel-ci let it stop
 * earlier) and the autotune cache (src/hash/autotune-cache.ts).
 */
import type { Command } from 'commander';
import { DEFAULT_MIN_TIME_S } from '../stats/stopping.js';
import { numberArg } from './common.js';

export { timedPhaseOptions, type TimedPhaseFlags } from '../hash/timed-phase.js';

/** Add --min-seconds, --target-rel-ci and --no-autotune-cache. */
export function addTimedPhaseOptions(cmd: Command): Command {
  return cmd
    .option('--min-seconds <s>', `seconds before --target-rel-ci may stop the timed phase (default: the smaller of --seconds and ${DEFAULT_MIN_TIME_S})`, numberArg('--min-seconds', { min: 0, max: 86_400 }))
    .option('--target-rel-ci <percent>', "stop the timed phase once the 95 % CI half-width of the rate (batch means of the slices) is within this percent of it; 0 = always run to --seconds", numberArg('--target-rel-ci', { min: 0, max: 100 }), 1)
    .option('--no-autotune-cache', 'autotune afresh instead of reusing the cached launch configuration for this adapter, driver and kernel version (the new choice is stored)');
}
