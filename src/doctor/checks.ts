/**
 * What adds noise to benchmarks on this machine: settings read from /sys and /proc, and load seen
 * while the machine was measured. Anchors: pyperf's `system show` (CPU scaling governor, turbo
 * boost, isolated CPUs, ASLR, power supply; https://pyperf.readthedocs.io/en/latest/system.html)
 * and hyperfine's warnings (each with a hint saying what to do). Readers go through
 * src/power/sysfs.ts and src/host/procfs.ts, so JOULEBENCH_SYSFS_ROOT / JOULEBENCH_PROCFS_ROOT
 * reroot them for tests; the judgements are pure functions of the readings.
 */
import { readFileSync } from 'node:fs';
import { cpuBoostState, cpufreqPolicies } from '../power/cpu-state.js';
import { listSysDir, readSysText, sysExists } from '../power/sysfs.js';
import { procPath } from '../host/procfs.js';
import type { HostActivity } from '../host/activity.js';

/** One finding. */
export interface NoiseCheck {
  id: string;
  /** 'warn': adds noise, with a hint; 'ok': checked and fine; 'info': worth knowing, not judged. */
  status: 'ok' | 'warn' | 'info';
  summary: string;
  hint?: string;
}

/** Machine settings as read. */
export interface MachineReadings {
  governors: string[];
  cpufreqDriver: string | null;
  cpufreqVisible: boolean;
  boost: 'on' | 'off' | null;
  /** /sys/devices/system/cpu/isolated ('' = none), null when absent. */
  isolatedCpus: string | null;
  /** /proc/sys/kernel/randomize_va_space, null when absent. */
  aslr: number | null;
  /** A mains supply reported offline while a battery is present; null when no supply is reported. */
  onBattery: boolean | null;
}

/** Shares above these are reported as noise. */
export const OTHER_CPU_WARN = 0.05;
export const STEAL_WARN = 0.02;
export const IOWAIT_WARN = 0.05;

function tryText(rel: string): string | null {
  try {
    return readSysText(rel);
  } catch {
    return null;
  }
}

/** Read the settings (no judgement). */
export function readMachine(): MachineReadings {
  const policies = cpufreqPolicies();
  const governors = [...new Set(policies.map((p) => tryText(`devices/system/cpu/cpufreq/${p}/scaling_governor`)).filter((g): g is string => !!g))].sort();
  const drivers = [...new Set(policies.map((p) => tryText(`devices/system/cpu/cpufreq/${p}/scaling_driver`)).filter((d): d is string => !!d))];
  let aslr: number | null = null;
  try {
    aslr = Number(readFileSync(procPath('sys/kernel/randomize_va_space'), 'utf8').trim());
  } catch {
    /* not Linux */
  }
  let mainsOffline = false;
  let battery = false;
  let anySupply = false;
  for (const s of listSysDir('class/power_supply')) {
    anySupply = true;
    const type = tryText(`class/power_supply/${s}/type`);
    if (type === 'Battery' && tryText(`class/power_supply/${s}/present`) !== '0') battery = true;
    if (type === 'Mains' && tryText(`class/power_supply/${s}/online`) === '0') mainsOffline = true;
  }
  return {
    governors,
    cpufreqDriver: drivers.length ? drivers.join(',') : null,
    cpufreqVisible: policies.length > 0 || sysExists('devices/system/cpu/cpufreq/boost'),
    boost: cpuBoostState(),
    isolatedCpus: tryText('devices/system/cpu/isolated'),
    aslr: Number.isFinite(aslr) ? aslr : null,
    onBattery: anySupply ? battery && mainsOffline : null,
  };
}

