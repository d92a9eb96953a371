/**
 * `runHashBench`: sustained SHA256d nonce-search throughput on one device, with an autotune step
 * and an optional energy window. What `joulebench hash bench` and `joulebench run` call.
 *
 * Method: a difficulty-1 job (bits 0x1d00ffff, what pools hand out as shares) on a fixed header;
 * slices of ~0.2 s are kept `inFlight` deep so the queue never idles; one sample per completed
 * slice = its nonces / the time since the previous completion (back-to-back on a busy queue, so
 * that is its execution time). The figure is total nonces / total timed wall time: every nonce
 * is one SHA256d evaluated far enough to reject it (H7), the usual miner "hash" unit. Every
 * candidate is re-checked on the host.
 */
import type { GpuContext } from '../gpu/adapter.js';
import { identityOf } from '../gpu/adapter.js';
import { llvmpipeSettings } from '../gpu/llvmpipe.js';
import { SHADER_DIR_ENV } from '../gpu/shaders.js';
import type { EnergyMonitor } from '../power/monitor.js';
import { DEFAULT_MAX_WINDOW_S, perJoule, perJouleBasis, perJouleReason, windowRequirement, windowTargetS } from '../power/monitor.js';
import type { Energy, Measurement } from '../report/schema.js';
import { summaryToJson } from '../report/results.js';
import { summarize } from '../stats/summary.js';
import { hashStoppingParams, hashStoppingRule, StoppingState } from '../stats/stopping.js';
import { cachedAutotune, type AutotuneCacheInfo, type AutotuneCacheMode } from './autotune-cache.js';
import { HashEngine, type Slice, type SliceJob } from './engine.js';
import { hostActivityBetween, tryHostSnapshot, type HostActivity } from '../host/activity.js';
import type { PipelineFigures } from './pipeline.js';
import { steadyStateOf, warmupSettled, WARMUP_WINDOW, type SteadyState } from '../stats/steady-state.js';
import { encodeHeader } from './header.js';
import { KERNELS, launchLabel, noncesPerInvocation, noncesPerWorkgroup, type LaunchConfig } from './kernels.js';
import { hostDigest, NONCE_SPACE } from './search.js';
import { selfCheck, type SelfCheckReport } from './selfcheck.js';
import { bitsToTarget, meetsTarget, targetTopWord } from './target.js';
import { InterruptedError, interruptionOf, throwIfInterrupted } from '../util/interrupt.js';

/** Options for runHashBench. */
export interface HashBenchOptions {
  /** Length of the timed phase, seconds. */
  seconds: number;
  /** Fixed launch configuration (skips autotune). */
  launch?: LaunchConfig;
  /** Candidates for autotune (default: AUTOTUNE_CANDIDATES). */
  candidates?: LaunchConfig[];
  /** Trial length per autotune candidate, seconds. */
  trialSeconds?: number;
  /** Dispatches in flight. */
  inFlight?: number;
  /** Target time per dispatch (slice), seconds. */
  sliceSeconds?: number;
  /** Longest the timed phase is extended to reach the energy window the meter needs (--max-window), s. */
  maxWindowS?: number;
  /** Seconds before the CI target may stop the timed phase (default min(seconds, 5)); `seconds` is the time limit. */
  minSeconds?: number;
  /** Target 95 % CI half-width of the rate, relative (default 0.01); 0 runs to the time limit. */
  targetRelCi?: number;
  /** Autotune cache use (src/hash/autotune-cache.ts); absent = no cache. */
  autotuneCache?: AutotuneCacheMode;
  /**
   * Stop early (Ctrl-C): the timed phase ends at the next completed slice and the measurement is
   * returned marked incomplete with what was measured; before it, InterruptedError.
   */
  signal?: AbortSignal;
}

/** One autotune trial. */
export interface AutotuneTrial {
  launch: LaunchConfig;
  label: string;
  hashesPerSecond: number;
  compileTimeMs: number;
}

/**
 * Autotune grid: each kernel flavour at a small and a large workgroup, with enough values per
 * invocation to amortise per-invocation overhead (llvmpipe runs one coroutine per 8 invocations;
 * a GPU wants plenty of independent invocations). Kept short: each point is a pipeline compile.
 */
