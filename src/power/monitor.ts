/**
 * Energy-monitor contract used by every benchmark (hash bench, infer bench, run).
 *
 * Zeus-style windows: `begin(name)` … workload … `end(name)` → Energy (results schema). A bench
 * that has no meter records `{ measured: false, reason }` and leaves per-joule figures null.
 * Before a phase, a bench asks `requirement()` how long its window must be (≥ 10 sensor update
 * periods and ≥ --min-window) and repeats its work until the window is that long (issue 11).
 *
 * Meters live one per file in src/power/ (nvml, rapl, hwmon, shelly, tasmota, command); the
 * sampler (src/power/sampler.ts) polls the chosen meter in a worker thread and computes windows.
 * `createEnergyMonitor` picks a meter from the flags, or auto-detects the one whose scope matches
 * the work: the CPU package (RAPL) for CPU work (--ep cpu, a software adapter), the GPU board of
 * that adapter (NVML for NVIDIA, amdgpu hwmon for AMD) for GPU work. A meter whose scope does not
 * match the work is only used when named with --meter, and its records are labelled.
 */
import type { Command } from 'commander';
import type { Energy } from '../results/schema.js';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { numberArg, parseNumberFlag, warn } from '../util/flags.js';
import { UsageError } from '../util/errors.js';
import { sleep } from '../util/timeout.js';
import { METER_NAMES, isMeterName, type MeterSpec } from './meter.js';
import { detectMeters, type MeterReport } from './meters.js';
import { SamplerClient } from './worker-client.js';
import { INTERNAL_WINDOW_PREFIX, nowUnixMs, type SamplerStartInfo, type WindowRequirement } from './sampler.js';
import { DEFAULT_METER_TIMEOUT_MS } from './http.js';
import { energyJoules } from './energy-basis.js';
import { DEFAULT_MAX_WINDOW_S, WINDOW_MARGIN } from './window-rule.js';

export { METER_NAMES } from './meter.js';
export type { WindowRequirement } from './sampler.js';

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
  /** Minimum window, s: shorter windows are never complete; benches repeat their work to reach it. */
  minWindow?: number;
  /** Longest a bench extends one phase to reach the window its meter needs, s. */
  maxWindow?: number;
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

/** Default --min-window, s (ML.ENERGY found ≥ 5 s necessary on A100; energy notes §7.1). */
export const DEFAULT_MIN_WINDOW_S = 5;
// The window rule lives in window-rule.ts (no meter code: the decode worker imports it).
export { WINDOW_MARGIN, DEFAULT_MAX_WINDOW_S, windowTargetS, windowRequirement } from './window-rule.js';

/** commander parser for --watts: a finite number > 0 (0 W or a negative draw is not a power). */
export function wattsArg(raw: string): number {
  const v = parseNumberFlag('--watts', raw, { min: 0 });
  if (!(v > 0)) throw new UsageError(`--watts ${raw}: must be > 0 (the device's declared power draw in watts)`);
  return v;
}

/** Add the shared meter flags to a command. */
export function addMeterOptions(cmd: Command, defaults: { idleBaselineS?: number; minWindowS?: number } = {}): Command {
  return cmd
    .option('--meter <name>', `power meter: ${METER_NAMES.join(', ')} (default: auto-detect the meter whose scope matches the work)`)
    .option('--watts <W>', 'declared constant power draw in watts (labelled "declared", never "measured")', wattsArg)
    .option('--meter-url <url>', 'base URL of a Shelly Gen2 or Tasmota meter, e.g. http://192.0.2.10')
    .option('--meter-cmd <command>', 'shell command that prints the current power in watts (PDU/SNMP/IPMI)')
    .option('--meter-device <id>', 'device the meter reads: NVML index/UUID/PCI bus id, hwmonN, or Shelly switch id')
    .option('--meter-interval <s>', 'meter poll interval in seconds (default: from the measured sensor update period)', numberArg('--meter-interval', { min: 0.001, max: 60 }))
    .option('--meter-timeout <s>', 'bound on one network-meter request or meter-command run, seconds', numberArg('--meter-timeout', { min: 0.05, max: 120 }))
    .option('--meter-scope <scope>', `what --meter-cmd measures: ${CMD_SCOPES.join(', ')} (default wall)`)
    .option(
      '--min-window <s>',
      'shortest energy window in seconds; each phase is repeated until its window is ≥ max(this, 10 sensor update periods), shorter windows give no per-joule figure',
      numberArg('--min-window', { min: 0, max: 86_400 }),
      defaults.minWindowS ?? DEFAULT_MIN_WINDOW_S,
    )
    .option('--max-window <s>', 'longest a phase is extended to reach that window, seconds (then its per-joule figure is not measured)', numberArg('--max-window', { min: 0.1, max: 86_400 }), DEFAULT_MAX_WINDOW_S)
    .option(
      '--idle-baseline <s>',
      'idle power measured before the workload with a measuring meter, seconds (0 = none); gives idlePowerW and netEnergyJ next to the gross energy',
      numberArg('--idle-baseline', { min: 0 }),
      defaults.idleBaselineS ?? DEFAULT_IDLE_BASELINE_S,
    );
}

