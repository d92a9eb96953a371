/**
 * `infer serve`: tokens/s and tokens/J a device sustains under open-loop Poisson load within
 * latency targets (issue 23). Programmatic entry: `runInferServe` (used by the CLI and by
 * `run --serving load`).
 *
 * Flow: open the session and decide the batching (src/infer/serve/session.ts) → warm up with an
 * untimed burst of 2 × max-batch requests (it also sizes the `inf` burst) → each `--qps` level in
 * its own energy window (src/infer/serve/levels.ts) → bisection between the highest passing and
 * the lowest failing rate (src/infer/serve/search.ts) → the sustainable figure. What is measured
 * follows vLLM's serving benchmark (vllm-project/vllm vllm/benchmarks/serve.py) and MLPerf
 * Inference's Server scenario (mlcommons/inference loadgen); the pure parts say exactly how.
 */
import type { EnergyMonitor } from '../../power/monitor.js';
import { windowRequirement } from '../../power/monitor.js';
import type { Measurement } from '../../results/schema.js';
import type { Ep } from '../decoder.js';
import { qpsText, type OfferedQps } from './arrivals.js';
import { lengthBounds } from './lengths.js';
import { measureLevel, realClock, scheduleLevel, type LevelContext, type ServeLevel } from './levels.js';
import { BoundaryEngine, ContinuousEngine, type EngineContext } from './ort-engine.js';
import { runLevel, type BatchEngine } from './scheduler.js';
import { nextProbeQps } from './search.js';
import { openServeSession, type ServeSession } from './session.js';
import { uniform01 } from './arrivals.js';
import { levelSeed } from './levels.js';
import { serveMeasurement } from './result.js';

export type { InferServeOptions } from './options.js';
import type { InferServeOptions } from './options.js';


/**
 * Defaults. Latency targets: MLPerf Inference's Server limits for llama2-70b (p99 TTFT 2000 ms,
 * p99 TPOT 200 ms; mlcommons/inference loadgen/mlperf.conf), the loosest LLM pair it sets.
 */
export const SERVE_DEFAULTS = { qps: [1, 'inf'] as OfferedQps[], durationS: 30, maxBatch: 4, prompt: 128, gen: 32, sloTtftMs: 2000, sloTpotMs: 200, searchSteps: 3, seed: 1234 } as const;

/**
 * `run --serving load`: one burst level (the device's saturated completion rate) and 3 bisection
 * probes below it. On a software adapter or the CPU EP: 10 s levels at max batch 4 (≈ 1 min of
 * levels, like the rest of `run` sized for a 2-core machine); on a hardware adapter 30 s at 16.
 */
export function defaultRunServeOptions(adapter: { isSoftware: boolean } | null): { qps: OfferedQps[]; durationS: number; maxBatch: number; searchSteps: number; reason: string } {
  if (!adapter || adapter.isSoftware) return { qps: ['inf'], durationS: 10, maxBatch: 4, searchSteps: 3, reason: `${adapter ? 'software adapter' : 'CPU execution provider'}: burst + 3 bisection probes, 10 s levels, max batch 4` };
  return { qps: ['inf'], durationS: 30, maxBatch: 16, searchSteps: 3, reason: 'hardware adapter: burst + 3 bisection probes, 30 s levels, max batch 16' };
}

/** A level is cut this long after its start (an offered rate far above capacity would queue for hours): 3 × the window + 30 s. */
export function cutAfterS(durationS: number): number {
  return 3 * durationS + 30;
}

function engineFor(s: ServeSession, o: InferServeOptions, seed: number): BatchEngine {
  const ctx: EngineContext = { session: s.session, io: s.io, layout: s.batching.layout ?? 'right', tokens: o.tokens, vocabSize: s.vocabSize, u: uniform01(seed), status: s.status };
  return s.batching.mode === 'continuous' ? new ContinuousEngine(ctx) : new BoundaryEngine(ctx);
}

/** Untimed warmup burst; returns its completion rate (req/s) to size the `inf` burst. */
async function warmup(s: ServeSession, o: InferServeOptions, log: (l: string) => void): Promise<number | null> {
  if (o.warmup === false) return null;
  const n = 2 * o.maxBatch;
  const sched = scheduleLevel({ qps: 'inf', durationS: 0, burstRequests: n, seed: o.seed ^ 0x5eed, prompt: o.prompt, gen: o.gen, maxContext: s.maxContext });
  const run = await runLevel(engineFor(s, o, o.seed ^ 0x5eed), { maxBatch: o.maxBatch, clock: realClock, requests: sched.requests, cutAfterMs: null });
  // Little's law with every slot busy: completions/s = slots / time a request holds its slot
  // (admission → last token), which leaves out the queueing that makes up most of a burst's wait.
  // From the requests admitted after the first wave: the first runs of a session are slower.
  const first = Math.min(...run.records.map((r) => r.admittedMs!));
  const later = run.records.filter((r) => r.admittedMs! > first);
  const held = later.length ? later : run.records;
  const heldS = held.reduce((a, r) => a + (r.doneMs! - r.admittedMs!), 0) / held.length / 1000;
  const rate = heldS > 0 ? o.maxBatch / heldS : null;
  log(`warmup: ${n} requests in ${run.durationS.toFixed(2)} s (untimed)`);
  return rate;
}

