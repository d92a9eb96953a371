/**
 * How each task of a campaign ended, from three independent witnesses: the batch script's task
 * record (node, exit code: written by deploy/slurm/joulebench.sbatch when `run` returns), the
 * scheduler (src/fleet/slurm.ts) and the result file itself (validated against the schema). A task
 * is `ok` only when its result is valid and complete and nothing says it failed; a failed task
 * never stops the others from merging.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { readInputFile, type InputFileError } from '../util/input-file.js';
import { z } from 'zod';
import { readResult } from '../results/files.js';
import type { ResultDoc } from '../results/schema.js';
import { TERMINAL_STATES, type SchedTask, type SchedView } from './slurm.js';
import { campaignPaths, type Manifest } from './manifest.js';

/** What the batch script writes to tasks/task-<i>.json (at start, then again at exit). */
export const taskRecordSchema = z.object({
  index: z.number().int().nonnegative(),
  jobId: z.string().nullable(),
  arrayJobId: z.string().nullable(),
  node: z.string().nullable(),
  cudaVisibleDevices: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Exit status of `joulebench run` (null while it runs). */
  exitCode: z.number().int().nullable(),
  /** Signal the batch script received (TERM at a time limit or scancel), else null. */
  signal: z.string().nullable(),
}).passthrough();

/** The batch script's record of one task. */
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/** A task's result file, checked. */
export type ResultCheck =
  | { status: 'ok'; doc: ResultDoc; path: string }
  | { status: 'missing' | 'invalid' | 'incomplete'; problem: string; path: string };

/** Where a task stands. */
export type TaskState = 'ok' | 'failed' | 'pending' | 'running' | 'unknown';

/** One task's outcome, as status/collect report it. */
export interface TaskOutcome {
  index: number;
  /** "<arrayjob>_<index>". */
  task: string;
  state: TaskState;
  node: string | null;
  exitCode: number | null;
  /** Scheduler state when known ("COMPLETED", "TIMEOUT", "PENDING", ...). */
  slurmState: string | null;
  /** What went wrong (failed/unknown), or why it waits (pending). */
  problem: string | null;
  /** Last line of the task's stderr (its last error line when there is one). */
  lastStderr: string | null;
  /** The result file when valid and complete. */
  result: string | null;
}