/** Judge the settings. */
export function machineChecks(r: MachineReadings): NoiseCheck[] {
  const out: NoiseCheck[] = [];
  if (!r.cpufreqVisible) {
    out.push({ id: 'cpu-frequency', status: 'info', summary: 'CPU frequency scaling: not visible (no cpufreq in /sys; a VM or container: the host decides clocks)' });
  } else if (r.governors.length && r.governors.every((g) => g === 'performance')) {
    out.push({ id: 'cpu-governor', status: 'ok', summary: `CPU frequency governor: performance${r.cpufreqDriver ? ` (${r.cpufreqDriver})` : ''}` });
  } else if (r.governors.length) {
    out.push({ id: 'cpu-governor', status: 'warn', summary: `CPU frequency governor: ${r.governors.join(', ')}${r.cpufreqDriver ? ` (${r.cpufreqDriver})` : ''}: clocks follow load, so runs start at different speeds`, hint: "set 'performance' for benchmarks: 'cpupower frequency-set -g performance' (or 'pyperf system tune')" });
  }
  if (r.boost === 'on') out.push({ id: 'turbo', status: 'warn', summary: 'turbo/boost: on: the clock depends on temperature and on how many cores are busy', hint: "for steadier runs disable it: 'echo 0 > /sys/devices/system/cpu/cpufreq/boost' (intel_pstate: 'echo 1 > /sys/devices/system/cpu/intel_pstate/no_turbo'); publish figures with the setting you used" });
  else if (r.boost === 'off') out.push({ id: 'turbo', status: 'ok', summary: 'turbo/boost: off' });
  if (r.isolatedCpus !== null) {
    out.push(r.isolatedCpus === '' ? { id: 'isolated-cpus', status: 'info', summary: 'isolated CPUs: none (the scheduler may run anything beside the benchmark)', hint: 'isolcpus=/nohz_full= on the kernel command line keep other work off chosen cores' } : { id: 'isolated-cpus', status: 'ok', summary: `isolated CPUs: ${r.isolatedCpus}` });
  }
  if (r.aslr !== null) out.push({ id: 'aslr', status: 'info', summary: `ASLR: ${r.aslr === 2 ? 'full randomization' : r.aslr === 0 ? 'disabled' : `level ${r.aslr}`} (varies memory layout between runs; fresh processes average over it)` });
  if (r.onBattery) out.push({ id: 'power-supply', status: 'warn', summary: 'power supply: on battery: clocks and power limits differ from mains', hint: 'plug in the power cable' });
  return out;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Judge the load seen over a span (`what`: "in the 1 s before the runs", "during the runs"). */
export function activityChecks(h: HostActivity | null, what: string): NoiseCheck[] {
  if (!h) return [{ id: 'host-load', status: 'info', summary: `host load ${what}: not readable (no Linux /proc)` }];
  const out: NoiseCheck[] = [];
  const other = h.otherProcessCpuFraction;
  if (other !== null) {
    const top = (h.topOtherProcesses as Array<{ comm: string; cpuFraction: number }> | undefined)?.filter((p) => p.cpuFraction >= 0.005).map((p) => `${p.comm} ${pct(p.cpuFraction)}`) ?? [];
    out.push(other > OTHER_CPU_WARN
      ? { id: 'other-processes', status: 'warn', summary: `other processes ${what}: ${pct(other)} of all CPUs${top.length ? ` (${top.join(', ')})` : ''}`, hint: 'stop them, or measure when the machine is quiet; compare only runs made side by side' }
      : { id: 'other-processes', status: 'ok', summary: `other processes ${what}: ${pct(other)} of all CPUs` });
  }
  out.push(h.stealFraction > STEAL_WARN
    ? { id: 'steal', status: 'warn', summary: `CPU steal ${what}: ${pct(h.stealFraction)} (the hypervisor ran other guests on these CPUs)`, hint: 'a VM shares its host: use dedicated cores or bare metal for publishable figures' }
    : { id: 'steal', status: 'ok', summary: `CPU steal ${what}: ${pct(h.stealFraction)}` });
  if (h.iowaitFraction > IOWAIT_WARN) out.push({ id: 'iowait', status: 'warn', summary: `I/O wait ${what}: ${pct(h.iowaitFraction)}`, hint: 'something is waiting on the disk: look for swapping or heavy writes' });
  if (h.throttled === true) out.push({ id: 'thermal', status: 'warn', summary: `thermal throttling ${what}: the CPU's throttle counters rose`, hint: 'improve cooling or let the machine cool down between runs' });
  else if (h.throttled === false) out.push({ id: 'thermal', status: 'ok', summary: `thermal throttling ${what}: none` });
  return out;
}

/** The adapter the workload ran on. */
export function adapterCheck(a: { name: string; isSoftware: boolean } | null): NoiseCheck {
  if (!a) return { id: 'adapter', status: 'info', summary: 'adapter: unknown (no run completed)' };
  return a.isSoftware
    ? { id: 'adapter', status: 'warn', summary: `software adapter (${a.name}): the workload runs on the CPU, so CPU load, clocks and the number of cores decide its speed; CPU timings, not a GPU figure`, hint: 'install the GPU vendor driver; on a CPU-only machine compare only runs made side by side' }
    : { id: 'adapter', status: 'ok', summary: `adapter: ${a.name}` };
}
