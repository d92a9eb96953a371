import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, type EnergyMonitor } from '../src/power/monitor.js';
import { detectMeters } from '../src/power/meters.js';
import { fakeSysfs, holdLogEnergyJ, makeAmdgpuHwmon, nowMs, writeAttr } from './fixtures/power/helpers.js';

describe('amdgpu hwmon meter on a fake sysfs tree', () => {
  let monitor: EnergyMonitor | null = null;
  let timer: NodeJS.Timeout | null = null;
  afterEach(async () => {
    if (timer) clearInterval(timer);
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('integrates a scripted power1_input trace (µW) to within 1 % of its exact integral', async () => {
    const root = fakeSysfs();
    makeAmdgpuHwmon(root, 'hwmon4', 'power1_input', 150_000_000);
    writeAttr(root, 'class/hwmon/hwmon1/name', 'k10temp'); // another driver: ignored
    process.env.JOULEBENCH_SYSFS_ROOT = root;

    const found = detectMeters().find((m) => m.name === 'hwmon')!;
    expect(found.found).toBe(true);
    expect(found.label).toBe('hwmon4 0000:03:00.0');

    // Script: P(t) = 150 + 100·sin(2πt/0.8 s) W, written every 10 ms; the log is the truth.
    const t0 = nowMs();
    const log: Array<{ tMs: number; powerW: number }> = [];
    const write = () => {
      const t = nowMs();
      const w = Math.round((150 + 100 * Math.sin((2 * Math.PI * (t - t0)) / 800)) * 1e6) / 1e6;
      writeAttr(root, 'class/hwmon/hwmon4/power1_input', Math.round(w * 1e6));
      log.push({ tMs: nowMs(), powerW: w });
    };
    write();
    timer = setInterval(write, 10);

    const choice = await createEnergyMonitor({ meter: 'hwmon', minWindow: 0 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 2400));
    const e = await monitor.end('w');
    clearInterval(timer);
    timer = null;
    expect(e.measured).toBe(true);
    if (!e.measured) return;
    const x = e as Record<string, unknown>;
    const truth = holdLogEnergyJ(log, x.startUnixMs as number, x.endUnixMs as number);
    // Within 1 %, or within the meter's stated uncertainty (it grows with the gaps between polls: a
    // loaded CI machine starves the sampler's thread for ~0.4 s at times), itself < 10 %.
    const statedJ = e.uncertaintyJ ?? 0;
    expect(statedJ / truth, `stated uncertainty ${statedJ} J`).toBeLessThan(0.1);
    expect(Math.abs(e.energyJ - truth), `energy ${e.energyJ} J vs truth ${truth} J (±${statedJ} J stated)`).toBeLessThanOrEqual(Math.max(0.01 * truth, statedJ));
    expect(e.scope).toBe('gpu-board');
    expect(e.method).toMatch(/power1_input/);
    expect(e.complete).toBe(true);
    expect(e.samples).toBeGreaterThan(20);
    expect(e.uncertaintyJ).not.toBeNull();
  });

  it('falls back to power1_average and reports an amdgpu without power as a reason, not a meter', async () => {
    const root = fakeSysfs();
    writeAttr(root, 'class/hwmon/hwmon0/name', 'amdgpu');
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    const none = detectMeters().find((m) => m.name === 'hwmon')!;
    expect(none.found).toBe(false);
    expect(none.whyNot).toMatch(/without power1_input\/power1_average/);

    makeAmdgpuHwmon(root, 'hwmon2', 'power1_average', 42_000_000);
    const choice = await createEnergyMonitor({ meter: 'hwmon', minWindow: 0, meterInterval: 0.02 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 500));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.method).toMatch(/power1_average/);
    expect(e.avgPowerW).toBeCloseTo(42, 6);
    expect(e.energyJ).toBeCloseTo(42 * e.timeS, 6);
  });
});
