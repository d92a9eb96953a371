/**
 * Talking to Slurm through its own commands (sbatch, scontrol, sacct, scancel), each call bounded
 * by a timeout (each a process group, ended whole), and parsing what they print (pure functions, tested on captured output).
 *
 * Task state comes from `scontrol show job -o <id>` (live and recently ended jobs: Slurm keeps an
 * ended job for MinJobAge, 300 s by default) and, for tasks it no longer knows, from `sacct` when
 * the cluster has accounting. Neither is required: the batch script's own task records
 * (src/fleet/tasks.ts) say how each task ended. References: scontrol(1), sacct(1), and the job
 * state codes in squeue(1) (https://slurm.schedmd.com/squeue.html#SECTION_JOB-STATE-CODES).
 */
import { runChild } from '../util/child.js';

/** What one command invocation produced. */
export interface ToolResult {
  /** Exit code; null when it did not run (missing) or was killed at the timeout. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** 'missing' (not on PATH), 'timeout', or null. */
  failure: 'missing' | 'timeout' | null;
}

/**
 * Run a Slurm client command bounded by `timeoutMs`; never throws. It runs in its own process
 * group, ended whole at the bound (src/util/child.ts): a wrapper script's children (an `ssh` to the
 * controller, a site's `scontrol` shim) do not outlive it.
 */
export async function runTool(cmd: string, args: readonly string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ToolResult> {
  const r = await runChild(cmd, args, { timeoutMs: Math.max(1, opts.timeoutMs), env: opts.env ?? process.env });
  if (r.spawnError?.code === 'ENOENT') return { code: null, stdout: '', stderr: '', failure: 'missing' };
  if (r.spawnError) return { code: 1, stdout: '', stderr: r.spawnError.message, failure: null };
  if (r.killed === 'timeout') return { code: null, stdout: r.stdout, stderr: r.stderr, failure: 'timeout' };
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr, failure: null };
}

/** Job states after which a task no longer runs (squeue(1), JOB STATE CODES). */
export const TERMINAL_STATES = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  'TIMEOUT',
]);

/** One array task as the scheduler sees it. */
export interface SchedTask {
  index: number;
  /** Job state, first word upper-cased ("RUNNING", "COMPLETED", "CANCELLED", ...). */
  state: string;
  /** Exit status of the batch script, when ended. */
  exitCode: number | null;
  /** Signal that ended it (0 = none), when ended. */
  signal: number | null;
  node: string | null;
  /** Why it waits or failed ("Resources", "NonZeroExitCode", ...); null for "None". */
  reason: string | null;
}

/** Expand an array index expression: "0-3", "1,4,7-9", "0-15%4", "[0-3]" → indices. */
export function expandArrayIndices(spec: string): number[] {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    const step = m[3] !== undefined ? Math.max(1, Number(m[3])) : 1;
    for (let i = lo; i <= hi && out.length < 1_000_000; i += step) out.push(i);
  }
  return out;
}

/** "0:0" → [0, 0]; "1:15" → [1, 15]; anything else → nulls. */
export function parseExitCode(s: string | undefined): { exitCode: number | null; signal: number | null } {
  const m = /^(\d+):(\d+)$/.exec(s ?? '');
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : { exitCode: null, signal: null };
}

function nullish(s: string | undefined): string | null {
  return s === undefined || s === '' || s === '(null)' || s === 'None' || s === 'None assigned' ? null : s;
}

/** Parse `scontrol show job -o` output (one record per line) into tasks of array job `jobId`. */
export function parseScontrolJobs(text: string, jobId: string): SchedTask[] {
  const out: SchedTask[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.includes('JobId=')) continue;
    const kv = new Map<string, string>();
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z][\w:/]*)=(\S*)/g)) if (!kv.has(m[1]!)) kv.set(m[1]!, m[2]!);
    const arrayJob = kv.get('ArrayJobId');
    if ((arrayJob ?? kv.get('JobId')) !== jobId) continue;
    const indices = kv.has('ArrayTaskId') ? expandArrayIndices(kv.get('ArrayTaskId')!) : [0];
    const state = (kv.get('JobState') ?? 'UNKNOWN').toUpperCase();
    const { exitCode, signal } = parseExitCode(kv.get('ExitCode'));
    const ended = TERMINAL_STATES.has(state);
    const node = nullish(kv.get('BatchHost')) ?? nullish(kv.get('NodeList'));
    for (const index of indices) {
      out.push({ index, state, exitCode: ended ? exitCode : null, signal: ended ? signal : null, node, reason: nullish(kv.get('Reason')) });
    }
  }
  return out;
}

