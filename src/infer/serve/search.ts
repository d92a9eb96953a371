/**
 * The sustainable figure of a load sweep (pure): the highest offered Poisson rate whose p99 TTFT and
 * p99 TPOT meet the latency targets, with that level's output tokens/s and tokens/J.
 *
 * The rule is MLPerf Inference's Server scenario: a run is valid only when p99 TTFT and p99 TPOT
 * are both within the benchmark's limits (mlcommons/inference loadgen/mlperf.conf,
 * `target_latency_percentile = 99`, e.g. llama2-70b 2000 ms / 200 ms), and the reported figure is
 * the throughput at the highest such rate. DistServe's goodput (Zhong et al., OSDI 2024,
 * arXiv:2401.09670) is the same search with an attainment threshold. A burst (`inf`) level is never
 * sustainable (all requests arrive at once: its TTFT grows with the queue); its completion rate only
 * bounds the search from above, since no rate above the service rate can be held.
 *
 * Bisection (`nextProbeQps`) narrows the bracket between the highest passing and the lowest failing
 * rate (or the burst's completion rate); it assumes latency grows with the offered rate, which
 * run-to-run noise can break near the knee: the result names the bracket it ended with.
 */
import type { OfferedQps } from './arrivals.js';
import type { Slos } from './metrics.js';

/** What the search needs from a measured level. */
export interface LevelOutcome {
  offeredQps: OfferedQps;
  completedRequests: number;
  unfinishedRequests: number;
  ttftP99Ms: number | null;
  tpotP99Ms: number | null;
  /** Completed requests / duration (null with none). */
  requestsPerSecond: number | null;
}

/** Why a level does or does not meet the targets, in words. */
export function levelVerdict(l: LevelOutcome, slo: Slos): { ok: boolean; why: string } {
  if (l.offeredQps === 'inf') return { ok: false, why: 'a burst (inf) is a throughput test, not a sustained rate' };
  if (!l.completedRequests) return { ok: false, why: 'no request completed' };
  if (l.unfinishedRequests) return { ok: false, why: `${l.unfinishedRequests} request(s) unfinished when the level was cut (the queue kept growing)` };
  const misses: string[] = [];
  if (slo.ttftMs !== null && !(l.ttftP99Ms !== null && l.ttftP99Ms <= slo.ttftMs)) misses.push(`p99 TTFT ${fmt(l.ttftP99Ms)} ms > ${slo.ttftMs} ms`);
  if (slo.tpotMs !== null && l.tpotP99Ms !== null && !(l.tpotP99Ms <= slo.tpotMs)) misses.push(`p99 TPOT ${fmt(l.tpotP99Ms)} ms > ${slo.tpotMs} ms`);
  if (misses.length) return { ok: false, why: misses.join(', ') };
  return { ok: true, why: `p99 TTFT ${fmt(l.ttftP99Ms)} ms, p99 TPOT ${fmt(l.tpotP99Ms)} ms within ${sloText(slo)}` };
}

const fmt = (x: number | null) => (x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** "TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99". */
export function sloText(slo: Slos): string {
  const parts = [slo.ttftMs !== null ? `TTFT ≤ ${slo.ttftMs} ms` : null, slo.tpotMs !== null ? `TPOT ≤ ${slo.tpotMs} ms` : null].filter(Boolean);
  return parts.length ? `${parts.join(' and ')} at p99` : 'no latency target';
}

/** The search's bracket: highest passing rate, lowest failing finite rate, and the burst's service rate. */
export interface Bracket {
  passQps: number | null;
  failQps: number | null;
  /** Completion rate of the highest burst level (an upper bound on any sustainable rate), req/s. */
  serviceRate: number | null;
}

/** Where the measured levels leave the search. */
export function bracketOf(levels: readonly LevelOutcome[], slo: Slos): Bracket {
  const finite = levels.filter((l): l is LevelOutcome & { offeredQps: number } => l.offeredQps !== 'inf');
  const pass = finite.filter((l) => levelVerdict(l, slo).ok).map((l) => l.offeredQps);
  const passQps = pass.length ? Math.max(...pass) : null;
  const fail = finite.filter((l) => !levelVerdict(l, slo).ok && (passQps === null || l.offeredQps > passQps)).map((l) => l.offeredQps);
  const bursts = levels.filter((l) => l.offeredQps === 'inf' && l.requestsPerSecond !== null).map((l) => l.requestsPerSecond!);
  return { passQps, failQps: fail.length ? Math.min(...fail) : null, serviceRate: bursts.length ? Math.max(...bursts) : null };
}

/** Round a probe rate to 3 significant digits (levels are named by it). */
export function roundQps(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * The next rate to probe, or null when the bracket is closed: no SLO, no upper bound, or the
 * bracket is narrower than `minRelGap` of its upper end. Lower end: the highest passing rate (0
 * when none passed); upper end: the lowest failing rate above it, else the burst's service rate.
 */
export function nextProbeQps(levels: readonly LevelOutcome[], slo: Slos, minRelGap = 0.05): number | null {
  if (slo.ttftMs === null && slo.tpotMs === null) return null;
  const b = bracketOf(levels, slo);
  const lo = b.passQps ?? 0;
  const hi = b.failQps ?? (b.serviceRate !== null && b.serviceRate > lo ? b.serviceRate : null);
  if (hi === null || !(hi > lo) || (hi - lo) / hi < minRelGap) return null;
  const mid = roundQps((lo + hi) / 2);
  const tried = new Set(levels.map((l) => l.offeredQps));
  return mid > lo && mid < hi && !tried.has(mid) ? mid : null;
}
