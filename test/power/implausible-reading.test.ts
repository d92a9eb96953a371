// A reading below 0 W or above 100 kW for one device is a meter failure (the window is incomplete,
// with the reason), never data (issue 11): a polled command printing 1e300 W mid-window, and a
// RAPL counter that jumps by a megajoule between two updates.
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../../src/power/monitor.js';
import { fakeSysfs, makeRaplZone, nowMs, writeAttr } from '../fixtures/power/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Replace the file in one step (rename), so a read never sees it half written. */
const put = (f: string, text: string) => {
  writeFileSync(`${f}.tmp`, text);
  renameSync(`${f}.tmp`, f);
};

describe('implausible meter readings', () => {
  let monitor: EnergyMonitor | null = null;
  let timer: NodeJS.Timeout | null = null;
  afterEach(async () => {
    if (timer) clearInterval(timer);
    timer = null;
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
  });

  it('a polled reading of 1e300 W mid-window: incomplete with the reason, not integrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joulebench-huge-'));
    const f = join(dir, 'watts');
    const reads = join(dir, 'reads');
    writeFileSync(f, '50\n');
    writeFileSync(reads, '');
    // Each read also appends a line to `reads`, so the bad value stays up until the meter has read
    // it twice, however late a loaded machine runs the polls (not for a fixed 300 ms).
    const c = await createEnergyMonitor({ meterCmd: `cat '${f}' && echo >> '${reads}'`, meterInterval: 0.05, minWindow: 0, idleBaseline: 0 });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    await monitor.begin('w');
    await sleep(400);
    put(f, '1e300\n');
    const readsBefore = readFileSync(reads, 'utf8').length;
    for (let waitedMs = 0; readFileSync(reads, 'utf8').length < readsBefore + 2 && waitedMs < 10_000; waitedMs += 20) await sleep(20);
    put(f, '50\n');
    await sleep(600);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.complete).toBe(false);
    expect(e.incompleteReason).toMatch(/cmd meter failed \d+× during the window .*more than the 100 kW one device can draw/);
    expect(e.maxPowerW).toBe(50); // the reading never entered the integral
    expect(Math.abs(e.energyJ - 50 * e.timeS) / (50 * e.timeS)).toBeLessThan(0.01);
    expect(perJoule(1e6, e)).toBeNull();
  });

  it('a RAPL counter that jumps by 1 MJ between two updates: incomplete with the reason', async () => {
    const root = fakeSysfs();
    makeRaplZone(root, 'intel-rapl:0', 'package-0', 2 ** 50, 0);
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    const t0 = nowMs();
    let jumpJ = 0;
    timer = setInterval(() => writeAttr(root, 'class/powercap/intel-rapl:0/energy_uj', Math.floor((100 * ((nowMs() - t0) / 1000) + jumpJ) * 1e6)), 10);
    const c = await createEnergyMonitor({ meter: 'rapl', minWindow: 0, idleBaseline: 0 });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    await monitor.begin('w');
    await sleep(400);
    jumpJ = 1e6; // 1 MJ in 10 ms = 100 MW
    await sleep(500);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.complete).toBe(false);
    expect(e.incompleteReason).toMatch(/rapl meter failed \d+× during the window .*counter 0 moved by .* outside 0–100 kW\): meter failure, not data/);
    expect(perJoule(1e6, e)).toBeNull();
  });
});
