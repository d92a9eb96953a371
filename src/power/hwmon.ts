/**
 * AMD GPU power through the amdgpu hwmon interface: `power1_input` (instantaneous) or
 * `power1_average`, both in µW (kernel drivers/gpu/drm/amd/pm/amdgpu_pm.c DOC block). amdgpu has no
 * hwmon energy counter, so power is polled and integrated. On APUs the reading includes the CPU.
 */
import type { MeterReading, PowerMeter } from './meter.js';
import type { DeviceStateReading } from './device-state.js';
import { listSysDir, readSysNumber, readSysText, showPath, sysExists, sysRealpath } from './sysfs.js';

/** One amdgpu hwmon device. */
export interface AmdgpuHwmon {
  /** "hwmonN" under /sys/class/hwmon. */
  dir: string;
  /** Attribute polled: power1_input preferred (instant), else power1_average. */
  attr: 'power1_input' | 'power1_average';
  /** PCI address from the device link, e.g. "0000:03:00.0", when resolvable. */
  pci: string | null;
  /** PCI device id (e.g. "0x744c") when readable. */
  pciDeviceId: string | null;
}

/** Find amdgpu hwmon devices that report power; throws a one-line Error saying why there are none. */
export function findAmdgpuHwmon(): AmdgpuHwmon[] {
  if (!sysExists('class/hwmon')) throw new Error(`${showPath('class/hwmon')} does not exist: no hwmon devices visible`);
  const found: AmdgpuHwmon[] = [];
  let amdgpuWithoutPower = 0;
  for (const dir of listSysDir('class/hwmon')) {
    let name: string;
    try {
      name = readSysText(`class/hwmon/${dir}/name`);
    } catch {
      continue;
    }
    if (name !== 'amdgpu') continue;
    const base = `class/hwmon/${dir}`;
    const attr = sysExists(`${base}/power1_input`) ? 'power1_input' : sysExists(`${base}/power1_average`) ? 'power1_average' : null;
    if (!attr) {
      amdgpuWithoutPower++;
      continue;
    }
    readSysNumber(`${base}/${attr}`); // fail now (permissions, format), not mid-run
    const real = sysRealpath(`${base}/device`);
    const pci = real ? (real.split('/').pop() ?? null) : null;
    let pciDeviceId: string | null = null;
    try {
      pciDeviceId = readSysText(`${base}/device/device`);
    } catch {
      /* optional */
    }
    found.push({ dir, attr, pci: pci && /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d$/i.test(pci) ? pci : null, pciDeviceId });
  }
  if (found.length === 0) {
    throw new Error(
      amdgpuWithoutPower
        ? `amdgpu hwmon found under ${showPath('class/hwmon')} but without power1_input/power1_average (this GPU/driver reports no power)`
        : `no amdgpu hwmon device under ${showPath('class/hwmon')} (no AMD GPU driver loaded)`,
    );
  }
  return found;
}

/** Pick one device: by hint (hwmonN or PCI address), else the first. */
export function pickHwmon(list: AmdgpuHwmon[], hint?: string): AmdgpuHwmon {
  if (hint) {
    const hit = list.find((h) => h.dir === hint || h.pci === hint || (h.pci !== null && h.pci.endsWith(hint)));
    if (!hit) throw new Error(`--meter-device '${hint}': no amdgpu hwmon device matches (have ${list.map((h) => `${h.dir}${h.pci ? ` ${h.pci}` : ''}`).join(', ')})`);
    return hit;
  }
  return list[0]!;
}

/** amdgpu hwmon meter: polled power, integrated. */
export class HwmonMeter implements PowerMeter {
  readonly name = 'hwmon' as const;
  readonly scope = 'gpu-board' as const;
  readonly kind = 'power' as const;
  readonly label: string;
  readonly method: string;
  readonly resolutionJ = 0;
  readonly accuracyW = null;
  // The SMU refreshes the value about every 1 ms–100 ms depending on the part (ROCm SMI notes);
  // poll at half the measured period, at most every 10 ms and at least every 0.5 s.
  readonly poll = { min: 0.01, max: 0.5, fallback: 0.1 };
  readonly probeUpdatePeriod = true;
  private readonly dev: AmdgpuHwmon;

  constructor(hint?: string) {
    this.dev = pickHwmon(findAmdgpuHwmon(), hint);
    this.label = `amdgpu ${this.dev.dir}${this.dev.pci ? ` (${this.dev.pci})` : ''}`;
    this.method = `amdgpu hwmon ${this.dev.attr} (µW) polled and integrated (trapezoid)${this.dev.attr === 'power1_average' ? '; power1_average is a driver-side running average' : ''}`;
  }

  async read(): Promise<MeterReading> {
    return { powerW: readSysNumber(`class/hwmon/${this.dev.dir}/${this.dev.attr}`) / 1e6 };
  }

  readonly stateSource = 'amdgpu hwmon';

  /**
   * Power cap and clocks from the same hwmon directory (amdgpu_pm.c DOC: power1_cap[_default] µW,
   * freq1_input sclk / freq2_input mclk in Hz, temp1_input m°C) and the DPM performance level
   * (device/power_dpm_force_performance_level); each attribute only when the driver has it.
   */
  readState(): DeviceStateReading {
    const base = `class/hwmon/${this.dev.dir}`;
    const num = (attr: string, scale: number): number | null => {
      try {
        return readSysNumber(`${base}/${attr}`) * scale;
      } catch {
        return null;
      }
    };
    let level: string | null = null;
    try {
      level = readSysText(`${base}/device/power_dpm_force_performance_level`);
    } catch {
      /* optional */
    }
    return {
      numbers: {
        powerCapW: num('power1_cap', 1e-6),
        powerCapDefaultW: num('power1_cap_default', 1e-6),
        sclkMHz: num('freq1_input', 1e-6),
        mclkMHz: num('freq2_input', 1e-6),
        temperatureC: num('temp1_input', 1e-3),
      },
      settings: { dpmPerformanceLevel: level },
    };
  }

  info(): Record<string, unknown> {
    return { hwmon: this.dev.dir, attribute: this.dev.attr, pci: this.dev.pci, pciDeviceId: this.dev.pciDeviceId };
  }

  async close(): Promise<void> {}
}
