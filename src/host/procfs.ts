/**
 * procfs access for host telemetry. `JOULEBENCH_PROCFS_ROOT` replaces `/proc` in every read, as
 * JOULEBENCH_SYSFS_ROOT replaces `/sys` (src/power/sysfs.ts): tests run the real parsing code on a
 * fake tree, and a container can point at a bind-mounted host /proc.
 *
 * Formats are proc(5) (man7.org/linux/man-pages/man5/proc_stat.5.html and proc_pid_stat.5.html):
 * the `cpu` line of /proc/stat holds user, nice, system, idle, iowait, irq, softirq, steal, guest
 * and guest_nice in USER_HZ ticks (guest time is already counted in user/nice, so it is left out of
 * totals); /proc/<pid>/stat holds `pid (comm) state ppid ...` with utime and stime as fields 14
 * and 15 and the start time as field 22 — comm may contain spaces and parentheses, so fields are
 * counted after the last ')'. A process is identified by pid and start time: a kernel worker's
 * comm changes with the work it runs ("kworker/u8:0-writeback", "...-kvfree_rcu_reclaim").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The directory standing in for /proc. */
export function procfsRoot(): string {
  const r = process.env.JOULEBENCH_PROCFS_ROOT;
  return r && r.trim() !== '' ? r : '/proc';
}

/** Absolute path of a procfs file given relative to /proc ("stat", "1234/stat"). */
export function procPath(rel: string): string {
  return join(procfsRoot(), rel);
}

/** Aggregate CPU time counters from the `cpu` line of /proc/stat (USER_HZ ticks). */
export interface CpuTicks {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Parse /proc/stat: the aggregate counters and the number of `cpuN` lines. Throws on a malformed file. */
export function parseProcStat(text: string): { ticks: CpuTicks; cpus: number } {
  const lines = text.split('\n');
  const agg = lines.find((l) => /^cpu\s/.test(l));
  if (!agg) throw new Error(`${procPath('stat')}: no aggregate 'cpu' line`);
  const f = agg.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x) || x < 0)) throw new Error(`${procPath('stat')}: malformed 'cpu' line '${agg.slice(0, 80)}'`);
  const at = (i: number): number => f[i] ?? 0; // fields after idle appeared in later kernels (iowait 2.5.41, steal 2.6.11)
  const ticks = { user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4), irq: at(5), softirq: at(6), steal: at(7) };
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { ticks, cpus: Math.max(1, cpus) };
}

/** Sum of the counters (all CPU time, guest excluded as it is inside user/nice). */
export function totalTicks(t: CpuTicks): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/** One process as /proc/<pid>/stat shows it. */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, USER_HZ ticks (all threads of the process). */
  cpuTicks: number;
  /** Start time after boot, USER_HZ ticks: with the pid, identifies the process. */
  startTicks: number;
}

/** Parse one /proc/<pid>/stat line; null when it is not one. */
export function parsePidStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  if (![pid, ppid, utime, stime, start].every(Number.isFinite)) return null;
  return { pid, comm: text.slice(open + 1, close), ppid, cpuTicks: utime + stime, startTicks: start };
}

/** Read /proc/stat. Throws a one-line Error when it cannot be read. */
export function readProcStat(): { ticks: CpuTicks; cpus: number } {
  let text: string;
  try {
    text = readFileSync(procPath('stat'), 'utf8');
  } catch (err) {
    throw new Error(`${procPath('stat')}: ${(err as Error).message}`);
  }
  return parseProcStat(text);
}

/** Every process readable under /proc (a process that exits mid-scan is skipped). */
export function readAllPidStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  let names: string[] = [];
  try {
    names = readdirSync(procfsRoot());
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const p = parsePidStat(readFileSync(procPath(`${name}/stat`), 'utf8'));
      if (p) out.set(p.pid, p);
    } catch {
      /* exited between readdir and read */
    }
  }
  return out;
}
