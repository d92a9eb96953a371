/**
 * NVIDIA GPU energy through NVML (`libnvidia-ml.so.1`, shipped with the driver), called with koffi
 * (FFI with prebuilt binaries: no compiler, no install script).
 *
 * Preferred: `nvmlDeviceGetTotalEnergyConsumption` (mJ since driver load, Volta+) read at the
 * window edges, as Zeus and ML.ENERGY do. When it returns NOT_SUPPORTED (pre-Volta, some vGPUs),
 * power is polled and integrated: field NVML_FI_DEV_POWER_INSTANT (186) first, because
 * `nvmlDeviceGetPowerUsage` returns a 1 s average on Ampere (except GA100) and newer (nvml.h),
 * else `nvmlDeviceGetPowerUsage`, labelled as possibly averaged.
 * `JOULEBENCH_NVML_LIB` points at another library file (tests load a stub built with g++).
 */
import koffi, { type LibraryHandle } from 'koffi';
import type { MeterReading, MeterSpec, PowerMeter } from './meter.js';
import { nvmlReasonNames, type DeviceStateReading } from './device-state.js';

/** nvmlReturn_t codes used here (nvml.h). */
export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;
/** NVML_FI_DEV_POWER_INSTANT: "Current GPU power, supported on all architectures". */
export const NVML_FI_DEV_POWER_INSTANT = 186;
/** nvmlDeviceArchitecture_t: Volta = 5 (energy counter from here on). */
export const NVML_DEVICE_ARCH_VOLTA = 5;
const NVML_DEVICE_ARCH_AMPERE = 7;
const ARCH_NAMES: Record<number, string> = { 2: 'Kepler', 3: 'Maxwell', 4: 'Pascal', 5: 'Volta', 6: 'Turing', 7: 'Ampere', 8: 'Ada', 9: 'Hopper', 10: 'Blackwell', 13: 'Rubin' };

/** Library path: JOULEBENCH_NVML_LIB, else the driver's soname. */
export function nvmlLibraryPath(): string {
  const p = process.env.JOULEBENCH_NVML_LIB;
  return p && p.trim() !== '' ? p : 'libnvidia-ml.so.1';
}

type Fn = (...args: unknown[]) => unknown;

interface NvmlApi {
  path: string;
  init: Fn;
  shutdown: Fn;
  errorString: Fn;
  driverVersion: Fn | null;
  getCount: Fn;
  handleByIndex: Fn;
  getName: Fn;
  getUuid: Fn | null;
  getPci: Fn | null;
  getArch: Fn | null;
  totalEnergy: Fn | null;
  powerUsage: Fn | null;
  fieldValues: Fn | null;
  clockInfo: Fn | null;
  temperature: Fn | null;
  powerLimit: Fn | null;
  defaultPowerLimit: Fn | null;
  persistenceMode: Fn | null;
  clockEventReasons: Fn | null;
  performanceState: Fn | null;
}

let typesDefined = false;
let api: NvmlApi | null = null;
let apiRefs = 0;

/** koffi type names are process-wide (per thread): define them once. */
function defineTypes(): void {
  if (typesDefined) return;
  koffi.pointer('nvmlDevice_t', koffi.opaque('nvmlDevice_st'));
  koffi.struct('nvmlPciInfo_t', {
    busIdLegacy: koffi.array('char', 16, 'String'),
    domain: 'uint',
    bus: 'uint',
    device: 'uint',
    pciDeviceId: 'uint',
    pciSubSystemId: 'uint',
    busId: koffi.array('char', 32, 'String'),
  });
  // nvmlValue_t is a union (double / 32- and 64-bit ints, 8 bytes, 8-aligned): taken as raw bytes and
  // decoded by valueType, since koffi cannot know which member is live.
  koffi.struct('nvmlFieldValue_t', {
    fieldId: 'uint',
    scopeId: 'uint',
    timestamp: 'long long',
    latencyUsec: 'long long',
    valueType: 'int',
    nvmlReturn: 'int',
    value: [8, koffi.array('uint8', 8, 'Array')],
  });
  typesDefined = true;
}

function optional(lib: LibraryHandle, proto: string): Fn | null {
  try {
    return lib.func(proto) as Fn;
  } catch {
    return null; // symbol missing in an older driver
  }
}

