/**
 * The sampler: polls one meter on its own schedule and turns begin/end windows into Energy records.
 * It runs inside a worker thread (src/power/sampler-worker.ts) so polling continues while the main
 * thread is blocked (onnxruntime-node's `run()` blocks the event loop), but it has no worker
 * dependency itself and tests drive it directly too.
 *
 * Counter meters (NVML energy, RAPL): the counter is read at each window edge; polling keeps a power
 * trace, catches wrap-arounds and notices a dead meter. Power meters (hwmon, NVML power, Shelly,
 * Tasmota, command): polled at a rate the sensor can deliver and integrated with trapezoids.
 * All reads are serialised: a meter never sees two requests at once.
 */
import type { Energy } from '../report/schema.js';
import type { PowerMeter } from './meter.js';
import { CounterUnwrapper, counterEdgeUncertaintyJ, estimateUpdatePeriodS, integratePower, pollIntervalFor, type PowerSample } from './integrate.js';

/** Unix time in ms with sub-ms resolution (same clock in every thread). */
export function nowUnixMs(): number {
  return performance.timeOrigin + performance.now();
}

interface Sample {
  /** Midpoint of the read, Unix ms. */
  tMs: number;
  /** Power (W): read directly, or derived from the counter delta since the previous sample. */
  powerW: number | null;
  /** Unwrapped counter total (J), counter meters only. */
  totalJ: number | null;
  /** Half the read's duration, ms: when inside the read the sensor was sampled is not known. */
  halfReadMs: number;
}

interface Failure {
  tMs: number;
  message: string;
}

interface OpenWindow {
  t0Ms: number;
  edge: Sample | null;
  snapshot: Record<string, unknown> | null;
}

/** Sampler tuning. */
export interface SamplerOptions {
  /** Poll interval override, s (--meter-interval); default from the measured update period. */
  intervalS?: number;
  /** Longest update-period probe at start, ms. */
  probeMs?: number;
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
  firstReading: { powerW: number | null; totalJ: number | null };
}

/** Polls a meter and measures windows. */
export class Sampler {
  private readonly samples: Sample[] = [];
  private readonly failures: Failure[] = [];
  private readonly unwrappers: CounterUnwrapper[];
  private readonly windows = new Map<string, OpenWindow>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private probePeriodS: number | null = null;
  intervalS = 1;

  constructor(
    private readonly meter: PowerMeter,
    private readonly opts: SamplerOptions = {},
  ) {
    this.unwrappers = (meter.counterRangesJ ?? []).map((r) => new CounterUnwrapper(r));
  }

