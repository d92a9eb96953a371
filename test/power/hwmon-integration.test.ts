import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, type EnergyMonitor } from '../../src/power/monitor.js';
import { detectMeters } from '../../src/power/meters.js';
import { fakeSysfs, holdLogEnergyJ, makeAmdgpuHwmon, nowMs, writeAttr } from '../fixtures/power/helpers.js';
import { stepBoundJ } from '../fixtures/power/bounds.js';

describe('amdgpu hwmon meter on a fake sysfs tree', () => {
  let monitor: EnergyMonitor | null = null;
  let timer: NodeJS.Timeout | null = null;
  afterEach(async () => {
    if (timer) clearInterval(timer);
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('integrates a scripted power1_input step (µW) within the step × read-gap bound of its exact integral', async () => {
    const root = fakeSysfs();
    makeAmdgpuHwmon(root, 'hwmon4', 'power1_input', 120_000_000);
    writeAttr(root, 'class/hwmon/hwmon1/name', 'k10temp'); // another driver: ignored
    process.env.JOULEBENCH_SYSFS_ROOT = root;

    const found = detectMeters().find((m) => m.name === 'hwmon')!;
    expect(found.found).toBe(true);
    expect(found.label).toBe('hwmon4 0000:03:00.0');

    // Script: 120 W, then 280 W from a moment set once the window is open, rewritten every 10 ms;
    // write k adds k mod 1000 × 0.1 mW (a tag: a reading that shows it was read after write k and
    // before write k + 1, on the test's clock). The log of writes is the truth.
    // Each write is timed before and after it (the value changes at the rename in between): the
    // truth takes the time after, and the bounds allow for the write's own duration.
    let stepW = 120;
    const log: Array<{ tMs: number; beforeMs: number; powerW: number }> = [];
    const write = () => {
      const beforeMs = nowMs();
      const w = stepW + (log.length % 1000) * 1e-4;
      writeAttr(root, 'class/hwmon/hwmon4/power1_input', Math.round(w * 1e6));
      log.push({ tMs: nowMs(), beforeMs, powerW: w });
    };
    write();
    timer = setInterval(write, 10);

    const choice = await createEnergyMonitor({ meter: 'hwmon', minWindow: 0 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 1200));
    stepW = 280;
    write(); // the step is this write
    const stepAt = log.length - 1;
    await new Promise((r) => setTimeout(r, 1200));
    const e = await monitor.end('w');
    clearInterval(timer);
    timer = null;
    expect(e.measured).toBe(true);
    if (!e.measured) return;
    const x = e as Record<string, unknown>;
    const truth = holdLogEnergyJ(log, x.startUnixMs as number, x.endUnixMs as number);
    // Constant power at both edges, one step of 160 W inside: the integrator smears it over the
    // readings around it (stepBoundJ). When each reading happened comes from its tag and the write
    // log, not from the meter: reads every ~10 ms, writes every 10 ms give ≈ 30 ms × 160 W ≈ 5 J,
    // ≈ 1 % of the ≈ 480 J here; a stalled sampler widens it by what it missed.
    const tau = log[stepAt]!.tMs;
    expect(tau - (x.startUnixMs as number)).toBeGreaterThan(500);
    expect((x.endUnixMs as number) - tau).toBeGreaterThan(500);
    const pts = (x.trace as { points: Array<[number, number]> }).points;
    const reads = pts.map(([, w]) => {
      const tag = Math.round(w * 1e4) % 1000;
      // The write with this tag closest to the step (tags repeat every 1,000 writes = 10 s).
      const k = stepAt + ((((tag - stepAt) % 1000) + 1500) % 1000) - 500;
      return { k, lo: log[k]?.beforeMs ?? NaN, hi: log[k + 1]?.tMs ?? Infinity };
    });
    expect(reads.every((r) => Number.isFinite(r.lo)), 'every reading maps to a write').toBe(true);
    const firstAfter = reads.findIndex((r) => r.k >= stepAt);
    const step = stepBoundJ(reads, firstAfter, tau, 280 - 120);
    // The truth's own step time is known to within the step write's duration (a loaded machine can
    // pause this thread between the rename and the clock read).
    const truthJ = ((280 - 120) * (tau - log[stepAt]!.beforeMs)) / 1000;
    const boundJ = step.boundJ + truthJ;
    console.log(`[hwmon] ${e.energyJ.toFixed(3)} J vs truth ${truth.toFixed(3)} J: error ${(e.energyJ - truth).toFixed(3)} J, bound ${boundJ.toFixed(3)} J (step read span ${step.spanMs.toFixed(1)} ms, step write ${(tau - log[stepAt]!.beforeMs).toFixed(2)} ms), stated ±${e.uncertaintyJ?.toFixed(3)} J`);
    expect(Math.abs(e.energyJ - truth), `energy ${e.energyJ} J vs truth ${truth} J (bound ${boundJ} J)`).toBeLessThanOrEqual(boundJ);
    // Separately: the meter's stated uncertainty covers the truth (as far as the truth is known).
    expect(Math.abs(e.energyJ - truth), `stated uncertainty ${e.uncertaintyJ} J must cover the error`).toBeLessThanOrEqual((e.uncertaintyJ ?? 0) + truthJ);
    expect(e.scope).toBe('gpu-board');
    expect(e.method).toMatch(/power1_input/);
    expect(e.complete).toBe(true);
    expect(e.samples).toBeGreaterThan(20);
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
