/**
 * Energy windows over a monitor, Zeus-style (`begin(name)` … work … `end(name)` → energy:
 * https://ml.energy/zeus/measure/): how long the timed phase must last for its window to be
 * complete, and opening/closing the window around it so that a failure inside never leaves a
 * window open. The monitor is anything with begin/end (and optionally the window requirement and an
 * idle baseline): the main thread's EnergyMonitor, or a proxy to it from a worker thread.
 */
import type { Energy } from '../results/schema.js';
import type { WindowRequirement } from '../power/sampler.js';
import { DEFAULT_MAX_WINDOW_S, windowTargetS } from '../power/window-rule.js';

/** What the core needs of an energy monitor (src/power/monitor.ts EnergyMonitor satisfies it). */
export interface WindowMonitor {
  begin(name: string): Promise<void>;
  end(name: string): Promise<Energy>;
  /** How long a window must be to be complete; absent = no rule. */
  requirement?(): Promise<WindowRequirement>;
  /** Measure idle power for `seconds` (recorded with later windows as idlePowerW / netEnergyJ). */
  idleBaseline?(seconds: number): Promise<void>;
}

/** How long the timed phase must run for its window to be complete. */
export interface WindowPlan {
  /** Shortest complete window (max(10 sensor update periods, --min-window)), s; 0 without a monitor or rule. */
  requiredS: number;
  /** What to aim for: the requirement with its margin, capped at `maxS`; 0 without a monitor. */
  targetS: number;
  /** --max-window: longest a phase is extended to reach the requirement, s. */
  maxS: number;
  /** The rule in words. */
  rule: string;
}

/** Plan the window of a timed phase (no monitor: nothing to reach). */
export async function planWindow(monitor: WindowMonitor | null | undefined, maxS = DEFAULT_MAX_WINDOW_S): Promise<WindowPlan> {
  if (!monitor) return { requiredS: 0, targetS: 0, maxS, rule: 'no energy window rule' };
  const req: WindowRequirement = monitor.requirement ? await monitor.requirement() : { minS: 0, periodS: null, basis: 'no energy window rule' };
  return { requiredS: req.minS, targetS: Math.min(windowTargetS(req), maxS), maxS, rule: req.basis };
}

/**
 * Run `work` inside the window `name` (none without a monitor: then the energy is `{ measured:
 * false, reason: notMeasured }`). A failure inside closes the window (its record dropped: the error
 * is what is reported) and rethrows.
 */
export async function inWindow<T>(monitor: WindowMonitor | null | undefined, name: string, notMeasured: string, work: () => Promise<T>): Promise<{ value: T; energy: Energy }> {
  if (!monitor) return { value: await work(), energy: { measured: false, reason: notMeasured } };
  await monitor.begin(name);
  let value: T;
  try {
    value = await work();
  } catch (err) {
    await monitor.end(name).catch(() => undefined);
    throw err;
  }
  return { value, energy: await monitor.end(name) };
}