  /** First read (throws if the meter does not answer), update-period probe, then start polling. */
  async start(): Promise<SamplerStartInfo> {
    const first = await this.readOnce(true);
    if (!first) throw new Error(this.failures.at(-1)?.message ?? `${this.meter.name}: first read failed`);
    if (this.meter.probeUpdatePeriod && this.opts.intervalS === undefined) {
      this.probePeriodS = await this.probe(this.opts.probeMs ?? 1000);
    }
    this.intervalS = this.opts.intervalS ?? pollIntervalFor(this.probePeriodS, this.meter.poll);
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
      firstReading: { powerW: first.powerW, totalJ: first.totalJ },
    };
  }

  /** Read back to back (≈1 ms apart) until six value changes or `maxMs`; Zeus-style minimum change interval. */
  private async probe(maxMs: number): Promise<number | null> {
    const t0 = nowUnixMs();
    const seen: Array<{ tMs: number; value: number }> = [];
    let changes = 0;
    while (nowUnixMs() - t0 < maxMs && changes < 12) {
      const s = await this.readOnce(false);
      if (!s) break;
      const v = this.meter.kind === 'counter' ? s.totalJ! : s.powerW!;
      if (seen.length && seen[seen.length - 1]!.value !== v) changes++;
      seen.push({ tMs: s.tMs, value: v });
      await new Promise((r) => setTimeout(r, 1));
    }
    // The probe readings stay out of the trace (readOnce(false)): they were taken at a different rate on purpose.
    return estimateUpdatePeriodS(seen);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.readOnce(true).finally(() => {
        this.trim();
        this.schedule();
      });
    }, this.intervalS * 1000);
  }

  /** One serialised read. Keeps the sample (if `keep`) or records the failure; never throws. */
  private readOnce(keep: boolean): Promise<Sample | null> {
    const p = this.chain.then(async () => {
      const a = nowUnixMs();
      try {
        const r = await this.meter.read();
        const b = nowUnixMs();
        const tMs = (a + b) / 2;
        let totalJ: number | null = null;
        let powerW: number | null = r.powerW ?? null;
        if (r.countersJ) {
          totalJ = 0;
          r.countersJ.forEach((raw, i) => (totalJ! += (this.unwrappers[i] ??= new CounterUnwrapper(null)).update(raw)));
          const prev = this.samples.at(-1);
          if (prev && prev.totalJ !== null && tMs > prev.tMs) powerW = ((totalJ - prev.totalJ) * 1000) / (tMs - prev.tMs);
        }
        if (powerW !== null && !Number.isFinite(powerW)) throw new Error(`${this.meter.name}: non-finite power reading`);
        const s: Sample = { tMs, powerW, totalJ, halfReadMs: (b - a) / 2 };
        if (keep) this.samples.push(s);
        return s;
      } catch (err) {
        this.failures.push({ tMs: (a + nowUnixMs()) / 2, message: String((err as Error)?.message ?? err).split('\n')[0]! });
        return null;
      }
    });
    this.chain = p;
    return p;
  }

  /** Drop samples no open window needs (keep 10 s of history for edge interpolation). */
  private trim(): void {
    let keepFrom = nowUnixMs() - 10_000;
    for (const w of this.windows.values()) keepFrom = Math.min(keepFrom, w.t0Ms - 1_000);
    let i = 0;
    while (i < this.samples.length - 2 && this.samples[i]!.tMs < keepFrom) i++;
    if (i > 0) this.samples.splice(0, i);
    if (this.failures.length > 1000) this.failures.splice(0, this.failures.length - 1000);
  }

  /** Open a window: take the edge reading now. */
  async begin(name: string): Promise<void> {
    if (this.windows.has(name)) throw new Error(`energy window '${name}' is already open`);
    const t0Ms = nowUnixMs();
    const w: OpenWindow = { t0Ms, edge: null, snapshot: null };
    this.windows.set(name, w);
    w.edge = await this.readOnce(true);
    w.snapshot = this.safeSnapshot();
    if (w.edge && this.meter.kind === 'counter') w.t0Ms = w.edge.tMs;
  }

  private safeSnapshot(): Record<string, unknown> | null {
    try {
      return this.meter.snapshot ? this.meter.snapshot() : null;
    } catch {
      return null;
    }
  }

  /** Close a window and compute its energy. Never throws for a meter failure: marks the figure incomplete. */
  async end(name: string): Promise<Energy> {
    const w = this.windows.get(name);
    if (!w) throw new Error(`energy window '${name}' was never begun`);
    const tEndMsg = nowUnixMs();
    const edge = await this.readOnce(true);
    const snapshot = this.safeSnapshot();
    this.windows.delete(name);
    const t1Ms = this.meter.kind === 'counter' && edge ? edge.tMs : tEndMsg;
    const failures = this.failures.filter((f) => f.tMs >= w.t0Ms - 1 && f.tMs <= Math.max(t1Ms, tEndMsg) + 1);
    const inWin = this.samples.filter((s) => s.tMs >= w.t0Ms - 1e-6 && s.tMs <= t1Ms + 1e-6);
    const base = {
      method: this.meter.method,
      scope: this.meter.scope,
      meter: this.meter.name,
      label: this.meter.label,
      pollIntervalS: this.intervalS,
      startUnixMs: w.t0Ms,
      endUnixMs: t1Ms,
      ...(snapshot || w.snapshot ? { deviceState: { begin: w.snapshot, end: snapshot } } : {}),
    };
    const failText = failures.length
      ? `${this.meter.name} meter failed ${failures.length}× during the window (first at +${((failures[0]!.tMs - w.t0Ms) / 1000).toFixed(2)} s: ${failures[0]!.message})`
      : null;

    if (this.meter.kind === 'counter') {
      const startS = w.edge ?? inWin.find((s) => s.totalJ !== null) ?? null;
      const endS = edge ?? [...inWin].reverse().find((s) => s.totalJ !== null) ?? null;
      if (!startS || !endS || endS.tMs <= startS.tMs) {
        return { measured: false, reason: failText ?? `${this.meter.name} meter gave no counter reading inside the window` };
      }
      const energyJ = endS.totalJ! - startS.totalJ!;
      const timeS = (endS.tMs - startS.tMs) / 1000;
      const windowS = (t1Ms - w.t0Ms) / 1000;
      const avgPowerW = timeS > 0 ? energyJ / timeS : 0;
      // The probe read ~1 ms apart; window samples are only as fine as the poll interval.
      const period = this.probePeriodS ?? estimateUpdatePeriodS(inWin.map((s) => ({ tMs: s.tMs, value: s.totalJ! })));
      const edgeU = counterEdgeUncertaintyJ(avgPowerW, period, this.meter.resolutionJ);
      const instrU = this.meter.accuracyW !== null ? this.meter.accuracyW * timeS : 0;
      const backwards = this.unwrappers.some((u) => u.wentBackwards);
      const reasons = [failText, backwards ? 'energy counter went backwards (driver reload?)' : null, energyJ < 0 ? 'negative energy delta' : null].filter(Boolean) as string[];
      const complete = reasons.length === 0 && startS === w.edge && endS === edge;
      if (!complete && reasons.length === 0) reasons.push('an edge reading of the counter failed');
      return {
        measured: true,
        energyJ,
        timeS: complete ? timeS : windowS,
        avgPowerW,
        ...base,
        samples: inWin.length,
        uncertaintyJ: edgeU === null ? null : edgeU + instrU,
        uncertaintyNote: edgeU === null
          ? 'sensor update period unknown (the counter did not move often enough to measure it): edge quantisation not bounded'
          : `2 × avg power × sensor update period (counter edge staleness)${instrU ? ` + ${this.meter.accuracyW} W stated accuracy × time` : ''}`,
        sensorUpdatePeriodS: period,
        counterWraps: this.unwrappers.reduce((a, u) => a + u.wraps, 0),
        coveredS: timeS,
        complete,
        ...(complete ? {} : { incompleteReason: reasons.join('; ') }),
      };
    }

    // Power meter: integrate the trace over [t0, t1], or up to the last good reading when the meter died.
    const all = this.samples.filter((s) => s.powerW !== null) as Array<Sample & { powerW: number }>;
    const trace: PowerSample[] = all.map((s) => ({ tMs: s.tMs, powerW: s.powerW }));
    const lastGood = [...trace].reverse().find((s) => s.tMs <= t1Ms + 1e-6);
    const firstGood = trace.find((s) => s.tMs >= w.t0Ms - 1e-6);
    if (!firstGood || !lastGood || lastGood.tMs < w.t0Ms - 1e-6) {
      return { measured: false, reason: failText ?? `${this.meter.name} meter gave no reading inside the window` };
    }
    const windowS = (t1Ms - w.t0Ms) / 1000;
    // A meter that is still dead at the end covers the window up to its last good reading; one that
    // failed and came back (a good reading after the last failure, e.g. the end edge) covers all of it.
    const lastFailMs = failures.reduce((m, f) => Math.max(m, f.tMs), -Infinity);
    const deadAtEnd = failures.length > 0 && !trace.some((s) => s.tMs > lastFailMs);
    const coverEnd = deadAtEnd ? Math.min(t1Ms, lastGood.tMs) : t1Ms;
    const covered = deadAtEnd ? trace.filter((s) => s.tMs <= coverEnd + 1e-6) : trace;
    const integ = integratePower(covered, w.t0Ms, Math.max(w.t0Ms, coverEnd));
    const coveredS = (Math.max(w.t0Ms, coverEnd) - w.t0Ms) / 1000;
    const avgPowerW = coveredS > 0 ? integ.energyJ / coveredS : (covered[0]?.powerW ?? 0);
    const period = estimateUpdatePeriodS(inWin.map((s) => ({ tMs: s.tMs, value: s.powerW ?? Number.NaN })));
    const instrU = this.meter.accuracyW !== null ? this.meter.accuracyW * coveredS : 0;
    // Slow reads (HTTP, a process per read) blur when a change happened by up to half the read time.
    let latencyU = 0;
    const used = all.filter((s) => s.tMs >= w.t0Ms - 1e-6 && s.tMs <= coverEnd + 1e-6);
    for (let i = 1; i < used.length; i++) {
      latencyU += (Math.abs(used[i]!.powerW - used[i - 1]!.powerW) * Math.max(used[i]!.halfReadMs, used[i - 1]!.halfReadMs)) / 1000;
    }
    // A meter that failed and came back: the trace is interpolated straight across the failed
    // reads. Say how much of the window that bridging covers, rather than calling it measured.
    let bridgedS = 0;
    if (failures.length) {
      const edges = [w.t0Ms, ...used.map((s) => s.tMs).filter((t) => t > w.t0Ms && t < coverEnd), Math.max(w.t0Ms, coverEnd)];
      for (let i = 1; i < edges.length; i++) {
        const a = edges[i - 1]!;
        const b = edges[i]!;
        if (failures.some((f) => f.tMs > a && f.tMs < b)) bridgedS += (b - a) / 1000;
      }
    }
    const complete = failures.length === 0;
    return {
      measured: true,
      energyJ: integ.energyJ,
      timeS: windowS,
      avgPowerW,
      ...base,
      samples: integ.samplesInside + 2,
      uncertaintyJ: integ.interpolationUncertaintyJ + latencyU + instrU,
      uncertaintyNote: `Σ|ΔP|·Δt/2 between polls (where a change between two polls can fall) + Σ|ΔP|·read time/2${instrU ? ` + ${this.meter.accuracyW} W stated accuracy × time` : ''}; meter calibration not included unless stated`,
      sensorUpdatePeriodS: this.probePeriodS ?? period,
      minPowerW: integ.minPowerW,
      maxPowerW: integ.maxPowerW,
      coveredS,
      complete,
      ...(complete
        ? {}
        : {
            bridgedS,
            incompleteReason:
              `${failText}; energy covers ${coveredS.toFixed(2)} s of ${windowS.toFixed(2)} s` +
              (bridgedS > 0 ? `, of which ${bridgedS.toFixed(2)} s interpolated across failed reads` : ''),
          }),
    };
  }

  /** Stop polling and close the meter. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
    await this.meter.close();
  }
}
