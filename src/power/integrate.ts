/**
 * Pure energy math: power integration, counter wrap-around, sensor update period, uncertainty.
 * No I/O here: the sampler (src/power/sampler.ts) feeds timestamped readings in.
 */

/** One polled power reading. `tMs` is on the sampler's clock (Unix ms, sub-ms resolution). */
export interface PowerSample {
  tMs: number;
  powerW: number;
}

/** Power at time t from a sorted sample list: linear between samples, held constant outside them. */
export function powerAt(samples: readonly PowerSample[], tMs: number): number {
  const n = samples.length;
  if (n === 0) return Number.NaN;
  if (tMs <= samples[0]!.tMs) return samples[0]!.powerW;
  if (tMs >= samples[n - 1]!.tMs) return samples[n - 1]!.powerW;
  // Binary search for the last sample at or before t.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.tMs <= tMs) lo = mid;
    else hi = mid;
  }
  const a = samples[lo]!;
  const b = samples[hi]!;
  if (b.tMs === a.tMs) return b.powerW;
  return a.powerW + ((b.powerW - a.powerW) * (tMs - a.tMs)) / (b.tMs - a.tMs);
}

/** Result of integrating polled power over a window. */
export interface PowerIntegral {
  energyJ: number;
  /** Samples strictly inside the window. */
  samplesInside: number;
  /**
   * Interpolation bound, J: half the spread between holding each sample until the next one and
   * holding the next one back to the previous (Σ|ΔP|·Δt/2). A power change between two polls can
   * sit anywhere in the gap; this is how much that freedom can move the integral.
   */
  interpolationUncertaintyJ: number;
  minPowerW: number;
  maxPowerW: number;
}

/**
 * Trapezoidal ∫P dt over [t0Ms, t1Ms] through every sample (no de-duplication of repeated values:
 * Zeus drops equal neighbours, which smears a held value into the next step; see the energy notes §1.1).
 * Samples must be sorted by time. Values at the edges are interpolated (held outside the samples).
 */
export function integratePower(samples: readonly PowerSample[], t0Ms: number, t1Ms: number): PowerIntegral {
  if (!(t1Ms >= t0Ms)) throw new RangeError(`window end ${t1Ms} before start ${t0Ms}`);
  if (samples.length === 0) throw new RangeError('no power samples to integrate');
  const pts: PowerSample[] = [{ tMs: t0Ms, powerW: powerAt(samples, t0Ms) }];
  let inside = 0;
  for (const s of samples) {
    if (s.tMs > t0Ms && s.tMs < t1Ms) {
      pts.push(s);
      inside++;
    }
  }
  pts.push({ tMs: t1Ms, powerW: powerAt(samples, t1Ms) });
  const t = trapezoids(pts);
  return { energyJ: t.energyJ, samplesInside: inside, interpolationUncertaintyJ: t.uncertaintyJ, minPowerW: t.minPowerW, maxPowerW: t.maxPowerW };
}

/**
 * Trapezoids through sorted points: ∫P dt, its interpolation bound Σ|ΔP|·Δt/2 (plus
 * Σ|ΔP|·halfMs when a point's reading took time: where inside the read the sensor was sampled),
 * and the power range.
 */
function trapezoids(pts: ReadonlyArray<{ tMs: number; powerW: number; halfMs?: number }>): { energyJ: number; uncertaintyJ: number; minPowerW: number; maxPowerW: number } {
  let eJ = 0;
  let uJ = 0;
  let minW = Infinity;
  let maxW = -Infinity;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    minW = Math.min(minW, p.powerW);
    maxW = Math.max(maxW, p.powerW);
    if (i === 0) continue;
    const q = pts[i - 1]!;
    const dtS = (p.tMs - q.tMs) / 1000;
    const dP = Math.abs(p.powerW - q.powerW);
    eJ += ((p.powerW + q.powerW) / 2) * dtS;
    uJ += (dP * dtS) / 2 + (dP * Math.max(p.halfMs ?? 0, q.halfMs ?? 0)) / 1000;
  }
  return { energyJ: eJ, uncertaintyJ: uJ, minPowerW: minW, maxPowerW: maxW };
}

/**
 * Unwraps a cumulative energy counter. RAPL's `energy_uj` wraps to 0 after `max_energy_range_uj`
 * (Linux Documentation/ABI/testing/sysfs-class-powercap); each drop is one wrap, counted once no
 * matter how often the same raw value is read again. Read at least once per range/Pmax seconds
 * (zeusd keeps a 30 s keep-alive read) or a double wrap goes unseen.
 * Counters without a range (NVML's 64-bit mJ counter) never wrap: a drop means the driver reloaded
 * and is reported as `backwards`.
 */
