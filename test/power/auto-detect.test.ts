import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, workloadFor, type EnergyMonitor } from '../../src/power/monitor.js';
import { buildStubNvml, fakeSysfs, makeAmdgpuHwmon, makeRaplZone } from '../fixtures/power/helpers.js';
import { runCliInProcess } from '../helpers.js';

const lavapipe = { index: 0, backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa', driver: null, isSoftware: true };
const radeon = { ...lavapipe, name: 'AMD Radeon RX 7900 XTX (RADV NAVI31)', vendor: 'amd', architecture: 'rdna-3', device: 'amd-radeon-rx-7900-xtx', isSoftware: false };
const nvidia = { ...lavapipe, name: 'NVIDIA Stub GPU 9000', vendor: 'nvidia', architecture: 'ada', device: 'nvidia-stub-gpu-9000', isSoftware: false };

describe('meter auto-detection follows the device doing the work', () => {
  let monitor: EnergyMonitor | null = null;
  let stubNvml = '';
  beforeAll(() => {
    stubNvml = buildStubNvml();
  });
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
    delete process.env.JOULEBENCH_NVML_LIB;
  });

  it('a software adapter runs on the CPU: RAPL is chosen, with a warning about its scope', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000);
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    process.env.JOULEBENCH_NVML_LIB = stubNvml; // a GPU board meter exists too, and is not picked
    const c = await createEnergyMonitor({ idleBaseline: 0 }, { adapter: lavapipe });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    expect(monitor.meter).toBe('rapl');
    expect(c.warnings.join('\n')).toMatch(/CPU package \(RAPL\)/);
  });

  it('--ep cpu never picks a GPU-board meter by itself, even on a machine with NVML, amdgpu hwmon and an NVIDIA adapter', async () => {
    const root = fakeSysfs();
    makeAmdgpuHwmon(root, 'hwmon3', 'power1_input', 120_000_000);
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    process.env.JOULEBENCH_NVML_LIB = stubNvml;
    // The GPU work on that adapter gets NVML ...
    const gpu = await createEnergyMonitor({ idleBaseline: 0 }, { adapter: nvidia, workload: workloadFor('webgpu', nvidia) });
    if (!gpu.monitor) throw new Error(gpu.reason);
    expect(gpu.monitor.meter).toBe('nvml');
    await gpu.monitor.close();
    // ... the CPU work does not: no RAPL here, so energy is not measured, with each meter's reason.
    const cpu = await createEnergyMonitor({ idleBaseline: 0 }, { adapter: nvidia, workload: workloadFor('cpu', nvidia) });
    expect(cpu.monitor).toBeNull();
    if (cpu.monitor) return;
    expect(cpu.reason).toMatch(/^no power meter for this CPU work \(/);
    expect(cpu.reason).toMatch(/nvml: found but does not measure the CPU work \(--ep cpu\)/);
    expect(cpu.reason).toMatch(/hwmon: found but does not measure the CPU work/);
    // With RAPL present, --ep cpu gets RAPL.
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000);
    const withRapl = await createEnergyMonitor({ idleBaseline: 0 }, { adapter: nvidia, workload: workloadFor('cpu', nvidia) });
    if (!withRapl.monitor) throw new Error(withRapl.reason);
    monitor = withRapl.monitor;
    expect(monitor.meter).toBe('rapl');
  });

  it('a GPU-board meter named with --meter for CPU work is used but labelled on every record', async () => {
    process.env.JOULEBENCH_NVML_LIB = stubNvml;
    const warnings: string[] = [];
    const c = await createEnergyMonitor({ meter: 'nvml', idleBaseline: 0, minWindow: 0 }, { workload: workloadFor('cpu', null), onWarning: (w) => warnings.push(w) });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    expect(c.warnings.join('\n')).toMatch(/meter scope does not match the work: --meter nvml measures a GPU board, not the CPU work \(--ep cpu\)/);
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 300));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.scopeMismatch).toMatch(/not the CPU work/);
    expect(perJoule(10, e)).not.toBeNull(); // named explicitly: the figure is given, labelled
  });

  it('no meter for the adapter: "not measured" with the reason for each meter, never a made-up figure', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000); // RAPL exists but does not measure a GPU
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    process.env.JOULEBENCH_NVML_LIB = '/nonexistent/libnvidia-ml.so.1';
    const c = await createEnergyMonitor({}, { adapter: radeon });
    expect(c.monitor).toBeNull();
    if (c.monitor) return;
    expect(c.reason).toMatch(/^no power meter for this adapter \(nvml: /);
    expect(c.reason).toMatch(/nvml: .*could not be loaded/);
    expect(c.reason).toMatch(/hwmon: .*does not exist/);
    expect(c.reason).toMatch(/rapl: found but does not measure the GPU work on 'AMD Radeon RX 7900 XTX/);
    expect(c.reason).toMatch(/pass --meter <name> or --watts <W>/);
  });

  it('power meters --json lists typed meter reports (the list `devices` shows)', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000);
    const r = await runCliInProcess(['power', 'meters', '--json'], { env: { JOULEBENCH_SYSFS_ROOT: root, JOULEBENCH_NVML_LIB: '/nonexistent/libnvidia-ml.so.1' } });
    expect(r.code, r.stderr).toBe(0);
    const meters = JSON.parse(r.stdout).meters as Array<{ name: string; found: boolean; scope: string; method: string; whyNot?: string; label?: string }>;
    const rapl = meters.find((m) => m.name === 'rapl')!;
    expect(rapl).toMatchObject({ found: true, scope: 'cpu-package', label: 'package-0 (intel-rapl:0)' });
    const nvml = meters.find((m) => m.name === 'nvml')!;
    expect(nvml.found).toBe(false);
    expect(nvml.whyNot).toMatch(/could not be loaded/);
    for (const m of meters) expect(typeof m.method).toBe('string');
  });
});
