/**
 * The A/B manifest (`<out-dir>/ab.json`): what was compared (refs, commits, commands), the seed
 * and order of the runs, and every run's file, exit status, duration and log — enough to audit or
 * re-run the comparison (`joulebench compare --baseline <out-dir>/baseline --candidate
 * <out-dir>/candidate`). Rewritten atomically after every run, so a crash keeps what was done.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';
import { readInputFile } from '../util/input-file.js';

const side = z.enum(['baseline', 'candidate']);

/** One run in the manifest. */
export const manifestRunSchema = z.object({
  round: z.number().int().nonnegative(),
  side,
  warmup: z.boolean(),
  file: z.string(),
  log: z.string(),
  startedAt: z.string(),
  durationS: z.number().nonnegative(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  /** Why the run does not count (failed, no valid result file). */
  failure: z.string().optional(),
});

/** The manifest. */
export const manifestSchema = z.object({
  kind: z.literal('joulebench-ab'),
  version: z.literal(1),
  tool: z.object({ name: z.literal('joulebench'), version: z.string() }),
  createdAt: z.string(),
  seed: z.number().int().nonnegative(),
  rounds: z.number().int().positive(),
  warmupRuns: z.number().int().nonnegative(),
  bench: z.string(),
  build: z.string().nullable(),
  sides: z.record(side, z.object({ spec: z.string(), kind: z.enum(['ref', 'dir']), dir: z.string(), sha: z.string().nullable(), buildS: z.number().nullable() })),
  /** Side order of each round, as drawn from the seed. */
  order: z.array(z.array(side)),
  runs: z.array(manifestRunSchema),
  /** Rounds added after the first `firstRounds` (`--detect`): how many in all, and why. */
  extension: z.object({ firstRounds: z.number().int().positive(), rounds: z.number().int().positive(), note: z.string() }).optional(),
  /** 'interrupted': stopped by a signal (Ctrl-C, SIGTERM); `failure` says during what. */
  status: z.enum(['building', 'running', 'complete', 'failed', 'interrupted']),
  failure: z.string().optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestRun = z.infer<typeof manifestRunSchema>;

/** Validate and write the manifest atomically. */
export function writeManifest(path: string, m: Manifest): void {
  writeFileAtomic(path, JSON.stringify(manifestSchema.parse(m), null, 2) + '\n');
}

/**
 * The run directories (`baseline/`, `candidate/`) of an `ab` out-dir, or null when `dir` holds no
 * A/B manifest: `report <out-dir>` reports the runs, not the manifest. Warm-up runs are left out.
 */
export function abRunDirsOf(dir: string): string[] | null {
  let kind: unknown;
  try {
    kind = (JSON.parse(readInputFile(join(dir, 'ab.json'), 'A/B manifest')) as { kind?: unknown }).kind;
  } catch {
    return null;
  }
  if (kind !== 'joulebench-ab') return null;
  const isDir = (d: string) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  };
  return ['baseline', 'candidate'].map((s) => join(dir, s)).filter(isDir);
}
