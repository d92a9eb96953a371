/**
 * The sampler: polls one meter on its own schedule and turns begin/end windows into Energy records.
 * It runs inside a worker thread (src/power/sampler-worker.ts) so polling continues while the main
 * thread is blocked (onnxruntime-node's `run()` blocks the event loop), but it has no worker
 * dependency itself and tests drive it directly too.
 *
 * Window edges (issue 11): a window starts when the begin read has returned (the caller starts
 * the work then) and ends when the caller stops it, before the end read starts; the caller may
 * pass its own edge times (the main thread's clock: src/power/monitor.ts does).
 *  - Counters (NVML energy, RAPL) are polled at a tenth of their update period, so each update
 *    ("tick") is timed; each edge's counter value is split out of the update interval holding it
 *    (src/power/integrate.ts counterValueAt). The end waits for two ticks after the edge.
 *  - Polled power (hwmon, NVML power, Shelly, Tasmota, command) is integrated over the readings
 *    taken entirely inside the window, at their read midpoints, held out to the edges.
 * A window is complete only when it spans ≥ 10 sensor update periods and ≥ --min-window, and the
 * meter answered throughout. All reads are serialised: a meter never sees two requests at once.
 */
import type { Energy } from '../results/schema.js';
import type { PowerMeter } from './meter.js';
import {
  CounterUnwrapper,
  MAX_DEVICE_POWER_W,
  MIN_UPDATE_PERIODS_PER_WINDOW,
  counterEnergyOverWindow,
  counterPollIntervalFor,
  downsampleLttb,
  estimateUpdatePeriodS,
  integratePower,
  integratePowerWindow,
  pollIntervalFor,
  requiredWindowS,
  tickFromReads,
  type CounterTick,
} from './integrate.js';
import { summarizeDeviceState, type DeviceStateReading } from './device-state.js';
import { readCpuState } from './cpu-state.js';

/** Unix time in ms with sub-ms resolution (same clock in every thread). */
export function nowUnixMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Most points kept per window trace (issue 11: downsampled to at most 2,000). */
export const MAX_TRACE_POINTS = 2000;

/** Shortest bound on a window-edge read, ms (see Sampler.edgeBoundMs). */
export const EDGE_READ_MIN_MS = 2000;

/** Windows whose name starts with this are the monitor's own (idle baseline): no --min-window rule. */
export const INTERNAL_WINDOW_PREFIX = '__joulebench';

interface Read {
  /** Read start / end, Unix ms: the sensor was sampled somewhere in between. */
  aMs: number;
  bMs: number;
  /** Power meters: the reading (W). */
  powerW: number | null;
  /** Counter meters: the unwrapped total (J). */
  totalJ: number | null;
}

interface Failure {
  tMs: number;
  message: string;
}

interface OpenWindow {
  t0Ms: number;
}

/** Sampler tuning. */
export interface SamplerOptions {
  /** Poll interval override, s (--meter-interval); default from the measured update period. */
  intervalS?: number;
  /** Longest update-period probe at start, ms. */
  probeMs?: number;
  /** --min-window, s: shorter windows are never complete (internal windows exempt). */
  minWindowS?: number;
  /** Read the CPU governor/boost/frequency with the device state (the work runs on the CPU). */
  cpuState?: boolean;
}

/** What a window needs to be complete. */
export interface WindowRequirement {
  /** Shortest window that can be complete, s: max(10 update periods, --min-window). */
  minS: number;
  /** The update period that rule uses, s (null: not known yet). */
  periodS: number | null;
  /** The rule in words ("10 × 0.100 s sensor update period"). */
  basis: string;
}

/** What `start()` found out about the meter. */
export interface SamplerStartInfo {
  meter: string;
  scope: string;
  kind: 'counter' | 'power';
  label: string;
  method: string;
  sensorUpdatePeriodS: number | null;
  pollIntervalS: number;
  info: Record<string, unknown>;
  /** Model/firmware a wall meter reports about itself (null when it does not, or the meter has no such query). */
  meterDevice: Record<string, unknown> | null;
  firstReading: { powerW: number | null; totalJ: number | null };
  requirement: WindowRequirement;
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number, digits: number) => Number(x.toPrecision(digits));

