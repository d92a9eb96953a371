/**
 * Energy-monitor contract used by every benchmark (hash bench, infer bench, run).
 *
 * Zeus-style windows: `begin(name)` … workload … `end(name)` → Energy (results schema). A bench
 * that has no meter records `{ measured: false, reason }` and leaves per-joule figures null.
 *
 * Meters live one per file in src/power/ (nvml, rapl, hwmon, shelly, tasmota, command); the
 * sampler (src/power/sampler.ts) polls the chosen meter in a worker thread and computes windows.
 * `createEnergyMonitor` picks a meter from the flags, or auto-detects the one that measures the
 * adapter in use (NVML for an NVIDIA adapter, amdgpu hwmon for AMD, RAPL for a software adapter,
 * which runs on the CPU).
 */
import type { Command } from 'commander';
import type { Energy } from '../report/schema.js';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { numberArg, warn } from '../cli/common.js';
import { UsageError } from '../util/errors.js';
import { sleep } from '../util/timeout.js';
import { METER_NAMES, isMeterName, type MeterSpec } from './meter.js';
import { detectMeters, type MeterReport } from './meters.js';
import { SamplerClient } from './worker-client.js';
import type { SamplerStartInfo } from './sampler.js';
import { DEFAULT_METER_TIMEOUT_MS } from './http.js';

export { METER_NAMES } from './meter.js';

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
  /** Which device a meter reads (NVML index/UUID/PCI bus id, hwmonN, Shelly switch id). */
  meterDevice?: string;
  /** Poll interval override, s (default: from the measured sensor update period). */
  meterInterval?: number;
  /** Bound on one network-meter request or meter-command run, s. */
  meterTimeout?: number;
  /** What --meter-cmd measures: wall (default), gpu-board or cpu-package. */
  meterScope?: string;
}

const CMD_SCOPES = ['wall', 'gpu-board', 'cpu-package'] as const;

/** Add the shared meter flags to a command. */
export function addMeterOptions(cmd: Command, defaults: { idleBaselineS?: number } = {}): Command {
  return cmd
    .option('--meter <name>', `power meter: ${METER_NAMES.join(', ')} (default: auto-detect)`)
    .option('--watts <W>', 'declared constant power draw in watts (labelled "declared", never "measured")', numberArg('--watts', { min: 0 }))
    .option('--meter-url <url>', 'base URL of a Shelly Gen2 or Tasmota meter, e.g. http://192.0.2.10')
    .option('--meter-cmd <command>', 'shell command that prints the current power in watts (PDU/SNMP/IPMI)')
    .option('--meter-device <id>', 'device the meter reads: NVML index/UUID/PCI bus id, hwmonN, or Shelly switch id')
    .option('--meter-interval <s>', 'meter poll interval in seconds (default: from the measured sensor update period)', numberArg('--meter-interval', { min: 0.001, max: 60 }))
    .option('--meter-timeout <s>', 'bound on one network-meter request or meter-command run, seconds', numberArg('--meter-timeout', { min: 0.05, max: 120 }))
    .option('--meter-scope <scope>', `what --meter-cmd measures: ${CMD_SCOPES.join(', ')} (default wall)`)
    .option('--min-window <s>', 'minimum steady-state energy window in seconds (warn when shorter)', numberArg('--min-window', { min: 0 }), 5)
    .option(
      '--idle-baseline <s>',
      'idle power measured before the workload with a measuring meter, seconds (0 = none); gives idlePowerW and netEnergyJ next to the gross energy',
      numberArg('--idle-baseline', { min: 0 }),
      defaults.idleBaselineS ?? DEFAULT_IDLE_BASELINE_S,
    );
}

/** Idle baseline before a workload, seconds (issue 5: idle W and net J next to the gross J). */
export const DEFAULT_IDLE_BASELINE_S = 3;

