import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, type EnergyMonitor } from '../src/power/monitor.js';
import { fakeSysfs, makeRaplZone } from './fixtures/power/helpers.js';
import { runCli } from './helpers.js';

const lavapipe = { index: 0, backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa', driver: null, isSoftware: true };
const radeon = { ...lavapipe, name: 'AMD Radeon RX 7900 XTX (RADV NAVI31)', vendor: 'amd', architecture: 'rdna-3', device: 'amd-radeon-rx-7900-xtx', isSoftware: false };

describe('meter auto-detection follows the adapter in use', () => {
  let monitor: EnergyMonitor | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('a software adapter runs on the CPU: RAPL is chosen, with a warning about its scope', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000);
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    process.env.JOULEBENCH_NVML_LIB = '/nonexistent/libnvidia-ml.so.1';
    const c = await createEnergyMonitor({}, { adapter: lavapipe });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    expect(monitor.meter).toBe('rapl');
    expect(c.warnings.join('\n')).toMatch(/CPU package \(RAPL\)/);
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
    expect(c.reason).toMatch(/rapl: found but does not measure the adapter in use/);
    expect(c.reason).toMatch(/pass --meter <name> or --watts <W>/);
  });

  it('devices --json lists typed meter reports', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 262_143_328_850, 1_000_000);
    const r = await runCli(['devices', '--json'], { env: { JOULEBENCH_SYSFS_ROOT: root, JOULEBENCH_NVML_LIB: '/nonexistent/libnvidia-ml.so.1' } });
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
