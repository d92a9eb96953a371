/**
 * `joulebench doctor [--runs N] [--seconds S] [--json]`: how noisy is this machine for
 * benchmarks? Checks what adds noise (src/doctor/checks.ts: frequency governor, turbo, other
 * processes, steal, thermal throttling, a software adapter), runs a short fixed workload N times
 * in fresh processes (src/doctor/runs.ts), and prints the run-to-run CV and the smallest slowdown
 * `joulebench ab` would call with 8, 16 and 32 rounds here (src/doctor/noise.ts). Anchors: pyperf
 * `system show` and hyperfine's warnings.
 */
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { activityChecks, adapterCheck, machineChecks, readMachine, type NoiseCheck } from '../doctor/checks.js';
import { runToRunCv, smallestDetectable, successiveLogSpread } from '../doctor/noise.js';
import { runWorkload, type WorkloadRun } from '../doctor/runs.js';
import { hostActivityBetween, tryHostSnapshot, type HostActivity } from '../host/activity.js';
import { DEFAULT_COMPARE } from '../stats/compare.js';
import { numberArg, printJson } from './common.js';

/** Rounds the report sizes `ab` for. */
export const DOCTOR_ROUNDS = [8, 16, 32] as const;
/** Power the smallest-change figures are quoted at (ab --power's default). */
export const DOCTOR_POWER = 0.9;

interface DoctorFlags {
  runs: number;
  seconds: number;
  json?: boolean;
}

/** The report `doctor --json` prints. */
export interface DoctorReport {
  checks: NoiseCheck[];
  workload: {
    command: string;
    runs: WorkloadRun[];
    priming: WorkloadRun;
    unit: 'H/s';
    values: number[];
    runToRunCv: number | null;
    roundSpreadLog: number | null;
  };
  /** Smallest relative slowdown ab calls SLOWER, per rounds; null = more than 95 % (or no runs). */
  smallestDetectable: Array<{ rounds: number; change: number | null }>;
  assumptions: { power: number; alpha: number; noiseThreshold: number; note: string };
  warnings: string[];
}

/** The run with the most other-process CPU: the worst the runs saw. */
function worstActivity(runs: WorkloadRun[]): HostActivity | null {
  const seen = runs.map((r) => r.hostActivity as HostActivity | null).filter((h): h is HostActivity => !!h);
  if (!seen.length) return null;
  const worst = seen.reduce((a, b) => ((b.otherProcessCpuFraction ?? 0) > (a.otherProcessCpuFraction ?? 0) ? b : a));
  return { ...worst, stealFraction: Math.max(...seen.map((h) => h.stealFraction)), throttled: seen.some((h) => h.throttled === true) ? true : worst.throttled };
}

/** Figures from the runs (pure). */
export function noiseFigures(values: number[]): { cv: number | null; spreadLog: number | null; detectable: DoctorReport['smallestDetectable'] } {
  if (values.length < 2) return { cv: null, spreadLog: null, detectable: DOCTOR_ROUNDS.map((rounds) => ({ rounds, change: null })) };
  const spreadLog = successiveLogSpread(values);
  const detectable = DOCTOR_ROUNDS.map((rounds) => ({
    rounds,
    change: smallestDetectable({ spreadLog, rounds, alpha: DEFAULT_COMPARE.alpha, noiseThreshold: DEFAULT_COMPARE.noiseThreshold, power: DOCTOR_POWER }),
  }));
  return { cv: runToRunCv(values), spreadLog, detectable };
}

