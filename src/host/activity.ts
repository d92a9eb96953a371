/**
 * What the host machine did during a measured phase: idle, steal and iowait shares of all CPUs'
 * time (/proc/stat), the CPU time of processes other than ours (every /proc/<pid>/stat), and
 * whether the CPU reported thermal throttling (Linux x86 `thermal_throttle/*_throttle_count`,
 * Documentation/ABI/testing/sysfs-devices-system-cpu). A slow run then explains itself: a
 * machine idle for a third of the run was starved by the harness; busy with another process, it
 * was contended; stolen by the hypervisor, it was the VM.
 *
 * Snapshots are I/O (src/host/procfs.ts, JOULEBENCH_PROCFS_ROOT reroots /proc); the difference of
 * two snapshots is pure. The shape is the shared `hostActivity` contract of result files.
 */
import { listSysDir, readSysNumber } from '../power/sysfs.js';
import { procfsRoot, readAllPidStats, readProcStat, totalTicks, type CpuTicks, type ProcStat } from './procfs.js';

/** One reading of the host's counters. */
export interface HostSnapshot {
  atMs: number;
  cpus: number;
  ticks: CpuTicks;
  procs: Map<number, ProcStat>;
  /** Sum of the CPUs' thermal-throttle event counters, or null where none is visible. */
  throttleEvents: number | null;
  selfPid: number;
}

/** Host activity over a span (the `hostActivity` field of a measurement). */
export type HostActivity = {
  spanS: number;
  cpus: number;
  /** Shares of all CPUs' time over the span. */
  idleFraction: number;
  stealFraction: number;
  iowaitFraction: number;
  /**
   * CPU time not spent by this process and its descendants (busy time of all CPUs, from /proc/stat,
   * minus ours, from /proc/<pid>/stat), as a share of all CPUs' time: other processes, including
   * those that exited within the span (their time is in no /proc/<pid> left), and interrupt
   * handling. Null when /proc/<pid> could not be read.
   */
  otherProcessCpuFraction: number | null;
  /** Of that, the share no live process accounts for (processes that exited within the span, interrupts). */
  unattributedCpuFraction: number | null;
  /** CPU time of this process and its descendants, same basis. */
  selfCpuFraction: number | null;
  /** The busiest other processes over the span (at most 3), largest first. */
  topOtherProcesses: Array<{ pid: number; comm: string; cpuFraction: number }>;
  /** Thermal throttling seen during the span; null where the counters are not visible. */
  throttled: boolean | null;
  /** What was read. */
  source: string;
};

/** Sum the CPUs' core and package thermal-throttle counters (sysfs), or null where none exist. */
export function readThrottleEvents(): number | null {
  let total: number | null = null;
  for (const cpu of listSysDir('devices/system/cpu').filter((d) => /^cpu\d+$/.test(d))) {
    for (const f of ['core_throttle_count', 'package_throttle_count']) {
      try {
        total = (total ?? 0) + readSysNumber(`devices/system/cpu/${cpu}/thermal_throttle/${f}`);
      } catch {
        /* not on this CPU/kernel */
      }
    }
  }
  return total;
}

/** Read the host's counters now. Throws when /proc/stat cannot be read. */
export function hostSnapshot(selfPid = process.pid): HostSnapshot {
  const { ticks, cpus } = readProcStat();
  return { atMs: performance.now(), cpus, ticks, procs: readAllPidStats(), throttleEvents: readThrottleEvents(), selfPid };
}

/** Like hostSnapshot, but null (never a throw) where /proc is not Linux's. */
export function tryHostSnapshot(selfPid = process.pid): HostSnapshot | null {
  try {
    return hostSnapshot(selfPid);
  } catch {
    return null;
  }
}

/** Pids of `root` and its descendants in a process table. */
export function processTree(procs: Map<number, ProcStat>, root: number): Set<number> {
  const tree = new Set<number>([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs.values()) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** CPU ticks each process used between two tables (a process new in `b` counts all its ticks). */
function perProcessTicks(a: Map<number, ProcStat>, b: Map<number, ProcStat>): Array<{ p: ProcStat; ticks: number }> {
  const out: Array<{ p: ProcStat; ticks: number }> = [];
  for (const p of b.values()) {
    const before = a.get(p.pid);
    // Same pid and start time: the same process (a reused pid has a later start time).
    const base = before && before.startTicks === p.startTicks ? before.cpuTicks : 0;
    out.push({ p, ticks: p.cpuTicks - base });
  }
  return out;
}

/** Host activity between two snapshots (pure). */
export function hostActivityBetween(a: HostSnapshot, b: HostSnapshot): HostActivity {
  const d = (k: keyof CpuTicks): number => Math.max(0, b.ticks[k] - a.ticks[k]);
  const all = Math.max(0, totalTicks(b.ticks) - totalTicks(a.ticks));
  const share = (x: number): number => (all > 0 ? x / all : 0);
  const havePids = a.procs.size > 0 && b.procs.size > 0;
  const tree = new Set([...processTree(a.procs, a.selfPid), ...processTree(b.procs, b.selfPid)]);
  const per = havePids ? perProcessTicks(a.procs, b.procs) : [];
  const others = per.filter((x) => !tree.has(x.p.pid) && x.ticks > 0).sort((x, y) => y.ticks - x.ticks);
  const liveOtherTicks = others.reduce((s, x) => s + x.ticks, 0);
  const selfTicks = per.filter((x) => tree.has(x.p.pid)).reduce((s, x) => s + x.ticks, 0);
  const busyTicks = Math.max(0, all - d('idle') - d('iowait') - d('steal'));
  // Ticks are sampled per CPU and per process separately: clamp the residuals at 0.
  const otherTicks = Math.max(liveOtherTicks, busyTicks - selfTicks);
  const throttled = a.throttleEvents === null || b.throttleEvents === null ? null : b.throttleEvents > a.throttleEvents;
  const root = procfsRoot();
  return {
    spanS: (b.atMs - a.atMs) / 1000,
    cpus: b.cpus,
    idleFraction: share(d('idle')),
    stealFraction: share(d('steal')),
    iowaitFraction: share(d('iowait')),
    otherProcessCpuFraction: havePids ? share(otherTicks) : null,
    unattributedCpuFraction: havePids ? share(otherTicks - liveOtherTicks) : null,
    selfCpuFraction: havePids ? share(selfTicks) : null,
    topOtherProcesses: others.slice(0, 3).map((x) => ({ pid: x.p.pid, comm: x.p.comm, cpuFraction: share(x.ticks) })),
    throttled,
    source: `${root}/stat, ${root}/<pid>/stat (${b.procs.size} processes)${throttled === null ? '; no thermal_throttle counters visible' : '; sysfs thermal_throttle counters'}`,
  };
}