export const AUTOTUNE_CANDIDATES: LaunchConfig[] = [
  { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 4 },
  { variant: 'x1', workgroupSize: 256, valuesPerInvocation: 16 },
  { variant: 'x1', workgroupSize: 128, valuesPerInvocation: 8 },
  { variant: 'x2', workgroupSize: 64, valuesPerInvocation: 2 },
  { variant: 'x2', workgroupSize: 256, valuesPerInvocation: 8 },
  { variant: 'x4', workgroupSize: 64, valuesPerInvocation: 1 },
  { variant: 'x4', workgroupSize: 256, valuesPerInvocation: 4 },
];

/** The bench job: a fixed header (genesis fields with a distinct merkle root) at difficulty 1. */
export function benchHeader(jobIndex = 0): Uint8Array {
  return encodeHeader({
    version: 0x20000000,
    prevHash: '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054',
    merkleRoot: '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
    time: 1_700_000_000 + jobIndex,
    bits: 0x1d00ffff,
    nonce: 0,
  });
}
/** Difficulty-1 target (bits 0x1d00ffff). */
export const BENCH_TARGET = bitsToTarget(0x1d00ffff);

/** Counters from a run of the engine over the bench job. */
interface RunStats {
  /** Nonces of the timed (sampled) slices: every completed slice but the first. */
  nonces: number;
  /** Every nonce dispatched and completed in the run (what an energy window around it paid for). */
  allNonces: number;
  samples: number[];
  sampleTimesS: number[];
  shares: number;
  sharesVerified: number;
  wallS: number;
  stoppedBy: string;
  sleptMs: number;
  mapWaitMs: number;
}

/** Round a slice size to whole workgroups, within the 1-D grid bound. */
function sliceFor(engine: HashEngine, nonces: number): number {
  const per = noncesPerWorkgroup(engine.opts.launch);
  return Math.max(per, Math.min(engine.maxSliceNonces, Math.round(nonces / per) * per));
}

/**
 * Decides after each sample whether a run stops: gets the sample's rate, its duration and the
 * timed seconds so far (first completion to this one); returns the reason to stop, or null.
 */
type StopRule = (rate: number, durationS: number, elapsedS: number) => string | null;

/** Stop once `seconds` of samples are in. */
const afterSeconds = (seconds: number): StopRule => (_r, _d, elapsedS) => (elapsedS >= seconds ? 'time-limit' : null);

/**
 * Run the engine on the bench job until `stop` says so; one sample per completed slice after
 * the first (which has no predecessor to time against).
 */
async function runBenchJob(engine: HashEngine, sliceNonces: number, stop: StopRule, signal?: AbortSignal): Promise<RunStats> {
  const top = targetTopWord(BENCH_TARGET);
  const st: RunStats = { nonces: 0, allNonces: 0, samples: [], sampleTimesS: [], shares: 0, sharesVerified: 0, wallS: 0, stoppedBy: 'time-limit', sleptMs: 0, mapWaitMs: 0 };
  const t0 = performance.now();
  const sleep0 = engine.waits.sleptMs;
  const map0 = engine.waits.mapWaitMs;
  let firstDoneMs: number | null = null;
  let lastDoneMs = 0;
  let stopped = false;
  // One pass over the nonce space per job; the next job follows without draining the queue (a
  // fast GPU covers 2^32 nonces in about a second: a drain per job would idle it each time).
  let job: SliceJob = { id: 0, header: benchHeader(0), targetTop: top };
  let nextBase = 0;
  const next = (): Slice | null => {
    if (stopped) return null;
    if (nextBase >= NONCE_SPACE) {
      job = { id: job.id + 1, header: benchHeader(job.id + 1), targetTop: top };
      nextBase = 0;
    }
    const count = Math.min(sliceNonces, NONCE_SPACE - nextBase);
    const s = { base: nextBase, count, job };
    nextBase += count;
    return s;
  };
  await engine.run(next, (r) => {
    st.allNonces += r.slice.count;
    for (const n of r.candidates) {
      st.shares++;
      if (meetsTarget(hostDigest(r.slice.job!.header, n), BENCH_TARGET)) st.sharesVerified++;
    }
    if (firstDoneMs === null) {
      firstDoneMs = r.doneMs;
    } else {
      const dt = (r.doneMs - lastDoneMs) / 1000;
      st.nonces += r.slice.count;
      st.samples.push(r.slice.count / dt);
      st.sampleTimesS.push(dt);
      const why = stop(r.slice.count / dt, dt, (r.doneMs - firstDoneMs) / 1000);
      if (why && !stopped) {
        st.stoppedBy = why;
        stopped = true;
      } else if (signal?.aborted && !stopped) {
        st.stoppedBy = 'interrupted';
        stopped = true;
      }
    }
    lastDoneMs = r.doneMs;
  });
  st.wallS = firstDoneMs === null ? (performance.now() - t0) / 1000 : (lastDoneMs - firstDoneMs) / 1000;
  st.sleptMs = engine.waits.sleptMs - sleep0;
  st.mapWaitMs = engine.waits.mapWaitMs - map0;
  return st;
}

