/**
 * What the measured device did during a window (pure): the sampler reads the meter's device state
 * (clocks, temperature, power limit, throttle reasons, CPU governor, ...) every so often and this
 * module reduces the readings inside a window to start/end/min/mean/max per figure, the set of
 * flags seen (throttle reasons) and the first/last value of each setting. MLPerf Power asks for
 * power-management settings next to the power log (inference_policies power_measurement.adoc);
 * Zeus records GPU temperature before and after each profiling window.
 */

/** One device-state reading. Numbers carry their unit in the key (smClockMHz, temperatureC). */
export interface DeviceStateReading {
  /** Figures that vary (clocks, temperature, power limit, frequency). Null: not readable now. */
  numbers?: Record<string, number | null>;
  /** Sets of active flags (e.g. throttleReasons: ["sw-power-cap"]). */
  flags?: Record<string, string[]>;
  /** Settings (governor, persistence mode, boost). */
  settings?: Record<string, string | null>;
}

/** Summary of one figure over a window. */
export interface SeriesSummary {
  start: number;
  end: number;
  min: number;
  mean: number;
  max: number;
  n: number;
}

/** A window's device state, as stored in the energy record (`deviceState`). */
export interface DeviceStateSummary {
  /** Where it was read from (nvml, amdgpu hwmon, cpu sysfs, wall meter). */
  sources: string[];
  readings: number;
  series: Record<string, SeriesSummary>;
  /** Every flag seen at least once in the window, per kind. */
  flagsSeen: Record<string, string[]>;
  /** Settings at the first and last reading (differ when something changed mid-window). */
  settings: Record<string, { start: string | null; end: string | null }>;
}

/**
 * Reduce timestamped readings to a window summary. Readings in [t0Ms, t1Ms] are used; the last one
 * before t0Ms stands for the start when it is within `lookBackMs` (state is read less often than
 * power). Null when there is no reading at all.
 */
export function summarizeDeviceState(
  readings: ReadonlyArray<{ tMs: number; reading: DeviceStateReading; source: string }>,
  t0Ms: number,
  t1Ms: number,
  lookBackMs = 1000,
): DeviceStateSummary | null {
  const inside = readings.filter((r) => r.tMs >= t0Ms && r.tMs <= t1Ms);
  const before = [...readings].reverse().find((r) => r.tMs < t0Ms && t0Ms - r.tMs <= lookBackMs);
  const after = readings.find((r) => r.tMs > t1Ms && r.tMs - t1Ms <= lookBackMs);
  const used = [...(before ? [before] : []), ...inside, ...(inside.length === 0 && after ? [after] : [])];
  if (!used.length) return null;
  const series: Record<string, SeriesSummary> = {};
  const flagsSeen: Record<string, Set<string>> = {};
  const settings: Record<string, { start: string | null; end: string | null }> = {};
  const sums: Record<string, number> = {};
  for (const { reading } of used) {
    for (const [k, v] of Object.entries(reading.numbers ?? {})) {
      if (v === null || !Number.isFinite(v)) continue;
      const s = series[k];
      if (!s) {
        series[k] = { start: v, end: v, min: v, mean: v, max: v, n: 1 };
        sums[k] = v;
      } else {
        s.end = v;
        s.min = Math.min(s.min, v);
        s.max = Math.max(s.max, v);
        s.n++;
        sums[k]! += v;
      }
    }
    for (const [k, list] of Object.entries(reading.flags ?? {})) {
      const set = (flagsSeen[k] ??= new Set());
      for (const f of list) set.add(f);
    }
    for (const [k, v] of Object.entries(reading.settings ?? {})) {
      const s = settings[k];
      if (!s) settings[k] = { start: v, end: v };
      else s.end = v;
    }
  }
  for (const [k, s] of Object.entries(series)) s.mean = sums[k]! / s.n;
  return {
    sources: [...new Set(used.map((r) => r.source))],
    readings: used.length,
    series,
    flagsSeen: Object.fromEntries(Object.entries(flagsSeen).map(([k, v]) => [k, [...v].sort()])),
    settings,
  };
}

/** NVML clock-event ("throttle") reason bits (nvml.h nvmlClocksEventReason*, pynvml constants). */
export const NVML_CLOCK_EVENT_REASONS: ReadonlyArray<[number, string]> = [
  [0x1, 'gpu-idle'],
  [0x2, 'applications-clocks-setting'],
  [0x4, 'sw-power-cap'],
  [0x8, 'hw-slowdown'],
  [0x10, 'sync-boost'],
  [0x20, 'sw-thermal-slowdown'],
  [0x40, 'hw-thermal-slowdown'],
  [0x80, 'hw-power-brake-slowdown'],
  [0x100, 'display-clock-setting'],
];

/** Names of the set bits of an NVML clock-event reason mask (unknown bits as hex). */
export function nvmlReasonNames(mask: number | bigint): string[] {
  const m = BigInt(mask);
  const out: string[] = [];
  let known = 0n;
  for (const [bit, name] of NVML_CLOCK_EVENT_REASONS) {
    known |= BigInt(bit);
    if (m & BigInt(bit)) out.push(name);
  }
  const rest = m & ~known;
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}