/** Load NVML and call nvmlInit_v2; throws a one-line Error saying why NVML is not usable. */
export function openNvml(): NvmlApi {
  if (api) {
    apiRefs++;
    return api;
  }
  const path = nvmlLibraryPath();
  let lib: LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (err) {
    const msg = String((err as Error).message ?? err).replace(/^Failed to load shared library:\s*/i, '');
    throw new Error(`${path} could not be loaded (${msg}): no NVIDIA driver${process.env.JOULEBENCH_NVML_LIB ? '' : '; set JOULEBENCH_NVML_LIB=/path/to/libnvidia-ml.so.1 if it lives elsewhere'}`);
  }
  defineTypes();
  let a: NvmlApi;
  try {
    a = {
      path,
      init: lib.func('int nvmlInit_v2(void)') as Fn,
      shutdown: lib.func('int nvmlShutdown(void)') as Fn,
      errorString: lib.func('const char *nvmlErrorString(int result)') as Fn,
      driverVersion: optional(lib, 'int nvmlSystemGetDriverVersion(_Out_ char *version, unsigned int length)'),
      getCount: lib.func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)') as Fn,
      handleByIndex: lib.func('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)') as Fn,
      getName: lib.func('int nvmlDeviceGetName(nvmlDevice_t device, _Out_ char *name, unsigned int length)') as Fn,
      getUuid: optional(lib, 'int nvmlDeviceGetUUID(nvmlDevice_t device, _Out_ char *uuid, unsigned int length)'),
      getPci: optional(lib, 'int nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, _Out_ nvmlPciInfo_t *pci)'),
      getArch: optional(lib, 'int nvmlDeviceGetArchitecture(nvmlDevice_t device, _Out_ unsigned int *arch)'),
      totalEnergy: optional(lib, 'int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, _Out_ unsigned long long *energy)'),
      powerUsage: optional(lib, 'int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *power)'),
      fieldValues: optional(lib, 'int nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, _Inout_ nvmlFieldValue_t *values)'),
      clockInfo: optional(lib, 'int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, _Out_ unsigned int *clock)'),
      temperature: optional(lib, 'int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, _Out_ unsigned int *temp)'),
      powerLimit: optional(lib, 'int nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, _Out_ unsigned int *limit)'),
      defaultPowerLimit: optional(lib, 'int nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, _Out_ unsigned int *limit)'),
      persistenceMode: optional(lib, 'int nvmlDeviceGetPersistenceMode(nvmlDevice_t device, _Out_ int *mode)'),
      // NVML 12.x renamed ...ClocksThrottleReasons to ...ClocksEventReasons; older drivers have only the old name.
      clockEventReasons:
        optional(lib, 'int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)') ??
        optional(lib, 'int nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)'),
      performanceState: optional(lib, 'int nvmlDeviceGetPerformanceState(nvmlDevice_t device, _Out_ int *pstate)'),
    };
  } catch (err) {
    throw new Error(`${path} is not a usable NVML library (${(err as Error).message})`);
  }
  const rc = a.init() as number;
  if (rc !== NVML_SUCCESS) throw new Error(`nvmlInit_v2 failed: ${errText(a, rc)} (is the NVIDIA kernel driver loaded?)`);
  api = a;
  apiRefs = 1;
  return a;
}

/** Drop one reference; nvmlShutdown when the last user closes. */
export function closeNvml(): void {
  if (!api) return;
  if (--apiRefs > 0) return;
  try {
    api.shutdown();
  } catch {
    /* best effort */
  }
  api = null;
}

function errText(a: NvmlApi, rc: number): string {
  try {
    return `${String(a.errorString(rc))} (${rc})`;
  } catch {
    return `error ${rc}`;
  }
}

function readString(fn: Fn | null, dev: unknown, len: number): string | null {
  if (!fn) return null;
  const buf = Buffer.alloc(len);
  if ((fn(dev, buf, len) as number) !== NVML_SUCCESS) return null;
  const z = buf.indexOf(0);
  return buf.subarray(0, z < 0 ? len : z).toString('utf8');
}

function readUint(fn: Fn | null, ...args: unknown[]): number | null {
  if (!fn) return null;
  const out = [0];
  if ((fn(...args, out) as number) !== NVML_SUCCESS) return null;
  return Number(out[0]);
}

