/**
 * One batch size of `infer bench`, measured as two tests like llama-bench's pp and tg (issue 11):
 *
 *  - pp: prefills of the prompt run back to back inside ONE energy window (KV cache cleared before
 *    each), repeated until the window is as long as the meter needs;
 *  - tg: decode sequences of `gen` tokens at KV depth `prompt` run back to back inside ANOTHER
 *    window. Each sequence needs its prompt in the KV cache, and running that prefill inside the
 *    decode window would charge prefill joules to decode tokens, so every sequence gets its own
 *    runner, prefilled before the window opens (a pool sized from the warmup's decode time).
 *
 * A window must last max(10 sensor update periods, --min-window) (the monitor's `requirement()`),
 * capped by --max-window; a phase that cannot reach it is still measured for tokens/s and its
 * energy record says why it is incomplete, so no per-joule figure comes from it.
 * `measureBatch(ctx, batch)` is the unit a batch sweep (`--batch 1,4,16`) repeats, each batch in
 * its own windows (`windowTag`).
 *
 * Both tests run on the benchmark core (src/core/): prefill and decode are core workloads whose
 * units time themselves (a timer around just the run()s), the core's loop keeps the count, the
 * window and the interruption; the decode pool's sizing and retries stay here.
 */
import type * as ort from 'onnxruntime-node';
import type { Energy } from '../results/schema.js';
import type { EnergyMonitor } from '../power/monitor.js';
import { DecoderRunner, argmaxLastInto, type DecoderIO } from './decoder.js';
import type { RunBeacon } from './run-beacon.js';
import { InterruptedError, interruptionOf, throwIfInterrupted, type InterruptSignal } from '../util/interrupt.js';
import { runBenchmark, type BenchmarkRecord, type EnergyPlan } from '../core/run.js';
import { countAndTime } from '../core/stopping.js';
import { planWindow, type WindowPlan } from '../core/window.js';
import type { UnitDone, Workload, WorkloadInfo } from '../core/workload.js';

/** Most KV-cache bytes the tg runner pool may hold (each runner keeps one prefilled sequence). */
export const KV_POOL_MAX_BYTES = 1024 ** 3;
/** Attempts at a decode window long enough for the meter (each sizes the pool from the last). */
const TG_MAX_ATTEMPTS = 4;
/** Most a retry grows the decode pool (estimates from a very short window are noisy). */
const TG_MAX_GROWTH = 4;

/** What measureBatch needs besides the batch size. */
export interface BatchContext {
  session: ort.InferenceSession;
  io: DecoderIO;
  prompt: number;
  gen: number;
  /** Fewest prefills / decode sequences per phase (--repetitions). */
  minRuns: number;
  tokens: 'random' | 'greedy';
  /** Random token ids (seeded). */
  randomTokens: (n: number) => Int32Array;
  monitor: EnergyMonitor | null;
  /** --max-window, s. */
  maxWindowS?: number;
  /** One untimed prefill + decode first (default true). */
  warmup?: boolean;
  /** Called after the warmup (the caller ends ORT profiling there). */
  afterWarmup?: () => void;
  /** KV-cache bytes of one runner at full context (pool cap). */
  kvBytesPerRunner: number;
  /** Appended to the energy window names ('infer.pp' + tag): a sweep names each batch's windows. */
  windowTag?: string;
  log?: (line: string) => void;
  /**
   * Stop early (Ctrl-C): a phase ends its window after the run in progress (≥ 1 run kept); an
   * interruption after the prefill test ends the batch with InterruptedPhase (its pp figures kept).
   * In the decode worker this reads the main thread's interruption from shared memory (run-beacon.ts).
   */
  signal?: InterruptSignal;
  /** Set by the runs: a run() timed out (onnxruntime may still use the session: do not release it); where the KV cache lived (gpu-buffer, cpu) after a step. */
  status: { timedOut: boolean; kvLocation?: string | null };
  /**
   * Bound on one run() kept by the runners themselves (DecoderRunner's stepTimeoutMs; default its
   * DEFAULT_STEP_TIMEOUT_MS). 0 when another thread watches `beacon` instead (decode-host.ts).
   */
  stepTimeoutMs?: number;
  /** The runs' state shared with a watching thread (run-beacon.ts). */
  beacon?: RunBeacon | null;
}

