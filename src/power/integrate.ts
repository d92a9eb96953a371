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
    eJ += ((p.powerW + q.powerW) / 2) * dtS;
    uJ += (Math.abs(p.powerW - q.powerW) * dtS) / 2;
  }
  return { energyJ: eJ, samplesInside: inside, interpolationUncertaintyJ: uJ, minPowerW: minW, maxPowerW: maxW };
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

/**
 * Counter edge uncertainty, J: each edge read can be stale by up to one sensor update period, so
 * the window can miss or gain up to avgPowerW × period at each end (energy notes §7.1).
 */
export function counterEdgeUncertaintyJ(avgPowerW: number, updatePeriodS: number | null, resolutionJ: number): number | null {
  if (updatePeriodS === null) return null;
  return 2 * Math.abs(avgPowerW) * updatePeriodS + 2 * resolutionJ;
}
