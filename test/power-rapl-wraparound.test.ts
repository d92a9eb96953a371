import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../src/power/monitor.js';
import { sysfsErrorMessage } from '../src/power/sysfs.js';
import { detectMeters } from '../src/power/meters.js';
import { fakeSysfs, makeRaplZone, writeAttr } from './fixtures/power/helpers.js';

const J = 1e6; // µJ per J

describe('RAPL meter on a fake powercap tree (JOULEBENCH_SYSFS_ROOT)', () => {
  let monitor: EnergyMonitor | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('adds a wrap-around exactly once and sums packages, skipping sub-zones, psys and mmio duplicates', async () => {
    const root = fakeSysfs();
    // package-0 wraps at 100 J; package-1 does not wrap in this window.
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 100 * J, 70 * J);
    makeRaplZone(root, 'intel-rapl:1', 'package-1', 1000 * J, 500 * J);
    makeRaplZone(root, 'intel-rapl:0:0', 'core', 100 * J, 1 * J); // inside package-0: not added again
    makeRaplZone(root, 'intel-rapl-mmio:0', 'package-0', 100 * J, 3 * J); // MMIO duplicate of package-0
    makeRaplZone(root, 'intel-rapl:2', 'psys', 100 * J, 9 * J); // platform, not CPU package
    process.env.JOULEBENCH_SYSFS_ROOT = root;

    const choice = await createEnergyMonitor({ meter: 'rapl', minWindow: 0 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    await monitor.begin('w');
    writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', 95 * J);
    await new Promise((r) => setTimeout(r, 150));
    writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', 10 * J); // wrapped: +15 J
    writeAttr(root, 'class/powercap/intel-rapl:1/energy_uj', 512.5 * J);
    await new Promise((r) => setTimeout(r, 300)); // the poller re-reads 10 J several times
    writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', 40 * J);
    const e = await monitor.end('w');
    expect(e.measured).toBe(true);
    if (!e.measured) return;
    // package-0: 70 → 95 → (wrap) 10 → 40 = 25 + 15 + 30 = 70 J; package-1: 12.5 J.
    expect(e.energyJ).toBeCloseTo(82.5, 6);
    expect((e as Record<string, unknown>).counterWraps).toBe(1);
    expect(e.scope).toBe('cpu-package');
    expect(e.meter).toBe('rapl');
    expect(e.complete).toBe(true);
    expect(e.method).toMatch(/wrap-around/);
    expect(perJoule(165, e)).toBeCloseTo(2, 6);
  });

  it('reports RAPL as absent with the reason when powercap is missing, and gives the root-only hint', async () => {
    process.env.JOULEBENCH_SYSFS_ROOT = fakeSysfs();
    const rapl = detectMeters().find((m) => m.name === 'rapl')!;
    expect(rapl.found).toBe(false);
    expect(rapl.whyNot).toMatch(/class\/powercap.* does not exist/);
    await expect(createEnergyMonitor({ meter: 'rapl' })).rejects.toThrow(/^--meter rapl: .*powercap.* does not exist/);
    // Tests run as root here, so chmod cannot produce EACCES: check the message for the errno directly.
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const m = sysfsErrorMessage('class/powercap/intel-rapl:0/energy_uj', err);
    expect(m).toMatch(/permission denied \(root-only since Linux 5\.10, CVE-2020-8694\)/);
    expect(m.split('\n')).toHaveLength(1);
  });
});
