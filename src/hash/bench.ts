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
import { perJoule, perJouleBasis, perJouleReason } from '../power/monitor.js';
import type { Measurement } from '../results/schema.js';
import { summaryToJson } from '../results/files.js';
import { summarize } from '../stats/summary.js';
import { hashStoppingParams, hashStoppingRule } from '../stats/stopping.js';
import { cachedAutotune, type AutotuneCacheInfo, type AutotuneCacheMode, type AutotuneTrial } from './autotune-cache.js';
import { hostActivityBetween, tryHostSnapshot, type HostActivity, type HostSnapshot } from '../host/activity.js';
import type { PipelineFigures } from './pipeline.js';
import { steadyStateOf, warmupSettled, type SteadyState } from '../stats/steady-state.js';
import { KERNELS, launchLabel, noncesPerInvocation, type LaunchConfig } from './kernels.js';
import { throwIfInterrupted } from '../util/interrupt.js';
import { runBenchmark, type BenchmarkPlan, type BenchmarkRecord, type PhaseObserver } from '../core/run.js';
import { afterTimed, stdrel, untilSettled } from '../core/stopping.js';
import type { WindowMonitor, WindowPlan } from '../core/window.js';
import type { PhaseSummary } from '../core/workload.js';
import type { PreparedBenchmark, WorkloadDefinition } from '../core/registry.js';
import { HashSearchWorkload, type SliceSizer } from './workload.js';

export { benchHeader, BENCH_TARGET } from './workload.js';

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

// The trial's type lives with the cache that stores it (no type cycle between the two modules).
export type { AutotuneTrial } from './autotune-cache.js';

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

