/**
 * What the steps of one run share while it executes (src/run/execute.ts): the options, the result
 * document being filled, the progress sink, the interruption signal, and what is open — the
 * adapter and the energy monitor.
 */
import type { GpuContext } from '../gpu/adapter.js';
import type { EnergyMonitor, Workload } from '../power/monitor.js';
import type { Measurement, ResultDoc } from '../results/schema.js';
import type { RunOptions } from './options.js';
import type { Progress } from './progress.js';

/** The state the steps of one run share. */
export interface RunState {
  readonly opts: RunOptions;
  readonly doc: ResultDoc;
  readonly progress: Progress;
  /** Ctrl-C / SIGTERM (src/util/interrupt.ts). */
  readonly signal: AbortSignal;
  /** A warning the user must see at once whatever the progress style (the CLI prints it on stderr). */
  readonly alert: (message: string) => void;
  ctx: GpuContext | null;
  monitor: EnergyMonitor | null;
  /** Why energy is not measured, when there is no monitor. */
  energyReason: string | undefined;
  /** The device the open monitor was chosen for (the last window's). */
  workload: Workload | undefined;
}

/** A measurement that was not made, with the reason. */
export function skipped(id: string, kind: Measurement['kind'], reason: string): Measurement {
  return { id, kind, status: 'skipped', reason, params: {}, metrics: {}, warnings: [] };
}

/** A measurement whose bench failed, with the error. */
export function failed(id: string, kind: Measurement['kind'], reason: string): Measurement {
  return { id, kind, status: 'failed', reason, params: {}, metrics: {}, warnings: [] };
}
