import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activityChecks, adapterCheck, machineChecks, readMachine } from '../../src/doctor/checks.js';
import type { HostActivity } from '../../src/host/activity.js';

/** The doctor's checks read through the real sysfs/procfs code from fake trees. */
let root: string;
const saved = { sys: process.env.JOULEBENCH_SYSFS_ROOT, proc: process.env.JOULEBENCH_PROCFS_ROOT };

function put(rel: string, text: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${text}\n`);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'jb-doctor-'));
  mkdirSync(join(root, 'sys'));
  mkdirSync(join(root, 'proc'));
  process.env.JOULEBENCH_SYSFS_ROOT = join(root, 'sys');
  process.env.JOULEBENCH_PROCFS_ROOT = join(root, 'proc');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  for (const [k, v] of [['JOULEBENCH_SYSFS_ROOT', saved.sys], ['JOULEBENCH_PROCFS_ROOT', saved.proc]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const byId = (cs: ReturnType<typeof machineChecks>) => Object.fromEntries(cs.map((c) => [c.id, c]));

describe('doctor machine checks (fake /sys and /proc)', () => {
  it('powersave governor and boost on: two warnings with hints; ASLR and isolation reported', () => {
    for (const p of ['policy0', 'policy1']) {
      put(`sys/devices/system/cpu/cpufreq/${p}/scaling_governor`, 'powersave');
      put(`sys/devices/system/cpu/cpufreq/${p}/scaling_driver`, 'amd-pstate-epp');
    }
    put('sys/devices/system/cpu/cpufreq/boost', '1');
    put('sys/devices/system/cpu/isolated', '');
    put('proc/sys/kernel/randomize_va_space', '2');
    const c = byId(machineChecks(readMachine()));
    expect(c['cpu-governor']).toMatchObject({ status: 'warn', summary: expect.stringContaining('powersave (amd-pstate-epp)'), hint: expect.stringContaining('performance') });
    expect(c.turbo).toMatchObject({ status: 'warn', hint: expect.stringContaining('cpufreq/boost') });
    expect(c['isolated-cpus']).toMatchObject({ status: 'info', summary: expect.stringContaining('none') });
    expect(c.aslr).toMatchObject({ status: 'info', summary: expect.stringContaining('full randomization') });
  });
  it('performance governor, intel_pstate no_turbo, isolated cores: all fine', () => {
    put('sys/devices/system/cpu/cpufreq/policy0/scaling_governor', 'performance');
    put('sys/devices/system/cpu/intel_pstate/no_turbo', '1');
    put('sys/devices/system/cpu/isolated', '2-3');
    const c = byId(machineChecks(readMachine()));
    expect(c['cpu-governor']!.status).toBe('ok');
    expect(c.turbo).toMatchObject({ status: 'ok', summary: 'turbo/boost: off' });
    expect(c['isolated-cpus']).toMatchObject({ status: 'ok', summary: 'isolated CPUs: 2-3' });
  });
  it('no cpufreq (a VM): frequency scaling not visible, no governor verdict', () => {
    const c = byId(machineChecks(readMachine()));
    expect(c['cpu-frequency']).toMatchObject({ status: 'info', summary: expect.stringContaining('not visible') });
    expect(c['cpu-governor']).toBeUndefined();
  });
  it('a laptop on battery is a warning', () => {
    put('sys/class/power_supply/AC/type', 'Mains');
    put('sys/class/power_supply/AC/online', '0');
    put('sys/class/power_supply/BAT0/type', 'Battery');
    put('sys/class/power_supply/BAT0/present', '1');
    expect(byId(machineChecks(readMachine()))['power-supply']).toMatchObject({ status: 'warn', hint: 'plug in the power cable' });
  });
});

describe('doctor load checks', () => {
  const h = (o: Partial<HostActivity>): HostActivity => ({ spanS: 1, cpus: 2, idleFraction: 0.5, stealFraction: 0, iowaitFraction: 0, otherProcessCpuFraction: 0.01, throttled: null, source: 'test', topOtherProcesses: [], ...o });
  it('other processes above 5 % of the CPUs: a warning naming the busiest', () => {
    const [other] = activityChecks(h({ otherProcessCpuFraction: 0.12, topOtherProcesses: [{ pid: 7, comm: 'vitest', cpuFraction: 0.09 }] }), 'during the runs');
    expect(other).toMatchObject({ id: 'other-processes', status: 'warn', summary: 'other processes during the runs: 12.0 % of all CPUs (vitest 9.0 %)' });
  });
  it('steal, iowait and throttling', () => {
    const c = Object.fromEntries(activityChecks(h({ stealFraction: 0.04, iowaitFraction: 0.08, throttled: true }), 'x').map((x) => [x.id, x.status]));
    expect(c).toEqual({ 'other-processes': 'ok', steal: 'warn', iowait: 'warn', thermal: 'warn' });
  });
  it('a software adapter is named as CPU timings', () => {
    expect(adapterCheck({ name: 'llvmpipe (LLVM 15.0.6, 256 bits)', isSoftware: true })).toMatchObject({ status: 'warn', summary: expect.stringContaining('CPU timings, not a GPU figure') });
    expect(adapterCheck({ name: 'NVIDIA H100', isSoftware: false }).status).toBe('ok');
  });
});