/** One open measurement window per name. */
export interface EnergyMonitor {
  /** Meter name (one of METER_NAMES). */
  readonly meter: string;
  /** What the meter found at start (label, method, update period, poll interval); absent for declared. */
  readonly info?: SamplerStartInfo;
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

/** Bound on a begin/end round trip to the sampler worker (includes one meter read), ms. */
function edgeTimeoutMs(spec: MeterSpec): number {
  return (spec.timeoutMs ?? DEFAULT_METER_TIMEOUT_MS) + 10_000;
}

/** A real meter polled by the sampler worker. */
export class SampledMonitor implements EnergyMonitor {
  private readonly openNames = new Set<string>();
  private idlePowerW: number | null = null;
  private idleDone = false;
  private closed = false;
  private shortWindowWarned = false;

  private constructor(
    private readonly client: SamplerClient,
    readonly info: SamplerStartInfo,
    private readonly spec: MeterSpec,
    private readonly opts: { minWindowS: number; idleBaselineS: number; onWarning: (m: string) => void },
  ) {}

  get meter(): string {
    return this.spec.name;
  }

  /** Start the worker and the meter; rejects with the meter's one-line error. */
  static async start(
    spec: MeterSpec,
    opts: { intervalS?: number; minWindowS?: number; idleBaselineS?: number; onWarning?: (m: string) => void },
  ): Promise<SampledMonitor> {
    const { client, info } = await SamplerClient.start(spec, opts.intervalS !== undefined ? { intervalS: opts.intervalS } : {});
    return new SampledMonitor(client, info, spec, {
      minWindowS: opts.minWindowS ?? 5,
      idleBaselineS: opts.idleBaselineS ?? 0,
      onWarning: opts.onWarning ?? ((m) => warn(m)),
    });
  }

  async idleBaseline(seconds: number): Promise<void> {
    this.idleDone = true;
    if (!(seconds > 0)) return;
    const name = '__joulebench_idle_baseline__';
    await this.begin(name);
    await sleep(seconds * 1000);
    const e = await this.end(name);
    if (e.measured && e.complete) this.idlePowerW = e.avgPowerW;
    else this.opts.onWarning(`idle baseline not measured: ${e.measured ? e.incompleteReason : e.reason}`);
  }

  async begin(name: string): Promise<void> {
    if (this.openNames.has(name)) throw new Error(`energy window '${name}' is already open`);
    if (!this.idleDone && this.opts.idleBaselineS > 0) await this.idleBaseline(this.opts.idleBaselineS);
    this.openNames.add(name);
    try {
      await this.client.call('begin', { name }, edgeTimeoutMs(this.spec), `power meter ${this.spec.name}: window begin`);
    } catch {
      // The failure is reported by end(): the benchmark itself goes on.
    }
  }

