// What the device did during a window (issue 11), read where the platform exposes it, on fake
// sysfs trees and a loopback plug: amdgpu power cap, clocks and temperature (hwmon); CPU governor,
// boost and frequency for CPU work (cpufreq); a wall plug's model and firmware.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, workloadFor, type EnergyMonitor } from '../../src/power/monitor.js';
import { summarizeDeviceState } from '../../src/power/device-state.js';
import { fakeSysfs, makeAmdgpuHwmon, writeAttr } from '../fixtures/power/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type State = { sources: string[]; series: Record<string, { start: number; end: number; min: number; max: number; mean: number }>; flagsSeen: Record<string, string[]>; settings: Record<string, { start: string | null; end: string | null }> };

describe('device state during a window', () => {
  let monitor: EnergyMonitor | null = null;
  let server: Server | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
    delete process.env.JOULEBENCH_SYSFS_ROOT;
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
      server = null;
    }
  });

  it('amdgpu hwmon: power cap (µW), sclk/mclk (Hz), edge temperature (m°C) and DPM level, start/min/max/end', async () => {
    const root = fakeSysfs();
    makeAmdgpuHwmon(root, 'hwmon4', 'power1_input', 150_000_000);
    const h = 'class/hwmon/hwmon4';
    writeAttr(root, `${h}/power1_cap`, 220_000_000);
    writeAttr(root, `${h}/power1_cap_default`, 250_000_000);
    writeAttr(root, `${h}/freq1_input`, 1_800_000_000);
    writeAttr(root, `${h}/freq2_input`, 1_000_000_000);
    writeAttr(root, `${h}/temp1_input`, 55_000);
    writeFileSync(join(root, 'devices/pci0000:00/0000:03:00.0/power_dpm_force_performance_level'), 'auto\n');
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    const c = await createEnergyMonitor({ meter: 'hwmon', minWindow: 0, idleBaseline: 0, meterInterval: 0.02 });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    await monitor.begin('w');
    await sleep(300);
    writeAttr(root, `${h}/freq1_input`, 2_400_000_000); // clocks up, hotter
    writeAttr(root, `${h}/temp1_input`, 71_000);
    await sleep(400);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const st = e.deviceState as State;
    expect(st.sources).toEqual(['amdgpu hwmon']);
    expect(st.series.powerCapW).toMatchObject({ min: 220, max: 220 });
    expect(st.series.powerCapDefaultW!.max).toBe(250);
    expect(st.series.sclkMHz).toMatchObject({ start: 1800, end: 2400, min: 1800, max: 2400 });
    expect(st.series.mclkMHz!.max).toBe(1000);
    expect(st.series.temperatureC).toMatchObject({ start: 55, end: 71, max: 71 });
    expect(st.settings.dpmPerformanceLevel).toEqual({ start: 'auto', end: 'auto' });
  });

  it('CPU work: cpufreq governor, driver, boost and frequency are recorded even with a wall meter', async () => {
    const root = fakeSysfs();
    for (const [p, khz] of [['policy0', 2_000_000], ['policy1', 3_000_000]] as const) {
      writeAttr(root, `devices/system/cpu/cpufreq/${p}/scaling_governor`, 'performance');
      writeAttr(root, `devices/system/cpu/cpufreq/${p}/scaling_driver`, 'acpi-cpufreq');
      writeAttr(root, `devices/system/cpu/cpufreq/${p}/scaling_cur_freq`, khz);
    }
    writeAttr(root, 'devices/system/cpu/cpufreq/boost', 1);
    process.env.JOULEBENCH_SYSFS_ROOT = root;
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-state-')), 'watts');
    writeFileSync(f, '95\n');
    const c = await createEnergyMonitor({ meterCmd: `cat '${f}'`, minWindow: 0, idleBaseline: 0, meterInterval: 0.05 }, { workload: workloadFor('cpu', null) });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    await monitor.begin('w');
    await sleep(600);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const st = e.deviceState as State;
    expect(st.sources).toContain('cpu sysfs');
    expect(st.series.cpuFreqMeanMHz!.mean).toBeCloseTo(2500, 6);
    expect(st.series.cpuFreqMaxMHz!.max).toBe(3000);
    expect(st.settings).toMatchObject({ cpuGovernor: { start: 'performance', end: 'performance' }, cpufreqDriver: { start: 'acpi-cpufreq' }, cpuBoost: { start: 'on', end: 'on' } });
  });

  it('a Shelly plug reports its model and firmware; the record carries them', async () => {
    server = createServer((req, res) => {
      const body =
        req.url === '/rpc/Shelly.GetDeviceInfo'
          ? { name: null, id: 'shellyplusplugs-aabbcc', mac: 'AABBCC', model: 'SNPL-00112EU', gen: 2, fw_id: '20231107-164738/1.0.8-gb2e4fd5', ver: '1.0.8', app: 'PlugS' }
          : { id: 0, output: true, apower: 87.5, aenergy: { total: 10.5 } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = await createEnergyMonitor({ meter: 'shelly', meterUrl: url, minWindow: 0, idleBaseline: 0, meterInterval: 0.05 });
    if (!c.monitor) throw new Error(c.reason);
    monitor = c.monitor;
    expect(monitor.info!.meterDevice).toMatchObject({ model: 'SNPL-00112EU', app: 'PlugS', firmware: '1.0.8', generation: '2' });
    await monitor.begin('w');
    await sleep(500);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.meterDevice).toMatchObject({ model: 'SNPL-00112EU', firmware: '1.0.8' });
    expect((e.deviceState as State).series.aenergyTotalWh!.max).toBe(10.5);
  });

  it('summaries use the last reading before the window as its start, and union the flags seen', () => {
    const r = (tMs: number, mhz: number, flags: string[]) => ({ tMs, source: 'nvml', reading: { numbers: { smClockMHz: mhz }, flags: { throttleReasons: flags }, settings: { persistenceMode: 'enabled' } } });
    const s = summarizeDeviceState([r(0, 1000, []), r(900, 1500, ['gpu-idle']), r(1100, 2000, ['sw-power-cap']), r(1500, 1800, ['sw-power-cap', 'hw-slowdown']), r(5000, 500, [])], 1000, 2000)!;
    expect(s.series.smClockMHz).toEqual({ start: 1500, end: 1800, min: 1500, max: 2000, mean: (1500 + 2000 + 1800) / 3, n: 3 });
    expect(s.flagsSeen.throttleReasons).toEqual(['gpu-idle', 'hw-slowdown', 'sw-power-cap']);
    expect(summarizeDeviceState([], 0, 1)).toBeNull();
  });
});
