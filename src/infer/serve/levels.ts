/**
 * One measured load level of `infer serve`: its seeded schedule, its energy window around the
 * scheduler run, and the `levels[]` entry of the result (figures + the per-request records they are
 * computed from). The clock is injected (src/infer/serve/scheduler.ts); `realClock` is
 * performance.now() with timer waits.
 */
import type { Energy } from '../../results/schema.js';
import type { EnergyMonitor } from '../../power/monitor.js';
import { perJoule, perJouleBasis, perJouleReason } from '../../power/monitor.js';
import { energyJoules } from '../../power/energy-basis.js';
import { inWindow } from '../../core/window.js';
import { burstArrivalsMs, poissonArrivalsMs, uniform01, type OfferedQps } from './arrivals.js';
import { drawLengths, type LengthSpec } from './lengths.js';
import { levelFigures, type LevelFigures, type RequestRecord, type Slos } from './metrics.js';
import { runLevel, type BatchEngine, type Clock, type ScheduledRequest } from './scheduler.js';
import { levelVerdict } from './search.js';

/** performance.now() and a timer wait (the event loop is free while no run() blocks it). */
export const realClock: Clock = {
  nowMs: () => performance.now(),
  sleepUntilMs: (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now()))),
};

/** A seed for one stream of one level: the same rate gets the same schedule whatever the order of levels. */
export function levelSeed(seed: number, qps: OfferedQps, stream: number): number {
  const q = qps === 'inf' ? 0x7fffffff : Math.round(qps * 1000);
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(q, 0xc2b2ae35) ^ Math.imul(stream, 0x27d4eb2f)) >>> 0;
}

/** The schedule of a level: arrivals (Poisson, or a burst of `burstRequests`) with drawn lengths. */
export function scheduleLevel(x: { qps: OfferedQps; durationS: number; burstRequests: number; seed: number; prompt: LengthSpec; gen: LengthSpec; maxContext: number | null }): { requests: ScheduledRequest[]; rejected: number } {
  const arrivals = x.qps === 'inf' ? burstArrivalsMs(x.burstRequests) : poissonArrivalsMs(x.qps, x.durationS, uniform01(levelSeed(x.seed, x.qps, 1)));
  const drawn = drawLengths(arrivals.length, x.prompt, x.gen, x.maxContext, uniform01(levelSeed(x.seed, x.qps, 2)));
  return { requests: arrivals.map((arrivalMs, id) => ({ id, arrivalMs, ...drawn.lengths[id]! })), rejected: drawn.rejected };
}

/** One entry of the result's `levels[]`. */
export interface ServeLevel extends LevelFigures {
  offeredQps: OfferedQps;
  /** 'listed' (--qps) or 'search' (a bisection probe). */
  role: 'listed' | 'search';
  /** Offered window of a finite rate (arrivals in [0, this)), s; null for a burst. */
  offeredWindowS: number | null;
  /** True when the level was cut before every request finished. */
  cut: boolean;
  /** Drawn requests longer than the model's context, drawn again. */
  lengthsRejected: number;
  /** Does it meet the latency targets (null without any)? and why. */
  meetsSlo: boolean | null;
  verdict: string;
  energy: Energy;
  tokensPerJoule: number | null;
  tokensPerJouleReason?: string;
  energyBasis?: 'metered' | 'declared';
  avgPowerW: number | null;
  decodeSteps: number;
  /** Sequences per decode step, mean (how full the batch ran). */
  meanStepBatch: number | null;
  /** Boundary batching: rows computed after their request had finished. */
  idleRowSteps: number;
  prefills: number;
  /** Time inside prefills and inside decode steps, s (duration − both = idle, waiting for arrivals). */
  prefillS: number;
  decodeS: number;
  /**
   * Tokens the decode steps produced per second of decode-step time (a request's first token comes
   * from its prefill, not a step): the figure comparable with `infer bench`'s static tg tokens/s.
   */
  decodeStepTokensPerSecond: number | null;
  requests: RequestRecord[];
}

const us = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** Records with times rounded to the microsecond (what is stored; figures are computed from these). */
function rounded(records: readonly RequestRecord[]): RequestRecord[] {
  return records.map((r) => ({ ...r, arrivalMs: us(r.arrivalMs)!, admittedMs: us(r.admittedMs), firstTokenMs: us(r.firstTokenMs), doneMs: us(r.doneMs), tokenMs: r.tokenMs.map((t) => us(t)!) }));
}

/** What a level run needs. */
export interface LevelContext {
  engine: BatchEngine;
  clock: Clock;
  monitor: EnergyMonitor | null;
  notMeasured: string;
  maxBatch: number;
  slo: Slos;
  cutAfterS: number;
  log: (line: string) => void;
}

/** Run one level inside its energy window and build its `levels[]` entry. */
export async function measureLevel(c: LevelContext, qps: OfferedQps, role: ServeLevel['role'], offeredWindowS: number | null, sched: { requests: ScheduledRequest[]; rejected: number }): Promise<ServeLevel> {
  const name = `infer.serve.${qps === 'inf' ? 'burst' : `q${qps}`}`;
  // The level's window over the monitor, opened and closed by the benchmark core (src/core/window.ts):
  // a failure inside closes it and rethrows. Why a level is not (yet) a core Workload:
  // ARCHITECTURE.md, "Serving: an open-loop level".
  const { value: run, energy } = await inWindow(c.monitor, name, c.notMeasured, () =>
    runLevel(c.engine, { maxBatch: c.maxBatch, clock: c.clock, requests: sched.requests, cutAfterMs: c.cutAfterS * 1000 }),
  );
  const requests = rounded(run.records);
  // Figures from the stored (rounded) records and the duration they imply: anyone can recompute them.
  const lastDone = Math.max(0, ...requests.map((r) => r.doneMs ?? 0));
  const durationS = run.cut ? run.durationS : lastDone / 1000;
  const fig = levelFigures(requests, durationS, c.slo);
  const v = levelVerdict({ offeredQps: qps, completedRequests: fig.completedRequests, unfinishedRequests: fig.unfinishedRequests, ttftP99Ms: fig.ttftMs?.p99 ?? null, tpotP99Ms: fig.tpotMs?.p99 ?? null, requestsPerSecond: fig.requestsPerSecond }, c.slo);
  const haveSlo = c.slo.ttftMs !== null || c.slo.tpotMs !== null;
  const tpj = perJoule(fig.outputTokens, energy);
  const j = energyJoules(energy);
  const basis = perJouleBasis(energy);
  return {
    offeredQps: qps,
    role,
    offeredWindowS,
    cut: run.cut,
    lengthsRejected: sched.rejected,
    ...fig,
    meetsSlo: haveSlo ? v.ok : null,
    verdict: haveSlo ? v.why : 'no latency target',
    energy,
    tokensPerJoule: tpj,
    ...(tpj === null ? { tokensPerJouleReason: perJouleReason(energy) ?? 'no output tokens' } : {}),
    ...(tpj !== null && basis ? { energyBasis: basis } : {}),
    avgPowerW: j?.avgPowerW ?? null,
    decodeSteps: run.decodeSteps,
    meanStepBatch: run.decodeSteps ? run.stepSequences / run.decodeSteps : null,
    idleRowSteps: run.idleRowSteps,
    prefills: run.prefills,
    prefillS: run.prefillS,
    decodeS: run.decodeS,
    decodeStepTokensPerSecond: run.decodeS > 0 ? (run.stepSequences - run.idleRowSteps) / run.decodeS : null,
    requests,
  };
}
