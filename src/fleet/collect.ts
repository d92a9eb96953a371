/**
 * `fleet status` / `fleet collect`: poll a campaign until every task has ended or the timeout
 * passes (every wait bounded), then merge the valid results into one report: the usual tables
 * plus the campaign view (src/report/campaign.ts) with failed tasks listed, never dropped silently.
 */
import { join } from 'node:path';
import { buildRows, type LoadedResult } from '../report/rows.js';
import { buildCampaign, type CampaignSummary } from '../report/campaign.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderHtml } from '../report/html.js';
import { writeFileAtomic } from '../util/atomic.js';
import { campaignPaths, type Manifest } from './manifest.js';
import { querySched, type SchedView } from './slurm.js';
import { taskOutcomes, type TaskOutcome } from './tasks.js';

/** Most time one look at the scheduler (scontrol, then sacct) may take, ms. */
export const SCHED_QUERY_TIMEOUT_MS = 30_000;
/** Time the single look of `--timeout 0` (look once) gets, ms. */
export const SINGLE_LOOK_MS = 5_000;
/** A look with less time than this left before the deadline is not started, ms. */
const MIN_LOOK_MS = 1_000;

/** A campaign's state at one moment. */
export interface FleetStatus {
  dir: string;
  jobId: string;
  tasks: TaskOutcome[];
  counts: Record<TaskOutcome['state'], number>;
  /** Every task has ended (ok or failed). */
  finished: boolean;
  /** Stopped waiting at the timeout with tasks still pending/running/unknown. */
  timedOut: boolean;
  waitedS: number;
  sched: { sources: string[]; error: string | null; permanent: boolean };
}

/** Take one snapshot of a campaign (one scheduler query, ended by `deadlineMs` at the latest, then the files). */
export async function snapshot(dir: string, manifest: Manifest, deadlineMs = Date.now() + SCHED_QUERY_TIMEOUT_MS, env?: NodeJS.ProcessEnv): Promise<{ status: FleetStatus; loaded: LoadedResult[] }> {
  const sched: SchedView = await querySched(manifest.jobId, manifest.tasks, Math.min(deadlineMs, Date.now() + SCHED_QUERY_TIMEOUT_MS), env);
  const { outcomes, docs } = taskOutcomes(dir, manifest, sched);
  const counts = { ok: 0, failed: 0, pending: 0, running: 0, unknown: 0 };
  for (const o of outcomes) counts[o.state]++;
  const loaded = [...docs.values()].map((d) => ({ path: d.path, doc: d.doc }));
  return {
    status: { dir, jobId: manifest.jobId, tasks: outcomes, counts, finished: counts.pending + counts.running + counts.unknown === 0, timedOut: false, waitedS: 0, sched: { sources: sched.sources, error: sched.error, permanent: sched.permanent } },
    loaded,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until every task has ended or `timeoutS` passes (0 = one snapshot). `timeoutS` is one
 * deadline for the whole wait, scheduler queries included (a query gets what is left of it; the
 * single look of `timeoutS` 0 gets SINGLE_LOOK_MS). Tasks whose fate only the scheduler could tell, when it
 * cannot be asked from here (no scontrol, no Slurm configuration), do not make it wait: nothing
 * would change.
 */
export async function waitForCampaign(
  dir: string,
  manifest: Manifest,
  opts: { timeoutS: number; pollS: number; log?: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<{ status: FleetStatus; loaded: LoadedResult[] }> {
  const t0 = Date.now();
  const deadline = t0 + opts.timeoutS * 1000;
  let lastLine = '';
  let first = true;
  for (;;) {
    const snap = await snapshot(dir, manifest, first && opts.timeoutS === 0 ? t0 + SINGLE_LOOK_MS : deadline, opts.env);
    first = false;
    const s = snap.status;
    s.waitedS = (Date.now() - t0) / 1000;
    // Tasks only the scheduler could tell about, and a scheduler that cannot be asked from here.
    const hopeless = s.counts.unknown > 0 && s.counts.pending + s.counts.running === 0 && s.sched.permanent;
    if (s.finished || hopeless || Date.now() >= deadline - MIN_LOOK_MS) {
      s.timedOut = !s.finished && !hopeless && opts.timeoutS > 0;
      return snap;
    }
    const line = `waiting for job ${manifest.jobId}: ${s.counts.ok + s.counts.failed} of ${manifest.tasks} ended (${s.counts.running} running, ${s.counts.pending} pending${s.counts.unknown ? `, ${s.counts.unknown} unknown` : ''}), ${Math.round(s.waitedS)} s of ${opts.timeoutS} s`;
    if (line.replace(/, \d+ s of.*$/, '') !== lastLine.replace(/, \d+ s of.*$/, '')) opts.log?.(line);
    lastLine = line;
    // Sleep no later than the last moment a look still fits before the deadline.
    await sleep(Math.min(opts.pollS * 1000, Math.max(0, deadline - MIN_LOOK_MS - Date.now())));
  }
}

/** Failed (and, at a timeout, unfinished) tasks as the report lists them. */
export function failuresOf(status: FleetStatus): CampaignSummary['failedTasks'] {
  return status.tasks
    .filter((t) => t.state !== 'ok')
    .map((t) => ({
      task: t.task,
      index: t.index,
      node: t.node,
      exitCode: t.exitCode,
      slurmState: t.slurmState,
      problem: t.state === 'failed' ? (t.problem ?? 'failed') : `${t.state} when collected${t.problem ? ` (${t.problem})` : ''}`,
      lastStderr: t.lastStderr,
    }));
}

/** Paths of the merged report. */
export interface FleetReportPaths {
  markdown: string;
  html: string;
  json: string;
}

/** Write the merged report of a campaign into <campaign>/report/ (atomic writes). */
export function writeFleetReport(dir: string, manifest: Manifest, status: FleetStatus, loaded: LoadedResult[]): FleetReportPaths {
  const rows = buildRows(loaded);
  const campaign = buildCampaign(loaded, rows, {
    job: { jobId: manifest.jobId, tasks: manifest.tasks, ok: status.counts.ok, dir, submittedAt: manifest.submittedAt, gitSha: manifest.git.sha, runArgs: manifest.runArgs },
    failedTasks: failuresOf(status),
  });
  const out = campaignPaths(dir).report;
  const paths = { markdown: join(out, 'fleet.md'), html: join(out, 'fleet.html'), json: join(out, 'fleet.json') };
  writeFileAtomic(paths.markdown, renderMarkdown(rows, { campaign }));
  writeFileAtomic(paths.html, renderHtml(rows, { campaign }));
  writeFileAtomic(paths.json, JSON.stringify({ campaign: manifest, status, report: campaign }, null, 2) + '\n');
  return paths;
}