/** One phase's figures. */
export interface PhaseStats {
  /** Prefills (pp) or decode sequences (tg) inside the window. */
  runs: number;
  /** Tokens processed inside the window. */
  tokens: number;
  /** Tokens/s of each run. */
  tokensPerSecond: number[];
  /** Wall time of each run, ms (pp: prefill run() + argmax = time to first token). */
  runMs: number[];
  /** Wall time from the window's begin to its end, s. */
  windowS: number;
  /** What the meter needed, s, and why. */
  requiredS: number;
  rule: string;
  attempts: number;
  /** Energy of the window; null without a monitor. */
  energy: Energy | null;
  /** Why the window is shorter than needed (cap, pool), when it is. */
  note: string | null;
  /**
   * Largest process RSS sampled while the phase held the most memory (after each prefill; after
   * the decode pool was filled and after its window), bytes.
   */
  peakRssBytes: number;
}

/** Both tests of one batch size. */
export interface BatchMeasurement {
  batch: number;
  pp: PhaseStats;
  tg: PhaseStats & { stepMs: number[] };
}

/** Most runners the decode pool holds at once: ≥ minRuns, grown up to KV_POOL_MAX_BYTES of KV cache only when a meter needs a longer window. */
export function decodePoolMaxRunners(minRuns: number, kvBytesPerRunner: number, metered: boolean): number {
  return metered ? Math.max(minRuns, Math.floor(KV_POOL_MAX_BYTES / Math.max(1, kvBytesPerRunner))) : minRuns;
}

/** The batch was interrupted after its prefill test: what that test measured (no decode test ran). */
export class InterruptedPhase extends InterruptedError {
  constructor(
    sig: NodeJS.Signals,
    readonly batch: number,
    readonly pp: PhaseStats,
  ) {
    super(sig, `interrupted by ${sig} after the pp test of batch ${batch}, before its tg test`);
  }
}

const rss = () => process.memoryUsage.rss();

/** A runner of this context's session, timeout and beacon. */
function runner(ctx: BatchContext, batch: number): DecoderRunner {
  return new DecoderRunner(ctx.session, ctx.io, batch, ctx.stepTimeoutMs, ctx.beacon ?? null);
}

function shortNote(p: WindowPlan, windowS: number, why: string): string | null {
  return p.requiredS > 0 && windowS < p.requiredS ? `window ${windowS.toFixed(3)} s < ${p.requiredS.toFixed(3)} s needed: ${why}` : null;
}

/** Measure prefill and decode of one batch size. */
export async function measureBatch(ctx: BatchContext, batch: number): Promise<BatchMeasurement> {
  const log = ctx.log ?? (() => {});
  let decodeSeqS: number | null = null;
  if (ctx.warmup !== false) {
    log('warmup: 1 untimed prefill + decode');
    const w = runner(ctx, batch);
    try {
      const first = await prefill(ctx, w, batch);
      const steps = await decode(ctx, w, batch, first.next);
      // Steady-state estimate: the median step (the first steps of a new session carry one-time costs).
      decodeSeqS = (ctx.gen * [...steps].sort((a, b) => a - b)[steps.length >> 1]!) / 1000;
    } finally {
      release(ctx, w);
    }
    ctx.afterWarmup?.();
  }
  throwIfInterrupted(ctx.signal); // nothing of this batch timed yet
  const pp = await prefillPhase(ctx, batch);
  const sig = interruptionOf(ctx.signal);
  if (sig) throw new InterruptedPhase(sig, batch, pp);
  const tg = await decodePhase(ctx, batch, decodeSeqS);
  return { batch, pp, tg };
}

function release(ctx: BatchContext, r: DecoderRunner): void {
  if (r.timedOut) ctx.status.timedOut = true;
  if (r.kvLocation) ctx.status.kvLocation = r.kvLocation;
  else r.close();
}

/** One prefill of a fresh cache; returns its time and the first decode token of each sequence. */
async function prefill(ctx: BatchContext, r: DecoderRunner, batch: number): Promise<{ ms: number; next: Int32Array }> {
  r.reset();
  const tokens = ctx.randomTokens(batch * ctx.prompt);
  const t0 = performance.now();
  try {
    const logits = await r.step(tokens, ctx.prompt);
    const next = argmaxLastInto(logits, new Int32Array(batch)); // the first token is part of TTFT in both token modes
    return { ms: performance.now() - t0, next };
  } catch (err) {
    if (r.timedOut) ctx.status.timedOut = true;
    throw err;
  }
}

/**
 * `gen` single-token steps after the prompt; returns each step's time (ms). A step is the run()
 * and, in greedy mode, the argmax of its logits into the next step's token ids (no allocation).
 */
