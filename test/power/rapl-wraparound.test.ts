import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../../src/power/monitor.js';
import { sysfsErrorMessage } from '../../src/power/sysfs.js';
import { detectMeters } from '../../src/power/meters.js';
import { fakeSysfs, makeRaplZone, nowMs, writeAttr } from '../fixtures/power/helpers.js';

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
    // The counters update every 5 ms with the exact energy so far (constant power: exact truth);
    // each update's time is noted on the test's clock.
    const t0 = nowMs();
    const writes: number[] = [];
    const write = () => {
      const t = nowMs();
      const s = (t - t0) / 1000;
      writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', Math.floor(((70 + 150 * s) % 100) * J));
      writeAttr(root, 'class/powercap/intel-rapl:1/energy_uj', Math.floor((500 + 50 * s) * J));
      writeAttr(root, 'class/powercap/intel-rapl:0:0/energy_uj', Math.floor(((1 + 90 * s) % 100) * J));
      writes.push(t);
    };
    timer = setInterval(write, 5);

    const choice = await createEnergyMonitor({ meter: 'rapl', minWindow: 0, idleBaseline: 0 });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 2500));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const x = e as unknown as { startUnixMs: number; endUnixMs: number; uncertaintyJ: number | null };
    // 200 W over the window, through one or more wraps of package-0. At a constant power the
    // counters are exact at every update, and the meter's value at an edge lies within the update
    // interval holding it, or a neighbouring one when where an update happened is misjudged: at most
    // 200 W × (the update before that interval to the one after it, as written on the test's clock)
    // per edge, plus the counters' 1 µJ floor. Updates every 5 ms: ≈ 3 J an edge, ≈ 1.2 % of ≈ 500 J.
    const spanAt = (t: number) => {
      const i = writes.findIndex((w, k) => w <= t && (writes[k + 1] ?? Infinity) > t);
      return i >= 1 && i + 2 < writes.length ? writes[i + 2]! - writes[i - 1]! : Infinity;
    };
    const spans = [spanAt(x.startUnixMs), spanAt(x.endUnixMs)];
    const boundJ = (200 * (spans[0]! + spans[1]!)) / 1000 + 4e-6;
    const truthJ = 200 * e.timeS;
    console.log(`[rapl] ${e.energyJ.toFixed(3)} J vs truth ${truthJ.toFixed(3)} J: error ${(e.energyJ - truthJ).toFixed(3)} J, bound ${boundJ.toFixed(3)} J (update spans at the edges ${spans.map((g) => g.toFixed(1)).join(', ')} ms), stated ±${x.uncertaintyJ?.toFixed(3)} J`);
    expect(Math.abs(e.energyJ - truthJ), `${e.energyJ} J over ${e.timeS} s (truth ${truthJ} J, bound ${boundJ} J)`).toBeLessThanOrEqual(boundJ);
    // Separately: the meter's stated uncertainty covers the truth.
    expect(Math.abs(e.energyJ - truthJ), `stated uncertainty ${x.uncertaintyJ} J must cover the error`).toBeLessThanOrEqual(x.uncertaintyJ ?? 0);
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