/** Idle baseline before a workload, seconds (issue 5: idle W and net J next to the gross J). */
export const DEFAULT_IDLE_BASELINE_S = 3;

/**
 * Check the meter flags against each other before anything is opened (a device, a meter, a
 * model): one UsageError line naming both flags of a contradiction.
 */
export function validateMeterOptions(opts: MeterOptions): void {
  if (opts.meter !== undefined && !isMeterName(opts.meter)) {
    throw new UsageError(`--meter '${opts.meter}': unknown meter; use one of ${METER_NAMES.join(', ')}`);
  }
  if (opts.watts !== undefined && !(Number.isFinite(opts.watts) && opts.watts > 0)) {
    throw new UsageError(`--watts ${opts.watts}: must be a finite number > 0 (the device's declared power draw in watts)`);
  }
  const cmd = opts.meterCmd !== undefined ? `--meter-cmd '${opts.meterCmd}'` : null;
  const url = opts.meterUrl !== undefined ? `--meter-url ${opts.meterUrl}` : null;
  if (opts.watts !== undefined) {
    const other = cmd ?? url ?? (opts.meter !== undefined && opts.meter !== 'declared' ? `--meter ${opts.meter}` : null);
    if (other) throw new UsageError(`--watts ${opts.watts} and ${other} both given: --watts declares a power, ${other.split(' ')[0]} measures one; pass one of them`);
  }
  if (cmd && url) throw new UsageError(`${cmd} and ${url} both given: one meter per run; pass one of them`);
  if (cmd && opts.meter !== undefined && opts.meter !== 'cmd') throw new UsageError(`--meter ${opts.meter} and ${cmd} both given: --meter-cmd is the cmd meter; drop one`);
  if (url && opts.meter !== undefined && opts.meter !== 'shelly' && opts.meter !== 'tasmota') {
    throw new UsageError(`--meter ${opts.meter} and ${url} both given: --meter-url is for --meter shelly or tasmota; drop one`);
  }
  if (opts.meter === 'declared' && opts.watts === undefined) throw new UsageError('--meter declared needs --watts <W>');
  if (opts.meterScope !== undefined && !(CMD_SCOPES as readonly string[]).includes(opts.meterScope)) {
    throw new UsageError(`--meter-scope '${opts.meterScope}': use one of ${CMD_SCOPES.join(', ')}`);
  }
  if (opts.meterScope !== undefined && !cmd && opts.meter !== 'cmd') throw new UsageError(`--meter-scope applies to --meter-cmd only (the ${opts.meter ?? 'auto-detected'} meter knows its scope)`);
  if (opts.minWindow !== undefined && opts.maxWindow !== undefined && opts.maxWindow < opts.minWindow) {
    throw new UsageError(`--max-window ${opts.maxWindow} and --min-window ${opts.minWindow}: the longest window must be ≥ the shortest`);
  }
}

/** The device that does the work a meter should measure. */
export type Workload =
  | { device: 'cpu'; why: string }
  | { device: 'webgpu'; adapter: AdapterIdentity }
  | { device: 'cuda'; deviceId: number };