/**
 * Parse `sacct -X -n -P -o JobID,State,ExitCode,NodeList -j <id>` output. Lines look like
 * "123_4|COMPLETED|0:0|node7", "123_[5-7]|PENDING|0:0|None assigned", "123_2|CANCELLED by 0|0:15|n1".
 */
export function parseSacct(text: string, jobId: string): SchedTask[] {
  const out: SchedTask[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [id, stateRaw, exit, nodes] = line.split('|');
    if (!id || stateRaw === undefined) continue;
    const m = /^(\d+)(?:_(.+))?$/.exec(id.trim());
    if (!m || m[1] !== jobId) continue;
    const state = stateRaw.trim().split(/\s+/)[0]!.toUpperCase();
    const { exitCode, signal } = parseExitCode(exit?.trim());
    const ended = TERMINAL_STATES.has(state);
    for (const index of m[2] !== undefined ? expandArrayIndices(m[2]) : [0]) {
      out.push({ index, state, exitCode: ended ? exitCode : null, signal: ended ? signal : null, node: nullish(nodes?.trim()), reason: null });
    }
  }
  return out;
}

/** What the scheduler says about a campaign's array. */
export interface SchedView {
  /** Tasks by index (from scontrol, completed by sacct). */
  tasks: Map<number, SchedTask>;
  /** True when scontrol answered (about this job, or that it no longer knows it). */
  reachable: boolean;
  /** Why the scheduler could not be asked (scontrol missing, timed out, failed). */
  error: string | null;
  /** The error will not go away by waiting (no scontrol here, or no Slurm configuration). */
  permanent: boolean;
  /** Sources that answered ("scontrol", "sacct"). */
  sources: string[];
}

/** Least time left for sacct to be worth asking after scontrol, ms. */
const MIN_SACCT_MS = 500;

/**
 * Ask scontrol (then sacct for tasks scontrol no longer holds) about array job `jobId`, both within
 * one deadline (`deadlineMs`, Date.now() clock): the two calls share it, so a slow controller makes
 * the query end at the deadline rather than after two full bounds.
 */
export async function querySched(jobId: string, n: number, deadlineMs: number, env?: NodeJS.ProcessEnv): Promise<SchedView> {
  const view: SchedView = { tasks: new Map(), reachable: false, error: null, permanent: false, sources: [] };
  const timeoutMs = Math.max(1, deadlineMs - Date.now());
  const sc = await runTool('scontrol', ['show', 'job', '-o', jobId], { timeoutMs, ...(env ? { env } : {}) });
  if (sc.code === 0) {
    view.reachable = true;
    view.sources.push('scontrol');
    for (const t of parseScontrolJobs(sc.stdout, jobId)) view.tasks.set(t.index, t);
  } else if (sc.code !== null && /invalid job id/i.test(sc.stderr + sc.stdout)) {
    view.reachable = true; // the controller answered: the job has ended and been purged
    view.sources.push('scontrol');
  } else {
    view.permanent = sc.failure === 'missing' || /configuration source|slurm\.conf/i.test(sc.stderr);
    view.error = sc.failure === 'missing' ? 'scontrol not found (not on a Slurm login node?)' : sc.failure === 'timeout' ? `scontrol did not answer within ${(timeoutMs / 1000).toFixed(1)} s` : `scontrol failed: ${lastLine(sc.stderr) ?? `exit ${sc.code}`}`;
  }
  if (view.tasks.size < n && deadlineMs - Date.now() >= MIN_SACCT_MS) {
    const sa = await runTool('sacct', ['-X', '-n', '-P', '-o', 'JobID,State,ExitCode,NodeList', '-j', jobId], { timeoutMs: deadlineMs - Date.now(), ...(env ? { env } : {}) });
    if (sa.code === 0) {
      view.sources.push('sacct');
      for (const t of parseSacct(sa.stdout, jobId)) if (!view.tasks.has(t.index)) view.tasks.set(t.index, t);
    }
  }
  return view;
}

/** Last non-empty line of a text, trimmed. */
export function lastLine(text: string): string | null {
  const lines = text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}

/** Parse `sbatch --parsable` output: "123" or "123;cluster". */
export function parseSbatchParsable(stdout: string): { jobId: string; cluster: string | null } | null {
  const line = stdout.split(/\r?\n/).map((l) => l.trim()).find((l) => /^\d+(;\S+)?$/.test(l));
  if (!line) return null;
  const [jobId, cluster] = line.split(';');
  return { jobId: jobId!, cluster: cluster ?? null };
}
