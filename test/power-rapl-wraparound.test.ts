import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../src/power/monitor.js';
import { sysfsErrorMessage } from '../src/power/sysfs.js';
import { detectMeters } from '../src/power/meters.js';
import { fakeSysfs, makeRaplZone, nowMs, writeAttr } from './fixtures/power/helpers.js';

const J = 1e6; // µJ per J

describe('RAPL meter on a fake powercap tree (JOULEBENCH_SYSFS_ROOT)', () => {
  let monitor: EnergyMonitor | null = null;
  let timer: NodeJS.Timeout | null = null;
  afterEach(async () => {
    if (timer) clearInterval(timer);
    timer = null;
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('unwraps each package counter, sums packages, and skips sub-zones, psys and mmio duplicates', async () => {
    const root = fakeSysfs();
    // package-0: 150 W on a counter that wraps at 100 J (a wrap every 0.67 s); package-1: 50 W, no wrap.
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 100 * J, 70 * J);
    makeRaplZone(root, 'intel-rapl:1', 'package-1', 1000 * J, 500 * J);
    makeRaplZone(root, 'intel-rapl:0:0', 'core', 100 * J, 1 * J); // inside package-0: not added again
    makeRaplZone(root, 'intel-rapl-mmio:0', 'package-0', 100 * J, 3 * J); // MMIO duplicate of package-0
    makeRaplZone(root, 'intel-rapl:2', 'psys', 100 * J, 9 * J); // platform, not CPU package
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    // The counters update every 10 ms with the exact energy so far (constant power: exact truth).
    const t0 = nowMs();
    const write = () => {
      const s = (nowMs() - t0) / 1000;
      writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', Math.floor(((70 + 150 * s) % 100) * J));
      writeAttr(root, 'class/powercap/intel-rapl:1/energy_uj', Math.floor((500 + 50 * s) * J));
      writeAttr(root, 'class/powercap/intel-rapl:0:0/energy_uj', Math.floor(((1 + 90 * s) % 100) * J));
    };
    timer = setInterval(write, 10);

    const choice = await createEnergyMonitor({ meter: 'rapl', minWindow: 0, idleBaseline: 0 });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 1500));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    // 200 W over the window, through one or more wraps of package-0: within 1 %, or within the
    // meter's own stated uncertainty where a loaded machine delayed the counter writer or the
    // sampler around an edge (the bound itself must stay small: < 5 %).
    const truthJ = 200 * e.timeS;
    const statedJ = (e as { uncertaintyJ: number | null }).uncertaintyJ ?? 0;
    expect(statedJ / truthJ, `stated uncertainty ${statedJ} J`).toBeLessThan(0.05);
    expect(Math.abs(e.energyJ - truthJ), `${e.energyJ} J over ${e.timeS} s (truth ${truthJ} J, ±${statedJ} J stated)`).toBeLessThanOrEqual(Math.max(0.01 * truthJ, statedJ));
    expect((e as Record<string, unknown>).counterWraps as number).toBeGreaterThanOrEqual(2);
    expect(e.scope).toBe('cpu-package');
    expect(e.meter).toBe('rapl');
    expect(e.complete, e.incompleteReason).toBe(true);
    expect(e.method).toMatch(/wrap-around/);
    expect(perJoule(100, e)).toBeCloseTo(100 / e.energyJ, 9);
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
