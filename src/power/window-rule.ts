/**
 * How long an energy window must be, as benches plan it: pure, and free of meter code so the
 * decode worker (src/infer/decode-worker.ts) can import it without loading the meters.
 */
import type { WindowRequirement } from './sampler.js';

/**
 * Benches aim their windows this much above the requirement: the meter checks a window against
 * its update-period estimate at the window's end, which sensor jitter can have moved a little.
 */
export const WINDOW_MARGIN = 1.2;

/** Default --max-window, s. */
export const DEFAULT_MAX_WINDOW_S = 300;

/**
 * How long a bench should make a window to meet `req`: the requirement plus WINDOW_MARGIN on the
 * update-period part (a --min-window does not move; the period estimate may) and 5 ms.
 */
export function windowTargetS(req: WindowRequirement): number {
  if (!(req.minS > 0)) return 0;
  const byPeriod = req.periodS !== null ? 10 * req.periodS * WINDOW_MARGIN : 0;
  return Math.max(req.minS, byPeriod) + 0.005;
}

/** A bench's window requirement (0 without a monitor or a rule). */
export async function windowRequirement(monitor: { requirement?(): Promise<WindowRequirement> } | null | undefined): Promise<WindowRequirement> {
  if (!monitor?.requirement) return { minS: 0, periodS: null, basis: 'no energy window rule' };
  return monitor.requirement();
}
