/**
 * Test doubles for the benchmark core (src/core/): a virtual clock, a fake workload whose units take
 * scripted times on a simulated in-order queue, and a fake energy monitor that logs its calls. No
 * GPU, no timers: every figure a test checks is worked out by hand from the script.
 */
import type { Clock, PhaseInfo, PhaseSummary, UnitDone, Workload, WorkloadInfo } from '../../src/core/workload.js';
import type { WindowMonitor } from '../../src/core/window.js';
import type { Energy } from '../../src/results/schema.js';

/** A clock that moves only when told to. */
export class VirtualClock implements Clock {
  constructor(public ms = 0) {}
  nowMs(): number {
    return this.ms;
  }
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}

/** What one scripted unit does: its work and how long the device takes for it, ms. */
export interface ScriptedUnit {
  work: number;
  ms: number;
}

/**
 * A workload on a simulated device queue: units run one after another in start order, each taking
 * its scripted time; a unit starts on the device when it was started and the unit before it is
 * done. `finish()` moves the clock to the oldest unit's completion. With `ownClock`, each unit also
 * reports its scripted time as `timeS` (a device timestamp). The script repeats its last entry.
 */
export class FakeWorkload implements Workload<{ index: number }> {
  readonly log: string[] = [];
  readonly phases: Array<{ phase: PhaseInfo; previous: PhaseSummary | null }> = [];
  private next = 0;
  private deviceFreeMs = 0;
  private readonly queue: Array<{ index: number; doneMs: number; unit: ScriptedUnit }> = [];
  /** Units left before start() reports no more work (Infinity: never). */
  remaining = Infinity;
  /** Called after each finish (a test aborts a signal from here). */
  onFinish: ((index: number) => void) | null = null;

  constructor(
    readonly clock: VirtualClock,
    readonly script: ScriptedUnit[],
    readonly maxInFlight = 1,
    readonly ownClock = false,
  ) {}

  describe(): WorkloadInfo {
    return { id: 'fake.scripted', kind: 'fake', workUnit: 'items', unitOfWork: 'unit' };
  }
  async prepare(): Promise<void> {
    this.log.push('prepare');
  }
  beginPhase(phase: PhaseInfo, previous: PhaseSummary | null): void {
    this.phases.push({ phase, previous });
    this.log.push(`phase:${phase.name}`);
  }
  start(): boolean {
    if (this.remaining <= 0) return false;
    this.remaining--;
    const index = this.next++;
    const unit = this.script[Math.min(index, this.script.length - 1)]!;
    const begin = Math.max(this.clock.nowMs(), this.deviceFreeMs);
    this.deviceFreeMs = begin + unit.ms;
    this.queue.push({ index, doneMs: this.deviceFreeMs, unit });
    return true;
  }
  async finish(): Promise<UnitDone<{ index: number }>> {
    const u = this.queue.shift();
    if (!u) throw new Error('finish() with nothing started');
    this.clock.advanceTo(u.doneMs);
    this.log.push(`unit:${u.index}`);
    this.onFinish?.(u.index);
    return { work: u.unit.work, ...(this.ownClock ? { timeS: u.unit.ms / 1000 } : {}), detail: { index: u.index } };
  }
  async settle(): Promise<void> {
    this.log.push('settle');
  }
  async quiesce(): Promise<void> {
    const last = this.queue.at(-1);
    if (last) this.clock.advanceTo(last.doneMs);
    this.log.push('quiesce');
  }
  async teardown(): Promise<void> {
    this.log.push('teardown');
  }
}

/** A monitor with a fixed window requirement; logs its calls into `log` (shared with a workload's to see the order). */
export class FakeMonitor implements WindowMonitor {
  constructor(
    readonly log: string[],
    readonly clock: VirtualClock,
    readonly req = { minS: 0, periodS: null as number | null, basis: 'test rule' },
    readonly watts = 100,
  ) {}
  private openedMs = new Map<string, number>();
  async requirement() {
    return this.req;
  }
  async idleBaseline(seconds: number): Promise<void> {
    this.log.push(`idle:${seconds}`);
  }
  async begin(name: string): Promise<void> {
    this.openedMs.set(name, this.clock.nowMs());
    this.log.push(`begin:${name}`);
  }
  async end(name: string): Promise<Energy> {
    this.log.push(`end:${name}`);
    const timeS = (this.clock.nowMs() - this.openedMs.get(name)!) / 1000;
    return { measured: true, energyJ: this.watts * timeS, timeS, avgPowerW: this.watts, method: 'fake', scope: 'wall', meter: 'fake', samples: 1, uncertaintyJ: null, complete: true };
  }
}

/** The signal an interruption aborts (src/util/interrupt.ts InterruptedError as its reason). */
export { InterruptedError } from '../../src/util/interrupt.js';