export class CounterUnwrapper {
  private lastRaw: number | null = null;
  private offsetJ = 0;
  private wrapsSeen = 0;
  private backwardsSeen = false;
  constructor(private readonly rangeJ: number | null) {}

  /** Feed one raw reading (J); returns the unwrapped cumulative value (J). */
  update(rawJ: number): number {
    if (this.lastRaw !== null && rawJ < this.lastRaw) {
      if (this.rangeJ !== null && this.rangeJ > 0) {
        this.wrapsSeen++;
        this.offsetJ += this.rangeJ;
      } else {
        // Treat as a reset to 0 so the total stays monotonic; the flag marks the figure untrustworthy.
        this.backwardsSeen = true;
        this.offsetJ += this.lastRaw;
      }
    }
    this.lastRaw = rawJ;
    return this.value();
  }

  /** What `update(rawJ)` would return, without recording the reading (to vet it first). */
  peek(rawJ: number): number {
    if (this.lastRaw === null) return rawJ;
    if (rawJ >= this.lastRaw) return rawJ + this.offsetJ;
    // Same association as value() after update(): rawJ + (new offset). Summing in another order
    // gave the same reading a value one ulp apart, which a later equal reading saw as "going back".
    return rawJ + (this.offsetJ + (this.rangeJ !== null && this.rangeJ > 0 ? this.rangeJ : this.lastRaw));
  }

  /** Current unwrapped value (J); NaN before the first reading. */
  value(): number {
    return this.lastRaw === null ? Number.NaN : this.lastRaw + this.offsetJ;
  }

  get wraps(): number {
    return this.wrapsSeen;
  }

  /** True once a range-less counter went down (driver reload): deltas across it are not trustworthy. */
  get wentBackwards(): boolean {
    return this.backwardsSeen;
  }
}

/**
 * Sensor update period estimate from readings of one value: the median interval between observed
 * changes. Zeus (`infer_counter_update_period`) takes the minimum, but the minimum is biased low by
 * read jitter (a 5 ms stub sensor read every ~1 ms gave 2.5 ms); the median is not, and where a
 * sensor repeats a value across updates it errs long, which only makes the uncertainty conservative.
 * Null with fewer than three changes: a value that does not move says nothing about its sensor.
 */
export function estimateUpdatePeriodS(readings: ReadonlyArray<{ tMs: number; value: number }>): number | null {
  const changes: number[] = [];
  for (let i = 1; i < readings.length; i++) {
    if (readings[i]!.value !== readings[i - 1]!.value) changes.push(readings[i]!.tMs);
  }
  if (changes.length < 3) return null;
  const gaps: number[] = [];
  for (let i = 1; i < changes.length; i++) gaps.push(changes[i]! - changes[i - 1]!);
  gaps.sort((a, b) => a - b);
  const m = gaps.length >> 1;
  const median = gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
  return median / 1000;
}

/** Poll interval for a sensor: half its update period (Nyquist-ish, as Zeus does), within bounds. */
export function pollIntervalFor(updatePeriodS: number | null, boundsS: { min: number; max: number; fallback: number }): number {
  if (updatePeriodS === null || !Number.isFinite(updatePeriodS)) return boundsS.fallback;
  return Math.min(boundsS.max, Math.max(boundsS.min, updatePeriodS / 2));
}

/** Windows must span at least this many sensor update periods to be complete (issue 11). */
export const MIN_UPDATE_PERIODS_PER_WINDOW = 10;

/** Largest plausible power of one device, W: a reading outside [0, this] is a meter failure, not data. */
export const MAX_DEVICE_POWER_W = 100_000;

/** Shortest window that can be complete: max(10 update periods, --min-window). */
export function requiredWindowS(updatePeriodS: number | null, minWindowS: number): number {
  const byPeriod = updatePeriodS !== null && Number.isFinite(updatePeriodS) ? MIN_UPDATE_PERIODS_PER_WINDOW * updatePeriodS : 0;
  return Math.max(byPeriod, minWindowS);
}

/**
 * Poll interval for a cumulative counter: a tenth of its update period, so each update ("tick") is
 * seen within a tenth of a period of when it happened and window edges can be placed between
 * ticks (Zeus polls power at half the period; counters need the tick times, not just the values).
 */
export function counterPollIntervalFor(updatePeriodS: number | null, boundsS: { min: number; max: number; fallback: number }): number {
  if (updatePeriodS === null || !Number.isFinite(updatePeriodS)) return boundsS.fallback;
  return Math.min(boundsS.max, Math.max(boundsS.min, updatePeriodS / 10));
}