async function decode(ctx: BatchContext, r: DecoderRunner, batch: number, first: Int32Array): Promise<number[]> {
  const greedy = ctx.tokens === 'greedy';
  // Drawn in both modes, so a seed gives the same prompts whichever mode decodes.
  const drawn = ctx.randomTokens(batch * ctx.gen);
  const genTokens = greedy ? null : drawn;
  const tok = Int32Array.from(first);
  const steps: number[] = new Array<number>(ctx.gen).fill(0);
  let t = performance.now();
  try {
    for (let i = 0; i < ctx.gen; i++) {
      if (genTokens) for (let b = 0; b < batch; b++) tok[b] = genTokens[i * batch + b]!;
      const lg = await r.step(tok, 1);
      if (greedy) argmaxLastInto(lg, tok);
      const now = performance.now();
      steps[i] = now - t;
      t = now;
    }
  } catch (err) {
    if (r.timedOut) ctx.status.timedOut = true;
    throw err;
  }
  return steps;
}

/** A decoder runner's prefills as a core workload (src/core/workload.ts): one unit = one prefill of a fresh cache, timed around its run() + argmax. */
class PrefillWorkload implements Workload<{ ms: number; rssBytes: number }> {
  private r: DecoderRunner | null = null;
  constructor(
    private readonly ctx: BatchContext,
    private readonly batch: number,
  ) {}
  describe(): WorkloadInfo {
    return { id: `infer.pp${this.ctx.windowTag ?? ''}`, kind: 'infer', workUnit: 'tokens', unitOfWork: 'prefill' };
  }
  async prepare(): Promise<void> {
    this.r = runner(this.ctx, this.batch);
  }
  start(): boolean {
    return true;
  }
  async finish(): Promise<UnitDone<{ ms: number; rssBytes: number }>> {
    const one = await prefill(this.ctx, this.r!, this.batch);
    return { work: this.batch * this.ctx.prompt, timeS: one.ms / 1000, detail: { ms: one.ms, rssBytes: rss() } };
  }
  async teardown(): Promise<void> {
    if (this.r) release(this.ctx, this.r);
  }
}

/**
 * Decode sequences from a pool of `k` runners prefilled before the window (prepare), one unit =
 * the `gen` steps of one sequence, timed as the sum of its steps; no more work once the pool is used.
 */
class DecodeWorkload implements Workload<{ steps: number[] }> {
  readonly pool: Array<{ r: DecoderRunner; next: Int32Array }> = [];
  private used = 0;
  private started = 0;
  /** RSS after the pool was filled and after the window, bytes. */
  peakRssBytes = 0;
  constructor(
    private readonly ctx: BatchContext,
    private readonly batch: number,
    private readonly k: number,
  ) {}
  describe(): WorkloadInfo {
    return { id: `infer.tg${this.ctx.windowTag ?? ''}`, kind: 'infer', workUnit: 'tokens', unitOfWork: 'decode sequence' };
  }
  /** Prefill the pool (an interruption stops filling it after the first runner). */
  async prepare(): Promise<void> {
    for (let i = 0; i < this.k && !(i > 0 && this.ctx.signal?.aborted); i++) {
      const r = runner(this.ctx, this.batch);
      this.pool.push({ r, next: new Int32Array(this.batch) });
      this.pool[i]!.next = (await prefill(this.ctx, r, this.batch)).next;
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rss());
  }
  start(): boolean {
    return this.started < this.pool.length && ++this.started > 0;
  }
  async finish(): Promise<UnitDone<{ steps: number[] }>> {
    const { r, next } = this.pool[this.used++]!;
    const steps = await decode(this.ctx, r, this.batch, next);
    return { work: this.batch * this.ctx.gen, timeS: steps.reduce((a, b) => a + b, 0) / 1000, detail: { steps } };
  }
  async teardown(): Promise<void> {
    this.peakRssBytes = Math.max(this.peakRssBytes, rss());
    for (const { r } of this.pool) release(this.ctx, r);
  }
}

/** The energy side of a phase on the core: its window, and no energy record without a monitor. */
function phaseEnergy(ctx: BatchContext, name: string): EnergyPlan {
  return { monitor: ctx.monitor, windowName: name, notMeasured: 'no energy monitor', ...(ctx.maxWindowS !== undefined ? { maxWindowS: ctx.maxWindowS } : {}) };
}

