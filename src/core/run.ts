/**
 * One benchmark of one workload, start to end (hyperfine's "executor"; the workload is the
 * benchmark, the result builders and reports are the exporters): idle baseline → prepare → untimed
 * warm-up stages → the timed phase inside its energy window (device queue emptied before the window
 * opens and before it closes) → tear down → steady-state check → one measurement record.
 *
 * Interruption (Ctrl-C, src/util/interrupt.ts): during warm-up nothing is timed yet, so the
 * interruption is thrown (InterruptedError); during the timed phase the loop stops at the next
 * finished unit and the record is marked `incomplete` with what was measured — unless no timed
 * sample finished, which is again an InterruptedError (nothing to keep).
 */
import type { Energy } from '../results/schema.js';
import { InterruptedError, type InterruptSignal } from '../util/interrupt.js';
import { runPhase, type LoopProgress, type PhaseRecord } from './loop.js';
import type { StoppingCriterion } from './stopping.js';
import { inWindow, planWindow, type WindowMonitor, type WindowPlan } from './window.js';
import { realClock, type Clock, type PhaseSummary, type Workload, type WorkloadInfo } from './workload.js';

/** One untimed warm-up stage: a name and its stopping criterion (built when the stage starts). */
export interface WarmupStage {
  name: string;
  stop: () => StoppingCriterion;
}

/** Something measured alongside the timed phase (host activity, pipeline figures…), keyed by `name`. */
export interface PhaseObserver {
  name: string;
  /** Right after the window opened, before the first unit. */
  begin(): void | Promise<void>;
  /** Right after the last unit finished, before the queue is emptied and the window closed. */
  end(): unknown;
}

/** The energy side of a benchmark. */
export interface EnergyPlan {
  monitor: WindowMonitor | null;
  /** Name of the timed phase's window ('hash.sha256d', 'infer.pp.b4'). */
  windowName: string;
  /** Energy record without a monitor: why it was not measured. */
  notMeasured: string;
  /** --max-window, s. */
  maxWindowS?: number;
  /** Idle power measured for this long before anything runs (0/absent: none). */
  idleBaselineS?: number;
}

/** Everything runBenchmark needs. */
export interface BenchmarkPlan<D = unknown, S = unknown> {
  workload: Workload<D>;
  /** Warm-up stages, in order (default: none). */
  warmup?: readonly WarmupStage[];
  /** The timed phase's stopping criterion, built once the window is planned (so it can outlast it). */
  stop: (window: WindowPlan) => StoppingCriterion;
  energy?: EnergyPlan;
  /** Steady-state verdict of the timed samples (e.g. src/stats/steady-state.ts steadyStateOf). */
  steadyState?: (samples: readonly number[], durationsS: readonly number[]) => S | null;
  observers?: readonly PhaseObserver[];
  /** Units in flight (default: the workload's maxInFlight). */
  inFlight?: number;
  clock?: Clock;
  signal?: InterruptSignal;
  onProgress?: (p: LoopProgress) => void;
}

/** The measurement record of one benchmark (what a workload's result builder turns into a schema Measurement). */
export interface BenchmarkRecord<D = unknown, S = unknown> {
  info: WorkloadInfo;
  status: 'complete' | 'incomplete';
  /** Why it is incomplete. */
  reason?: string;
  startedAt: Date;
  endedAt: Date;
  warmup: PhaseRecord<D>[];
  timed: PhaseRecord<D>;
  window: WindowPlan;
  energy: Energy;
  stopping: { name: string; params: Readonly<Record<string, number>> };
  steadyState: S | null;
  observed: Record<string, unknown>;
}

/** The short account of a phase given to the workload before the next one. */
export function summaryOf(p: PhaseRecord, recent = 3): PhaseSummary {
  const last = p.samples.slice(-recent).sort((a, b) => a - b);
  return { name: p.name, samples: p.samples, rate: p.rate, recentRate: last.length ? last[last.length >> 1]! : null, stoppedBy: p.stoppedBy };
}