/** Workload of a bench: hashing and the webgpu EP run on the adapter (a software one is the CPU); --ep cpu on the CPU. */
export function workloadFor(ep: 'webgpu' | 'cpu' | 'cuda' | 'hash', adapter: AdapterIdentity | null | undefined): Workload | undefined {
  if (ep === 'cpu') return { device: 'cpu', why: '--ep cpu' };
  if (ep === 'cuda') return { device: 'cuda', deviceId: 0 };
  if (!adapter) return undefined;
  if (adapter.isSoftware) return { device: 'cpu', why: `software adapter '${adapter.name}' runs on the CPU` };
  return { device: 'webgpu', adapter };
}

function workloadText(w: Workload): string {
  if (w.device === 'cpu') return `CPU work (${w.why})`;
  if (w.device === 'cuda') return `CUDA device ${w.deviceId}`;
  return `GPU work on '${w.adapter.name}'`;
}

/** One open measurement window per name. */
export interface EnergyMonitor {
  /** Meter name (one of METER_NAMES). */
  readonly meter: string;
  /** What the meter found at start (label, method, update period, poll interval); absent for declared. */
  readonly info?: SamplerStartInfo;
  /** Measure idle power for `seconds` before the workload (recorded as idlePowerW / netEnergyJ). */
  idleBaseline(seconds: number): Promise<void>;
  /** How long a window must be to be complete (benches repeat their work to reach it); absent = no rule. */
  requirement?(): Promise<WindowRequirement>;
  /** Open a window. Call after the device queue is drained; the window starts when this resolves. */
  begin(name: string): Promise<void>;
  /** Close a window (call right after draining the queue) and return its energy. Never throws for a dead meter: returns complete=false. */
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
  /** @param minWindowS - --min-window: a shorter declared window is not complete either. */
  constructor(
    private readonly watts: number,
    private readonly minWindowS = 0,
  ) {
    if (!(Number.isFinite(watts) && watts > 0)) throw new UsageError(`--watts ${watts}: must be a finite number > 0`);
  }
  async idleBaseline(): Promise<void> {}
  async requirement(): Promise<WindowRequirement> {
    return { minS: this.minWindowS, periodS: null, basis: `--min-window ${this.minWindowS} s (declared power has no sensor)` };
  }
  async begin(name: string): Promise<void> {
    this.open.set(name, nowUnixMs());
  }
  async end(name: string): Promise<Energy> {
    const t1 = nowUnixMs();
    const t0 = this.open.get(name);
    if (t0 === undefined) throw new Error(`energy window '${name}' was never begun`);
    this.open.delete(name);
    const timeS = (t1 - t0) / 1000;
    const short = !name.startsWith(INTERNAL_WINDOW_PREFIX) && timeS < this.minWindowS;
    return {
      measured: false,
      declared: true,
      reason: `declared power ${this.watts} W, not measured`,
      energyJ: this.watts * timeS,
      timeS,
      avgPowerW: this.watts,
      method: `declared constant power ${this.watts} W × window time (not measured)`,
      scope: 'declared',
      meter: 'declared',
      samples: 0,
      uncertaintyJ: null,
      startUnixMs: t0,
      endUnixMs: t1,
      complete: !short,
      ...(short ? { incompleteReason: `window ${timeS.toFixed(3)} s is shorter than --min-window ${this.minWindowS} s` } : {}),
    };
  }
  async close(): Promise<void> {}
}

/** Bound on a begin/end round trip to the sampler worker (includes one meter read and the wait for counter updates), ms. */
function edgeTimeoutMs(spec: MeterSpec): number {
  return (spec.timeoutMs ?? DEFAULT_METER_TIMEOUT_MS) + 15_000;
}

/** A real meter polled by the sampler worker. */
export class SampledMonitor implements EnergyMonitor {
  private readonly openNames = new Map<string, number>();
  private idlePowerW: number | null = null;
  private idleDone = false;
  private closed = false;

  private constructor(
    private readonly client: SamplerClient,
    readonly info: SamplerStartInfo,
    private readonly spec: MeterSpec,
    private readonly opts: { idleBaselineS: number; onWarning: (m: string) => void; scopeMismatch: string | null },
  ) {}