  async end(name: string): Promise<Energy> {
    if (!this.openNames.delete(name)) throw new Error(`energy window '${name}' was never begun`);
    let e: Energy;
    try {
      e = (await this.client.call('end', { name }, edgeTimeoutMs(this.spec), `power meter ${this.spec.name}: window end`)) as Energy;
    } catch (err) {
      return { measured: false, reason: `${this.spec.name} meter failed (${String((err as Error).message).split('\n')[0]})` };
    }
    if (!e.measured) return e;
    const warnings: string[] = [];
    if (e.timeS < this.opts.minWindowS && !name.startsWith('__joulebench')) {
      warnings.push(
        `energy window '${name}' lasted ${e.timeS.toFixed(2)} s, shorter than --min-window ${this.opts.minWindowS} s: sensor update period and edge effects weigh more; run longer`,
      );
    }
    if (!e.complete) warnings.push(`energy for '${name}' is incomplete: ${e.incompleteReason}`);
    for (const w of warnings) {
      // Benches that open one window per repetition would repeat the short-window warning each
      // time: print it once per monitor (every record still carries it).
      if (w.includes('--min-window')) {
        if (this.shortWindowWarned) continue;
        this.shortWindowWarned = true;
      }
      this.opts.onWarning(w);
    }
    const out: Energy = { ...e, ...(warnings.length ? { warnings } : {}) };
    if (this.idlePowerW !== null && out.measured) {
      out.idlePowerW = this.idlePowerW;
      out.netEnergyJ = out.energyJ - this.idlePowerW * out.timeS;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}

function adapterCtx(adapter: AdapterIdentity | null | undefined): { adapterName?: string; adapterVendor?: string } {
  if (!adapter) return {};
  return { adapterName: `${adapter.name} ${adapter.device}`.trim(), adapterVendor: adapter.vendor };
}

/** Build the sampler spec for a named meter from the flags; UsageError on bad flag combinations. */
export function meterSpecFromOptions(name: Exclude<(typeof METER_NAMES)[number], 'declared'>, opts: MeterOptions, adapter?: AdapterIdentity | null): MeterSpec {
  if (opts.meterScope !== undefined && !(CMD_SCOPES as readonly string[]).includes(opts.meterScope)) {
    throw new UsageError(`--meter-scope '${opts.meterScope}': use one of ${CMD_SCOPES.join(', ')}`);
  }
  if (opts.meterScope !== undefined && name !== 'cmd') throw new UsageError(`--meter-scope applies to --meter cmd only (the ${name} meter knows its scope)`);
  if ((name === 'shelly' || name === 'tasmota') && !opts.meterUrl) throw new UsageError(`--meter ${name} needs --meter-url <http://address> (the meter's local address)`);
  if (name === 'cmd' && !opts.meterCmd) throw new UsageError("--meter cmd needs --meter-cmd '<command that prints watts>'");
  const spec: MeterSpec = { name, ...adapterCtx(adapter) };
  if (opts.meterUrl !== undefined) spec.url = opts.meterUrl;
  if (opts.meterCmd !== undefined) spec.cmd = opts.meterCmd;
  if (opts.meterDevice !== undefined) spec.deviceHint = opts.meterDevice;
  if (opts.meterTimeout !== undefined) spec.timeoutMs = Math.round(opts.meterTimeout * 1000);
  if (opts.meterScope !== undefined) spec.scope = opts.meterScope as MeterSpec['scope'];
  return spec;
}

/** Which detected meter measures this adapter, if any (null adapter: the first local meter found). */
export function chooseAutoMeter(reports: MeterReport[], adapter: AdapterIdentity | null | undefined): { name: 'nvml' | 'hwmon' | 'rapl'; note: string | null } | null {
  const found = (n: string) => reports.find((r) => r.name === n && r.found);
  if (!adapter) {
    for (const n of ['nvml', 'hwmon', 'rapl'] as const) {
      if (found(n)) return { name: n, note: `no adapter given: measuring with ${n} (${found(n)!.scope}), which may not cover the device doing the work` };
    }
    return null;
  }
  const text = `${adapter.vendor} ${adapter.name} ${adapter.description}`.toLowerCase();
  if (adapter.isSoftware) return found('rapl') ? { name: 'rapl', note: null } : null;
  if (text.includes('nvidia')) {
    const r = found('nvml');
    return r ? { name: 'nvml', note: r.note ?? null } : null;
  }
  if (/\bamd\b|\bati\b|radeon|amdgpu/.test(text)) return found('hwmon') ? { name: 'hwmon', note: null } : null;
  return null;
}

/** The gist of a meter's why-not: parentheticals and hints dropped ('power meters' shows them in full). */
export function shortWhy(whyNot: string | null | undefined): string {
  if (!whyNot) return 'not found';
  let s = whyNot;
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\s*\([^()]*\)/g, '');
  }
  return s.split(';')[0]!.trim();
}

/**
 * Build the monitor the options ask for. With no meter flags: auto-detect the meter that measures
 * the adapter in use; nothing found → `{ monitor: null, reason }` and the caller records
 * "not measured". Explicitly requested meters that cannot be opened are a UsageError (one line).
 */
export async function createEnergyMonitor(
  opts: MeterOptions,
  ctx: { adapter?: AdapterIdentity | null; onWarning?: (message: string) => void } = {},
): Promise<MonitorChoice> {
  if (opts.meter !== undefined && !isMeterName(opts.meter)) {
    throw new UsageError(`--meter '${opts.meter}': unknown meter; use one of ${METER_NAMES.join(', ')}`);
  }
  if (opts.watts !== undefined) {
    if (opts.meter === undefined || opts.meter === 'declared') return { monitor: new DeclaredMeter(opts.watts), warnings: [] };
    throw new UsageError(`--watts applies to --meter declared only; drop --watts to measure with --meter ${opts.meter}`);
  }
  if (opts.meter === 'declared') throw new UsageError('--meter declared needs --watts <W>');
  let name = opts.meter as Exclude<(typeof METER_NAMES)[number], 'declared'> | undefined;
  if (name === undefined && opts.meterCmd !== undefined) name = 'cmd';
  if (name === undefined && opts.meterUrl !== undefined) throw new UsageError('--meter-url needs --meter shelly or --meter tasmota (which kind of meter is at that address)');
  const startOpts = { intervalS: opts.meterInterval, minWindowS: opts.minWindow, idleBaselineS: opts.idleBaseline, onWarning: ctx.onWarning };
  const warnings: string[] = [];
  if (name !== undefined) {
    const spec = meterSpecFromOptions(name, opts, ctx.adapter);
    try {
      const monitor = await SampledMonitor.start(spec, startOpts);
      const note = monitor.info.info.note;
      if (typeof note === 'string' && note) warnings.push(note);
      return { monitor, warnings };
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const m = String((err as Error).message).split('\n')[0]!;
      throw new UsageError(m.startsWith('--meter') ? m : `--meter ${name}: ${m}`);
    }
  }
  const reports = detectMeters({ ...adapterCtx(ctx.adapter), adapterIsSoftware: ctx.adapter?.isSoftware, deviceHint: opts.meterDevice });
  const pick = chooseAutoMeter(reports, ctx.adapter);
  const why = reports
    .filter((r) => ['nvml', 'rapl', 'hwmon'].includes(r.name))
    .map((r) => `${r.name}: ${r.found ? `found but does not measure the adapter in use` : shortWhy(r.whyNot)}`)
    .join('; ');
  if (!pick) {
    return {
      monitor: null,
      reason: `no power meter for this adapter (${why}); 'joulebench power meters' has the details; pass --meter <name> or --watts <W> to get per-joule figures`,
      warnings,
    };
  }
  try {
    const monitor = await SampledMonitor.start(meterSpecFromOptions(pick.name, opts, ctx.adapter), startOpts);
    if (pick.note) warnings.push(pick.note);
    if (pick.name === 'rapl' && ctx.adapter?.isSoftware) warnings.push('software adapter: energy is the CPU package (RAPL), which also counts everything else running on the CPU');
    return { monitor, warnings };
  } catch (err) {
    return { monitor: null, reason: `${pick.name} meter detected but failed to start (${String((err as Error).message).split('\n')[0]})`, warnings };
  }
}

/** Per-joule figure from a count (hashes, tokens) and an energy record; null when not measured or incomplete. */
export function perJoule(count: number, energy: Energy): number | null {
  if (!energy.measured || !energy.complete || !(energy.energyJ > 0)) return null;
  return count / energy.energyJ;
}

/** Why perJoule returned null, in words (for the metric's `reason`), or null when it did not. */
export function perJouleReason(energy: Energy): string | null {
  if (!energy.measured) return `energy not measured: ${energy.reason}`;
  if (!energy.complete) return `energy incomplete: ${energy.incompleteReason ?? 'meter failed during the window'}`;
  if (!(energy.energyJ > 0)) return `energy window read ${energy.energyJ} J (shorter than the sensor update period?)`;
  return null;
}