/** One NVML device as `power meters` / `devices` report it. */
export interface NvmlDeviceInfo {
  index: number;
  name: string;
  uuid: string | null;
  pciBusId: string | null;
  /** PCI device id (upper 16 bits of pciDeviceId), hex, e.g. "0x2684". */
  pciDeviceId: string | null;
  architecture: string | null;
  archCode: number | null;
  /** nvmlDeviceGetTotalEnergyConsumption works on this device. */
  energyCounter: boolean;
  /** Field 186 (instant power) works. */
  instantPowerField: boolean;
  powerLimitW: number | null;
}

function describe(a: NvmlApi, index: number, dev: unknown): NvmlDeviceInfo {
  const name = readString(a.getName, dev, 96) ?? `NVML device ${index}`;
  let pciBusId: string | null = null;
  let pciDeviceId: string | null = null;
  if (a.getPci) {
    const pci: Record<string, unknown> = {};
    if ((a.getPci(dev, pci) as number) === NVML_SUCCESS) {
      pciBusId = String(pci.busId ?? '') || null;
      pciDeviceId = `0x${((Number(pci.pciDeviceId) >>> 16) & 0xffff).toString(16).padStart(4, '0')}`;
    }
  }
  const archCode = readUint(a.getArch, dev);
  const e = [0];
  const energyCounter = a.totalEnergy !== null && (a.totalEnergy(dev, e) as number) === NVML_SUCCESS;
  const limitMw = readUint(a.powerLimit, dev);
  return {
    index,
    name,
    uuid: readString(a.getUuid, dev, 96),
    pciBusId,
    pciDeviceId,
    architecture: archCode === null ? null : (ARCH_NAMES[archCode] ?? `arch ${archCode}`),
    archCode,
    energyCounter,
    instantPowerField: readInstantPowerW(a, dev) !== null,
    powerLimitW: limitMw === null ? null : limitMw / 1000,
  };
}

/** Field 186 in W, or null when the field is unsupported. */
function readInstantPowerW(a: NvmlApi, dev: unknown): number | null {
  if (!a.fieldValues) return null;
  const fv: Record<string, unknown> = { fieldId: NVML_FI_DEV_POWER_INSTANT, scopeId: 0, timestamp: 0, latencyUsec: 0, valueType: 0, nvmlReturn: 0, value: [0, 0, 0, 0, 0, 0, 0, 0] };
  const rc = a.fieldValues(dev, 1, fv) as number;
  if (rc !== NVML_SUCCESS) throw new Error(`nvmlDeviceGetFieldValues: ${errText(a, rc)}`);
  if (Number(fv.nvmlReturn) !== NVML_SUCCESS) return null;
  const mw = decodeFieldValue(Number(fv.valueType), fv.value as number[]);
  return mw === null ? null : mw / 1000;
}

/** Decode nvmlValue_t bytes by nvmlValueType_t (0 double, 1 uint, 2 ulong, 3 ull, 4 sll, 5 int, 6 ushort). */
export function decodeFieldValue(valueType: number, bytes: ArrayLike<number>): number | null {
  const dv = new DataView(Uint8Array.from(bytes as ArrayLike<number>).buffer);
  switch (valueType) {
    case 0: return dv.getFloat64(0, true);
    case 1: return dv.getUint32(0, true);
    case 2:
    case 3: return Number(dv.getBigUint64(0, true));
    case 4: return Number(dv.getBigInt64(0, true));
    case 5: return dv.getInt32(0, true);
    case 6: return dv.getUint16(0, true);
    default: return null;
  }
}

/** List NVML devices (opens and closes NVML); throws a one-line Error when NVML is not usable. */
export function listNvmlDevices(): { driverVersion: string | null; devices: NvmlDeviceInfo[] } {
  const a = openNvml();
  try {
    const n = readUint(a.getCount);
    if (n === null) throw new Error('nvmlDeviceGetCount_v2 failed');
    const devices: NvmlDeviceInfo[] = [];
    for (let i = 0; i < n; i++) {
      const h = [null];
      if ((a.handleByIndex(i, h) as number) !== NVML_SUCCESS) continue;
      devices.push(describe(a, i, h[0]));
    }
    return { driverVersion: a.driverVersion ? readStringNoDev(a.driverVersion, 80) : null, devices };
  } finally {
    closeNvml();
  }
}