/** Read a task record; null when absent, 'invalid' when unreadable. */
export function readTaskRecord(path: string): TaskRecord | null | 'invalid' {
  let text: string;
  try {
    text = readInputFile(path, 'task record');
  } catch (err) {
    return (err as InputFileError).code === 'ENOENT' ? null : 'invalid';
  }
  try {
    const r = taskRecordSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Check task i's result: present, valid, complete, and written by this campaign's job and task. */
export function checkResult(path: string, jobId: string, index: number): ResultCheck {
  try {
    statSync(path);
  } catch {
    return { status: 'missing', problem: 'no result file', path };
  }
  let doc: ResultDoc;
  try {
    doc = readResult(path);
  } catch (err) {
    return { status: 'invalid', problem: `result invalid: ${(err as Error).message}`, path };
  }
  const s = doc.environment.slurm;
  if (s && s.arrayJobId !== null && (s.arrayJobId !== jobId || s.arrayTaskId !== index)) {
    return { status: 'invalid', problem: `result written by job ${s.arrayJobId} task ${s.arrayTaskId}, not ${jobId} task ${index}`, path };
  }
  if (!doc.complete) return { status: 'incomplete', problem: `result incomplete: ${doc.incompleteReason ?? 'run cut short'}`, path };
  return { status: 'ok', doc, path };
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * The last line of a stderr log worth showing: the last line that says "error" among the final
 * 200 lines when there is one (a failing `run` prints its error, then where the partial result
 * went), else the last non-empty line. Reads only the file's tail.
 */
export function lastStderrLine(path: string, tailBytes = 64 * 1024): string | null {
  let text: string;
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return null;
      const size = st.size;
      const len = Math.min(size, tailBytes);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const lines = text.replace(ANSI, '').split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean).slice(-200);
  const err = [...lines].reverse().find((l) => /\berror\b/i.test(l));
  const line = err ?? lines.at(-1) ?? null;
  return line && line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Scheduler states in which a task has not started yet. */
const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED']);

/** Everything known about one task, for classify(). */
export interface TaskEvidence {
  index: number;
  jobId: string;
  record: TaskRecord | null | 'invalid';
  sched: SchedTask | undefined;
  /** The scheduler answered (so a task it does not list has ended). */
  schedReachable: boolean;
  schedError: string | null;
  result: ResultCheck;
  lastStderr: string | null;
}

/** Decide a task's state from its evidence (pure). */
export function classifyTask(e: TaskEvidence): TaskOutcome {
  const rec = e.record === 'invalid' ? null : e.record;
  const node = rec?.node ?? e.sched?.node ?? null;
  const base = { index: e.index, task: `${e.jobId}_${e.index}`, node, slurmState: e.sched?.state ?? null, lastStderr: e.lastStderr };
  const exitRecorded = rec !== null && rec.exitCode !== null;
  const schedEnded = e.sched !== undefined && TERMINAL_STATES.has(e.sched.state);
  const gone = e.sched === undefined && e.schedReachable;
  const exitCode = rec?.exitCode ?? e.sched?.exitCode ?? null;
  if (!exitRecorded && !schedEnded && !gone) {
    if (e.sched) {
      const waiting = WAITING.has(e.sched.state);
      return { ...base, state: waiting ? 'pending' : 'running', exitCode: null, problem: waiting && e.sched.reason ? `waiting: ${e.sched.reason}` : null, result: null };
    }
    // Scheduler unreachable and no exit record: a valid complete result still counts.
    if (e.result.status === 'ok') return { ...base, state: 'ok', exitCode, problem: null, result: e.result.path };
    return { ...base, state: 'unknown', exitCode, problem: `no exit record yet and the scheduler cannot be asked (${e.schedError ?? 'unreachable'})`, result: null };
  }
  const problems: string[] = [];
  if (e.result.status !== 'ok') problems.push(e.result.problem);
  if (exitCode !== null && exitCode !== 0) problems.push(`exit code ${exitCode}`);
  if (rec?.signal) problems.push(`batch script got SIG${rec.signal}`);
  // FAILED only restates a non-zero exit code; TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY say more.
  const restates = e.sched?.state === 'FAILED' && exitCode !== null && exitCode !== 0;
  if (e.sched && schedEnded && e.sched.state !== 'COMPLETED' && !restates) problems.push(`Slurm state ${e.sched.state}${e.sched.signal ? ` (signal ${e.sched.signal})` : ''}`);
  if (!exitRecorded && e.result.status !== 'ok') {
    problems.push(e.record === 'invalid' ? 'task record unreadable' : 'the batch script left no exit record (killed, or never started)');
  }
  if (!problems.length && e.result.status === 'ok') return { ...base, state: 'ok', exitCode, problem: null, result: e.result.path };
  return { ...base, state: 'failed', exitCode, problem: problems.join('; '), result: null };
}

/** Gather the evidence for every task of a campaign and classify it. */
export function taskOutcomes(dir: string, manifest: Manifest, sched: SchedView): { outcomes: TaskOutcome[]; docs: Map<number, { path: string; doc: ResultDoc }> } {
  const p = campaignPaths(dir);
  const outcomes: TaskOutcome[] = [];
  const docs = new Map<number, { path: string; doc: ResultDoc }>();
  for (let i = 0; i < manifest.tasks; i++) {
    const record = readTaskRecord(p.taskRecord(i));
    const st = sched.tasks.get(i);
    // A task the scheduler still runs (and that wrote no exit record) is not judged by its
    // result yet: skip reading it (large arrays are polled every few seconds).
    const live = st !== undefined && !TERMINAL_STATES.has(st.state) && !(record !== null && record !== 'invalid' && record.exitCode !== null);
    const result: ResultCheck = live ? { status: 'missing', problem: 'not ended yet', path: p.result(i) } : checkResult(p.result(i), manifest.jobId, i);
    const outcome = classifyTask({
      index: i,
      jobId: manifest.jobId,
      record,
      sched: st,
      schedReachable: sched.reachable,
      schedError: sched.error,
      result,
      lastStderr: lastStderrLine(p.stderr(manifest.jobId, i)),
    });
    outcomes.push(outcome);
    if (outcome.state === 'ok' && result.status === 'ok') docs.set(i, { path: result.path, doc: result.doc });
  }
  return { outcomes, docs };
}