/** Polls a meter and measures windows. */
export class Sampler {
  private readonly reads: Read[] = [];
  /** Updates of the summed counter (the trace). */
  private readonly ticks: CounterTick[] = [];
  /** Updates of each counter on its own (RAPL packages update independently): energy and period come from these. */
  private readonly zoneTickLists: CounterTick[][] = [];
  private readonly failures: Failure[] = [];
  private readonly states: Array<{ tMs: number; reading: DeviceStateReading; source: string }> = [];
  private readonly unwrappers: CounterUnwrapper[];
  /** Per counter: last accepted update (time, unwrapped J), for the per-device plausibility check. */
  private readonly zoneTicks: Array<{ tMs: number; valueJ: number; real: boolean } | null> = [];
  private readonly windows = new Map<string, OpenWindow>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private probePeriodS: number | null = null;
  private lastStateMs = -Infinity;
  private startMs = 0;
  private meterDevice: Record<string, unknown> | null = null;
  private polls = 0;
  private lastWaitMs = 0;
  intervalS = 1;

  constructor(
    private readonly meter: PowerMeter,
    private readonly opts: SamplerOptions = {},
  ) {
    this.unwrappers = (meter.counterRangesJ ?? []).map((r) => new CounterUnwrapper(r));
  }

  private get isCounter(): boolean {
    return this.meter.kind === 'counter';
  }

  /** First read (throws if the meter does not answer), self-description, update-period probe, then polling. */
  async start(): Promise<SamplerStartInfo> {
    this.startMs = nowUnixMs();
    const first = await this.readOnce();
    if (!first) throw new Error(this.failures.at(-1)?.message ?? `${this.meter.name}: first read failed`);
    if (this.meter.describe) {
      try {
        this.meterDevice = await this.meter.describe();
      } catch (err) {
        this.meterDevice = { unavailable: oneLine(err) };
      }
    }
    if (this.meter.probeUpdatePeriod && this.opts.intervalS === undefined) {
      this.probePeriodS = await this.probe(this.opts.probeMs ?? 1000);
    }
    this.intervalS =
      this.opts.intervalS ?? (this.isCounter ? counterPollIntervalFor(this.probePeriodS, this.meter.poll) : pollIntervalFor(this.probePeriodS, this.meter.poll));
    this.readStateNow(true);
    this.schedule();
    return {
      meter: this.meter.name,
      scope: this.meter.scope,
      kind: this.meter.kind,
      label: this.meter.label,
      method: this.meter.method,
      sensorUpdatePeriodS: this.probePeriodS,
      pollIntervalS: this.intervalS,
      info: this.meter.info(),
      meterDevice: this.meterDevice,
      firstReading: { powerW: first.powerW, totalJ: first.totalJ },
      requirement: this.requirement(),
    };
  }

