/**
 * The timed loop (Google Benchmark's one `State` loop): keeps up to `maxInFlight` units of a
 * workload started, turns each finished unit into a sample (rate = its work / its time), asks the
 * stopping criterion after every sample, stops at an interruption, and keeps everything it saw.
 *
 * Sample time: a unit's own `timeS` when the workload reports one (its device timestamps, or a
 * timer around just the work); otherwise the interval since the previous unit finished, which on a
 * queue kept busy is the unit's execution time — and the first unit of the phase then has no
 * predecessor, so it only sets the reference (its work counts in `allWork`, not in the rate).
 *
 * Stopping: once the criterion (or an interruption) says stop, no unit is started any more; the
 * units already in flight still finish and are kept as samples (they ran back to back with the
 * rest; dropping them would waste work the energy window paid for). `drained` counts them.
 */
import type { Clock, PhaseInfo, UnitDone, Workload } from './workload.js';
import type { LoopState, StoppingCriterion } from './stopping.js';
import { interruptionOf, type InterruptSignal } from '../util/interrupt.js';

/** Progress after a sample (hyperfine's progress bar, or a log line; rate-limited by the caller). */
export interface LoopProgress {
  phase: string;
  samples: number;
  elapsedS: number;
  /** Rate of the last sample, work units/s. */
  lastRate: number;
}

/** How to run one phase. */
export interface PhaseOptions {
  phase: PhaseInfo;
  stop: StoppingCriterion;
  clock: Clock;
  /** Units in flight (default: the workload's maxInFlight, else 1). */
  inFlight?: number;
  /** Interruption (Ctrl-C): the phase stops at the next finished unit. */
  signal?: InterruptSignal;
  onProgress?: (p: LoopProgress) => void;
}

/** Everything a phase produced. */
export interface PhaseRecord<D = unknown> {
  name: string;
  kind: PhaseInfo['kind'];
  /** Per-sample rates, work units/s, and their durations, s. */
  samples: number[];
  durationsS: number[];
  /** Work of the samples, and every unit's work finished in the phase (the reference unit's too). */
  work: number;
  allWork: number;
  /** Sum of sample durations, s: the span `rate` is over. */
  timedS: number;
  /** Loop-clock span from the phase's start to its last finished unit, s. */
  elapsedS: number;
  /** Units finished (samples, reference unit and units without work). */
  units: number;
  /** Samples from units that were in flight when the loop decided to stop. */
  drained: number;
  /** work / timedS, or null without a sample. */
  rate: number | null;
  /** Why the phase ended: the criterion's reason, 'interrupted', or 'exhausted' (no more work). */
  stoppedBy: string;
  /** The signal that interrupted the phase, or null. */
  interruptedBy: string | null;
  /** Loop-clock times the phase started and ended, ms. */
  startMs: number;
  endMs: number;
  /** Each finished unit's `detail`, in order (units without one are skipped). */
  details: D[];
}

/** Mutable state of one phase run. */
class PhaseRun<D> implements LoopState {
  readonly samples: number[] = [];
  readonly durationsS: number[] = [];
  readonly details: D[] = [];
  timedS = 0;
  elapsedS = 0;
  work = 0;
  allWork = 0;
  units = 0;
  drained = 0;
  lastEndMs: number | null = null;
  stoppedBy: string | null = null;
  interruptedBy: string | null = null;

  constructor(readonly startMs: number) {}

  /** Account for one finished unit; true when it made a sample. */
  add(u: UnitDone<D>, endMs: number): boolean {
    this.units++;
    this.allWork += u.work;
    if (u.detail !== undefined) this.details.push(u.detail);
    this.elapsedS = (endMs - this.startMs) / 1000;
    let durationS: number | null = null;
    if (u.work > 0 && u.timeS !== undefined) durationS = u.timeS;
    else if (u.work > 0 && this.lastEndMs !== null) durationS = (endMs - this.lastEndMs) / 1000;
    // A unit without work (a slice sent back for re-scan) leaves the reference where it was: its
    // time is part of the next sample's interval.
    if (u.work > 0 || this.lastEndMs === null) this.lastEndMs = endMs;
    if (durationS === null) return false;
    if (!(durationS > 0)) throw new RangeError(`unit of ${u.work} work took ${durationS} s: a sample needs a duration > 0`);
    this.samples.push(u.work / durationS);
    this.durationsS.push(durationS);
    this.timedS += durationS;
    this.work += u.work;
    return true;
  }
}

/** Run one phase of `w` until the criterion, an interruption or the workload's end of work stops it. */
export async function runPhase<D>(w: Workload<D>, o: PhaseOptions): Promise<PhaseRecord<D>> {
  const depth = Math.max(1, Math.floor(o.inFlight ?? w.maxInFlight ?? 1));
  const run = new PhaseRun<D>(o.clock.nowMs());
  let inFlight = 0;
  let exhausted = false;
  const fill = async () => {
    while (run.stoppedBy === null && !exhausted && inFlight < depth) {
      if (await w.start()) inFlight++;
      else exhausted = true;
    }
  };
  try {
    await fill();
    while (inFlight > 0) {
      const u = await w.finish();
      inFlight--;
      const sampled = run.add(u, u.endMs ?? o.clock.nowMs());
      if (run.stoppedBy !== null) {
        if (sampled) run.drained++;
        continue;
      }
      if (sampled) {
        run.stoppedBy = o.stop.update(run);
        o.onProgress?.({ phase: o.phase.name, samples: run.samples.length, elapsedS: run.elapsedS, lastRate: run.samples.at(-1)! });
      }
      const sig = run.stoppedBy === null ? interruptionOf(o.signal) : null;
      if (sig) [run.stoppedBy, run.interruptedBy] = ['interrupted', sig];
      await fill();
    }
  } catch (err) {
    await w.settle?.();
    throw err;
  }
  return record(run, o.phase, exhausted, o.clock.nowMs());
}

function record<D>(run: PhaseRun<D>, phase: PhaseInfo, exhausted: boolean, nowMs: number): PhaseRecord<D> {
  return {
    name: phase.name,
    kind: phase.kind,
    samples: run.samples,
    durationsS: run.durationsS,
    work: run.work,
    allWork: run.allWork,
    timedS: run.timedS,
    elapsedS: run.elapsedS,
    units: run.units,
    drained: run.drained,
    rate: run.timedS > 0 ? run.work / run.timedS : null,
    stoppedBy: run.stoppedBy ?? (exhausted ? 'exhausted' : 'no-units'),
    interruptedBy: run.interruptedBy,
    startMs: run.startMs,
    endMs: Math.max(nowMs, run.lastEndMs ?? run.startMs),
    details: run.details,
  };
}