/** Requests of a burst level: --burst-requests, else sized from the warmup's rate to last about --duration. */
function burstSize(o: InferServeOptions, warmRate: number | null): { n: number; rule: string } {
  if (o.burstRequests !== undefined) return { n: o.burstRequests, rule: `--burst-requests ${o.burstRequests}` };
  if (warmRate === null) return { n: 8 * o.maxBatch, rule: `8 × --max-batch (no warmup to size it from)` };
  const n = Math.max(2 * o.maxBatch, Math.min(100_000, Math.round(warmRate * o.durationS)));
  return { n, rule: `sized from the warmup (${warmRate.toPrecision(3)} req/s) to last about --duration ${o.durationS} s` };
}

/** Run the listed levels, then the bisection probes. */
async function runLevels(s: ServeSession, o: InferServeOptions, c: Omit<LevelContext, 'engine'>, burst: number): Promise<ServeLevel[]> {
  const levels: ServeLevel[] = [];
  const one = async (qps: OfferedQps, role: ServeLevel['role']) => {
    const sched = scheduleLevel({ qps, durationS: o.durationS, burstRequests: burst, seed: o.seed, prompt: o.prompt, gen: o.gen, maxContext: s.maxContext });
    c.log(`level ${qpsText(qps)}${role === 'search' ? ' (search)' : ''}: ${sched.requests.length} requests`);
    const l = await measureLevel({ ...c, engine: engineFor(s, o, levelSeed(o.seed, qps, 3)) }, qps, role, qps === 'inf' ? null : o.durationS, sched);
    c.log(`level ${qpsText(qps)}: ${l.completedRequests} done in ${l.durationS.toFixed(2)} s, ${l.outputTokensPerSecond?.toFixed(1) ?? '—'} tok/s out, p99 TTFT ${l.ttftMs?.p99.toFixed(0) ?? '—'} ms, p99 TPOT ${l.tpotMs?.p99.toFixed(1) ?? '—'} ms: ${l.verdict}`);
    levels.push(l);
  };
  for (const q of o.qps) await one(q, 'listed');
  const outcome = (l: ServeLevel) => ({ offeredQps: l.offeredQps, completedRequests: l.completedRequests, unfinishedRequests: l.unfinishedRequests, ttftP99Ms: l.ttftMs?.p99 ?? null, tpotP99Ms: l.tpotMs?.p99 ?? null, requestsPerSecond: l.requestsPerSecond });
  for (let k = 0; k < o.searchSteps; k++) {
    const q = nextProbeQps(levels.map(outcome), o.slo);
    if (q === null) break;
    await one(q, 'search');
  }
  return levels;
}

/** Run `infer serve` and return its measurement (kind `infer`, id `infer.serve.<model>`). */
export async function runInferServe(o: InferServeOptions, monitor: EnergyMonitor | null = null): Promise<Measurement> {
  const log = o.log ?? (() => {});
  const startedAt = new Date();
  const ep: Ep = o.ep ?? 'webgpu';
  const promptsVary = lengthBounds(o.prompt).min !== lengthBounds(o.prompt).max;
  const s = await openServeSession({ model: o.model, ep, dtype: o.dtype, variant: o.variant, batching: o.batching, threads: o.threads, adapterSpec: o.adapterSpec, allowAdapterMismatch: o.allowAdapterMismatch, promptsVary, log });
  log(`batching: ${s.batching.reason}`);
  try {
    const req = await windowRequirement(monitor);
    if (req.minS > 0 && o.durationS < req.minS) s.warnings.push(`--duration ${o.durationS} s is shorter than the ${req.minS.toFixed(1)} s energy window the meter needs (${req.basis}): finite levels may record incomplete energy`);
    const warmRate = await warmup(s, o, log);
    const burst = burstSize(o, warmRate);
    const notMeasured = o.energyReason ?? 'no power meter; pass --meter <name> or --watts <W>';
    const levels = await runLevels(s, o, { clock: realClock, monitor, notMeasured, maxBatch: o.maxBatch, slo: o.slo, cutAfterS: cutAfterS(o.durationS), log }, burst.n);
    return serveMeasurement({ o, s, ep, levels, burst, startedAt, notMeasured });
  } finally {
    // After a timed-out run() onnxruntime may still be using the session: leave it to process exit.
    if (!s.status.timedOut) await s.session.release();
  }
}