/** Measure each candidate briefly and return the trials, best first. */
export async function autotune(ctx: GpuContext, candidates: LaunchConfig[], trialSeconds = 0.6, inFlight = 3, signal?: AbortSignal): Promise<AutotuneTrial[]> {
  const trials: AutotuneTrial[] = [];
  for (const launch of candidates) {
    throwIfInterrupted(signal);
    const engine = await HashEngine.create(ctx, { launch, resultCapacity: 256, inFlight });
    try {
      await selfCheck(engine); // a kernel that misses known nonces is never timed
      // Start small, then size slices to ~trialSeconds/4 from the first measurement. The probe's
      // 64 Ki-nonce slices take ~0.1 ms on a GPU and ~10 ms on llvmpipe: a 1 Mi-nonce probe, with
      // three in flight, spent seconds on a slow candidate (the reference kernel) of a CPU adapter.
      const probe = await runBenchJob(engine, sliceFor(engine, 1 << 16), afterSeconds(0.05));
      const rate = probe.samples.length ? probe.nonces / probe.wallS : 1e6;
      const run = await runBenchJob(engine, sliceFor(engine, (rate * trialSeconds) / 4), afterSeconds(trialSeconds));
      trials.push({ launch, label: launchLabel(launch), hashesPerSecond: run.nonces / run.wallS, compileTimeMs: engine.compileTimeMs });
    } finally {
      engine.destroy();
    }
  }
  return trials.sort((a, b) => b.hashesPerSecond - a.hashesPerSecond);
}

/** What warm-up did (details.warmup of a hash measurement). */
export interface WarmupReport {
  /** Slices run after the sizing probe, and their seconds. */
  slices: number;
  seconds: number;
  /** The bound it was allowed. */
  maxSeconds: number;
  /** 'settled': the rate stopped rising (src/stats/steady-state.ts); 'bound': it ran out of time still rising. */
  endedBy: 'settled' | 'bound';
  /** Rate over the last warm-up window (median of WARMUP_WINDOW slices), H/s: sizes the timed slices. */
  rateHps: number;
}

/** Warm-up bound: half the timed phase, within [0.3 s, 5 s]. */
export function warmupBoundS(seconds: number): number {
  return Math.min(5, Math.max(0.3, seconds / 2));
}

/**
 * Warm up until the rate stops rising (bounded): a 1 Mi-nonce probe sizes slices of half the
 * timed slice time, which run until `warmupSettled` or the bound.
 */
async function warmUp(engine: HashEngine, opts: HashBenchOptions): Promise<WarmupReport> {
  const probe = await runBenchJob(engine, sliceFor(engine, 1 << 20), (_r, _d, e) => (e >= 0.1 ? 'probe' : null), opts.signal);
  throwIfInterrupted(opts.signal); // nothing timed yet
  const probeRate = probe.samples.length ? probe.nonces / probe.wallS : 1e6;
  const maxSeconds = warmupBoundS(opts.seconds);
  const rates: number[] = [];
  const run = await runBenchJob(engine, sliceFor(engine, (probeRate * (opts.sliceSeconds ?? 0.2)) / 2), (rate, _d, elapsedS) => {
    rates.push(rate);
    if (warmupSettled(rates)) return 'settled';
    return elapsedS >= maxSeconds ? 'bound' : null;
  }, opts.signal);
  const last = rates.slice(-WARMUP_WINDOW).sort((a, b) => a - b);
  const rateHps = last.length ? last[last.length >> 1]! : probeRate;
  return { slices: run.samples.length + 1, seconds: run.wallS, maxSeconds, endedBy: run.stoppedBy === 'settled' ? 'settled' : 'bound', rateHps };
}