async function collect(f: DoctorFlags, adapter: string | undefined, progress: (s: string) => void): Promise<DoctorReport> {
  const checks = machineChecks(readMachine());
  const before = tryHostSnapshot();
  await sleep(1000);
  const after = tryHostSnapshot();
  checks.push(...activityChecks(before && after ? hostActivityBetween(before, after) : null, 'in the second before the runs'));
  const command = `joulebench ${adapter !== undefined ? `--adapter ${adapter} ` : ''}hash bench --seconds ${f.seconds}`;
  progress(`running '${command}' ${f.runs + 1} times in fresh processes (the first primes caches and is not counted)`);
  const w = await runWorkload({ runs: f.runs, seconds: f.seconds, adapter, onRun: (r) => progress(r.error ? `run ${r.index}: failed: ${r.error}` : `run ${r.index}${r.index === 0 ? ' (priming)' : ''}: ${formatRate(r.value ?? 0)} in ${r.durationS.toFixed(1)} s`) });
  checks.push(...activityChecks(worstActivity(w.runs), 'during the runs (worst run)'));
  checks.push(adapterCheck(w.runs.find((r) => r.adapter)?.adapter ?? w.priming.adapter));
  const values = w.runs.map((r) => r.value).filter((v): v is number => v !== null);
  const fig = noiseFigures(values);
  const warnings: string[] = [];
  const failed = w.runs.filter((r) => r.error);
  if (failed.length) warnings.push(`${failed.length} of ${f.runs} runs failed (logs in ${w.dir})`);
  const unsteady = w.runs.filter((r) => r.steady === false).length;
  if (unsteady) warnings.push(`${unsteady} of ${f.runs} runs were still trending in their timed phase (steadyState: false)`);
  return {
    checks,
    workload: { command, runs: w.runs, priming: w.priming, unit: 'H/s', values, runToRunCv: fig.cv, roundSpreadLog: fig.spreadLog },
    smallestDetectable: fig.detectable,
    assumptions: { power: DOCTOR_POWER, alpha: DEFAULT_COMPARE.alpha, noiseThreshold: DEFAULT_COMPARE.noiseThreshold, note: 'ab/compare defaults, one gated metric, paired by round; round spread from successive runs' },
    warnings,
  };
}

const pct = (x: number | null, d = 1): string => (x === null ? '-' : `${(x * 100).toFixed(d)} %`);

/** A rate with an SI prefix and 3-4 significant digits (12.35 MH/s, 980.1 kH/s). */
export function formatRate(hps: number): string {
  const [div, prefix] = hps >= 1e9 ? [1e9, 'G'] : hps >= 1e6 ? [1e6, 'M'] : hps >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${(hps / div).toFixed(2)} ${prefix}H/s`;
}

function formatHuman(r: DoctorReport): string {
  const L: string[] = ['checks:'];
  for (const c of r.checks) {
    L.push(`  ${c.status.padEnd(5)} ${c.summary}`);
    if (c.hint && c.status === 'warn') L.push(`        hint: ${c.hint}`);
  }
  const w = r.workload;
  L.push('', `workload: ${w.command}, ${w.runs.length} runs in fresh processes`);
  L.push(`  runs: ${w.runs.map((x) => (x.value === null ? 'failed' : formatRate(x.value))).join(', ')}`);
  L.push(`  run-to-run CV ${pct(w.runToRunCv)}; spread of one ab round (successive runs, log) ${pct(w.roundSpreadLog)}`);
  L.push('', `smallest slowdown 'joulebench ab' calls SLOWER with ${r.assumptions.power * 100} % power (one-sided alpha ${r.assumptions.alpha}, noise threshold ${pct(r.assumptions.noiseThreshold)}):`);
  for (const d of r.smallestDetectable) L.push(`  ${String(d.rounds).padStart(2)} rounds: ${d.change === null ? (w.values.length < 2 ? 'unknown (fewer than 2 runs)' : 'more than 95 %') : pct(d.change)}`);
  for (const x of r.warnings) L.push(`Warning: ${x}`);
  return L.join('\n');
}

/** Register `doctor`. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('how noisy is this machine: checks what adds noise, runs a short workload in fresh processes, prints the run-to-run CV and the smallest change ab can call with 8/16/32 rounds')
    .option('--runs <n>', 'workload runs in fresh processes, after one priming run (default: 5)', numberArg('--runs', { integer: true, min: 3, max: 100 }), 5)
    .option('--seconds <S>', 'timed phase of each run, seconds (default: 3)', numberArg('--seconds', { min: 0.5, max: 600 }), 3)
    .option('--json', 'print JSON')
    .action(async (f: DoctorFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { adapter?: string };
      const r = await collect(f, g.adapter, f.json ? () => undefined : (s) => process.stderr.write(`doctor: ${s}\n`));
      if (f.json) printJson(r);
      else process.stdout.write(formatHuman(r) + '\n');
      if (r.workload.values.length < 2) process.exitCode = 1;
    });
}