/**
 * One observed update of a cumulative counter: the counter read `totalJ` from some instant in
 * [tMs − uMs, tMs + uMs] on. Derived from polled reads by `tickFromReads`.
 */
export interface CounterTick {
  tMs: number;
  uMs: number;
  totalJ: number;
}

/**
 * When did the counter move to the value the current read shows? After the previous read (which
 * still saw the old value: it sampled the sensor somewhere inside [prevStartMs, prevEndMs]) and
 * before this read ended; and, with a known update period P, no earlier than this read's start
 * minus P (the value a read returns is the latest update, at most one period old).
 */
export function tickFromReads(prevStartMs: number, curStartMs: number, curEndMs: number, totalJ: number, updatePeriodS: number | null): CounterTick {
  let lo = prevStartMs;
  if (updatePeriodS !== null && Number.isFinite(updatePeriodS)) lo = Math.max(lo, curStartMs - updatePeriodS * 1000);
  const hi = Math.max(lo, curEndMs);
  return { tMs: (lo + hi) / 2, uMs: (hi - lo) / 2, totalJ };
}

/** The counter's value at an instant between two ticks, with its bound (see counterValueAt). */
export interface CounterEdge {
  totalJ: number;
  uncertaintyJ: number;
  /** How the update interval holding the edge was split. */
  split: 'neighbour-power' | 'previous-power' | 'next-power' | 'linear' | 'extrapolated';
  /** Power of the update intervals next to the edge, W (null when absent). */
  powerBeforeW: number | null;
  powerAfterW: number | null;
}

function intervalPower(ticks: readonly CounterTick[], i: number): number | null {
  if (i < 1 || i >= ticks.length) return null;
  const dt = (ticks[i]!.tMs - ticks[i - 1]!.tMs) / 1000;
  return dt > 0 ? (ticks[i]!.totalJ - ticks[i - 1]!.totalJ) / dt : null;
}

/**
 * The counter's value at `tMs`, which falls inside the update interval [t_k, t_k+1] whose energy
 * ΔE the counter only reports as a whole. A window edge is where the work starts or stops, so the
 * power on each side of the edge is taken from the update interval on that side: the part of ΔE
 * before the edge is P_before·a (a = t − t_k) or ΔE − P_after·b (b = t_k+1 − t), whichever
 * extrapolates over the shorter span. With a step at the edge (idle → busy) this is exact, where
 * linear interpolation of the counter would smear the step over the interval (up to ΔP·period/4
 * per edge). Bound: |ΔE − P_before·a − P_after·b| (how far the interval departs from "one power
 * before the edge, another after it": exactly the error when the step falls elsewhere in the
 * interval) + the tick-time uncertainty × the local power + the counter resolution.
 * Null when `tMs` precedes the first tick.
 */
export function counterValueAt(ticks: readonly CounterTick[], tMs: number, resolutionJ: number): CounterEdge | null {
  const n = ticks.length;
  if (n === 0 || tMs < ticks[0]!.tMs) return null;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ticks[mid]!.tMs <= tMs) lo = mid;
    else hi = mid - 1;
  }
  const k = lo;
  const tk = ticks[k]!;
  const before = intervalPower(ticks, k);
  const after = intervalPower(ticks, k + 2);
  const a = (tMs - tk.tMs) / 1000;
  const next = ticks[k + 1];
  if (!next) {
    // Past the last tick: hold the last interval's power (only when the end read found no tick yet).
    const p = before ?? 0;
    return { totalJ: tk.totalJ + p * a, uncertaintyJ: Math.abs(p * a) + resolutionJ, split: 'extrapolated', powerBeforeW: before, powerAfterW: null };
  }
  const dE = next.totalJ - tk.totalJ;
  const b = (next.tMs - tMs) / 1000;
  const span = a + b;
  let x: number;
  let modelU: number;
  let split: CounterEdge['split'];
  if (before !== null && after !== null) {
    x = a <= b ? before * a : dE - after * b;
    modelU = Math.abs(dE - before * a - after * b);
    split = 'neighbour-power';
  } else if (before !== null) {
    x = before * a;
    modelU = dE / 2;
    split = 'previous-power';
  } else if (after !== null) {
    x = dE - after * b;
    modelU = dE / 2;
    split = 'next-power';
  } else {
    x = span > 0 ? (dE * a) / span : 0;
    modelU = dE / 2;
    split = 'linear';
  }
  x = Math.min(Math.max(x, 0), Math.max(dE, 0));
  const localW = Math.max(Math.abs(before ?? 0), Math.abs(after ?? 0), span > 0 ? Math.abs(dE / span) : 0);
  const tickU = (localW * Math.max(tk.uMs, next.uMs)) / 1000;
  return { totalJ: tk.totalJ + x, uncertaintyJ: modelU + tickU + resolutionJ, split, powerBeforeW: before, powerAfterW: after };
}

