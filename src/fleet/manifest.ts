/**
 * A fleet campaign: one Slurm job array of `joulebench run`, one task per GPU, writing into one
 * shared directory. The manifest (`campaign.json`) says what was submitted, from which commit,
 * when, and under which job id; the directory layout is fixed so `fleet status|collect` and the
 * batch script (deploy/slurm/joulebench.sbatch) agree without talking to each other:
 *
 *   <campaign>/campaign.json              this manifest (written once sbatch accepted the job)
 *   <campaign>/results/task-<i>.json      task i's result document (`run --out`)
 *   <campaign>/tasks/task-<i>.json        task i's record from the batch script (node, exit code)
 *   <campaign>/logs/<jobid>_<i>.out|.err  task i's stdout / stderr (sbatch --output/--error)
 *   <campaign>/report/fleet.{md,html,json} the merged report (`fleet collect`)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';
import { readInputFile, type InputFileError } from '../util/input-file.js';
import { UsageError } from '../util/errors.js';

/** File name of the manifest inside a campaign directory. */
export const MANIFEST_FILE = 'campaign.json';
/** Default parent of new campaign directories (relative to the working directory). */
export const DEFAULT_CAMPAIGNS_DIR = 'campaigns';

/** Schema of campaign.json (validated on write and on read). */
export const manifestSchema = z.object({
  kind: z.literal('joulebench-fleet-campaign'),
  version: z.literal(1),
  /** Absolute campaign directory at submit time (the batch script writes here: must be shared by all nodes). */
  dir: z.string(),
  /** ISO time sbatch accepted the job. */
  submittedAt: z.string().datetime(),
  submitHost: z.string(),
  user: z.string().nullable(),
  tool: z.object({ name: z.literal('joulebench'), version: z.string() }),
  /** Commit of the joulebench checkout that submitted (and, on a shared install, that runs). */
  git: z.object({ sha: z.string().nullable(), dirty: z.boolean().nullable() }),
  /** Job id sbatch printed (the array's job id). */
  jobId: z.string().regex(/^\d+$/),
  /** Cluster name when sbatch printed one ("jobid;cluster"). */
  cluster: z.string().nullable(),
  tasks: z.number().int().positive(),
  partition: z.string().nullable(),
  gpusPerTask: z.number().int().positive().nullable(),
  timeLimit: z.string().nullable(),
  /** Arguments every task passes to `joulebench run` (after its own --out). */
  runArgs: z.array(z.string()),
  /** The full sbatch command line. */
  sbatchArgv: z.array(z.string()),
  /** The batch script submitted. */
  batchScript: z.string(),
  /** How the nodes start joulebench: node binary and CLI entry (must exist at these paths on every node). */
  launcher: z.object({ node: z.string(), main: z.string() }),
}).passthrough();

/** The campaign manifest. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Paths inside a campaign directory. */
export function campaignPaths(dir: string) {
  return {
    manifest: join(dir, MANIFEST_FILE),
    results: join(dir, 'results'),
    tasks: join(dir, 'tasks'),
    logs: join(dir, 'logs'),
    report: join(dir, 'report'),
    result: (i: number) => join(dir, 'results', `task-${i}.json`),
    taskRecord: (i: number) => join(dir, 'tasks', `task-${i}.json`),
    stdout: (jobId: string, i: number) => join(dir, 'logs', `${jobId}_${i}.out`),
    stderr: (jobId: string, i: number) => join(dir, 'logs', `${jobId}_${i}.err`),
  };
}

/** Read and validate a manifest; one-line UsageError naming the file and field. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readInputFile(path, MANIFEST_FILE);
  } catch (err) {
    if ((err as InputFileError).code === 'ENOENT') throw new UsageError(`--campaign ${dir}: no ${MANIFEST_FILE} there; pass a directory made by 'joulebench fleet submit'`);
    throw new UsageError(`--campaign ${dir}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${path}: field '${first.path.join('.') || '(root)'}': ${first.message}`);
  }
  return parsed.data;
}

/** Validate and write the manifest atomically. */
export function writeManifest(dir: string, m: Manifest): void {
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifestSchema.parse(m), null, 2) + '\n');
}

/** "campaigns/20260501-120000" (UTC) under `root`, with a suffix when that name is taken. */
export function newCampaignDir(root: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  let dir = resolve(root, stamp);
  for (let k = 2; existsSync(dir); k++) dir = resolve(root, `${stamp}-${k}`);
  return dir;
}

/** The most recently submitted campaign under `root`, or a UsageError saying how to name one. */
export function latestCampaignDir(root: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    /* no campaigns directory */
  }
  let best: { dir: string; at: string } | null = null;
  for (const n of names) {
    const dir = resolve(root, n);
    const path = join(dir, MANIFEST_FILE);
    try {
      if (!statSync(dir).isDirectory()) continue;
      const at = (JSON.parse(readInputFile(path, MANIFEST_FILE)) as { submittedAt?: unknown }).submittedAt;
      if (typeof at === 'string' && (best === null || at > best.at)) best = { dir, at };
    } catch {
      /* not a campaign */
    }
  }
  if (!best) throw new UsageError(`--campaign: no campaign under ${resolve(root)}; pass --campaign DIR (the directory 'fleet submit' printed)`);
  return best.dir;
}

/** The results directory of a campaign directory (one holding campaign.json), else null. */
export function campaignResultsDirOf(dir: string): string | null {
  return existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, 'results')) ? join(dir, 'results') : null;
}
