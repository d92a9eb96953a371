/**
 * Energy-monitor contract used by every benchmark (hash bench, infer bench, run).
 *
 * Zeus-style windows: `begin(name)` … workload … `end(name)` → Energy (results schema). A bench
 * that has no meter records `{ measured: false, reason }` and leaves per-joule figures null.
 *
 * This file holds the contract and the CLI glue. Meter implementations live one per file in
 * src/power/ (issue 5); `createEnergyMonitor` picks one from the options.
 */
import type { Command } from 'commander';
import type { Energy } from '../report/schema.js';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { numberArg } from '../cli/common.js';
import { UsageError } from '../util/errors.js';

/** Meter flags shared by hash bench, infer bench, run and power sample. */
export interface MeterOptions {
  /** nvml | rapl | hwmon | shelly | tasmota | cmd | declared */
  meter?: string;
  /** Declared constant power draw, W (labelled declared, never measured). */
  watts?: number;
  /** Base URL of a network meter (Shelly/Tasmota). */
  meterUrl?: string;
  /** Command that prints watts. */
  meterCmd?: string;
  /** Minimum steady-state window, s (warn when shorter). */
  minWindow?: number;
  /** Idle baseline length before the workload, s (0 = none). */
  idleBaseline?: number;
}

/** Known meter names on the command line. */
export const METER_NAMES = ['nvml', 'rapl', 'hwmon', 'shelly', 'tasmota', 'cmd', 'declared'] as const;

/** Add the shared meter flags to a command. */
export function addMeterOptions(cmd: Command): Command {
  return cmd
    .option('--meter <name>', `power meter: ${METER_NAMES.join(', ')} (default: auto-detect)`)
    .option('--watts <W>', 'declared constant power draw in watts (labelled "declared", never "measured")', numberArg('--watts', { min: 0 }))
    .option('--meter-url <url>', 'base URL of a Shelly Gen2 or Tasmota meter, e.g. http://192.0.2.10')
    .option('--meter-cmd <command>', 'shell command that prints the current power in watts (PDU/SNMP/IPMI)')
    .option('--min-window <s>', 'minimum steady-state energy window in seconds (warn when shorter)', numberArg('--min-window', { min: 0 }), 5)
    .option('--idle-baseline <s>', 'idle power baseline measured before the workload, seconds (0 = none)', numberArg('--idle-baseline', { min: 0 }), 0);
}

/** One open measurement window per name. */
export interface EnergyMonitor {
  /** Meter name (one of METER_NAMES). */
  readonly meter: string;
  /** Measure idle power for `seconds` before the workload (recorded as idlePowerW / netEnergyJ). */
  idleBaseline(seconds: number): Promise<void>;
  /** Open a window. Call after the device queue is drained. */
  begin(name: string): Promise<void>;
  /** Close a window (after draining the queue) and return its energy. Never throws for a dead meter: returns complete=false. */
  end(name: string): Promise<Energy>;
  /** Stop workers/pollers. */
  close(): Promise<void>;
}

/** What createEnergyMonitor returns: a monitor, or why energy is not measured. */
export type MonitorChoice = { monitor: EnergyMonitor; warnings: string[] } | { monitor: null; reason: string; warnings: string[] };

/** The "declared" meter: energy = declared W × window time. Labelled declared, never measured. */
export class DeclaredMeter implements EnergyMonitor {
  readonly meter = 'declared';
  private readonly open = new Map<string, number>();
  constructor(private readonly watts: number) {}
  async idleBaseline(): Promise<void> {}
  async begin(name: string): Promise<void> {
    this.open.set(name, performance.now());
  }
  async end(name: string): Promise<Energy> {
    const t0 = this.open.get(name);
    if (t0 === undefined) throw new Error(`energy window '${name}' was never begun`);
    this.open.delete(name);
    const timeS = (performance.now() - t0) / 1000;
    return {
      measured: true,
      energyJ: this.watts * timeS,
      timeS,
      avgPowerW: this.watts,
      method: `declared constant power ${this.watts} W × window time (not measured)`,
      scope: 'declared',
      meter: 'declared',
      samples: 0,
      uncertaintyJ: null,
      complete: true,
    };
  }
  async close(): Promise<void> {}
}

/**
 * Build the monitor the options ask for. With no options: auto-detect (issue 5 fills this in);
 * nothing found → `{ monitor: null, reason }` and the caller records "not measured".
 */
export async function createEnergyMonitor(opts: MeterOptions, _ctx: { adapter?: AdapterIdentity | null } = {}): Promise<MonitorChoice> {
  if (opts.meter !== undefined && !(METER_NAMES as readonly string[]).includes(opts.meter)) {
    throw new UsageError(`--meter '${opts.meter}': unknown meter; use one of ${METER_NAMES.join(', ')}`);
  }
  if (opts.watts !== undefined && (opts.meter === undefined || opts.meter === 'declared')) {
    return { monitor: new DeclaredMeter(opts.watts), warnings: [] };
  }
  if (opts.meter === 'declared') throw new UsageError('--meter declared needs --watts <W>');
  return {
    monitor: null,
    reason: 'no power meter detected and no --watts given; pass --meter <name> or --watts <W> to get per-joule figures',
    warnings: [],
  };
}

/** Per-joule figure from a count (hashes, tokens) and an energy record; null when not measured. */
export function perJoule(count: number, energy: Energy): number | null {
  if (!energy.measured || !(energy.energyJ > 0)) return null;
  return count / energy.energyJ;
}