/** Run the warm-up stages; an interruption during them is thrown (nothing timed yet). */
async function warmUp<D>(plan: BenchmarkPlan<D>, clock: Clock): Promise<PhaseRecord<D>[]> {
  const done: PhaseRecord<D>[] = [];
  for (const stage of plan.warmup ?? []) {
    const phase = { kind: 'warmup' as const, name: stage.name };
    await plan.workload.beginPhase?.(phase, done.length ? summaryOf(done.at(-1)!) : null);
    const p = await runPhase(plan.workload, { phase, stop: stage.stop(), clock, inFlight: plan.inFlight, signal: plan.signal, onProgress: plan.onProgress });
    if (p.interruptedBy) throw new InterruptedError(p.interruptedBy as NodeJS.Signals, `interrupted by ${p.interruptedBy} during warm-up (${stage.name}), before anything was timed`);
    done.push(p);
  }
  return done;
}

/** The timed phase inside its energy window, with the observers around it. */
async function timedPhase<D>(plan: BenchmarkPlan<D>, clock: Clock, window: WindowPlan, stop: StoppingCriterion, previous: PhaseRecord<D> | null) {
  const w = plan.workload;
  const phase = { kind: 'timed' as const, name: 'timed' };
  await w.beginPhase?.(phase, previous ? summaryOf(previous) : null);
  await w.quiesce?.();
  const e = plan.energy;
  const observed: Record<string, unknown> = {};
  const { value, energy } = await inWindow(e?.monitor, e?.windowName ?? w.describe().id, e?.notMeasured ?? 'no energy monitor', async () => {
    for (const o of plan.observers ?? []) await o.begin();
    const rec = await runPhase(w, { phase, stop, clock, inFlight: plan.inFlight, signal: plan.signal, onProgress: plan.onProgress });
    for (const o of plan.observers ?? []) observed[o.name] = await o.end();
    await w.quiesce?.();
    return rec;
  });
  return { timed: value, energy, observed };
}

/** The reason an interrupted timed phase carries; InterruptedError when it has no sample. */
function interruptedReason(p: PhaseRecord, info: WorkloadInfo): string {
  const sig = p.interruptedBy!;
  if (!p.samples.length) throw new InterruptedError(sig as NodeJS.Signals, `interrupted by ${sig} before the first timed ${info.unitOfWork} completed`);
  return `interrupted by ${sig} ${p.timedS.toFixed(2)} s into the timed phase: figures from the ${p.samples.length} ${info.unitOfWork}(s) completed by then, not from the full phase`;
}

/** Run one benchmark (see the module note) and return its record. */
export async function runBenchmark<D = unknown, S = unknown>(plan: BenchmarkPlan<D, S>): Promise<BenchmarkRecord<D, S>> {
  const clock = plan.clock ?? realClock;
  const w = plan.workload;
  const info = w.describe();
  const startedAt = new Date();
  const monitor = plan.energy?.monitor ?? null;
  if (monitor?.idleBaseline && plan.energy?.idleBaselineS) await monitor.idleBaseline(plan.energy.idleBaselineS);
  let warmup: PhaseRecord<D>[];
  let run: Awaited<ReturnType<typeof timedPhase<D>>>;
  let window: WindowPlan;
  let stop: StoppingCriterion;
  try {
    await w.prepare?.();
    warmup = await warmUp(plan, clock);
    window = await planWindow(monitor, plan.energy?.maxWindowS);
    stop = plan.stop(window);
    run = await timedPhase(plan, clock, window, stop, warmup.at(-1) ?? null);
  } finally {
    await w.teardown?.();
  }
  const { timed, energy, observed } = run;
  const reason = timed.interruptedBy ? interruptedReason(timed, info) : undefined;
  return {
    info,
    status: reason ? 'incomplete' : 'complete',
    ...(reason ? { reason } : {}),
    startedAt,
    endedAt: new Date(),
    warmup,
    timed,
    window,
    energy,
    stopping: { name: stop.name, params: stop.params },
    steadyState: plan.steadyState?.(timed.samples, timed.durationsS) ?? null,
    observed,
  };
}
