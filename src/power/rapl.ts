/**
 * CPU package energy through Linux powercap RAPL: `/sys/class/powercap/intel-rapl:N/energy_uj`
 * (µJ, cumulative, wraps at `max_energy_range_uj`; Documentation/ABI/testing/sysfs-class-powercap).
 * The same `intel-rapl:N` tree is exposed for AMD Zen by intel_rapl_msr. Every package zone is
 * summed; sub-zones (core, uncore, dram) are inside their package and are not added again, and
 * `intel-rapl-mmio:N` duplicates the package counter through MMIO, so it is skipped too.
 */
import type { MeterReading, PowerMeter } from './meter.js';
import { listSysDir, readSysNumber, readSysText, showPath, sysExists } from './sysfs.js';
import { readCpuState } from './cpu-state.js';
import type { DeviceStateReading } from './device-state.js';

/** One RAPL package zone. */
export interface RaplZone {
  /** Directory under /sys/class/powercap, e.g. "intel-rapl:0". */
  dir: string;
  /** Zone name, e.g. "package-0". */
  name: string;
  /** Counter range, J (max_energy_range_uj / 1e6). */
  rangeJ: number;
}

const ZONE_RE = /^intel-rapl:\d+$/;

/** Find RAPL package zones; throws a one-line Error saying why there are none or why they cannot be read. */
export function findRaplZones(): RaplZone[] {
  if (!sysExists('class/powercap')) {
    throw new Error(`${showPath('class/powercap')} does not exist: no powercap driver (load intel_rapl_msr; in a container, mount the host /sys and set JOULEBENCH_SYSFS_ROOT)`);
  }
  const zones: RaplZone[] = [];
  for (const dir of listSysDir('class/powercap')) {
    if (!ZONE_RE.test(dir)) continue;
    let name: string;
    try {
      name = readSysText(`class/powercap/${dir}/name`);
    } catch {
      continue;
    }
    if (!name.startsWith('package')) continue; // psys (platform) covers more than the CPU package
    const rangeUj = readSysNumber(`class/powercap/${dir}/max_energy_range_uj`);
    // Read the counter once now, so a root-only file fails here with the hint, not mid-run.
    readSysNumber(`class/powercap/${dir}/energy_uj`);
    zones.push({ dir, name, rangeJ: rangeUj / 1e6 });
  }
  if (zones.length === 0) throw new Error(`no RAPL package zone (intel-rapl:N with name package-N) under ${showPath('class/powercap')}`);
  return zones;
}

/** RAPL meter: sum of package counters, each unwrapped on its own. */
export class RaplMeter implements PowerMeter {
  readonly name = 'rapl' as const;
  readonly scope = 'cpu-package' as const;
  readonly kind = 'counter' as const;
  readonly label: string;
  readonly method: string;
  readonly counterRangesJ: Array<number | null>;
  readonly resolutionJ = 1e-6;
  // Intel documents no accuracy figure for RAPL; it is a model-based estimate on older parts.
  readonly accuracyW = null;
  // RAPL updates about every 1 ms: polled at a tenth of the measured period within 5–100 ms (a
  // read is one small sysfs file), which also catches every wrap (262 kJ at 200 W ≈ 22 min).
  readonly poll = { min: 0.005, max: 0.1, fallback: 0.02 };
  readonly stateSource = 'cpu sysfs';
  readonly probeUpdatePeriod = true;
  private readonly zones: RaplZone[];

  constructor() {
    this.zones = findRaplZones();
    this.counterRangesJ = this.zones.map((z) => z.rangeJ);
    this.label = `RAPL ${this.zones.map((z) => `${z.name} (${z.dir})`).join(' + ')}`;
    this.method = `RAPL powercap energy counter (energy_uj, µJ), polled to time its updates, wrap-around at max_energy_range_uj handled${this.zones.length > 1 ? `, summed over ${this.zones.length} packages` : ''}`;
  }

  async read(): Promise<MeterReading> {
    return { countersJ: this.zones.map((z) => readSysNumber(`class/powercap/${z.dir}/energy_uj`) / 1e6) };
  }

  /** CPU governor, boost and frequency: RAPL measures a CPU package, so its state is the CPU's. */
  readState(): DeviceStateReading {
    try {
      return readCpuState();
    } catch {
      return {};
    }
  }

  info(): Record<string, unknown> {
    return { zones: this.zones.map((z) => ({ dir: z.dir, name: z.name, rangeJ: z.rangeJ })) };
  }

  async close(): Promise<void> {}
}