  get meter(): string {
    return this.spec.name;
  }

  /** Why this meter's scope does not match the work (named explicitly with --meter), or null. */
  get scopeMismatch(): string | null {
    return this.opts.scopeMismatch;
  }

  /** Label every record of this monitor: its scope does not match the work (an explicit --meter). */
  labelScopeMismatch(text: string): void {
    this.opts.scopeMismatch = text;
  }

  /** Start the worker and the meter; rejects with the meter's one-line error. */
  static async start(
    spec: MeterSpec,
    opts: { intervalS?: number; minWindowS?: number; idleBaselineS?: number; onWarning?: (m: string) => void },
  ): Promise<SampledMonitor> {
    const samplerOpts = {
      ...(opts.intervalS !== undefined ? { intervalS: opts.intervalS } : {}),
      minWindowS: opts.minWindowS ?? DEFAULT_MIN_WINDOW_S,
      ...(spec.cpuState ? { cpuState: true } : {}),
    };
    const { client, info } = await SamplerClient.start(spec, samplerOpts);
    return new SampledMonitor(client, info, spec, {
      idleBaselineS: opts.idleBaselineS ?? 0,
      onWarning: opts.onWarning ?? ((m) => warn(m)),
      scopeMismatch: null,
    });
  }

  async requirement(): Promise<WindowRequirement> {
    return (await this.client.call('requirement', {}, 10_000, `power meter ${this.spec.name}: window requirement`)) as WindowRequirement;
  }

  async idleBaseline(seconds: number): Promise<void> {
    this.idleDone = true;
    if (!(seconds > 0)) return;
    // Long enough for the meter to resolve it (10 update periods), whatever was asked for.
    const req = await this.requirement().catch(() => null);
    const s = Math.max(seconds, req && req.periodS !== null ? 10 * req.periodS * WINDOW_MARGIN : 0);
    const name = `${INTERNAL_WINDOW_PREFIX}_idle_baseline__`;
    await this.begin(name);
    await sleep(s * 1000);
    const e = await this.end(name);
    if (e.measured && e.complete) this.idlePowerW = e.avgPowerW;
    else this.opts.onWarning(`idle baseline not measured: ${e.measured ? e.incompleteReason : e.reason}`);
  }

  async begin(name: string): Promise<void> {
    if (this.openNames.has(name)) throw new Error(`energy window '${name}' is already open`);
    if (!this.idleDone && this.opts.idleBaselineS > 0) await this.idleBaseline(this.opts.idleBaselineS);
    try {
      await this.client.call('begin', { name }, edgeTimeoutMs(this.spec), `power meter ${this.spec.name}: window begin`);
    } catch {
      // The failure is reported by end(): the benchmark itself goes on.
    }
    // The window starts on this thread, when the work can start: after the begin read returned.
    this.openNames.set(name, nowUnixMs());
  }

