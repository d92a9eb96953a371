/**
 * Result files named on the command line (`report`, `compare`): files as given; a directory to its
 * `*.json` files (sorted, not recursive); a fleet campaign directory to its `results/`; an `ab`
 * out-dir to its `baseline/` and `candidate/` runs (`report`; `compare` needs the two sides apart).
 *
 * A file named on the command line must be a valid result (exit 2 otherwise). A file found in a
 * directory that is not one (truncated, invalid, a FIFO, someone's notes.json) is skipped with a
 * one-line warning naming it and why: one bad task file must not hide a campaign's other results.
 * Nothing usable at all is exit 2.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { abRunDirsOf } from '../ab/manifest.js';
import { campaignResultsDirOf } from '../fleet/manifest.js';
import { readResultFile } from '../results/files.js';
import type { LoadedResult } from '../report/rows.js';
import { errnoText, UsageError } from '../util/errors.js';
import { fileIdentity } from '../util/input-file.js';

/** One result file to read, and the directory argument it was found in (null: named itself). */
export interface ResultInput {
  path: string;
  dir: string | null;
}

/** A file found in a directory and left out, with why. */
export interface SkippedInput {
  path: string;
  reason: string;
}

/** The *.json entries of a directory (no dot files), sorted; a UsageError naming it when unreadable or empty. */
function jsonFilesIn(dir: string, shown = dir): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new UsageError(`${shown}: cannot list the directory (${errnoText(err)})`);
  }
  const files = names.filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort().map((f) => join(dir, f));
  if (!files.length) throw new UsageError(`${shown}: directory holds no *.json result files`);
  return files;
}

function statArg(a: string) {
  try {
    return statSync(a);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${a}: no such result file or directory; pass result JSON files (e.g. results/*.json)`);
    throw new UsageError(`${a}: cannot read (${errnoText(err)})`);
  }
}

/**
 * Expand arguments to the result files to read, without duplicates. `abOutDir: 'refuse'` (compare)
 * refuses an `ab` out-dir as one side, naming its two run directories instead.
 */
export function expandResultInputs(args: readonly string[], opts: { abOutDir?: 'expand' | 'refuse' } = {}): ResultInput[] {
  const out: ResultInput[] = [];
  for (const arg of args) {
    const a = campaignResultsDirOf(arg) ?? arg; // a fleet campaign directory: its results/ (issue 15)
    if (!statArg(a).isDirectory()) {
      out.push({ path: a, dir: null });
      continue;
    }
    const ab = abRunDirsOf(a);
    if (ab && opts.abOutDir === 'refuse') throw new UsageError(`${a}: an 'ab' out-dir holds both sides; pass --baseline ${join(a, 'baseline')} --candidate ${join(a, 'candidate')}`);
    if (ab && !ab.length) throw new UsageError(`${a}: an 'ab' out-dir with no baseline/ or candidate/ runs yet`);
    for (const d of ab ?? [a]) {
      for (const path of jsonFilesIn(d, ab ? `${a} (${d})` : a)) out.push({ path, dir: d });
    }
  }
  // One file once, however it was named (`a.json`, `./a.json`, an absolute path, a symlink to it):
  // a run counted twice is a replicate that is not one.
  const seen = new Set<string>();
  return out.filter((x) => {
    const id = fileIdentity(x.path);
    return !seen.has(id) && seen.add(id);
  });
}

/** The result files of `expandResultInputs`, as paths. */
export function expandResultPaths(args: readonly string[]): string[] {
  return expandResultInputs(args).map((x) => x.path);
}

/**
 * Read and validate every input. A bad file named on the command line stops here (UsageError); a
 * bad file found in a directory is skipped (`onSkip` is told, e.g. to print a warning). Throws a
 * UsageError when nothing usable remains. `what` names the set in that error ("baseline runs").
 */
export function loadResultInputs(inputs: readonly ResultInput[], onSkip: (s: SkippedInput) => void = () => {}, what = 'result files'): { loaded: LoadedResult[]; skipped: SkippedInput[] } {
  const loaded: LoadedResult[] = [];
  const skipped: SkippedInput[] = [];
  for (const x of inputs) {
    try {
      loaded.push({ path: x.path, ...readResultFile(x.path) }); // raw JSON kept: verify's digest covers it
    } catch (err) {
      if (x.dir === null || !(err instanceof UsageError)) throw err;
      const reason = err.message.startsWith(`${x.path}: `) ? err.message.slice(x.path.length + 2) : err.message;
      const s = { path: x.path, reason };
      skipped.push(s);
      onSkip(s);
    }
  }
  if (!loaded.length && skipped.length) {
    throw new UsageError(`no usable ${what}: ${skipped.length} skipped (${skipped[0]!.path}: ${skipped[0]!.reason})`);
  }
  return { loaded, skipped };
}

/** "skipped <file>: <why>": the one-line warning for a skipped input. */
export function skippedText(s: SkippedInput): string {
  return `skipped ${s.path}: ${s.reason}`;
}
