import type { DeviceStateReading } from './device-state.js';

/**
 * The one interface every power meter implements (one meter per file in src/power/), and the
 * serialisable spec a sampler worker uses to open the same meter on its own thread.
 */

/** Meter names accepted by `--meter`. */
export const METER_NAMES = ['nvml', 'rapl', 'hwmon', 'shelly', 'tasmota', 'cmd', 'declared'] as const;
export type MeterName = (typeof METER_NAMES)[number];

/** What a figure covers (results schema `energy.scope`). */
export type EnergyScope = 'gpu-board' | 'cpu-package' | 'wall' | 'declared';

/** Is `s` a known meter name? */
export function isMeterName(s: string): s is MeterName {
  return (METER_NAMES as readonly string[]).includes(s);
}

/**
 * Everything needed to open a meter, plain data so it can cross into a worker thread.
 * `deviceHint` selects a device (NVML: index, UUID, PCI bus id or name substring; hwmon: hwmonN or PCI address).
 */
export interface MeterSpec {
  name: Exclude<MeterName, 'declared'>;
  url?: string;
  cmd?: string;
  deviceHint?: string;
  /** Adapter identity to map a GPU meter to the WebGPU adapter in use (name / vendor). */
  adapterName?: string;
  adapterVendor?: string;
  /** Per-read bound for network meters and commands, ms. */
  timeoutMs?: number;
  /** What a --meter-cmd measures (user-declared; default wall). */
  scope?: 'wall' | 'gpu-board' | 'cpu-package';
  /**
   * The work runs on a CUDA device (onnxruntime CUDA EP): its device id and the CUDA environment
   * that maps it to a physical GPU (CUDA_VISIBLE_DEVICES may list UUIDs; CUDA_DEVICE_ORDER).
   */
  cuda?: { deviceId: number; visibleDevices: string | null; deviceOrder: string | null };
  /** Record the CPU governor/boost/frequency with the device state (the work runs on the CPU). */
  cpuState?: boolean;
}

/** One reading. Counter meters fill `countersJ` (raw, may wrap); power meters fill `powerW`. */
export interface MeterReading {
  countersJ?: number[];
  powerW?: number;
}

/** How often a meter may be polled, s. `fallback` is used when the update period cannot be measured. */
export interface PollBounds {
  min: number;
  max: number;
  fallback: number;
}

/** A meter opened on the current thread. */
export interface PowerMeter {
  readonly name: Exclude<MeterName, 'declared'>;
  readonly scope: EnergyScope;
  /** counter: cumulative energy, polled to time its updates (window edges split between them); power: polled and integrated. */
  readonly kind: 'counter' | 'power';
  /** Human label of what is measured, e.g. "NVIDIA RTX 4090 (GPU-…, 00000000:01:00.0)". */
  readonly label: string;
  /** How the energy is obtained, in words (goes into energy.method). */
  readonly method: string;
  /** Wrap ranges of the counters (J), null for counters that do not wrap. Counter meters only. */
  readonly counterRangesJ?: Array<number | null>;
  /** Counter resolution, J (edge-uncertainty term). */
  readonly resolutionJ: number;
  /** Stated instrument accuracy, W (absolute), when the vendor documents one; enters uncertaintyJ. */
  readonly accuracyW: number | null;
  readonly poll: PollBounds;
  /** Probe the update period with fast reads at start (cheap local sensors only). */
  readonly probeUpdatePeriod: boolean;
  /** Read once. Throws a one-line Error when the meter does not answer. */
  read(): Promise<MeterReading>;
  /**
   * What the device is doing now (clocks, temperature, power limit, throttle reasons, ...), read
   * every few polls and summarised per window (src/power/device-state.ts); never throws.
   */
  readState?(): DeviceStateReading;
  /** Name of what readState reads ("nvml", "amdgpu hwmon"). */
  readonly stateSource?: string;
  /** Facts that need a request (a wall plug's model and firmware), read once at start; may reject. */
  describe?(): Promise<Record<string, unknown>>;
  /** Static facts (device name, UUID, paths...). */
  info(): Record<string, unknown>;
  /**
   * End the reads in flight now (each rejects with `reason`): a stalled read must not hold up a
   * window edge or the sampler's stop. Meters whose reads cannot hang (sysfs, NVML) have none.
   */
  cancel?(reason: string): void;
  close(): Promise<void>;
}
