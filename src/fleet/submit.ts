/**
 * `fleet submit`: check the run arguments before any node spends time on them, build the sbatch
 * command (a job array, one task per GPU), submit it, and write the campaign manifest once sbatch
 * has accepted the job. Nothing is left behind when sbatch refuses.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { gitState } from '../host/environment.js';
import { packageRoot, toolVersion } from '../util/package.js';
import { UsageError } from '../util/errors.js';
import { checkRunOptions, type RunCheckInput } from '../run/checks.js';
import { campaignPaths, type Manifest, writeManifest, MANIFEST_FILE } from './manifest.js';
import { lastLine, parseSbatchParsable, runTool } from './slurm.js';

/** Bound on one sbatch call, ms. */
export const SBATCH_TIMEOUT_MS = 60_000;

/** What `fleet submit` was asked. */
export interface SubmitOptions {
  tasks: number;
  partition?: string;
  gpusPerTask?: number;
  /** Slurm time limit per task ("30", "1:00:00", "1-00:00:00"). */
  time?: string;
  campaign: string;
  /** Extra sbatch options, passed through as given ("--account=lab"). */
  sbatchArgs?: string[];
  /** Batch script (default: deploy/slurm/joulebench.sbatch of this install). */
  script?: string;
  runArgs: string[];
  /**
   * `joulebench run`'s own argument parser (src/cli/run.ts parseRunArgs, passed in by the CLI:
   * nothing below src/cli imports it), so unknown flags and bad values are found as run finds them.
   */
  parseRunArgs: RunArgsParser;
}

/** Parses `joulebench run` arguments into its options without running anything; UsageError on bad input. */
export type RunArgsParser = (args: readonly string[]) => Promise<RunCheckInput>;

/** Options of sbatch that the campaign layout owns (a passthrough copy would break it). */
const OWNED = [/^--array(=|$)/, /^-a/, /^--output(=|$)/, /^-o/, /^--error(=|$)/, /^-e/, /^--parsable$/, /^--export(=|$)/, /^--chdir(=|$)/, /^-D/, /^--wrap(=|$)/];

/** Run flags the batch script sets per task. */
const RUN_OWNED = ['--out', '--json'];

/**
 * Check `joulebench run` arguments before any node spends time on them: run's own parser (unknown
 * flags, bad numbers), then the very checks `run` makes before any work (src/run/checks.ts:
 * contradicting meter flags, --meter-scope, --ep, --kernel/--wg/--npi, --min-seconds, that --model
 * names a preset or an existing file, the --site file). Relative paths are resolved from here, the
 * submit directory, where the tasks start. Throws a one-line UsageError naming the flag.
 */
export async function validateRunArgs(args: readonly string[], parse: RunArgsParser): Promise<void> {
  for (const a of args) {
    const flag = a.split('=')[0]!;
    if (RUN_OWNED.includes(flag)) throw new UsageError(`run argument ${flag}: the batch script sets it per task (results/task-<i>.json); remove it`);
  }
  let opts: RunCheckInput;
  try {
    opts = await parse(args);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`run argument: ${e.message} (the arguments after '--' go to 'joulebench run')`);
    throw e;
  }
  try {
    checkRunOptions(opts);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const site = /^(?:--site \S+|site file \S+): (.*)$/.exec(e.message);
    if (site) throw new UsageError(`run argument --site: ${site[1]} (tasks read it from the submit directory)`);
    throw new UsageError(`run argument: ${e.message}${/^--model /.test(e.message) ? ' (tasks resolve it from the submit directory)' : ''}`);
  }
}

/** Check sbatch passthrough options. */
export function validateSbatchArgs(args: readonly string[]): void {
  for (const a of args) {
    if (!a.startsWith('-')) throw new UsageError(`--sbatch-arg '${a}': pass a whole sbatch option, e.g. --sbatch-arg=--account=lab`);
    if (OWNED.some((re) => re.test(a))) throw new UsageError(`--sbatch-arg '${a}': fleet submit sets that option itself (array, output files, environment); remove it`);
  }
}