/** Measure each candidate briefly and return the trials, best first. */
export async function autotune(ctx: GpuContext, candidates: LaunchConfig[], trialSeconds = 0.6, inFlight = 3, signal?: AbortSignal): Promise<AutotuneTrial[]> {
  const trials: AutotuneTrial[] = [];
  for (const launch of candidates) {
    throwIfInterrupted(signal);
    // Start small, then size slices to ~trialSeconds/4 from the first measurement. The probe's
    // 64 Ki-nonce slices take ~0.1 ms on a GPU and ~10 ms on llvmpipe: a 1 Mi-nonce probe, with
    // three in flight, spent seconds on a slow candidate (the reference kernel) of a CPU adapter.
    const size: SliceSizer = (phase, prev) => (phase.name === 'probe' ? 1 << 16 : ((prev?.rate ?? 1e6) * trialSeconds) / 4);
    // The self-check runs in prepare(): a kernel that misses known nonces is never timed.
    const w = new HashSearchWorkload(ctx, launch, inFlight, size);
    const r = await runBenchmark({ workload: w, warmup: [{ name: 'probe', stop: () => afterTimed(0.05) }], stop: () => afterTimed(trialSeconds) });
    trials.push({ launch, label: launchLabel(launch), hashesPerSecond: r.timed.work / r.timed.timedS, compileTimeMs: w.engine!.compileTimeMs });
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
 * Slice sizes of the bench's phases: a 1 Mi-nonce probe (sizing), warm-up slices of half the timed
 * slice time at the probe's rate, timed slices of `sliceSeconds` at the rate warm-up ended at
 * (median of its last WARMUP_WINDOW slices).
 */
function benchSizer(opts: HashBenchOptions): SliceSizer & { probeRate: number } {
  const sliceS = opts.sliceSeconds ?? 0.2;
  const size = ((phase, prev: PhaseSummary | null) => {
    if (phase.name === 'probe') return 1 << 20;
    if (phase.name === 'settle') {
      size.probeRate = prev?.rate ?? 1e6;
      return (size.probeRate * sliceS) / 2;
    }
    return (prev?.recentRate ?? size.probeRate) * sliceS;
  }) as SliceSizer & { probeRate: number };
  size.probeRate = 1e6;
  return size;
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

/**
 * How long the timed phase runs so its energy window can be complete: `opts.seconds`, or longer
 * when the meter needs a longer window (the window's target + 50 ms for the time between `begin`
 * and the first slice), capped at --max-window; a window the cap keeps short is reported
 * incomplete by the meter, with the reason.
 */
export function hashWindow(w: WindowPlan, seconds: number): { timedS: number; minS: number; extended: boolean } {
  const minS = w.requiredS > 0 ? Math.min(w.targetS + 0.05, w.maxS) : 0;
  const timedS = Math.max(seconds, minS);
  return { timedS, minS, extended: timedS > seconds };
}

/** Observers of the timed phase: the engine's pipeline figures and host waits, the host's activity. */
function hashObservers(w: HashSearchWorkload): PhaseObserver[] {
  let mark = 0;
  let waits = { sleptMs: 0, mapWaitMs: 0 };
  let host: HostSnapshot | null = null;
  return [
    { name: 'pipeline', begin: () => void (mark = w.engine!.sliceMark), end: () => w.engine!.pipelineSince(mark) },
    {
      name: 'hostWait',
      begin: () => void (waits = { ...w.engine!.waits }),
      end: () => ({ sleptMs: w.engine!.waits.sleptMs - waits.sleptMs, mapWaitMs: w.engine!.waits.mapWaitMs - waits.mapWaitMs }),
    },
    {
      name: 'hostActivity',
      begin: () => void (host = tryHostSnapshot()),
      end: () => {
        const after = tryHostSnapshot();
        return host && after ? hostActivityBetween(host, after) : null;
      },
    },
  ];
}

/**
 * The hash bench as a core benchmark: probe and warm-up until the rate stops rising (bounded), then
 * the timed phase in the `hash.sha256d` window, stopped by the rate's 95 % CI (after
 * `opts.minSeconds` and the window's minimum) or at the time limit (src/stats/stopping.ts).
 */
export function hashBenchPlan(w: HashSearchWorkload, opts: HashBenchOptions, monitor: WindowMonitor | null | undefined, notMeasured: string): BenchmarkPlan<unknown, SteadyState> {
  return {
    workload: w,
    warmup: [
      { name: 'probe', stop: () => afterTimed(0.1, 'probe') },
      { name: 'settle', stop: () => untilSettled(warmupSettled, warmupBoundS(opts.seconds)) },
    ],
    stop: (win) => {
      const hw = hashWindow(win, opts.seconds);
      return stdrel(hashStoppingRule({ ...opts, seconds: hw.timedS, minSeconds: Math.max(hashStoppingParams(opts).minSeconds, hw.minS) }));
    },
    energy: { monitor: monitor ?? null, windowName: 'hash.sha256d', notMeasured, ...(opts.maxWindowS !== undefined ? { maxWindowS: opts.maxWindowS } : {}) },
    steadyState: steadyStateOf,
    observers: hashObservers(w),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/** What warm-up did, from the record's probe and settle phases. */
function warmupReport(r: BenchmarkRecord, seconds: number, probeRate: number): WarmupReport {
  const settle = r.warmup[1]!;
  const last = settle.samples.slice(-3).sort((a, b) => a - b);
  return { slices: settle.samples.length + 1, seconds: settle.timedS, maxSeconds: warmupBoundS(seconds), endedBy: settle.stoppedBy === 'settled' ? 'settled' : 'bound', rateHps: last.length ? last[last.length >> 1]! : probeRate };
}

/**
 * Run the hash benchmark: autotune (unless `opts.launch` is given; from the autotune cache when
 * `opts.autotuneCache` allows), then the benchmark on the core (hashBenchPlan): self-check, warm-up
 * until the rate stops rising (bounded), the timed phase inside an energy window when `monitor` is
 * given (queue drained before `begin` and before `end`). Returns a `hash.sha256d` Measurement:
 * metrics `hashesPerSecond` (samples, summary and steadyState) and `hashesPerJoule` (null + reason
 * without a monitor; `notMeasuredReason` is that reason, e.g. createEnergyMonitor's),
 * `hostActivity` over the timed phase, details with the kernel, launch configuration, autotune
 * trials (best first), warm-up, pipeline figures and stoppedBy. Throws if any GPU candidate fails
 * the host check.
 */
export async function runHashBench(
  ctx: GpuContext,
  opts: HashBenchOptions,
  monitor?: EnergyMonitor | null,
  notMeasuredReason = 'no power meter (pass --meter <name> or --watts <W>)',
): Promise<Measurement> {
  const prepared = await prepareHashBench(ctx, opts, monitor, notMeasuredReason);
  return prepared.result(await runBenchmark(prepared.plan));
}

/** runHashBench's untimed set-up (launch chosen: given, cached or autotuned) as a core benchmark and its result builder. */
export async function prepareHashBench(ctx: GpuContext, opts: HashBenchOptions, monitor: WindowMonitor | null | undefined, notMeasuredReason: string): Promise<PreparedBenchmark<Measurement, unknown, SteadyState>> {
  const startedAt = new Date();
  const inFlight = opts.inFlight ?? 3;
  const warnings: string[] = [];
  if (ctx.report.isSoftware) warnings.push('software adapter: CPU timings, not a GPU figure');
  const { launch, trials, cacheInfo } = await chooseLaunch(ctx, opts, inFlight, warnings);
  const sizer = benchSizer(opts);
  const w = new HashSearchWorkload(ctx, launch, inFlight, sizer);
  const result = (r: BenchmarkRecord<unknown, SteadyState>): Measurement => {
    if (w.engine!.source.origin.startsWith(SHADER_DIR_ENV)) warnings.push(`kernel source replaced (${w.engine!.source.origin}), not the packaged kernel`);
    if (ctx.uncapturedErrors.length) throw new Error(`GPU errors during the hash bench: ${ctx.uncapturedErrors.join('; ')}`);
    if (w.sharesFailed) throw new Error(`${w.sharesFailed} GPU candidate(s) failed the host check: kernel bug`);
    const warmup = warmupReport(r, opts.seconds, sizer.probeRate);
    if (warmup.endedBy === 'bound') warnings.push(`warm-up: the rate was still rising after ${warmup.seconds.toFixed(1)} s (the bound); the timed phase may start before steady state`);
    const hw = hashWindow(r.window, opts.seconds);
    if (hw.extended) warnings.push(`timed phase extended from ${opts.seconds} s to ${hw.timedS.toFixed(2)} s: the energy window must span ≥ ${r.window.requiredS.toFixed(2)} s (${r.window.rule})`);
    if (r.reason) warnings.push(r.reason);
    else if (r.timed.samples.length < 2) throw new Error(`hash bench: only ${r.timed.samples.length} sample(s) in ${opts.seconds} s; raise --seconds`);
    if (r.steadyState && !r.steadyState.steady) warnings.push(`hashesPerSecond: ${r.steadyState.reason}`);
    return buildMeasurement({ ctx, opts, startedAt, launch, trials, cacheInfo, w, warmup, inFlight, r, warnings });
  };
  return { plan: hashBenchPlan(w, opts, monitor, notMeasuredReason), result };
}

/** The hash bench in the workload registry (src/run/workloads.ts): options are the GPU context and runHashBench's options. */
export const hashSearchDefinition: WorkloadDefinition<{ ctx: GpuContext; opts: HashBenchOptions }, Measurement> = {
  name: 'hash.sha256d',
  summary: 'SHA256d nonce search throughput (H/s) and H/J on one WebGPU adapter',
  prepare: ({ ctx, opts }, env) => prepareHashBench(ctx, { ...opts, ...(env.signal ? { signal: env.signal } : {}) }, env.monitor, env.notMeasured),
};

/** The per-joule metric of the window's nonces. */
function hashesPerJoule(r: BenchmarkRecord): Measurement['metrics'][string] {
  const { energy } = r;
  // Energy covers the whole run inside the window, including the first (untimed) slice.
  const hpj = perJoule(r.timed.allWork, energy);
  if (hpj === null) return { value: null, unit: 'H/J', higherIsBetter: true, method: 'nonces hashed inside the energy window / its energy', reason: perJouleReason(energy) ?? 'energy not usable' };
  const basis = perJouleBasis(energy);
  const energyMethod = energy.measured ? energy.method : ((energy as { method?: string }).method ?? '');
  return {
    value: hpj,
    unit: 'H/J',
    higherIsBetter: true,
    method: `nonces hashed inside the energy window / its energy (${basis === 'declared' ? 'DECLARED watts, not measured: ' : ''}${energyMethod})${energy.measured && energy.scopeMismatch ? `; ${energy.scopeMismatch}` : ''}`,
    ...(basis ? { energyBasis: basis } : {}),
  };
}

/** Assemble the `hash.sha256d` Measurement from the core's record. */
function buildMeasurement(o: {
  ctx: GpuContext; opts: HashBenchOptions; startedAt: Date; launch: LaunchConfig; trials: AutotuneTrial[]; cacheInfo: AutotuneCacheInfo | null;
  w: HashSearchWorkload; warmup: WarmupReport; inFlight: number; r: BenchmarkRecord<unknown, SteadyState>; warnings: string[];
}): Measurement {
  const { timed: run, energy, window } = o.r;
  const hw = hashWindow(window, o.opts.seconds);
  const summary = summaryToJson(summarize(run.samples));
  const spec = KERNELS[o.launch.variant];
  const engine = o.w.engine!;
  const isSoftware = o.ctx.report.isSoftware;
  const hostActivity = o.r.observed.hostActivity as HostActivity | null;
  return {
    id: 'hash.sha256d',
    kind: 'hash',
    status: o.r.status,
    ...(o.r.reason ? { reason: o.r.reason } : {}),
    startedAt: o.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    params: { seconds: o.opts.seconds, ...hashStoppingParams(o.opts), target: 'difficulty 1 (bits 0x1d00ffff)', autotune: o.trials.length > 0, autotuneCache: o.cacheInfo?.status ?? (o.trials.length ? 'off' : null) },
    metrics: {
      hashesPerSecond: {
        value: run.work / run.timedS,
        unit: 'H/s',
        higherIsBetter: true,
        samples: run.samples,
        sampleDurationsS: run.durationsS,
        summary,
        method:
          'SHA256d nonces searched per second of wall time, slices kept in flight back to back; one sample per slice = nonces / time since the previous completion; value = total nonces / total timed time',
        ...(o.r.steadyState ? { steadyState: o.r.steadyState } : {}),
      },
      hashesPerJoule: hashesPerJoule(o.r),
    },
    energy,
    adapter: identityOf(o.ctx.report) as Measurement['adapter'],
    ...(hostActivity ? { hostActivity } : {}),
    details: {
      kernel: { variant: o.launch.variant, file: spec.file, source: engine.source.origin, sourceSha256: engine.source.sha256, description: spec.description, opsPerNonce: spec.opsPerNonce },
      selfCheck: o.w.checked,
      launch: {
        label: launchLabel(o.launch),
        workgroupSize: o.launch.workgroupSize,
        valuesPerInvocation: o.launch.valuesPerInvocation,
        noncesPerInvocation: noncesPerInvocation(o.launch),
        sliceNonces: o.w.sliceNonces,
        inFlight: o.inFlight,
        compileTimeMs: engine.compileTimeMs,
      },
      autotune: o.trials.map((t) => ({ label: t.label, ...t.launch, hashesPerSecond: t.hashesPerSecond, compileTimeMs: t.compileTimeMs })),
      ...(o.cacheInfo ? { autotuneCache: o.cacheInfo } : {}),
      warmup: o.warmup,
      stoppedBy: run.stoppedBy,
      energyWindow: { requestedS: o.opts.seconds, timedS: hw.timedS, requiredS: window.requiredS, rule: window.rule, extended: hw.extended },
      totalHashes: run.work,
      windowHashes: run.allWork,
      timedS: run.timedS,
      medianHashesPerSecond: summary.median,
      relStdev: summary.relStdev,
      sharesFound: o.w.shares,
      sharesVerified: o.w.sharesVerified,
      hostWait: o.r.observed.hostWait as { sleptMs: number; mapWaitMs: number },
      pipeline: o.r.observed.pipeline as PipelineFigures,
      softwareAdapter: isSoftware,
      ...(isSoftware ? { driverSettings: llvmpipeSettings() } : {}),
    },
    warnings: o.warnings,
  };
}
