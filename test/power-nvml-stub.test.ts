import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../src/power/monitor.js';
import { detectMeters } from '../src/power/meters.js';
import { matchNvmlDevice, type NvmlDeviceInfo } from '../src/power/nvml.js';
import { energySchema } from '../src/report/schema.js';
import { blockThread, buildStubNvml, nowMs, stubEnergyJ } from './fixtures/power/helpers.js';

// NVML through koffi against a stub libnvidia-ml.so.1 compiled here with g++. The stub reads its
// script from the process environment (real getenv), so the test sets it before each monitor.
const trace = { updateMs: 5, halfPeriodMs: 200, baseW: 100, peakW: 250 };
let T0 = 0;

function script(over: Record<string, string> = {}): void {
  T0 = Math.floor(nowMs());
  const env: Record<string, string> = {
    STUB_NVML_T0_MS: String(T0),
    STUB_NVML_UPDATE_MS: String(trace.updateMs),
    STUB_NVML_HALF_PERIOD_MS: String(trace.halfPeriodMs),
    STUB_NVML_BASE_W: String(trace.baseW),
    STUB_NVML_PEAK_W: String(trace.peakW),
    STUB_NVML_COUNTER: '1',
    STUB_NVML_FIELDS: '1',
    STUB_NVML_DIE_AT_MS: '-1',
    ...over,
  };
  Object.assign(process.env, env);
}

const adapter = { index: 0, backend: 'vulkan', name: 'NVIDIA Stub GPU 9000', vendor: 'nvidia', architecture: 'ada', device: 'nvidia-stub-gpu-9000', description: 'NVIDIA 999.99', driver: null, isSoftware: false };

describe('NVML meter (koffi) on a stub libnvidia-ml.so.1', () => {
  let monitor: EnergyMonitor | null = null;
  beforeAll(() => {
    process.env.JOULEBENCH_NVML_LIB = buildStubNvml();
  });
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
  });

  it('is auto-detected for an NVIDIA adapter and reads the energy counter: within 1 % of the scripted truth', async () => {
    script();
    const nv = detectMeters({ adapterName: adapter.name, adapterVendor: 'nvidia' }).find((m) => m.name === 'nvml')!;
    expect(nv.found).toBe(true);
    expect(nv.method).toMatch(/energy counter/);
    expect(nv.label).toMatch(/GPU-00000000-1111-2222-3333-444444444444, 00000000:01:00\.0/);

    const choice = await createEnergyMonitor({ minWindow: 0 }, { adapter });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    expect(monitor.meter).toBe('nvml');
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 2000));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const x = e as Record<string, unknown>;
    const truth = stubEnergyJ(x.endUnixMs as number, T0, trace) - stubEnergyJ(x.startUnixMs as number, T0, trace);
    expect(Math.abs(e.energyJ - truth) / truth, `energy ${e.energyJ} J vs truth ${truth} J`).toBeLessThan(0.01);
    expect(e.method).toMatch(/nvmlDeviceGetTotalEnergyConsumption/);
    expect(energySchema.parse(e)).toMatchObject({ measured: true, meter: 'nvml' });
    expect(e.scope).toBe('gpu-board');
    expect(e.complete).toBe(true);
    expect(x.sensorUpdatePeriodS).not.toBeNull();
    expect((x.deviceState as { end: { smClockMHz: number } }).end.smClockMHz).toBe(2520);
  });

  it('without the counter (pre-Volta) polls instant power in the worker while the main thread is blocked: within 1 %', async () => {
    script({ STUB_NVML_COUNTER: '0', STUB_NVML_UPDATE_MS: '20' });
    const t20 = { ...trace, updateMs: 20 };
    const choice = await createEnergyMonitor({ meter: 'nvml', minWindow: 0 }, { adapter });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    blockThread(1500); // like onnxruntime's synchronous run(): the main event loop is stuck
    await new Promise((r) => setTimeout(r, 500));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const x = e as Record<string, unknown>;
    const truth = stubEnergyJ(x.endUnixMs as number, T0, t20) - stubEnergyJ(x.startUnixMs as number, T0, t20);
    expect(Math.abs(e.energyJ - truth) / truth, `energy ${e.energyJ} J vs truth ${truth} J`).toBeLessThan(0.01);
    expect(e.method).toMatch(/NVML_FI_DEV_POWER_INSTANT/);
    // Polling went on during the 1.5 s block: at a ≤ 50 ms interval that is well over 30 samples.
    expect(e.samples).toBeGreaterThan(30);
    // The measured sensor update period is reported (the stub updates every 20 ms).
    expect(x.sensorUpdatePeriodS as number).toBeGreaterThan(0.01);
    expect(x.sensorUpdatePeriodS as number).toBeLessThan(0.06);
  });

  it('a GPU lost mid-window is reported: incomplete, with the NVML error, and no per-joule figure', async () => {
    script();
    process.env.STUB_NVML_DIE_AT_MS = String(nowMs() - T0 + 1500);
    const choice = await createEnergyMonitor({ meter: 'nvml', minWindow: 0 }, { adapter });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 1500));
    const e = await monitor.end('w');
    expect(e.measured).toBe(true);
    if (!e.measured) return;
    expect(e.complete).toBe(false);
    expect(e.incompleteReason).toMatch(/GPU is lost/);
    expect(energySchema.parse(e)).toMatchObject({ complete: false });
    expect(perJoule(1e9, e)).toBeNull();
  });

  it('maps NVML devices to the WebGPU adapter by name, and says when it cannot', () => {
    const dev = (index: number, name: string, uuid: string): NvmlDeviceInfo => ({ index, name, uuid, pciBusId: `00000000:0${index}:00.0`, pciDeviceId: '0x2684', architecture: 'Ada', archCode: 8, energyCounter: true, instantPowerField: true, powerLimitW: 450 });
    const list = [dev(0, 'NVIDIA GeForce RTX 3060', 'GPU-a'), dev(1, 'NVIDIA GeForce RTX 4090', 'GPU-b')];
    expect(matchNvmlDevice(list, { adapterName: 'NVIDIA GeForce RTX 4090 nvidia-geforce-rtx-4090', adapterVendor: 'nvidia' }).device.index).toBe(1);
    expect(matchNvmlDevice(list, { hint: 'GPU-a' }).device.index).toBe(0);
    expect(matchNvmlDevice(list, { hint: '01:00.0' }).device.index).toBe(1);
    expect(matchNvmlDevice(list, { adapterName: 'llvmpipe (LLVM 15.0.6, 256 bits)', adapterVendor: 'mesa' }).note).toMatch(/not an NVIDIA GPU/);
    expect(() => matchNvmlDevice(list, { hint: 'GPU-zzz' })).toThrow(/^--meter-device 'GPU-zzz': no NVML device matches/);
  });
});