function readStringNoDev(fn: Fn, len: number): string | null {
  const buf = Buffer.alloc(len);
  if ((fn(buf, len) as number) !== NVML_SUCCESS) return null;
  const z = buf.indexOf(0);
  return buf.subarray(0, z < 0 ? len : z).toString('utf8');
}

/** Lower-case alphanumerics only, for name matching ("NVIDIA GeForce RTX 4090" ~ "nvidia-geforce-rtx-4090"). */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** How matchNvmlDevice chose the device. */
export type NvmlMatchHow = 'hint' | 'cuda-uuid' | 'cuda-pci-order' | 'name' | 'only-device' | 'guess';

/**
 * Pick the NVML device that does the work. NVML's index need not match any other API (nvml.h:
 * "look devices up by their PCI ids or UUID"). Order of evidence:
 *  1. `hint` (--meter-device): an index, a UUID, a PCI bus id or a name substring;
 *  2. CUDA (onnxruntime CUDA EP, device `cuda.deviceId`): CUDA_VISIBLE_DEVICES may name the GPU by
 *     UUID (or a unique UUID prefix, as CUDA accepts); a plain index maps to the NVML index only
 *     under CUDA_DEVICE_ORDER=PCI_BUS_ID (NVML enumerates in PCI bus order, CUDA's default order is
 *     fastest first; CUDA C Programming Guide, "CUDA Environment Variables");
 *  3. WebGPU adapter: WebGPU exposes neither PCI id nor UUID, so by name (Dawn's name/device carry
 *     the marketing name), with a note when several devices share the name.
 * `note` says what is uncertain (never null when the choice is a guess); `matches` is false when
 * the device cannot be the one doing the work (e.g. the adapter is not an NVIDIA GPU).
 */
export function matchNvmlDevice(
  devices: NvmlDeviceInfo[],
  ctx: { hint?: string; adapterName?: string; adapterVendor?: string; cuda?: MeterSpec['cuda'] },
): { device: NvmlDeviceInfo; note: string | null; how: NvmlMatchHow; matches: boolean } {
  if (devices.length === 0) throw new Error('NVML reports no NVIDIA GPU');
  const h = ctx.hint?.trim();
  if (h) {
    const hit = /^\d+$/.test(h)
      ? devices.find((d) => d.index === Number(h))
      : devices.find((d) => d.uuid === h || (d.pciBusId !== null && d.pciBusId.toLowerCase().endsWith(h.toLowerCase())) || squash(d.name).includes(squash(h)));
    if (!hit) throw new Error(`--meter-device '${h}': no NVML device matches (have ${devices.map((d) => `${d.index}: ${d.name} ${d.uuid ?? ''}`).join('; ')})`);
    return { device: hit, note: null, how: 'hint', matches: true };
  }
  if (ctx.cuda) return matchCuda(devices, ctx.cuda);
  const vendor = (ctx.adapterVendor ?? '').toLowerCase();
  const adapterText = squash(`${ctx.adapterName ?? ''}`);
  const nvidiaAdapter = vendor.includes('nvidia') || adapterText.includes('nvidia');
  if (ctx.adapterName !== undefined && !nvidiaAdapter) {
    return {
      device: devices[0]!,
      note: `the WebGPU adapter in use ('${ctx.adapterName}') is not an NVIDIA GPU: NVML device ${devices[0]!.index} (${devices[0]!.name}) does not measure it`,
      how: 'guess',
      matches: false,
    };
  }
  const byName = devices.filter((d) => adapterText !== '' && (adapterText.includes(squash(d.name).replace(/^nvidia/, '')) || squash(d.name).includes(adapterText)));
  if (byName.length === 1) return { device: byName[0]!, note: null, how: 'name', matches: true };
  if (byName.length > 1) {
    return {
      device: byName[0]!,
      note: `${byName.length} NVML devices named '${byName[0]!.name}': WebGPU exposes no PCI id or UUID to tell them apart, measuring index ${byName[0]!.index} (${byName[0]!.uuid ?? 'no UUID'}); pass --meter-device <uuid|pci bus id> to choose`,
      how: 'name',
      matches: true,
    };
  }
  if (devices.length === 1) {
    return { device: devices[0]!, note: ctx.adapterName ? `NVML device '${devices[0]!.name}' matched to adapter '${ctx.adapterName}' as the only NVIDIA GPU` : null, how: 'only-device', matches: true };
  }
  return { device: devices[0]!, note: `could not match the adapter to one of ${devices.length} NVML devices by name: measuring index 0; pass --meter-device <uuid|pci bus id>`, how: 'guess', matches: true };
}

