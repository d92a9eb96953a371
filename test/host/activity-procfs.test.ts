import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostActivityBetween, hostSnapshot } from '../../src/host/activity.js';
import { parsePidStat } from '../../src/host/procfs.js';

/**
 * Host activity read through the real /proc parsing code from a fake tree
 * (JOULEBENCH_PROCFS_ROOT, JOULEBENCH_SYSFS_ROOT), with every expected share computed by hand from
 * the tick counts written.
 */

let root: string;
const saved = { proc: process.env.JOULEBENCH_PROCFS_ROOT, sys: process.env.JOULEBENCH_SYSFS_ROOT };

/** /proc/stat with the aggregate line user nice system idle iowait irq softirq steal guest guest_nice. */
function writeStat(t: { user: number; nice?: number; system: number; idle: number; iowait?: number; steal?: number; guest?: number }): void {
  const f = [t.user, t.nice ?? 0, t.system, t.idle, t.iowait ?? 0, 0, 0, t.steal ?? 0, t.guest ?? 0, 0];
  writeFileSync(join(root, 'proc', 'stat'), `cpu  ${f.join(' ')}\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nintr 1 2 3\n`);
}

/** /proc/<pid>/stat: pid (comm) state ppid ... utime (14) stime (15) ... starttime (22). */
function writePid(pid: number, comm: string, ppid: number, utime: number, stime: number, start = 100): void {
  mkdirSync(join(root, 'proc', String(pid)), { recursive: true });
  const rest = ['S', ppid, pid, pid, 0, -1, 4194560, 0, 0, 0, 0, utime, stime, 0, 0, 20, 0, 1, 0, start, 3133440];
  writeFileSync(join(root, 'proc', String(pid), 'stat'), `${pid} (${comm}) ${rest.join(' ')}\n`);
}

function removePid(pid: number): void {
  rmSync(join(root, 'proc', String(pid)), { recursive: true, force: true });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'jb-procfs-'));
  mkdirSync(join(root, 'proc'));
  mkdirSync(join(root, 'sys'));
  process.env.JOULEBENCH_PROCFS_ROOT = join(root, 'proc');
  process.env.JOULEBENCH_SYSFS_ROOT = join(root, 'sys');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  for (const [k, v] of [['JOULEBENCH_PROCFS_ROOT', saved.proc], ['JOULEBENCH_SYSFS_ROOT', saved.sys]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('host activity from a fake /proc tree', () => {
  it('idle, steal, iowait and other-process shares of all CPUs\' time, by hand', () => {
    const self = 1000;
    writeStat({ user: 1000, system: 200, idle: 5000, iowait: 10, steal: 5, guest: 50 });
    writePid(1, 'init', 0, 10, 10);
    writePid(self, 'node', 1, 100, 20);
    writePid(self + 1, 'child worker', self, 5, 0); // our descendant: counted as ours
    writePid(2000, 'busy (a)', 1, 300, 0); // comm with a space and parentheses
    writePid(2100, 'short-lived', 1, 1, 0); // exits before the second snapshot
    const a = hostSnapshot(self);
    // Over the span: 400 ticks in all (both CPUs): user +150, system +30, idle +200, iowait +10, steal +10.
    writeStat({ user: 1150, system: 230, idle: 5200, iowait: 20, steal: 15, guest: 80 });
    writePid(self, 'node', 1, 200, 30); // +110
    writePid(self + 1, 'child worker', self, 15, 0); // +10
    writePid(2000, 'busy (a)', 1, 340, 0); // +40
    removePid(2100);
    writePid(2200, 'newcomer', 1, 6, 0); // started within the span: all 6 ticks count
    const b = hostSnapshot(self);
    const h = hostActivityBetween(a, b);
    expect(h.cpus).toBe(2);
    expect(h.idleFraction).toBeCloseTo(200 / 400, 12);
    expect(h.iowaitFraction).toBeCloseTo(10 / 400, 12);
    expect(h.stealFraction).toBeCloseTo(10 / 400, 12);
    // Ours: 110 + 10 = 120. Busy = 400 − 200 − 10 − 10 = 180 (guest is inside user: not added again).
    expect(h.selfCpuFraction).toBeCloseTo(120 / 400, 12);
    // Others: busy − ours = 60 ticks; live processes account for 40 + 6 = 46, the other 14 left no /proc entry.
    expect(h.otherProcessCpuFraction).toBeCloseTo(60 / 400, 12);
    expect(h.unattributedCpuFraction).toBeCloseTo(14 / 400, 12);
    expect(h.topOtherProcesses.map((p) => [p.pid, p.comm])).toEqual([[2000, 'busy (a)'], [2200, 'newcomer']]);
    expect(h.throttled).toBeNull(); // no thermal_throttle counters in the fake /sys
    expect(h.source).toContain(join(root, 'proc'));
  });

  it('a process is its pid and start time: a reused pid counts from zero, a kernel worker that renamed itself does not', () => {
    writeStat({ user: 0, system: 0, idle: 100 });
    writePid(10, 'node', 1, 0, 0);
    writePid(3000, 'old', 1, 500, 0, 100);
    writePid(12, 'kworker/u8:0-writeback', 2, 130, 0, 5);
    const a = hostSnapshot(10);
    writeStat({ user: 50, system: 0, idle: 150 });
    writePid(3000, 'new', 1, 20, 0, 900); // pid reused: started later
    writePid(12, 'kworker/u8:0-kvfree_rcu_reclaim', 2, 131, 0, 5); // same worker, new work item: +1
    const h = hostActivityBetween(a, hostSnapshot(10));
    expect(h.topOtherProcesses).toEqual([
      { pid: 3000, comm: 'new', cpuFraction: 20 / 100 },
      { pid: 12, comm: 'kworker/u8:0-kvfree_rcu_reclaim', cpuFraction: 1 / 100 },
    ]);
    expect(h.otherProcessCpuFraction).toBeCloseTo(50 / 100, 12);
  });

  it('thermal throttling: a rising throttle counter in the fake /sys says throttled', () => {
    const dir = join(root, 'sys', 'devices', 'system', 'cpu', 'cpu0', 'thermal_throttle');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'core_throttle_count'), '3\n');
    writeStat({ user: 0, system: 0, idle: 100 });
    writePid(10, 'node', 1, 0, 0);
    const a = hostSnapshot(10);
    expect(hostActivityBetween(a, hostSnapshot(10)).throttled).toBe(false);
    writeFileSync(join(dir, 'core_throttle_count'), '4\n');
    expect(hostActivityBetween(a, hostSnapshot(10)).throttled).toBe(true);
  });

  it('a malformed /proc/stat is a one-line error naming the file', () => {
    writeFileSync(join(root, 'proc', 'stat'), 'intr 1 2\n');
    expect(() => hostSnapshot(10)).toThrow(new RegExp(`${join(root, 'proc', 'stat')}: no aggregate 'cpu' line`));
  });

  it('pid stat parsing: comm with ") (" inside, fields counted after the last ")"', () => {
    expect(parsePidStat('42 (a) (b) S 7 42 42 0 -1 0 0 0 0 0 11 12 0 0 20 0 1 0 9 100\n')).toEqual({ pid: 42, comm: 'a) (b', ppid: 7, cpuTicks: 23, startTicks: 9 });
    expect(parsePidStat('garbage')).toBeNull();
  });
});
