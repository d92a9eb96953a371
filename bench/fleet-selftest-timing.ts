/**
 * How long the Slurm fleet self-test takes (README "Many machines", Self-test): submit → merged
 * report, and the whole self-test, over several fresh runs; and whether any Slurm or munge process
 * outlived it. Writes bench/out/fleet-selftest.json.
 *
 *   npm run build && node --import tsx bench/fleet-selftest-timing.ts [--runs 3]
 *
 * Needs root and Debian's slurm-wlm and munge already installed (the self-test installs them on
 * its first run; that run's apt time is not a self-test figure, so install first:
 * `npm run fleet:selftest` once). Each run is `node scripts/fleet-selftest.mjs`; its own log line
 * "fleet collect exited … after N s from submit" gives submit → report. Run on a quiet machine.
 */
import { execFileSync } from 'node:child_process';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, round, spread, timedRun } from './bench-util.js';

const TAG = 'fleet-selftest-timing';

/** Slurm and munge processes alive now (pgrep by exact name). */
function slurmLeft(): string[] {
  try {
    return execFileSync('pgrep', ['-l', '-x', 'slurmctld|slurmd|slurmstepd|munged'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function main(): Promise<void> {
  const runs = Number(argValue(process.argv.slice(2), '--runs', '3'));
  try {
    execFileSync('dpkg-query', ['-W', '-f', '${Status}', 'slurm-wlm', 'munge'], { stdio: 'ignore' });
  } catch {
    throw new Error('slurm-wlm and munge are not installed: run `npm run fleet:selftest` once (it installs them), then time it');
  }
  if (slurmLeft().length) throw new Error(`Slurm/munge processes already running (${slurmLeft().join(', ')}): the timing would share the machine with them`);
  const records: Array<Record<string, unknown>> = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedRun(process.execPath, ['scripts/fleet-selftest.mjs'], { timeoutS: 600 });
    const m = /fleet collect exited (\S+) after ([\d.]+) s from submit/.exec(r.stderr + r.stdout);
    const left = slurmLeft();
    log(TAG, `run ${i + 1}: exit ${r.code}, ${r.wallS.toFixed(1)} s in all, submit → report ${m?.[2] ?? '?'} s, ${left.length} Slurm/munge process(es) left (load ${r.loadBefore.toFixed(2)})`);
    if (r.code !== 0 || !m) throw new Error(`fleet self-test run ${i + 1} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    records.push({ wallS: round(r.wallS, 2), submitToReportS: Number(m[2]), collectExit: m[1], processesLeftAfter: left, loadAverageBefore: round(r.loadBefore, 2) });
  }
  const doc = {
    ...benchOutHeader('fleet-selftest', `node --import tsx bench/fleet-selftest-timing.ts --runs ${runs}`, null),
    tasks: 2,
    runArgs: 'run --seconds 5 --watts 100',
    submitToReportS: spread(records.map((r) => r.submitToReportS as number)),
    selftestS: spread(records.map((r) => r.wallS as number)),
    processesLeftAfterAnyRun: records.reduce((a, r) => a + (r.processesLeftAfter as string[]).length, 0),
    runs: records,
  };
  log(TAG, `written ${writeBenchOut(doc)}`);
}

await main();