  /** Read back to back (≈1 ms apart) until twelve value changes or `maxMs`; median change interval. */
  private async probe(maxMs: number): Promise<number | null> {
    const t0 = nowUnixMs();
    const seen: Array<{ tMs: number; value: number }> = [];
    let changes = 0;
    while (nowUnixMs() - t0 < maxMs && changes < 12) {
      const s = await this.readOnce();
      if (!s) break;
      const v = this.isCounter ? s.totalJ! : s.powerW!;
      if (seen.length && seen[seen.length - 1]!.value !== v) changes++;
      seen.push({ tMs: (s.aMs + s.bMs) / 2, value: v });
      await new Promise((r) => setTimeout(r, 1));
    }
    return estimateUpdatePeriodS(seen);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.readOnce().finally(() => {
        if (++this.polls % 50 === 0) this.trim();
        this.schedule();
      });
    }, this.intervalS * 1000);
  }

  /** The sensor update period the window rule uses, s: observed tick spacing (counters) or the slowest of sensor, poll and read (power). */
  periodS(): number | null {
    if (this.isCounter) {
      // The slowest counter sets the pace (each package updates on its own).
      let worst: number | null = null;
      for (const list of this.liveZones()) {
        const gaps: number[] = [];
        for (let i = 1; i < list.length; i++) gaps.push(list[i]!.tMs - list[i - 1]!.tMs);
        const m = gaps.length >= 3 ? median(gaps) : null;
        if (m === null) return this.probePeriodS;
        worst = Math.max(worst ?? 0, m);
      }
      return worst !== null ? worst / 1000 : this.probePeriodS;
    }
    const readMs = median(this.reads.slice(-200).map((r) => r.bMs - r.aMs)) ?? 0;
    return Math.max(this.probePeriodS ?? 0, this.intervalS, readMs / 1000);
  }

  /** What a window needs to be complete, now. */
  requirement(internal = false): WindowRequirement {
    const minWindowS = internal ? 0 : (this.opts.minWindowS ?? 0);
    const p = this.periodS();
    if (p === null) {
      // The counter has not moved often enough to time it: its period is at least the time so far
      // divided by the updates seen, and a window must span ten of those.
      const spanS = (nowUnixMs() - this.startMs) / 1000;
      const lower = spanS / Math.max(1, this.ticks.length);
      const minS = Math.max(minWindowS, MIN_UPDATE_PERIODS_PER_WINDOW * lower);
      return { minS, periodS: null, basis: `sensor update period unknown (${this.ticks.length} counter update(s) in ${spanS.toFixed(1)} s), assumed ≥ ${lower.toFixed(3)} s` };
    }
    const byPeriod = MIN_UPDATE_PERIODS_PER_WINDOW * p;
    const minS = requiredWindowS(p, minWindowS);
    const basis = byPeriod >= minWindowS ? `${MIN_UPDATE_PERIODS_PER_WINDOW} × ${p.toFixed(3)} s sensor update period` : `--min-window ${minWindowS} s (≥ ${MIN_UPDATE_PERIODS_PER_WINDOW} × ${p.toFixed(3)} s update period)`;
    return { minS, periodS: p, basis };
  }

  /**
   * One serialised read. Keeps the read or records the failure; never throws. A read whose turn
   * comes after stop(), or after its caller gave up on it (`token.abandoned`), is not made.
   */
  private readOnce(token?: { abandoned: boolean }): Promise<Read | null> {
    const p = this.chain.then(async () => {
      if (this.stopped || token?.abandoned) return null;
      const a = nowUnixMs();
      try {
        const r = await this.meter.read();
        const b = nowUnixMs();
        const read: Read = { aMs: a, bMs: b, powerW: null, totalJ: null };
        if (r.countersJ) read.totalJ = this.acceptCounters(r.countersJ, a, b);
        else {
          const w = r.powerW;
          if (w === undefined || !Number.isFinite(w)) throw new Error(`${this.meter.name}: non-finite power reading`);
          if (w < 0 || w > MAX_DEVICE_POWER_W) throw new Error(`${this.meter.name}: implausible reading ${w} W (outside 0–${MAX_DEVICE_POWER_W / 1000} kW for one device): meter failure, not data`);
          read.powerW = w;
        }
        this.reads.push(read);
        this.readStateNow(false);
        return read;
      } catch (err) {
        this.failures.push({ tMs: (a + nowUnixMs()) / 2, message: oneLine(err) });
        return null;
      }
    });
    this.chain = p;
    return p;
  }

  /**
   * Vet and record counter readings: each counter's update must imply 0–100 kW since its previous
   * update (a glitch read as a wrap, or a counter that jumped, is a meter failure, not energy).
   * Returns the summed unwrapped total and records a tick when it moved.
   */
  private acceptCounters(raws: number[], a: number, b: number): number {
    const prev = this.reads.at(-1);
    const next: number[] = raws.map((raw, i) => (this.unwrappers[i] ??= new CounterUnwrapper(null)).peek(raw));
    next.forEach((v, i) => {
      const z = this.zoneTicks[i];
      if (!Number.isFinite(v)) throw new Error(`${this.meter.name}: non-finite counter reading`);
      if (!z || v === z.valueJ || !z.real) return;
      const dtS = (b - z.tMs) / 1000;
      const w = (v - z.valueJ) / Math.max(dtS, 1e-3);
      if (v < z.valueJ || w > MAX_DEVICE_POWER_W) {
        throw new Error(`${this.meter.name}: counter ${i} moved by ${(v - z.valueJ).toFixed(3)} J in ${dtS.toFixed(3)} s (${w.toFixed(0)} W, outside 0–${MAX_DEVICE_POWER_W / 1000} kW): meter failure, not data`);
      }
    });
    raws.forEach((raw, i) => this.unwrappers[i]!.update(raw));
    next.forEach((v, i) => {
      const z = this.zoneTicks[i];
      if (!z) this.zoneTicks[i] = { tMs: a, valueJ: v, real: false };
      else if (v !== z.valueJ) {
        this.zoneTicks[i] = { tMs: (a + b) / 2, valueJ: v, real: true };
        if (prev) (this.zoneTickLists[i] ??= []).push(tickFromReads(prev.aMs, a, b, v, this.probePeriodS));
      }
    });
    const totalJ = next.reduce((s, v) => s + v, 0);
    if (prev && prev.totalJ !== null && totalJ !== prev.totalJ) {
      this.ticks.push(tickFromReads(prev.aMs, a, b, totalJ, this.probePeriodS));
    }
    return totalJ;
  }

  /** Device state (rate-limited to every max(poll, 100 ms) unless forced). */
  private readStateNow(force: boolean): void {
    const t = nowUnixMs();
    if (!force && t - this.lastStateMs < Math.max(this.intervalS * 1000, 100)) return;
    this.lastStateMs = t;
    const parts: Array<{ reading: DeviceStateReading; source: string }> = [];
    try {
      if (this.meter.readState) parts.push({ reading: this.meter.readState(), source: this.meter.stateSource ?? this.meter.name });
      if (this.opts.cpuState && this.meter.name !== 'rapl') parts.push({ reading: readCpuState(), source: 'cpu sysfs' });
    } catch {
      return;
    }
    for (const p of parts) if (p.reading.numbers || p.reading.flags || p.reading.settings) this.states.push({ tMs: t, ...p });
  }

  /** Drop history no open window needs (keep 10 s for edge splitting and the idle baseline). */
  private trim(): void {
    let keepFrom = nowUnixMs() - 10_000;
    for (const w of this.windows.values()) keepFrom = Math.min(keepFrom, w.t0Ms - 5_000);
    const cut = <T>(arr: T[], t: (x: T) => number) => {
      let i = 0;
      while (i < arr.length - 4 && t(arr[i]!) < keepFrom) i++;
      if (i > 0) arr.splice(0, i);
    };
    cut(this.reads, (r) => r.bMs);
    cut(this.ticks, (r) => r.tMs);
    for (const list of this.liveZones()) cut(list, (r) => r.tMs);
    cut(this.states, (r) => r.tMs);
    if (this.failures.length > 1000) this.failures.splice(0, this.failures.length - 1000);
  }

  /** Open a window: a fresh read, then the window starts (returns its start, Unix ms). */
  async begin(name: string): Promise<{ t0Ms: number }> {
    if (this.windows.has(name)) throw new Error(`energy window '${name}' is already open`);
    this.windows.set(name, { t0Ms: nowUnixMs() });
    await this.edgeRead();
    this.readStateNow(true);
    const t0Ms = nowUnixMs();
    this.windows.get(name)!.t0Ms = t0Ms;
    return { t0Ms };
  }

  /**
   * Close a window and compute its energy. `edges` are the caller's own start/end times (the work's
   * edges on its thread); by default the window runs from the begin read's return to this call.
   * Never throws for a meter failure: marks the figure incomplete.
   */
  async end(name: string, edges: { t0Ms?: number; t1Ms?: number } = {}): Promise<Energy> {
    const w = this.windows.get(name);
    if (!w) throw new Error(`energy window '${name}' was never begun`);
    const t1Ms = Math.max(edges.t1Ms ?? nowUnixMs(), edges.t0Ms ?? w.t0Ms);
    const t0Ms = edges.t0Ms ?? w.t0Ms;
    await this.edgeRead();
    if (this.isCounter) await this.waitForTicksAfter(t1Ms, 2);
    this.readStateNow(true);
    this.windows.delete(name);
    const internal = name.startsWith(INTERNAL_WINDOW_PREFIX);
    const e = this.isCounter ? this.counterWindow(t0Ms, t1Ms, internal) : this.powerWindow(t0Ms, t1Ms, internal);
    if (e.measured) {
      const st = summarizeDeviceState(this.states, t0Ms, t1Ms, Math.max(1000, 2 * this.intervalS * 1000));
      if (st) (e as Record<string, unknown>).deviceState = st;
      if (this.meterDevice) (e as Record<string, unknown>).meterDevice = this.meterDevice;
    }
    return e;
  }

  /**
   * Longest a window edge waits for its read, ms: three times the slowest of the meter's recent
   * reads, and at least EDGE_READ_MIN_MS. A read slower than that has stalled (a PDU command hung
   * on its network): waiting out --meter-timeout at each edge is what made a 3 s `power sample`
   * take 43 s.
   */
  private edgeBoundMs(): number {
    const recent = this.reads.slice(-50).map((r) => r.bMs - r.aMs);
    return Math.max(EDGE_READ_MIN_MS, 3 * Math.max(0, ...recent));
  }

  /**
   * The read at a window edge (after any read in flight), bounded by edgeBoundMs: past the bound
   * the reads in flight are cancelled (the command's process group killed), the failure recorded,
   * and the edge goes ahead without that reading (the window is then incomplete, with the reason).
   */
  private async edgeRead(): Promise<void> {
    const boundMs = this.edgeBoundMs();
    const token = { abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([this.readOnce(token).then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), boundMs)))]);
    clearTimeout(timer);
    if (inTime) return;
    token.abandoned = true;
    const why = `no reading within ${boundMs} ms at a window edge (stalled; its recent reads took at most ${Math.round(Math.max(0, ...this.reads.slice(-50).map((r) => r.bMs - r.aMs)))} ms)`;
    if (!this.meter.cancel) {
      this.failures.push({ tMs: nowUnixMs(), message: `${this.meter.name}: ${why}` });
      return;
    }
    // The cancelled read records the failure as it settles (its process group is SIGKILLed, so at
    // once); wait for that, briefly, so the window being closed sees it.
    this.meter.cancel(why);
    await Promise.race([this.chain, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
  }

  /**
   * Wait (bounded by ~2.5 update periods) until `n` counter updates follow `tMs`. Time this thread
   * spent starved (a sleep that overran by more than itself: a loaded machine, where the polls are
   * late too) does not count against the bound, up to 3 s in all: the counter kept updating, we
   * just had not looked (a CI run saw 430 ms stalls of a worker thread).
   */
  private async waitForTicksAfter(tMs: number, n: number): Promise<void> {
    const p = this.periodS();
    const boundMs = Math.min(3000, Math.max(200, (p === null ? 1 : 2.5 * p) * 1000 + 4 * this.intervalS * 1000));
    this.lastWaitMs = boundMs;
    const startMs = nowUnixMs();
    let deadline = startMs + boundMs;
    const sleepMs = Math.max(1, this.intervalS * 1000);
    const satisfied = () => {
      const zones = this.liveZones();
      return zones.length > 0 && zones.every((list) => list.filter((k) => k.tMs - k.uMs > tMs).length >= n);
    };
    while (!this.stopped) {
      if (satisfied()) return;
      const beforeMs = nowUnixMs();
      if (beforeMs >= deadline) return;
      await new Promise((r) => setTimeout(r, sleepMs));
      const lateMs = nowUnixMs() - beforeMs - sleepMs;
      if (lateMs > sleepMs) deadline = Math.min(startMs + 3000, deadline + lateMs);
    }
  }

  private windowFailures(t0Ms: number, t1Ms: number): { list: Failure[]; text: string | null } {
    const list = this.failures.filter((f) => f.tMs >= t0Ms - 1 && f.tMs <= nowUnixMs());
    const text = list.length
      ? `${this.meter.name} meter failed ${list.length}× during the window (first at +${((list[0]!.tMs - t0Ms) / 1000).toFixed(2)} s: ${list[0]!.message})`
      : null;
    return { list, text };
  }

  /** Fields every metered record carries. */
  private base(t0Ms: number, t1Ms: number, req: WindowRequirement) {
    return {
      method: this.meter.method,
      scope: this.meter.scope,
      meter: this.meter.name,
      label: this.meter.label,
      pollIntervalS: this.intervalS,
      startUnixMs: t0Ms,
      endUnixMs: t1Ms,
      requiredWindowS: req.minS,
      windowRule: `complete only when the window spans ≥ ${req.minS.toFixed(3)} s: ${req.basis}`,
    };
  }

  private shortReason(timeS: number, req: WindowRequirement): string | null {
    if (timeS >= req.minS) return null;
    return `window ${timeS.toFixed(3)} s is shorter than ${req.minS.toFixed(3)} s (${req.basis}): the ${this.meter.name} meter cannot resolve it`;
  }

  private counterWindow(t0Ms: number, t1Ms: number, internal: boolean): Energy {
    const { text: failText } = this.windowFailures(t0Ms, t1Ms);
    const cw = this.zonesOverWindow(t0Ms, t1Ms);
    if (!cw) {
      return { measured: false, reason: failText ?? `${this.meter.name} counter did not update before the window started (no reference to split the edge from)` };
    }
    const timeS = (t1Ms - t0Ms) / 1000;
    const req = this.requirement(internal);
    const backwards = this.unwrappers.some((u) => u.wentBackwards);
    const noTickAfter = cw.end.split.includes('extrapolated');
    const reasons = [
      failText,
      backwards ? 'energy counter went backwards (driver reload?)' : null,
      cw.energyJ < 0 ? 'negative energy delta' : null,
      req.periodS === null ? `${req.basis}: the window cannot be sized against it` : this.shortReason(timeS, req),
      noTickAfter ? `no counter update within ${(this.lastWaitMs / 1000).toFixed(2)} s after the window end` : null,
    ].filter(Boolean) as string[];
    const complete = reasons.length === 0;
    const instrU = this.meter.accuracyW !== null ? this.meter.accuracyW * timeS : 0;
    const inWin = this.reads.filter((r) => r.aMs >= t0Ms && r.bMs <= t1Ms);
    return {
      measured: true,
      energyJ: cw.energyJ,
      timeS,
      avgPowerW: timeS > 0 ? cw.energyJ / timeS : 0,
      ...this.base(t0Ms, t1Ms, req),
      samples: inWin.length,
      uncertaintyJ: cw.uncertaintyJ + instrU,
      uncertaintyNote:
        'per edge: |ΔE − P_before·a − P_after·b| of the counter update interval holding the edge + local power × update-time uncertainty + counter resolution' +
        (instrU ? `; + ${this.meter.accuracyW} W stated accuracy × time` : ''),
      edgeMethod:
        'window = [the begin read has returned, the work has stopped]; each edge splits the counter update interval that holds it by the power of the neighbouring update intervals (counter polled at a tenth of its update period to time each update)',
      edges: { start: cw.start.split, end: cw.end.split },
      counterUpdatesInside: cw.ticksInside,
      sensorUpdatePeriodS: req.periodS,
      counterWraps: this.unwrappers.reduce((a, u) => a + u.wraps, 0),
      coveredS: timeS,
      complete,
      ...(complete ? {} : { incompleteReason: reasons.join('; ') }),
      trace: this.counterTrace(t0Ms, t1Ms),
    };
  }

  /** Tick lists of the counters that have moved (a constant one has none). */
  private liveZones(): CounterTick[][] {
    return this.zoneTickLists.filter((l): l is CounterTick[] => Array.isArray(l));
  }

  /** Window energy summed over the counters, each split at the edges from its own updates. */
  private zonesOverWindow(t0Ms: number, t1Ms: number): { energyJ: number; uncertaintyJ: number; ticksInside: number; start: { split: string }; end: { split: string } } | null {
    // A counter that never moved holds no energy in any window: only the moving ones are split.
    const parts = this.liveZones().map((list) => counterEnergyOverWindow(list, t0Ms, t1Ms, this.meter.resolutionJ));
    if (!parts.length || parts.some((p) => p === null)) return null;
    const ok = parts as Array<NonNullable<(typeof parts)[number]>>;
    const splits = (k: 'start' | 'end') => [...new Set(ok.map((p) => p[k].split))].join('+');
    return {
      energyJ: ok.reduce((a, p) => a + p.energyJ, 0),
      uncertaintyJ: ok.reduce((a, p) => a + p.uncertaintyJ, 0),
      ticksInside: Math.min(...ok.map((p) => p.ticksInside)),
      start: { split: splits('start') },
      end: { split: splits('end') },
    };
  }

  private counterTrace(t0Ms: number, t1Ms: number) {
    const first = Math.max(0, this.ticks.findLastIndex((k) => k.tMs <= t0Ms));
    let last = this.ticks.findIndex((k) => k.tMs >= t1Ms);
    if (last < 0) last = this.ticks.length - 1;
    const e0J = this.ticks[first]?.totalJ ?? 0;
    const pts = this.ticks.slice(first, last + 1).map((k) => [k.tMs - t0Ms, k.totalJ - e0J] as const);
    return this.traceOf(pts, 'J', 'counter updates: ms since the window start, J since the last update before it (W = ΔJ/Δt between updates)');
  }

  private traceOf(pts: ReadonlyArray<readonly [number, number]>, unit: 'W' | 'J', note: string) {
    const kept = downsampleLttb(pts, MAX_TRACE_POINTS);
    return {
      unit,
      points: kept.map(([t, v]) => [Math.round(t * 100) / 100, round(v, 7)] as [number, number]),
      rawPoints: pts.length,
      downsampled: kept.length < pts.length ? `LTTB, ${pts.length} → ${kept.length} points` : null,
      note,
    };
  }

  private powerWindow(t0Ms: number, t1Ms: number, internal: boolean): Energy {
    const { list: failures, text: failText } = this.windowFailures(t0Ms, t1Ms);
    const all = this.reads.filter((r) => r.powerW !== null);
    const timeS = (t1Ms - t0Ms) / 1000;
    const req = this.requirement(internal);
    // A meter still dead at the end covers the window up to its last good reading; one that failed
    // and came back (a good reading after the last failure) covers all of it.
    const lastFailMs = failures.reduce((m, f) => Math.max(m, f.tMs), -Infinity);
    const deadAtEnd = failures.length > 0 && !all.some((r) => (r.aMs + r.bMs) / 2 > lastFailMs);
    const lastGood = [...all].reverse().find((r) => r.bMs <= t1Ms);
    const coverEnd = deadAtEnd ? Math.min(t1Ms, lastGood?.bMs ?? t0Ms) : t1Ms;
    const reads = all.map((r) => ({ startMs: r.aMs, endMs: r.bMs, powerW: r.powerW! }));
    let integ = integratePowerWindow(reads, t0Ms, Math.max(t0Ms, coverEnd));
    let fallback: string | null = null;
    if (!integ) {
      const near = all.filter((r) => r.bMs >= t0Ms - 60_000 && r.aMs <= t1Ms + 60_000);
      if (!near.length) return { measured: false, reason: failText ?? `${this.meter.name} meter gave no reading near the window` };
      // No read fits inside the window (shorter than one read): interpolate the neighbours; never complete.
      const pi = integratePower(near.map((r) => ({ tMs: (r.aMs + r.bMs) / 2, powerW: r.powerW! })), t0Ms, Math.max(t0Ms, coverEnd));
      integ = { energyJ: pi.energyJ, uncertaintyJ: pi.interpolationUncertaintyJ, samplesInside: 0, minPowerW: pi.minPowerW, maxPowerW: pi.maxPowerW };
      fallback = 'no meter read fits inside the window: energy interpolated from the reads around it';
    }
    const coveredS = (Math.max(t0Ms, coverEnd) - t0Ms) / 1000;
    const avgPowerW = coveredS > 0 ? integ.energyJ / coveredS : integ.minPowerW;
    const instrU = this.meter.accuracyW !== null ? this.meter.accuracyW * coveredS : 0;
    const bridgedS = failures.length ? bridgedSeconds(all, failures, t0Ms, coverEnd) : 0;
    const reasons = [
      failText ? `${failText}; energy covers ${coveredS.toFixed(2)} s of ${timeS.toFixed(2)} s${bridgedS > 0 ? `, of which ${bridgedS.toFixed(2)} s interpolated across failed reads` : ''}` : null,
      fallback,
      this.shortReason(timeS, req),
    ].filter(Boolean) as string[];
    const complete = reasons.length === 0;
    // With fewer than two readings inside the window nothing bounds how the power moved within it:
    // the interpolation bound would be 0 J, a precision the meter never gave. Unknown, said so.
    const fewReads = integ.samplesInside < 2;
    return {
      measured: true,
      energyJ: integ.energyJ,
      timeS,
      avgPowerW,
      ...this.base(t0Ms, t1Ms, req),
      samples: integ.samplesInside,
      uncertaintyJ: fewReads ? null : integ.uncertaintyJ + instrU,
      uncertaintyNote: fewReads
        ? `unknown: ${integ.samplesInside} meter reading${integ.samplesInside === 1 ? '' : 's'} inside the window, too few to bound how the power changed within it (lengthen the window or poll faster)`
        : 'Σ|ΔP|·Δt/2 between readings (where a change between two polls can fall) + half the change next to each held edge + Σ|ΔP|·read time/2' +
          (instrU ? ` + ${this.meter.accuracyW} W stated accuracy × time` : '') +
          '; meter calibration not included unless stated',
      edgeMethod:
        'window = [the begin read has returned, the work has stopped, before the end read starts]; only reads taken entirely inside the window count, each at its read midpoint, the first and last held out to the edges',
      sensorUpdatePeriodS: req.periodS,
      minPowerW: integ.minPowerW,
      maxPowerW: integ.maxPowerW,
      coveredS,
      complete,
      ...(failures.length ? { bridgedS } : {}),
      ...(complete ? {} : { incompleteReason: reasons.join('; ') }),
      trace: this.powerTrace(all, t0Ms, t1Ms),
    };
  }

  /** The readings from the last one before the window to the first one after it, at their midpoints. */
  private powerTrace(all: Read[], t0Ms: number, t1Ms: number) {
    const firstBefore = all.findLastIndex((r) => r.bMs < t0Ms);
    let afterIdx = all.findIndex((r) => r.aMs > t1Ms);
    if (afterIdx < 0) afterIdx = all.length - 1;
    const pts = all.slice(Math.max(0, firstBefore), afterIdx + 1).map((r) => [(r.aMs + r.bMs) / 2 - t0Ms, r.powerW!] as const);
    return this.traceOf(pts, 'W', 'power readings at their read midpoints: ms since the window start, W');
  }

  /** Stop polling and close the meter. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A read in flight (a stalled command) must not hold up the stop, nor outlive it.
    this.meter.cancel?.('cancelled: the sampler stopped');
    await this.chain.catch(() => undefined);
    await this.meter.close();
  }
}

/**
 * Seconds of [t0, coverEnd] between two good readings with a failed read in between: a meter that
 * failed and came back has its trace bridged straight across the failures, which is interpolation,
 * not measurement.
 */
function bridgedSeconds(all: Read[], failures: Failure[], t0Ms: number, coverEnd: number): number {
  const used = all.filter((r) => r.aMs >= t0Ms && r.bMs <= coverEnd).map((r) => (r.aMs + r.bMs) / 2);
  const edges = [t0Ms, ...used, Math.max(t0Ms, coverEnd)];
  let s = 0;
  for (let i = 1; i < edges.length; i++) {
    if (failures.some((f) => f.tMs > edges[i - 1]! && f.tMs < edges[i]!)) s += (edges[i]! - edges[i - 1]!) / 1000;
  }
  return s;
}
