/**
 * A complete example workload, in its own folder as a real one would be (src/<name>/): it "counts"
 * `perUnit` items per unit in `unitMs` of simulated device time. Everything a workload needs is
 * here — the Workload (describe, prepare, start/finish, teardown) and its WorkloadDefinition
 * (options → plan, record → result) — and registering it is one line (see the test next to it).
 */
import type { WorkloadDefinition } from '../../../src/core/registry.js';
import { afterTimed } from '../../../src/core/stopping.js';
import type { UnitDone, Workload, WorkloadInfo } from '../../../src/core/workload.js';
import type { VirtualClock } from '../fakes.js';

export class CountWorkload implements Workload {
  readonly maxInFlight = 1;
  prepared = false;
  constructor(
    private readonly clock: VirtualClock,
    private readonly perUnit: number,
    private readonly unitMs: number,
  ) {}
  describe(): WorkloadInfo {
    return { id: 'example.count', kind: 'example', workUnit: 'items', unitOfWork: 'count' };
  }
  async prepare(): Promise<void> {
    this.prepared = true;
  }
  start(): boolean {
    return true;
  }
  async finish(): Promise<UnitDone> {
    this.clock.advanceTo(this.clock.nowMs() + this.unitMs);
    return { work: this.perUnit, timeS: this.unitMs / 1000 };
  }
  async teardown(): Promise<void> {
    this.prepared = false;
  }
}

/** Its options, and the result it reports (a real workload returns a schema Measurement). */
export interface CountOptions {
  clock: VirtualClock;
  seconds: number;
}
export interface CountResult {
  id: string;
  status: string;
  itemsPerSecond: number;
  itemsPerJoule: number | null;
  samples: number;
}

export const countDefinition: WorkloadDefinition<CountOptions, CountResult> = {
  name: 'example.count',
  summary: 'counts items at a fixed simulated rate (an example of a workload)',
  async prepare(o, env) {
    return {
      plan: { workload: new CountWorkload(o.clock, 500, 50), stop: () => afterTimed(o.seconds), energy: { monitor: env.monitor, windowName: 'example.count', notMeasured: env.notMeasured }, clock: o.clock },
      result: (r) => ({
        id: r.info.id,
        status: r.status,
        itemsPerSecond: r.timed.rate!,
        itemsPerJoule: r.energy.measured ? r.timed.allWork / r.energy.energyJ : null,
        samples: r.timed.samples.length,
      }),
    };
  },
};
