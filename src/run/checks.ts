/**
 * The checks `joulebench run` makes on its options before any work — no device, meter or model is
 * opened, so a typo costs one line instead of a benchmark — shared with `fleet submit`, which
 * makes the same checks on the arguments it forwards before any node spends time on a task.
 * (Output paths are checked by `run` itself: `fleet submit` sets them per task.)
 */
import { join } from 'node:path';
import { launchFromFlags, type LaunchFlags } from '../hash/launch-flags.js';
import { timedPhaseOptions, type TimedPhaseFlags } from '../hash/timed-phase.js';
import type { HashBenchOptions } from '../hash/bench.js';
import { checkModelRef } from '../infer/model-ref.js';
import { validateMeterOptions, type MeterOptions } from '../power/monitor.js';
import { readSiteProfile } from '../profit/site-file.js';
import type { SiteProfile } from '../profit/index.js';
import { packageRoot } from '../util/package.js';
import { UsageError } from '../util/errors.js';

/** onnxruntime execution providers `run --ep` accepts. */
export const RUN_EPS = ['webgpu', 'cpu', 'cuda'] as const;
/** `run --progress` styles. */
export const PROGRESS_STYLES = ['auto', 'bar', 'plain', 'quiet'] as const;
/** `run --serving` bases of the serving figure. */
export const SERVING_BASES = ['sweep', 'load'] as const;

/** The options the checks read (a subset of `run`'s). */
export interface RunCheckInput extends MeterOptions, Partial<TimedPhaseFlags>, Omit<LaunchFlags, 'llvmpipeWidth'> {
  seconds: number;
  /** false: no autotune (--no-autotune). */
  autotune?: boolean;
  model?: string;
  ep?: string;
  progress?: string;
  site?: string;
  /** Where the serving figure comes from: sweep (default) or load. */
  serving?: string;
  batch?: number[];
}

/** What the checks worked out (run uses it; fleet only needs the checks to pass). */
export interface RunChecked {
  /** --kernel/--wg/--npi, with --no-autotune alone meaning the default fast kernel (x1). */
  launchFlags: Omit<LaunchFlags, 'llvmpipeWidth'>;
  siteFile: string;
  siteProfile: SiteProfile;
  timed: Pick<HashBenchOptions, 'minSeconds' | 'targetRelCi' | 'autotuneCache'>;
}

/** The shipped site profile used when --site is not given. */
export function defaultSiteFile(): string {
  return join(packageRoot(), 'sites', 'boden-sweden.yaml');
}

/** Check `run`'s options; a one-line UsageError naming the flag and the fix on the first problem. */
export function checkRunOptions(o: RunCheckInput): RunChecked {
  if (o.ep !== undefined && !(RUN_EPS as readonly string[]).includes(o.ep)) throw new UsageError(`--ep '${o.ep}': use webgpu, cpu or cuda`);
  if (o.progress !== undefined && !(PROGRESS_STYLES as readonly string[]).includes(o.progress)) throw new UsageError(`--progress '${o.progress}': use auto, bar, plain or quiet`);
  if (o.serving !== undefined && !(SERVING_BASES as readonly string[]).includes(o.serving)) throw new UsageError(`--serving '${o.serving}': use sweep or load`);
  if (o.serving === 'load' && o.batch) throw new UsageError('--batch with --serving load: --batch sweeps static batches for the serving figure, --serving load measures it under Poisson load instead; drop one');
  validateMeterOptions(o);
  const launchFlags = o.autotune === false && o.kernel === undefined && o.wg === undefined && o.npi === undefined ? { ...o, kernel: 'x1' } : o;
  launchFromFlags(launchFlags, null);
  if (o.model !== undefined) checkModelRef(o.model);
  const siteFile = o.site ?? defaultSiteFile();
  // Read and validate the site file up front: a typo in it must not cost a full benchmark run.
  const siteProfile = readSiteProfile(siteFile);
  const timed = timedPhaseOptions({ targetRelCi: o.targetRelCi ?? 1, autotuneCache: o.autotuneCache !== false, ...(o.minSeconds !== undefined ? { minSeconds: o.minSeconds } : {}) }, o.seconds);
  return { launchFlags, siteFile, siteProfile, timed };
}