/** Energy of [t0Ms, t1Ms] from counter ticks, with its bound; null when an edge precedes the ticks. */
export function counterEnergyOverWindow(
  ticks: readonly CounterTick[],
  t0Ms: number,
  t1Ms: number,
  resolutionJ: number,
): { energyJ: number; uncertaintyJ: number; ticksInside: number; start: CounterEdge; end: CounterEdge } | null {
  const start = counterValueAt(ticks, t0Ms, resolutionJ);
  const end = counterValueAt(ticks, t1Ms, resolutionJ);
  if (!start || !end) return null;
  const ticksInside = ticks.filter((t) => t.tMs > t0Ms && t.tMs < t1Ms).length;
  return { energyJ: end.totalJ - start.totalJ, uncertaintyJ: start.uncertaintyJ + end.uncertaintyJ, ticksInside, start, end };
}

/** One polled power reading with the span of the read (the sensor was sampled somewhere inside it). */
export interface TimedPowerRead {
  startMs: number;
  endMs: number;
  powerW: number;
}

/**
 * ∫P dt over a window from polled power, using only reads taken entirely inside the window: the
 * window starts after the begin read has returned and ends before the end read starts, so a read
 * straddling an edge saw the power before the work started (or after it stopped). Readings sit
 * at their read midpoints; trapezoids between them; the first and last inside readings are held
 * out to the edges (the work's power state begins at the edge). Bound: Σ|ΔP|·Δt/2 between
 * readings (where a change between two polls can fall), half the in-window change next to each
 * held edge, and Σ|ΔP|·(read time)/2 (when inside a read the sensor was sampled).
 * Null when no read lies inside the window.
 */
export function integratePowerWindow(
  reads: readonly TimedPowerRead[],
  t0Ms: number,
  t1Ms: number,
): { energyJ: number; uncertaintyJ: number; samplesInside: number; minPowerW: number; maxPowerW: number } | null {
  const inside = reads.filter((r) => r.startMs >= t0Ms && r.endMs <= t1Ms).sort((x, y) => x.startMs - y.startMs);
  if (inside.length === 0) return null;
  const pts = inside.map((r) => ({ tMs: (r.startMs + r.endMs) / 2, powerW: r.powerW, halfMs: (r.endMs - r.startMs) / 2 }));
  let eJ = 0;
  let uJ = 0;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  eJ += (first.powerW * (first.tMs - t0Ms)) / 1000 + (last.powerW * (t1Ms - last.tMs)) / 1000;
  if (pts.length > 1) {
    uJ += (Math.abs(pts[1]!.powerW - first.powerW) * (first.tMs - t0Ms)) / 2000;
    uJ += (Math.abs(last.powerW - pts[pts.length - 2]!.powerW) * (t1Ms - last.tMs)) / 2000;
  }
  const t = trapezoids(pts);
  return { energyJ: eJ + t.energyJ, uncertaintyJ: uJ + t.uncertaintyJ, samplesInside: pts.length, minPowerW: t.minPowerW, maxPowerW: t.maxPowerW };
}

/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for Visual
 * Representation", University of Iceland, 2013): keeps the first and last point and, per bucket,
 * the point that spans the largest triangle with its neighbours, so peaks and steps survive.
 * Points must be sorted by x. Returns the input when it already fits.
 */
export function downsampleLttb(points: ReadonlyArray<readonly [number, number]>, maxPoints: number): Array<[number, number]> {
  const n = points.length;
  if (maxPoints >= n) return points.map((p) => [p[0], p[1]]);
  if (maxPoints < 3) return [points[0]!, points[n - 1]!].map((p) => [p[0], p[1]]);
  const out: Array<[number, number]> = [[points[0]![0], points[0]![1]]];
  const every = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let i = 0; i < maxPoints - 2; i++) {
    // Average of the next bucket (the third triangle vertex).
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    const len = Math.max(1, nextEnd - nextStart);
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += points[j]![0];
      avgY += points[j]![1];
    }
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const [ax, ay] = points[a]!;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (points[j]![1] - ay) - (ax - points[j]![0]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push([points[best]![0], points[best]![1]]);
    a = best;
  }
  out.push([points[n - 1]![0], points[n - 1]![1]]);
  return out;
}