/** The launch configuration to time: given, cached, or autotuned now. */
async function chooseLaunch(ctx: GpuContext, opts: HashBenchOptions, inFlight: number, warnings: string[]): Promise<{ launch: LaunchConfig; trials: AutotuneTrial[]; cacheInfo: AutotuneCacheInfo | null }> {
  if (opts.launch) return { launch: opts.launch, trials: [], cacheInfo: null };
  const candidates = opts.candidates ?? AUTOTUNE_CANDIDATES;
  const trialSeconds = opts.trialSeconds ?? 0.6;
  const tune = () => autotune(ctx, candidates, trialSeconds, inFlight, opts.signal);
  const { trials, cache } = await cachedAutotune(identityOf(ctx.report), candidates, { trialSeconds, inFlight }, opts.autotuneCache, tune, (w) => warnings.push(w));
  return { launch: trials[0]!.launch, trials, cacheInfo: cache };
}

/** Everything the timed phase produced. */
interface TimedPhase {
  run: RunStats;
  energy: Energy;
  window: WindowPlan;
  pipeline: PipelineFigures;
  hostActivity: HostActivity | null;
}

/** The timed phase inside the energy window (queue drained before `begin` and before `end`). */
async function timedPhase(ctx: GpuContext, engine: HashEngine, sliceNonces: number, opts: HashBenchOptions, monitor: EnergyMonitor | null | undefined, notMeasuredReason: string, warnings: string[]): Promise<TimedPhase> {
  // Energy window sizing (issue 11): the timed phase lasts at least as long as the meter needs
  // (10 sensor update periods, --min-window), up to --max-window; the CI target (issue 10) may
  // stop it early, but never before that.
  const window = await sizeWindow(monitor, opts);
  if (window.extended) warnings.push(`timed phase extended from ${opts.seconds} s to ${window.timedS.toFixed(2)} s: the energy window must span ≥ ${window.requiredS.toFixed(2)} s (${window.basis})`);
  const stopping = new StoppingState(hashStoppingRule({ ...opts, seconds: window.timedS, minSeconds: Math.max(hashStoppingParams(opts).minSeconds, window.minS) }));
  await ctx.drain(60_000, 'GPU queue drain before the energy window');
  let energy: Energy = { measured: false, reason: monitor ? 'energy window not closed' : notMeasuredReason };
  if (monitor) await monitor.begin('hash.sha256d');
  try {
    const mark = engine.sliceMark;
    const hostBefore = tryHostSnapshot();
    const run = await runBenchJob(engine, sliceNonces, (rate, dt) => stopping.add(rate, dt), opts.signal);
    const hostAfter = tryHostSnapshot();
    const hostActivity = hostBefore && hostAfter ? hostActivityBetween(hostBefore, hostAfter) : null;
    await ctx.drain(60_000, 'GPU queue drain after the timed phase');
    if (monitor) energy = await monitor.end('hash.sha256d');
    return { run, energy, window, pipeline: engine.pipelineSince(mark), hostActivity };
  } catch (err) {
    if (monitor) await monitor.end('hash.sha256d').catch(() => undefined);
    throw err;
  }
}

/**
 * Run the hash benchmark: autotune (unless `opts.launch` is given; from the autotune cache when
 * `opts.autotuneCache` allows), warm-up until the rate stops rising (bounded), then a timed phase
 * inside an energy window when `monitor` is given (queue drained before `begin` and before `end`).
 * The timed phase stops when the rate's 95 % CI is within `opts.targetRelCi` after
 * `opts.minSeconds`, or at `opts.seconds` (src/stats/stopping.ts). Returns a `hash.sha256d`
 * Measurement: metrics `hashesPerSecond` (samples, summary and steadyState) and `hashesPerJoule`
 * (null + reason without a monitor; `notMeasuredReason` is that reason, e.g.
 * createEnergyMonitor's), `hostActivity` over the timed phase, details with the kernel, launch
 * configuration, autotune trials (best first), warm-up, pipeline figures and stoppedBy. Throws if
 * any GPU candidate fails the host check.
 */