  async end(name: string): Promise<Energy> {
    const t1Ms = nowUnixMs();
    const t0Ms = this.openNames.get(name);
    if (t0Ms === undefined) throw new Error(`energy window '${name}' was never begun`);
    this.openNames.delete(name);
    let e: Energy;
    try {
      e = (await this.client.call('end', { name, t0Ms, t1Ms }, edgeTimeoutMs(this.spec), `power meter ${this.spec.name}: window end`)) as Energy;
    } catch (err) {
      return { measured: false, reason: `${this.spec.name} meter failed (${String((err as Error).message).split('\n')[0]})` };
    }
    if (!e.measured) return e;
    const warnings: string[] = [];
    if (!e.complete && !name.startsWith(INTERNAL_WINDOW_PREFIX)) warnings.push(`energy for '${name}' is incomplete: ${e.incompleteReason}`);
    if (this.opts.scopeMismatch) warnings.push(this.opts.scopeMismatch);
    for (const w of warnings) if (w !== this.opts.scopeMismatch) this.opts.onWarning(w);
    const out: Energy = { ...e, ...(warnings.length ? { warnings } : {}), ...(this.opts.scopeMismatch ? { scopeMismatch: this.opts.scopeMismatch } : {}) };
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

/** The CUDA environment that maps a CUDA device id to a physical GPU. */
function cudaCtx(w: Workload | undefined): MeterSpec['cuda'] | undefined {
  if (w?.device !== 'cuda') return undefined;
  return { deviceId: w.deviceId, visibleDevices: process.env.CUDA_VISIBLE_DEVICES ?? null, deviceOrder: process.env.CUDA_DEVICE_ORDER ?? null };
}

/** Build the sampler spec for a named meter from the flags; UsageError on bad flag combinations. */
export function meterSpecFromOptions(
  name: Exclude<(typeof METER_NAMES)[number], 'declared'>,
  opts: MeterOptions,
  adapter?: AdapterIdentity | null,
  workload?: Workload,
): MeterSpec {
  validateMeterOptions({ ...opts, meter: opts.meter ?? name });
  if ((name === 'shelly' || name === 'tasmota') && !opts.meterUrl) throw new UsageError(`--meter ${name} needs --meter-url <http://address> (the meter's local address)`);
  if (name === 'cmd' && !opts.meterCmd) throw new UsageError("--meter cmd needs --meter-cmd '<command that prints watts>'");
  const spec: MeterSpec = { name, ...adapterCtx(workload?.device === 'webgpu' ? workload.adapter : adapter) };
  const cuda = cudaCtx(workload);
  if (cuda) spec.cuda = cuda;
  if (workload?.device === 'cpu') spec.cpuState = true;
  if (opts.meterUrl !== undefined) spec.url = opts.meterUrl;
  if (opts.meterCmd !== undefined) spec.cmd = opts.meterCmd;
  if (opts.meterDevice !== undefined) spec.deviceHint = opts.meterDevice;
  if (opts.meterTimeout !== undefined) spec.timeoutMs = Math.round(opts.meterTimeout * 1000);
  if (opts.meterScope !== undefined) spec.scope = opts.meterScope as MeterSpec['scope'];
  return spec;
}

const isNvidia = (a: AdapterIdentity) => `${a.vendor} ${a.name} ${a.description}`.toLowerCase().includes('nvidia');
const isAmd = (a: AdapterIdentity) => /\bamd\b|\bati\b|radeon|amdgpu/.test(`${a.vendor} ${a.name} ${a.description}`.toLowerCase());

/**
 * Does a meter of this name and scope measure the work? Null when it does, else the mismatch in
 * words. Wall meters cover everything on the plug; a CPU-package meter covers CPU work only; a
 * GPU-board meter covers GPU work on a board of its vendor, on the device it matched.
 */
export function scopeMismatch(meter: string, scope: string, workload: Workload | undefined, info: Record<string, unknown> = {}): string | null {
  if (!workload || scope === 'wall' || scope === 'declared') return null;
  const what = `--meter ${meter} measures ${scope === 'gpu-board' ? 'a GPU board' : 'the CPU package'}`;
  if (workload.device === 'cpu') return scope === 'cpu-package' ? null : `${what}, not the ${workloadText(workload)}: its per-joule figures are labelled with this mismatch`;
  if (scope === 'cpu-package') return `${what}, not the ${workloadText(workload)}: its per-joule figures are labelled with this mismatch`;
  if (info.matchesWork === false) return `${what} that is not the one doing the ${workloadText(workload)}${typeof info.note === 'string' ? ` (${info.note})` : ''}`;
  if (workload.device === 'webgpu') {
    if (meter === 'nvml' && !isNvidia(workload.adapter)) return `${what} (NVIDIA), not the ${workloadText(workload)}`;
    if (meter === 'hwmon' && !isAmd(workload.adapter)) return `${what} (amdgpu), not the ${workloadText(workload)}`;
  }
  if (workload.device === 'cuda' && meter === 'hwmon') return `${what} (amdgpu), not the ${workloadText(workload)}`;
  return null;
}

/**
 * Which detected meter measures this work, if any: never one whose scope differs from the work
 * (`--ep cpu` never gets a GPU-board meter). No workload (power sample without an adapter): the
 * first local meter, with a note.
 */
export function chooseAutoMeter(reports: MeterReport[], workload: Workload | undefined): { name: 'nvml' | 'hwmon' | 'rapl'; note: string | null } | null {
  const found = (n: string) => reports.find((r) => r.name === n && r.found);
  if (!workload) {
    for (const n of ['nvml', 'hwmon', 'rapl'] as const) {
      if (found(n)) return { name: n, note: `no adapter given: measuring with ${n} (${found(n)!.scope}), which may not cover the device doing the work` };
    }
    return null;
  }
  if (workload.device === 'cpu') return found('rapl') ? { name: 'rapl', note: null } : null;
  const nvml = found('nvml');
  const nvmlOk = nvml && (nvml.details as { matchesWork?: boolean } | undefined)?.matchesWork !== false;
  if (workload.device === 'cuda') return nvmlOk ? { name: 'nvml', note: nvml!.note ?? null } : null;
  if (isNvidia(workload.adapter)) return nvmlOk ? { name: 'nvml', note: nvml!.note ?? null } : null;
  if (isAmd(workload.adapter)) {
    const h = found('hwmon');
    if (!h) return null;
    const n = ((h.details as { devices?: unknown[] } | undefined)?.devices ?? []).length;
    return { name: 'hwmon', note: n > 1 ? `${n} amdgpu devices: WebGPU exposes no PCI address to tell which one runs the work, measuring the first; pass --meter-device <hwmonN|pci address>` : null };
  }
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
 * Build the monitor the options ask for. With no meter flags: auto-detect the meter whose scope
 * matches the work; nothing found → `{ monitor: null, reason }` and the caller records "not
 * measured". Explicitly requested meters that cannot be opened are a UsageError (one line); an
 * explicit meter whose scope does not match the work is used, with a warning, and every record it
 * makes carries `scopeMismatch`.
 */
export async function createEnergyMonitor(
  opts: MeterOptions,
  ctx: { adapter?: AdapterIdentity | null; workload?: Workload; onWarning?: (message: string) => void } = {},
): Promise<MonitorChoice> {
  validateMeterOptions(opts);
  const workload = ctx.workload ?? workloadFor('hash', ctx.adapter);
  if (opts.watts !== undefined) return { monitor: new DeclaredMeter(opts.watts, opts.minWindow ?? DEFAULT_MIN_WINDOW_S), warnings: [] };
  let name = opts.meter as Exclude<(typeof METER_NAMES)[number], 'declared'> | undefined;
  if (name === undefined && opts.meterCmd !== undefined) name = 'cmd';
  if (name === undefined && opts.meterUrl !== undefined) throw new UsageError('--meter-url needs --meter shelly or --meter tasmota (which kind of meter is at that address)');
  const startOpts = { intervalS: opts.meterInterval, minWindowS: opts.minWindow, idleBaselineS: opts.idleBaseline, onWarning: ctx.onWarning };
  const warnings: string[] = [];
  if (name !== undefined) {
    const spec = meterSpecFromOptions(name, opts, ctx.adapter, workload);
    let monitor: SampledMonitor;
    try {
      monitor = await SampledMonitor.start(spec, startOpts);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const m = String((err as Error).message).split('\n')[0]!;
      throw new UsageError(m.startsWith('--meter') ? m : `--meter ${name}: ${m}`);
    }
    const mismatch = scopeMismatch(name, monitor.info.scope, workload, monitor.info.info);
    const note = monitor.info.info.note;
    if (typeof note === 'string' && note && !mismatch) warnings.push(note);
    if (mismatch) {
      monitor.labelScopeMismatch(`meter scope does not match the work: ${mismatch}`);
      warnings.push(`meter scope does not match the work: ${mismatch}`);
    }
    return { monitor, warnings };
  }
  const reports = detectMeters({ ...adapterCtx(workload?.device === 'webgpu' ? workload.adapter : ctx.adapter), adapterIsSoftware: ctx.adapter?.isSoftware, deviceHint: opts.meterDevice, cuda: cudaCtx(workload) });
  const pick = chooseAutoMeter(reports, workload);
  const why = reports
    .filter((r) => ['nvml', 'rapl', 'hwmon'].includes(r.name))
    .map((r) => `${r.name}: ${r.found ? `found but does not measure the ${workload ? workloadText(workload) : 'adapter in use'}` : shortWhy(r.whyNot)}`)
    .join('; ');
  if (!pick) {
    return {
      monitor: null,
      reason: `no power meter for this ${workload?.device === 'cpu' ? 'CPU work' : 'adapter'} (${why}); 'joulebench power meters' has the details; pass --meter <name> or --watts <W> to get per-joule figures`,
      warnings,
    };
  }
  try {
    const monitor = await SampledMonitor.start(meterSpecFromOptions(pick.name, opts, ctx.adapter, workload), startOpts);
    if (pick.note) warnings.push(pick.note);
    if (pick.name === 'rapl' && ctx.adapter?.isSoftware) warnings.push('software adapter: energy is the CPU package (RAPL), which also counts everything else running on the CPU');
    return { monitor, warnings };
  } catch (err) {
    return { monitor: null, reason: `${pick.name} meter detected but failed to start (${String((err as Error).message).split('\n')[0]})`, warnings };
  }
}

/**
 * Per-joule figure from a count (hashes, tokens) and an energy record; null when there are no
 * joules or the window is incomplete. Declared watts give a figure too (it is labelled declared
 * by the caller: see `perJouleBasis`).
 */
export function perJoule(count: number, energy: Energy): number | null {
  const j = energyJoules(energy);
  if (!j || !j.complete || !(j.energyJ > 0)) return null;
  return count / j.energyJ;
}

/** 'declared' when a per-joule figure rests on declared watts, 'metered' on a meter, null when there is none. */
export function perJouleBasis(energy: Energy): 'metered' | 'declared' | null {
  const j = energyJoules(energy);
  return j ? j.kind : null;
}

/** Why perJoule returned null, in words (for the metric's `reason`), or null when it did not. */
export function perJouleReason(energy: Energy): string | null {
  const j = energyJoules(energy);
  if (!j) return `energy not measured: ${energy.measured ? 'no joules' : energy.reason}`;
  if (!j.complete) return `energy incomplete: ${j.incompleteReason ?? 'meter failed during the window'}`;
  if (!(j.energyJ > 0)) return `energy window read ${j.energyJ} J (shorter than the sensor update period?)`;
  return null;
}

/** Same device kind doing the work (the same adapter, the CPU, the same CUDA device)? */
export function sameWorkDevice(a: Workload | undefined, b: Workload | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.device !== b.device) return false;
  if (a.device === 'webgpu' && b.device === 'webgpu') return a.adapter.index === b.adapter.index && a.adapter.name === b.adapter.name;
  if (a.device === 'cuda' && b.device === 'cuda') return a.deviceId === b.deviceId;
  return true;
}

/**
 * The monitor for a second bench of the same command (`run`: hashing on the adapter, then
 * inference on `--ep`) when it runs on another device: an auto-detected meter is replaced by the
 * one matching the new work (closing the old one); an explicit one is kept and its records are
 * labelled when its scope does not match the new work.
 */
export async function monitorForNextWorkload(
  current: EnergyMonitor | null,
  opts: MeterOptions,
  ctx: { adapter?: AdapterIdentity | null; from: Workload | undefined; to: Workload | undefined; onWarning?: (m: string) => void },
): Promise<MonitorChoice | null> {
  if (sameWorkDevice(ctx.from, ctx.to)) return null;
  const explicit = opts.meter !== undefined || opts.meterCmd !== undefined || opts.watts !== undefined;
  if (explicit && current instanceof SampledMonitor) {
    const m = scopeMismatch(current.meter, current.info.scope, ctx.to, current.info.info);
    if (m) current.labelScopeMismatch(`meter scope does not match the work: ${m}`);
    return { monitor: current, warnings: m ? [`meter scope does not match the work: ${m}`] : [] };
  }
  if (explicit) return null;
  await current?.close();
  // The idle baseline was taken before the first bench; the new meter measures the new device.
  return createEnergyMonitor({ ...opts, idleBaseline: 0 }, { adapter: ctx.adapter ?? null, workload: ctx.to, onWarning: ctx.onWarning });
}
