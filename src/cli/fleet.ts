/**
 * `joulebench fleet submit|status|collect`: benchmark every GPU of a Slurm cluster as one job array
 * (deploy/slurm/joulebench.sbatch, one task per GPU) and merge the results (issue 15).
 *
 * Exit codes: submit 0 accepted, 1 sbatch failed; status 0 no failed task (1 when one failed, or
 * when --timeout passed with tasks still running); collect 0 every task produced a valid complete
 * result, 1 otherwise (the report of the others is written all the same); 2 bad input.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CAMPAIGNS_DIR, latestCampaignDir, newCampaignDir, readManifest, type Manifest } from '../fleet/manifest.js';
import { submitCampaign } from '../fleet/submit.js';
import { waitForCampaign, writeFleetReport, type FleetStatus } from '../fleet/collect.js';
import { validTimeLimit } from '../fleet/submit.js';
import { UsageError } from '../util/errors.js';
import { numberArg, printJson } from './common.js';
import { parseRunArgs } from './run.js';

interface SubmitFlags {
  tasks: number;
  partition?: string;
  gpusPerTask?: number;
  time?: string;
  campaign?: string;
  sbatchArg: string[];
  script?: string;
  json?: boolean;
}

interface WaitFlags {
  campaign?: string;
  timeout: number;
  poll: number;
  json?: boolean;
}

/** Longest wait accepted, s (a week: queues on busy clusters are long, but never unbounded). */
const MAX_WAIT_S = 7 * 24 * 3600;

function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

function campaignDir(flag: string | undefined): string {
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--campaign: empty path; pass the campaign directory');
  return flag ?? latestCampaignDir(DEFAULT_CAMPAIGNS_DIR);
}

/** Human status lines (tasks table, failed tasks with node, exit code and last stderr line). */
export function formatStatus(m: Manifest, s: FleetStatus): string {
  const out: string[] = [];
  out.push(`campaign ${rel(s.dir)}`);
  out.push(`job ${m.jobId}${m.cluster ? ` on ${m.cluster}` : ''} · ${m.tasks} task${m.tasks === 1 ? '' : 's'} · submitted ${m.submittedAt.slice(0, 19).replace('T', ' ')}Z${m.git.sha ? ` · commit ${m.git.sha.slice(0, 7)}${m.git.dirty ? ' (dirty)' : ''}` : ''} · run ${m.runArgs.join(' ') || '(defaults)'}`);
  const c = s.counts;
  out.push(`tasks: ${c.ok} ok, ${c.failed} failed, ${c.running} running, ${c.pending} pending${c.unknown ? `, ${c.unknown} unknown` : ''}${s.sched.error ? `  (scheduler: ${s.sched.error})` : ''}`);
  const w = Math.max(4, ...s.tasks.map((t) => t.task.length));
  const nw = Math.max(4, ...s.tasks.map((t) => (t.node ?? '?').length));
  out.push(`  ${'task'.padEnd(w)}  ${'state'.padEnd(8)}  ${'node'.padEnd(nw)}  ${'exit'.padStart(4)}  detail`);
  for (const t of s.tasks) {
    const detail = t.state === 'ok' ? rel(t.result ?? '') : [t.problem, t.state === 'failed' || t.state === 'unknown' ? (t.lastStderr ? `last stderr: ${t.lastStderr}` : 'no stderr output') : null].filter(Boolean).join(' | ');
    out.push(`  ${t.task.padEnd(w)}  ${(t.state === 'failed' ? 'FAILED' : t.state).padEnd(8)}  ${(t.node ?? '?').padEnd(nw)}  ${(t.exitCode === null ? '—' : String(t.exitCode)).padStart(4)}  ${detail}`);
  }
  if (s.timedOut) out.push(`stopped waiting after ${Math.round(s.waitedS)} s with ${c.running + c.pending + c.unknown} task(s) not ended (raise --timeout, or run 'fleet collect' again later)`);
  return out.join('\n') + '\n';
}

function addWaitOptions(cmd: Command, defaultTimeoutS: number): Command {
  return cmd
    .option('--campaign <dir>', `campaign directory (default: the latest under ./${DEFAULT_CAMPAIGNS_DIR}/)`)
    .option('--timeout <s>', `wait at most this long for the tasks to end, seconds (0 = look once; default ${defaultTimeoutS})`, numberArg('--timeout', { min: 0, max: MAX_WAIT_S }), defaultTimeoutS)
    .option('--poll <s>', 'seconds between scheduler queries while waiting', numberArg('--poll', { min: 0.1, max: 600 }), 10)
    .option('--json', 'print the status as JSON (only JSON on stdout)');
}

