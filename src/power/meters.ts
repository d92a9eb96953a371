/**
 * Meter registry: open a meter from its spec (on whichever thread calls), and detect which meters
 * this machine has, with the reason for each one that is not available (`power meters`, `devices`).
 */
import type { EnergyScope, MeterName, MeterSpec, PowerMeter } from './meter.js';
import { NvmlMeter, listNvmlDevices, matchNvmlDevice, type NvmlDeviceInfo } from './nvml.js';
import { RaplMeter, findRaplZones } from './rapl.js';
import { HwmonMeter, findAmdgpuHwmon } from './hwmon.js';
import { ShellyMeter } from './shelly.js';
import { TasmotaMeter } from './tasmota.js';
import { CommandMeter } from './command.js';

/** Open the meter a spec names. Throws a one-line Error when it is not available. */
export function openMeter(spec: MeterSpec): PowerMeter {
  switch (spec.name) {
    case 'nvml':
      return new NvmlMeter({ hint: spec.deviceHint, adapterName: spec.adapterName, adapterVendor: spec.adapterVendor, cuda: spec.cuda });
    case 'rapl':
      return new RaplMeter();
    case 'hwmon':
      return new HwmonMeter(spec.deviceHint);
    case 'shelly':
      return new ShellyMeter(spec.url, spec.deviceHint ?? '0', spec.timeoutMs);
    case 'tasmota':
      return new TasmotaMeter(spec.url, spec.timeoutMs);
    case 'cmd':
      return new CommandMeter(spec.cmd, spec.scope ?? 'wall', spec.timeoutMs);
  }
}

/** One line of `power meters` / `devices`: a meter, whether it is usable here, and why not. */
export interface MeterReport {
  name: MeterName;
  found: boolean;
  scope: EnergyScope;
  /** How it measures (counter or polled power, and the source). */
  method: string;
  /** What it would measure (device, zones, address), when found. */
  label?: string;
  /** Why it is not available, or what it needs. */
  whyNot?: string;
  /** Extra facts (NVML devices, zones...). */
  details?: Record<string, unknown>;
  /** Caveat when found (e.g. NVML device is not the adapter in use). */
  note?: string;
}

/** Context for detection: the adapter in use, and any meter flags already given. */
export interface DetectContext {
  adapterName?: string;
  adapterVendor?: string;
  adapterIsSoftware?: boolean;
  url?: string;
  cmd?: string;
  watts?: number;
  deviceHint?: string;
  /** The work runs on this CUDA device (maps it to an NVML device by UUID / PCI order). */
  cuda?: MeterSpec['cuda'];
}

function msg(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

/** Detect the local meters (NVML, RAPL, hwmon) and report the configured/configurable ones. No network access. */
export function detectMeters(ctx: DetectContext = {}): MeterReport[] {
  const out: MeterReport[] = [];
  try {
    const { devices, driverVersion } = listNvmlDevices();
    let device: NvmlDeviceInfo;
    let note: string | null;
    let matches = true;
    try {
      ({ device, note, matches } = matchNvmlDevice(devices, { hint: ctx.deviceHint, adapterName: ctx.adapterName, adapterVendor: ctx.adapterVendor, cuda: ctx.cuda }));
    } catch (err) {
      // NVML works but no device is the one doing the work (e.g. a CUDA UUID it does not list).
      device = devices[0]!;
      note = msg(err);
      matches = false;
    }
    out.push({
      name: 'nvml',
      found: true,
      scope: 'gpu-board',
      method: device.energyCounter ? 'energy counter (nvmlDeviceGetTotalEnergyConsumption)' : device.instantPowerField ? 'instant power polled (field 186)' : 'power polled (nvmlDeviceGetPowerUsage)',
      label: `${device.name} (${[device.uuid, device.pciBusId].filter(Boolean).join(', ')})`,
      details: { driverVersion, devices, matchesWork: matches },
      ...(note ? { note } : {}),
    });
  } catch (err) {
    out.push({ name: 'nvml', found: false, scope: 'gpu-board', method: 'NVML energy counter or polled power', whyNot: msg(err) });
  }
  try {
    const zones = findRaplZones();
    out.push({
      name: 'rapl',
      found: true,
      scope: 'cpu-package',
      method: 'energy counter (powercap energy_uj)',
      label: zones.map((z) => `${z.name} (${z.dir})`).join(' + '),
      details: { zones },
      ...(ctx.adapterIsSoftware === false ? { note: 'measures the CPU package, not the GPU' } : {}),
    });
  } catch (err) {
    out.push({ name: 'rapl', found: false, scope: 'cpu-package', method: 'energy counter (powercap energy_uj)', whyNot: msg(err) });
  }
  try {
    const list = findAmdgpuHwmon();
    out.push({ name: 'hwmon', found: true, scope: 'gpu-board', method: `power polled (${list[0]!.attr})`, label: list.map((h) => `${h.dir}${h.pci ? ` ${h.pci}` : ''}`).join(', '), details: { devices: list } });
  } catch (err) {
    out.push({ name: 'hwmon', found: false, scope: 'gpu-board', method: 'amdgpu power1_input/power1_average polled', whyNot: msg(err) });
  }
  for (const name of ['shelly', 'tasmota'] as const) {
    out.push({
      name,
      found: false,
      scope: 'wall',
      method: name === 'shelly' ? 'apower polled over HTTP (Switch.GetStatus)' : 'ENERGY.Power polled over HTTP (Status 8)',
      whyNot: ctx.url ? `not probed here: use 'joulebench power sample --meter ${name} --meter-url ${ctx.url}' to read it` : `network meter: pass --meter ${name} --meter-url http://<address>`,
    });
  }
  out.push({
    name: 'cmd',
    found: false,
    scope: 'wall',
    method: 'watts printed by a command, polled',
    whyNot: ctx.cmd ? "not run here: use 'joulebench power sample --meter cmd --meter-cmd ...' to read it" : "pass --meter-cmd '<command that prints watts>' (PDU via SNMP, IPMI, ...)",
  });
  out.push({
    name: 'declared',
    found: ctx.watts !== undefined,
    scope: 'declared',
    method: 'declared constant power × time (not a measurement)',
    ...(ctx.watts !== undefined ? { label: `${ctx.watts} W declared` } : { whyNot: 'pass --watts <W> (nameplate or clamp-meter reading; labelled declared, never measured)' }),
  });
  return out;
}
