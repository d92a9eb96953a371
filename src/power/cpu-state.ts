/**
 * CPU power-management state from sysfs for CPU runs (RAPL, or any meter when the work runs on
 * the CPU): the cpufreq governor and driver, the current frequency across policies, and whether
 * boost/turbo is allowed (Linux Documentation/admin-guide/pm/cpufreq.rst: policyN/scaling_governor,
 * scaling_cur_freq in kHz, cpufreq/boost; intel_pstate.rst: intel_pstate/no_turbo).
 * Reads go through src/power/sysfs.ts, so JOULEBENCH_SYSFS_ROOT reroots them for tests.
 */
import type { DeviceStateReading } from './device-state.js';
import { listSysDir, readSysNumber, readSysText, sysExists } from './sysfs.js';

function tryText(rel: string): string | null {
  try {
    return readSysText(rel);
  } catch {
    return null;
  }
}

function tryNumber(rel: string): number | null {
  try {
    return readSysNumber(rel);
  } catch {
    return null;
  }
}

/** cpufreq policy directories (policy0, policy1, ...), [] without cpufreq. */
export function cpufreqPolicies(): string[] {
  return listSysDir('devices/system/cpu/cpufreq').filter((d) => /^policy\d+$/.test(d));
}

/** Boost/turbo allowed? From cpufreq/boost (acpi-cpufreq, amd-pstate) or intel_pstate/no_turbo; null when neither exists. */
export function cpuBoostState(): 'on' | 'off' | null {
  const boost = tryNumber('devices/system/cpu/cpufreq/boost');
  if (boost !== null) return boost ? 'on' : 'off';
  const noTurbo = tryNumber('devices/system/cpu/intel_pstate/no_turbo');
  if (noTurbo !== null) return noTurbo ? 'off' : 'on';
  return null;
}

/** One reading of the CPU's frequency-scaling state; empty when sysfs has no cpufreq. */
export function readCpuState(): DeviceStateReading {
  const policies = cpufreqPolicies();
  if (!policies.length && !sysExists('devices/system/cpu/cpufreq')) return {};
  const governors = new Set<string>();
  const drivers = new Set<string>();
  const freqsMHz: number[] = [];
  for (const p of policies) {
    const base = `devices/system/cpu/cpufreq/${p}`;
    const g = tryText(`${base}/scaling_governor`);
    if (g) governors.add(g);
    const d = tryText(`${base}/scaling_driver`);
    if (d) drivers.add(d);
    const f = tryNumber(`${base}/scaling_cur_freq`);
    if (f !== null) freqsMHz.push(f / 1000);
  }
  const mean = freqsMHz.length ? freqsMHz.reduce((a, b) => a + b, 0) / freqsMHz.length : null;
  return {
    numbers: { cpuFreqMeanMHz: mean, cpuFreqMaxMHz: freqsMHz.length ? Math.max(...freqsMHz) : null },
    settings: {
      cpuGovernor: governors.size ? [...governors].sort().join(',') : null,
      cpufreqDriver: drivers.size ? [...drivers].sort().join(',') : null,
      cpuBoost: cpuBoostState(),
    },
  };
}