async function statusOrCollect(flags: WaitFlags, collect: boolean): Promise<number> {
  const dir = campaignDir(flags.campaign);
  const manifest = readManifest(dir);
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const { status, loaded } = await waitForCampaign(dir, manifest, { timeoutS: flags.timeout, pollS: flags.poll, log });
  const paths = collect ? writeFleetReport(dir, manifest, status, loaded) : null;
  if (flags.json) printJson({ status, ...(paths ? { report: paths } : {}) });
  else {
    process.stdout.write(formatStatus(manifest, status));
    if (paths) process.stdout.write(`merged ${loaded.length} of ${manifest.tasks} result${manifest.tasks === 1 ? '' : 's'}\nmarkdown: ${rel(paths.markdown)}\nreport: ${rel(paths.html)}\n`);
  }
  if (status.counts.failed) process.stderr.write(`joulebench: ${status.counts.failed} task(s) failed (see above${paths ? ' and the report' : ''})\n`);
  if (collect) return status.finished && status.counts.ok === manifest.tasks ? 0 : 1;
  return status.counts.failed > 0 || status.timedOut ? 1 : 0;
}

/** Register `fleet` and its subcommands. */
export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('benchmark every GPU of a Slurm cluster as one job array, and merge the results');
  fleet
    .command('submit')
    .description("submit a Slurm job array of 'joulebench run' (one task per GPU) and write the campaign manifest")
    .usage('--tasks N [options] -- [run arguments]')
    .requiredOption('--tasks <N>', 'array size: one task per GPU to benchmark', numberArg('--tasks', { min: 1, max: 100_000, integer: true }))
    .option('--partition <P>', 'Slurm partition (default: the cluster default)')
    .option('--gpus-per-task <G>', 'GPUs per task (1 on GPU clusters; leave out on CPU nodes)', numberArg('--gpus-per-task', { min: 1, max: 64, integer: true }))
    .option('--time <limit>', "Slurm time limit per task ('30' minutes, '1:00:00', '1-00:00:00')")
    .option('--campaign <dir>', `campaign directory, on a filesystem every node sees (default: ./${DEFAULT_CAMPAIGNS_DIR}/<UTC time>)`)
    .option('--sbatch-arg <option>', 'extra sbatch option, repeatable (e.g. --sbatch-arg=--account=lab)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--script <file>', 'batch script (default: deploy/slurm/joulebench.sbatch of this install)')
    .option('--json', 'print the manifest as JSON (only JSON on stdout)')
    .argument('[run-args...]', "arguments for 'joulebench run' on every task, after '--'")
    .action(async (runArgs: string[], f: SubmitFlags) => {
      if (f.partition !== undefined && !/^[\w.,-]+$/.test(f.partition)) throw new UsageError(`--partition '${f.partition}': a Slurm partition name (letters, digits, _ . - and commas)`);
      if (f.time !== undefined && !validTimeLimit(f.time)) throw new UsageError(`--time '${f.time}': use minutes, MM:SS, HH:MM:SS or D-HH:MM:SS (sbatch --time)`);
      if (f.campaign !== undefined && f.campaign.trim() === '') throw new UsageError('--campaign: empty path; pass a new directory');
      const { dir, manifest } = await submitCampaign({
        tasks: f.tasks,
        ...(f.partition !== undefined ? { partition: f.partition } : {}),
        ...(f.gpusPerTask !== undefined ? { gpusPerTask: f.gpusPerTask } : {}),
        ...(f.time !== undefined ? { time: f.time } : {}),
        ...(f.script !== undefined ? { script: f.script } : {}),
        campaign: f.campaign ?? newCampaignDir(DEFAULT_CAMPAIGNS_DIR),
        sbatchArgs: f.sbatchArg,
        runArgs,
        parseRunArgs,
      });
      if (f.json) printJson(manifest);
      else {
        const d = rel(dir);
        process.stdout.write(
          `submitted job ${manifest.jobId}${manifest.cluster ? ` on ${manifest.cluster}` : ''}: ${manifest.tasks} task${manifest.tasks === 1 ? '' : 's'} of 'joulebench run ${runArgs.join(' ')}'\n` +
            `campaign: ${d}\nwatch:    joulebench fleet status --campaign ${d}\ncollect:  joulebench fleet collect --campaign ${d}\n`,
        );
      }
    });
  addWaitOptions(fleet.command('status').description('show each task of a campaign (waits only with --timeout)'), 0).action(async (f: WaitFlags) => {
    process.exitCode = await statusOrCollect(f, false);
  });
  addWaitOptions(fleet.command('collect').description('wait (bounded) for a campaign, report failed tasks and write the merged report'), 3600).action(async (f: WaitFlags) => {
    process.exitCode = await statusOrCollect(f, true);
  });
}