/** Slurm time limit formats (sbatch --time): minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
export function validTimeLimit(s: string): boolean {
  return /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i.test(s);
}

/** The sbatch command line for a campaign (without the script's environment). */
export function sbatchArgv(o: SubmitOptions, dir: string, script: string): string[] {
  const logs = campaignPaths(dir).logs.replace(/%/g, '%%'); // sbatch filename patterns: %% is a literal %
  const argv = [
    '--parsable',
    `--array=0-${o.tasks - 1}`,
    '--job-name=joulebench',
    '--ntasks=1',
    `--output=${logs}/%A_%a.out`,
    `--error=${logs}/%A_%a.err`,
  ];
  if (o.partition !== undefined) argv.push(`--partition=${o.partition}`);
  if (o.gpusPerTask !== undefined) argv.push(`--gpus-per-task=${o.gpusPerTask}`);
  if (o.time !== undefined) argv.push(`--time=${o.time}`);
  argv.push(...(o.sbatchArgs ?? []), script, ...o.runArgs);
  return argv;
}

/** Default batch script of this install. */
export function defaultBatchScript(): string {
  return join(packageRoot(), 'deploy', 'slurm', 'joulebench.sbatch');
}

function prepareDir(dir: string): string[] {
  const created: string[] = [];
  if (existsSync(join(dir, MANIFEST_FILE))) throw new UsageError(`--campaign ${dir}: already holds a campaign (${MANIFEST_FILE}); choose a new directory`);
  const p = campaignPaths(dir);
  for (const d of [p.results, p.tasks]) {
    if (existsSync(d) && readdirSync(d).length) throw new UsageError(`--campaign ${dir}: ${d} is not empty; choose a new directory`);
  }
  for (const d of [dir, p.results, p.tasks, p.logs]) {
    if (!existsSync(d)) {
      mkdirSync(d, { recursive: true });
      created.push(d);
    }
  }
  return created;
}

function removeEmpty(dirs: string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty or gone: leave it */
    }
  }
}

/** Submit a campaign; returns its directory and manifest. Bad input → UsageError; sbatch failure → Error. */
export async function submitCampaign(o: SubmitOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; manifest: Manifest }> {
  await validateRunArgs(o.runArgs, o.parseRunArgs);
  validateSbatchArgs(o.sbatchArgs ?? []);
  const script = resolve(o.script ?? defaultBatchScript());
  if (!existsSync(script)) throw new UsageError(`--script ${script}: no such batch script`);
  const launcher = { node: env.JOULEBENCH_NODE ?? process.execPath, main: env.JOULEBENCH_MAIN ?? join(packageRoot(), 'dist', 'src', 'cli', 'main.js') };
  if (!existsSync(launcher.main)) throw new Error(`joulebench is not built (${launcher.main} missing): run 'npm run build' first`);
  const dir = resolve(o.campaign);
  const created = prepareDir(dir);
  const argv = sbatchArgv(o, dir, script);
  const childEnv = { ...env, JOULEBENCH_CAMPAIGN: dir, JOULEBENCH_NODE: launcher.node, JOULEBENCH_MAIN: launcher.main };
  const r = await runTool('sbatch', argv, { timeoutMs: SBATCH_TIMEOUT_MS, env: childEnv });
  const parsed = r.code === 0 ? parseSbatchParsable(r.stdout) : null;
  if (!parsed) {
    removeEmpty(created);
    if (r.failure === 'missing') throw new Error("sbatch not found: run 'fleet submit' on a Slurm login node (or put Slurm's client commands on PATH)");
    if (r.failure === 'timeout') throw new Error(`sbatch did not answer within ${SBATCH_TIMEOUT_MS / 1000} s (is slurmctld up? 'scontrol ping')`);
    throw new Error(`sbatch refused the job (exit ${r.code}): ${lastLine(r.stderr) ?? lastLine(r.stdout) ?? 'no message'}`);
  }
  const manifest: Manifest = {
    kind: 'joulebench-fleet-campaign',
    version: 1,
    dir,
    submittedAt: new Date().toISOString(),
    submitHost: os.hostname(),
    user: env.USER ?? env.LOGNAME ?? null,
    tool: { name: 'joulebench', version: toolVersion() },
    git: gitState(),
    jobId: parsed.jobId,
    cluster: parsed.cluster,
    tasks: o.tasks,
    partition: o.partition ?? null,
    gpusPerTask: o.gpusPerTask ?? null,
    timeLimit: o.time ?? null,
    runArgs: o.runArgs,
    sbatchArgv: ['sbatch', ...argv],
    batchScript: script,
    launcher,
  };
  writeManifest(dir, manifest);
  return { dir, manifest };
}