export async function runHashBench(
  ctx: GpuContext,
  opts: HashBenchOptions,
  monitor?: EnergyMonitor | null,
  notMeasuredReason = 'no power meter (pass --meter <name> or --watts <W>)',
): Promise<Measurement> {
  const startedAt = new Date();
  const inFlight = opts.inFlight ?? 3;
  const warnings: string[] = [];
  if (ctx.report.isSoftware) warnings.push('software adapter: CPU timings, not a GPU figure');
  const { launch, trials, cacheInfo } = await chooseLaunch(ctx, opts, inFlight, warnings);
  const engine = await HashEngine.create(ctx, { launch, resultCapacity: 256, inFlight });
  if (engine.source.origin.startsWith(SHADER_DIR_ENV)) warnings.push(`kernel source replaced (${engine.source.origin}), not the packaged kernel`);
  let phase: TimedPhase;
  let warmup: WarmupReport;
  let sliceNonces: number;
  let checked: SelfCheckReport;
  try {
    checked = await selfCheck(engine); // before any timing: throws KernelSelfCheckError
    warmup = await warmUp(engine, opts);
    throwIfInterrupted(opts.signal); // nothing timed yet
    if (warmup.endedBy === 'bound') warnings.push(`warm-up: the rate was still rising after ${warmup.seconds.toFixed(1)} s (the bound); the timed phase may start before steady state`);
    sliceNonces = sliceFor(engine, warmup.rateHps * (opts.sliceSeconds ?? 0.2));
    phase = await timedPhase(ctx, engine, sliceNonces, opts, monitor, notMeasuredReason, warnings);
  } finally {
    engine.destroy();
  }
  if (ctx.uncapturedErrors.length) throw new Error(`GPU errors during the hash bench: ${ctx.uncapturedErrors.join('; ')}`);
  const { run } = phase;
  if (run.shares !== run.sharesVerified) throw new Error(`${run.shares - run.sharesVerified} GPU candidate(s) failed the host check: kernel bug`);
  const cut = interruptedRun(run, opts);
  if (!cut && run.samples.length < 2) throw new Error(`hash bench: only ${run.samples.length} sample(s) in ${opts.seconds} s; raise --seconds`);
  if (cut) warnings.push(cut.reason);
  const steady = steadyStateOf(run.samples, run.sampleTimesS);
  if (steady && !steady.steady) warnings.push(`hashesPerSecond: ${steady.reason}`);
  return buildMeasurement({ ctx, opts, startedAt, launch, trials, cacheInfo, engine, checked, warmup, sliceNonces, inFlight, phase, steady, cut, warnings });
}