/** CUDA device → NVML device (see matchNvmlDevice). */
function matchCuda(devices: NvmlDeviceInfo[], cuda: NonNullable<MeterSpec['cuda']>): { device: NvmlDeviceInfo; note: string | null; how: NvmlMatchHow; matches: boolean } {
  const visible = cuda.visibleDevices === null ? null : cuda.visibleDevices.split(',').map((x) => x.trim()).filter(Boolean);
  const entry = visible ? visible[cuda.deviceId] : String(cuda.deviceId);
  if (entry === undefined) {
    throw new Error(`CUDA device ${cuda.deviceId} is not in CUDA_VISIBLE_DEVICES='${cuda.visibleDevices}': no GPU for the CUDA EP to measure`);
  }
  if (/^(GPU|MIG)-/i.test(entry)) {
    // MIG instances belong to their parent GPU's board; CUDA accepts any unique UUID prefix.
    const uuid = entry.replace(/^MIG-/i, 'GPU-');
    const hits = devices.filter((d) => d.uuid !== null && d.uuid.toLowerCase().startsWith(uuid.toLowerCase()));
    if (hits.length === 1) return { device: hits[0]!, note: null, how: 'cuda-uuid', matches: true };
    throw new Error(`CUDA_VISIBLE_DEVICES entry '${entry}' ${hits.length ? 'matches several' : 'matches no'} NVML device UUID (have ${devices.map((d) => d.uuid).join(', ')})`);
  }
  if (!/^\d+$/.test(entry)) throw new Error(`CUDA_VISIBLE_DEVICES entry '${entry}' is neither an index nor a GPU UUID`);
  const index = Number(entry);
  const dev = devices.find((d) => d.index === index);
  if (!dev) throw new Error(`CUDA device index ${index} has no NVML device (NVML sees ${devices.length})`);
  if ((cuda.deviceOrder ?? '').toUpperCase() === 'PCI_BUS_ID') return { device: dev, note: null, how: 'cuda-pci-order', matches: true };
  if (devices.length === 1) return { device: dev, note: null, how: 'only-device', matches: true };
  return {
    device: dev,
    note: `CUDA device ${index} taken as NVML index ${index}, which holds only with CUDA_DEVICE_ORDER=PCI_BUS_ID (CUDA's default order is fastest first); set it, or CUDA_VISIBLE_DEVICES=<GPU-uuid>, or pass --meter-device`,
    how: 'guess',
    matches: true,
  };
}

/** NVML meter for one device. */
export class NvmlMeter implements PowerMeter {
  readonly name = 'nvml' as const;
  readonly scope = 'gpu-board' as const;
  readonly kind: 'counter' | 'power';
  readonly label: string;
  readonly method: string;
  readonly counterRangesJ = [null];
  readonly resolutionJ = 0.001;
  /** nvidia-smi documents board power as accurate to ±5 W. */
  readonly accuracyW = 5;
  readonly poll: { min: number; max: number; fallback: number };
  readonly probeUpdatePeriod = true;
  readonly note: string | null;
  private readonly a: NvmlApi;
  private readonly dev: unknown;
  private readonly info_: NvmlDeviceInfo;
  private readonly powerSource: 'counter' | 'field-186' | 'power-usage';
  private closed = false;

  readonly stateSource = 'nvml';
  /** False when the chosen device cannot be the one doing the work (e.g. a non-NVIDIA adapter). */
  readonly matchesWork: boolean;
  /** How the device was matched to the work (hint, CUDA UUID, name, ...). */
  readonly matchHow: NvmlMatchHow;