/** pp: prefills back to back in one window until it is long enough (and ≥ minRuns of them), on the core loop. */
async function prefillPhase(ctx: BatchContext, batch: number): Promise<PhaseStats> {
  const peak0 = rss();
  const w = new PrefillWorkload(ctx, batch);
  const r = await runBenchmark({
    workload: w,
    stop: (win) => countAndTime({ minSamples: ctx.minRuns, minElapsedS: win.targetS, maxElapsedS: win.maxS }),
    energy: phaseEnergy(ctx, `infer.pp${ctx.windowTag ?? ''}`),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const p = r.window;
  const windowS = r.timed.elapsedS;
  const tps = r.timed.samples;
  const note = shortNote(p, windowS, `--max-window ${p.maxS} s reached`);
  ctx.log?.(`pp${ctx.prompt}: ${tps.length} prefills back to back in one ${windowS.toFixed(2)} s window${p.requiredS ? ` (needs ≥ ${p.requiredS.toFixed(2)} s: ${p.rule})` : ''}`);
  const peak = Math.max(peak0, ...r.timed.details.map((d) => d.rssBytes));
  return { runs: tps.length, tokens: batch * ctx.prompt * tps.length, tokensPerSecond: tps, runMs: r.timed.details.map((d) => d.ms), windowS, requiredS: p.requiredS, rule: p.rule, attempts: 1, energy: ctx.monitor ? r.energy : null, note, peakRssBytes: peak };
}

/** One attempt at the tg window: `k` prefilled sequences decoded back to back on the core loop. */
async function decodeAttempt(ctx: BatchContext, batch: number, k: number): Promise<{ r: BenchmarkRecord<{ steps: number[] }>; peakRssBytes: number }> {
  const w = new DecodeWorkload(ctx, batch, k);
  const r = await runBenchmark({
    workload: w,
    // Every prefilled sequence is decoded (the pool was sized to fill the window), unless --max-window comes first.
    stop: (win) => countAndTime({ minSamples: ctx.minRuns, minElapsedS: win.maxS, maxElapsedS: win.maxS }),
    energy: phaseEnergy(ctx, `infer.tg${ctx.windowTag ?? ''}`),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return { r, peakRssBytes: w.peakRssBytes };
}

/** tg: decode sequences from a pool of prefilled runners, back to back in one window. */
async function decodePhase(ctx: BatchContext, batch: number, seqEstimateS: number | null): Promise<PhaseStats & { stepMs: number[] }> {
  const p = await planWindow(ctx.monitor, ctx.maxWindowS);
  const cap = decodePoolMaxRunners(ctx.minRuns, ctx.kvBytesPerRunner, true);
  let peak = 0;
  let k = ctx.minRuns;
  if (p.targetS > 0 && seqEstimateS !== null && seqEstimateS > 0) k = Math.max(k, Math.ceil((p.targetS / seqEstimateS) * 1.2));
  let result: (PhaseStats & { stepMs: number[] }) | null = null;
  for (let attempt = 1; attempt <= TG_MAX_ATTEMPTS; attempt++) {
    k = Math.min(k, cap);
    const { r, peakRssBytes } = await decodeAttempt(ctx, batch, k);
    peak = Math.max(peak, peakRssBytes);
    const windowS = r.timed.elapsedS;
    const tps = r.timed.samples;
    const steps = r.timed.details.map((d) => d.steps);
    const capped = k >= cap && windowS < p.targetS;
    const note = capped
      ? shortNote(p, windowS, `the decode pool is capped at ${cap} prefilled sequences (${(KV_POOL_MAX_BYTES / 2 ** 20).toFixed(0)} MiB of KV cache)`)
      : shortNote(p, windowS, windowS >= p.maxS ? `--max-window ${p.maxS} s reached` : `${TG_MAX_ATTEMPTS} attempts at sizing the decode pool`);
    result = { runs: tps.length, tokens: batch * ctx.gen * tps.length, tokensPerSecond: tps, runMs: steps.map((s) => s.reduce((a, b) => a + b, 0)), stepMs: steps.flat(), windowS, requiredS: p.requiredS, rule: p.rule, attempts: attempt, energy: ctx.monitor ? r.energy : null, note, peakRssBytes: peak };
    if (!ctx.monitor || windowS >= p.targetS || capped || windowS >= p.maxS || ctx.signal?.aborted) break;
    // Too short (no warmup estimate, or the decode ran faster than the warmup): size from this attempt.
    const perSeqS = windowS / Math.max(1, tps.length);
    const nextK = Math.min(k * TG_MAX_GROWTH, Math.max(k + 1, Math.ceil((p.targetS / Math.max(perSeqS, 1e-6)) * 1.2)));
    ctx.log?.(`tg${ctx.gen} @ d${ctx.prompt}: window ${windowS.toFixed(2)} s with ${k} sequences is short of ${p.targetS.toFixed(2)} s; retrying with ${Math.min(nextK, cap)}`);
    k = nextK;
  }
  ctx.log?.(`tg${ctx.gen} @ d${ctx.prompt}: ${result!.runs} decode sequences back to back in one ${result!.windowS.toFixed(2)} s window${p.requiredS ? ` (needs ≥ ${p.requiredS.toFixed(2)} s: ${p.rule})` : ''}`);
  return result!;
}