/** Assemble the `hash.sha256d` Measurement from what the phases produced. */
function buildMeasurement(o: {
  ctx: GpuContext; opts: HashBenchOptions; startedAt: Date; launch: LaunchConfig; trials: AutotuneTrial[]; cacheInfo: AutotuneCacheInfo | null;
  engine: HashEngine; checked: SelfCheckReport; warmup: WarmupReport; sliceNonces: number; inFlight: number; phase: TimedPhase; steady: SteadyState | null;
  cut: { reason: string } | null; warnings: string[];
}): Measurement {
  const { run, energy, window } = o.phase;
  const summary = summaryToJson(summarize(run.samples));
  // Energy covers the whole run inside the window, including the first (untimed) slice.
  const hpj = perJoule(run.allNonces, energy);
  const basis = perJouleBasis(energy);
  const energyMethod = energy.measured ? energy.method : ((energy as { method?: string }).method ?? '');
  const spec = KERNELS[o.launch.variant];
  const isSoftware = o.ctx.report.isSoftware;
  return {
    id: 'hash.sha256d',
    kind: 'hash',
    status: o.cut ? 'incomplete' : 'complete',
    ...(o.cut ? { reason: o.cut.reason } : {}),
    startedAt: o.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    params: { seconds: o.opts.seconds, ...hashStoppingParams(o.opts), target: 'difficulty 1 (bits 0x1d00ffff)', autotune: o.trials.length > 0, autotuneCache: o.cacheInfo?.status ?? (o.trials.length ? 'off' : null) },
    metrics: {
      hashesPerSecond: {
        value: run.nonces / run.wallS,
        unit: 'H/s',
        higherIsBetter: true,
        samples: run.samples,
        sampleDurationsS: run.sampleTimesS,
        summary,
        method:
          'SHA256d nonces searched per second of wall time, slices kept in flight back to back; one sample per slice = nonces / time since the previous completion; value = total nonces / total timed time',
        ...(o.steady ? { steadyState: o.steady } : {}),
      },
      hashesPerJoule: hpj === null
        ? { value: null, unit: 'H/J', higherIsBetter: true, method: 'nonces hashed inside the energy window / its energy', reason: perJouleReason(energy) ?? 'energy not usable' }
        : {
            value: hpj,
            unit: 'H/J',
            higherIsBetter: true,
            method: `nonces hashed inside the energy window / its energy (${basis === 'declared' ? 'DECLARED watts, not measured: ' : ''}${energyMethod})${energy.measured && energy.scopeMismatch ? `; ${energy.scopeMismatch}` : ''}`,
            ...(basis ? { energyBasis: basis } : {}),
          },
    },
    energy,
    adapter: identityOf(o.ctx.report) as Measurement['adapter'],
    ...(o.phase.hostActivity ? { hostActivity: o.phase.hostActivity } : {}),
    details: {
      kernel: { variant: o.launch.variant, file: spec.file, source: o.engine.source.origin, sourceSha256: o.engine.source.sha256, description: spec.description, opsPerNonce: spec.opsPerNonce },
      selfCheck: o.checked,
      launch: {
        label: launchLabel(o.launch),
        workgroupSize: o.launch.workgroupSize,
        valuesPerInvocation: o.launch.valuesPerInvocation,
        noncesPerInvocation: noncesPerInvocation(o.launch),
        sliceNonces: o.sliceNonces,
        inFlight: o.inFlight,
        compileTimeMs: o.engine.compileTimeMs,
      },
      autotune: o.trials.map((t) => ({ label: t.label, ...t.launch, hashesPerSecond: t.hashesPerSecond, compileTimeMs: t.compileTimeMs })),
      ...(o.cacheInfo ? { autotuneCache: o.cacheInfo } : {}),
      warmup: o.warmup,
      stoppedBy: run.stoppedBy,
      energyWindow: { requestedS: o.opts.seconds, timedS: window.timedS, requiredS: window.requiredS, rule: window.basis, extended: window.extended },
      totalHashes: run.nonces,
      windowHashes: run.allNonces,
      timedS: run.wallS,
      medianHashesPerSecond: summary.median,
      relStdev: summary.relStdev,
      sharesFound: run.shares,
      sharesVerified: run.sharesVerified,
      hostWait: { sleptMs: run.sleptMs, mapWaitMs: run.mapWaitMs },
      pipeline: o.phase.pipeline,
      softwareAdapter: isSoftware,
      ...(isSoftware ? { driverSettings: llvmpipeSettings() } : {}),
    },
    warnings: o.warnings,
  };
}

/**
 * The timed phase was cut short by an interruption: the reason the measurement carries (its figures
 * are those of the slices completed), or null. No completed slice: InterruptedError (nothing to keep).
 */
function interruptedRun(run: RunStats, opts: HashBenchOptions): { reason: string } | null {
  if (run.stoppedBy !== 'interrupted') return null;
  const sig = interruptionOf(opts.signal) ?? 'a signal';
  if (!run.samples.length) throw new InterruptedError(interruptionOf(opts.signal) ?? 'SIGINT', `interrupted by ${sig} before the first timed slice completed`);
  return { reason: `interrupted by ${sig} ${run.wallS.toFixed(2)} s into the timed phase: figures from the ${run.samples.length} slice(s) completed by then, not from the full phase` };
}

/** How long the timed phase runs so its energy window can be complete. */
interface WindowPlan {
  timedS: number;
  /** Shortest timed phase the meter's window allows (with its margin), s; 0 without a meter. */
  minS: number;
  requiredS: number;
  basis: string;
  extended: boolean;
}

/**
 * The timed phase: `opts.seconds`, or longer when the meter needs a longer window (windowTargetS,
 * + 50 ms for the time between `begin` and the first slice), capped at --max-window; a
 * window the cap keeps short is reported incomplete by the meter, with the reason.
 */
async function sizeWindow(monitor: EnergyMonitor | null | undefined, opts: HashBenchOptions): Promise<WindowPlan> {
  const req = await windowRequirement(monitor);
  const want = req.minS > 0 ? windowTargetS(req) + 0.05 : 0;
  const minS = Math.min(want, opts.maxWindowS ?? DEFAULT_MAX_WINDOW_S);
  const timedS = Math.max(opts.seconds, minS);
  return { timedS, minS, requiredS: req.minS, basis: req.basis, extended: timedS > opts.seconds };
}