  constructor(ctx: { hint?: string; adapterName?: string; adapterVendor?: string; cuda?: MeterSpec['cuda'] } = {}) {
    const { devices } = listNvmlDevices();
    const { device, note, matches, how } = matchNvmlDevice(devices, ctx);
    this.note = note;
    this.matchesWork = matches;
    this.matchHow = how;
    this.a = openNvml();
    const h = [null];
    const rc = this.a.handleByIndex(device.index, h) as number;
    if (rc !== NVML_SUCCESS) {
      closeNvml();
      throw new Error(`nvmlDeviceGetHandleByIndex_v2(${device.index}): ${errText(this.a, rc)}`);
    }
    this.dev = h[0];
    this.info_ = device;
    this.label = `${device.name} (${[device.uuid, device.pciBusId].filter(Boolean).join(', ')})`;
    if (device.energyCounter) {
      this.kind = 'counter';
      this.powerSource = 'counter';
      this.method = 'NVML total energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ), polled to time its updates';
      // Counter updates every ~10–100 ms (500 ms on some boards): polled at a tenth of that so the
      // window edges can be placed between its updates (src/power/integrate.ts counterValueAt).
      this.poll = { min: 0.002, max: 0.05, fallback: 0.01 };
    } else {
      this.kind = 'power';
      this.powerSource = device.instantPowerField ? 'field-186' : 'power-usage';
      const averaged = device.archCode !== null && device.archCode >= NVML_DEVICE_ARCH_AMPERE;
      this.method =
        this.powerSource === 'field-186'
          ? 'NVML instant power (field NVML_FI_DEV_POWER_INSTANT) polled and integrated (trapezoid); energy counter not supported on this GPU'
          : `NVML nvmlDeviceGetPowerUsage polled and integrated (trapezoid); energy counter not supported${averaged ? '; on Ampere (except GA100) and newer this is a 1 s average, which smears edges' : ''}`;
      // Zeus: poll at half the measured update period, capped at 0.1 s; faster than 50 ms can read repeats.
      this.poll = { min: 0.005, max: 0.1, fallback: 0.1 };
    }
  }

  async read(): Promise<MeterReading> {
    if (this.powerSource === 'counter') {
      const e = [0];
      const rc = this.a.totalEnergy!(this.dev, e) as number;
      if (rc !== NVML_SUCCESS) throw new Error(`NVML nvmlDeviceGetTotalEnergyConsumption: ${errText(this.a, rc)}`);
      const v = e[0] as number | bigint;
      return { countersJ: [Number(v) / 1000] };
    }
    if (this.powerSource === 'field-186') {
      const w = readInstantPowerW(this.a, this.dev);
      if (w === null) throw new Error('NVML instant power field stopped answering');
      return { powerW: w };
    }
    const mw = [0];
    const rc = this.a.powerUsage!(this.dev, mw) as number;
    if (rc !== NVML_SUCCESS) throw new Error(`NVML nvmlDeviceGetPowerUsage: ${errText(this.a, rc)}`);
    return { powerW: Number(mw[0]) / 1000 };
  }

  readState(): DeviceStateReading {
    const out: DeviceStateReading = { numbers: {}, flags: {}, settings: {} };
    try {
      const mw = (fn: Fn | null) => {
        const v = readUint(fn, this.dev);
        return v === null ? null : v / 1000;
      };
      out.numbers = {
        smClockMHz: readUint(this.a.clockInfo, this.dev, 1),
        memClockMHz: readUint(this.a.clockInfo, this.dev, 2),
        temperatureC: readUint(this.a.temperature, this.dev, 0),
        powerLimitW: mw(this.a.powerLimit),
        powerLimitDefaultW: mw(this.a.defaultPowerLimit),
        pstate: readUint(this.a.performanceState, this.dev),
      };
      if (this.a.clockEventReasons) {
        const r = [0];
        if ((this.a.clockEventReasons(this.dev, r) as number) === NVML_SUCCESS) out.flags = { throttleReasons: nvmlReasonNames(r[0] as number | bigint) };
      }
      const pm = readUint(this.a.persistenceMode, this.dev);
      out.settings = { persistenceMode: pm === null ? null : pm ? 'enabled' : 'disabled' };
    } catch {
      /* never throws */
    }
    return out;
  }

  info(): Record<string, unknown> {
    return { ...this.info_, library: this.a.path, powerSource: this.powerSource, note: this.note, matchesWork: this.matchesWork, matchedBy: this.matchHow };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeNvml();
  }
}
