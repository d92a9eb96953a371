/**
 * Output files of the CLI: `--out <file>` / `--save` for the single-bench commands (`hash bench`,
 * `infer bench`; `run` has its own `--out`), and the one validator every command calls on its
 * output paths before doing any work, so a bad path costs one line instead of a measurement.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { newResultDoc } from '../report/environment.js';
import { resultFileName, resultsDir, writeNewResult, writeResult } from '../report/results.js';
import type { Measurement } from '../report/schema.js';
import { WriteFileError } from '../util/atomic.js';
import { errnoText, TimeoutError, UsageError } from '../util/errors.js';
import { fileIdentity } from '../util/input-file.js';
import { withTimeout } from '../util/timeout.js';

/** Bound on each filesystem call of the output check (a hung network mount must not hang the CLI). */
export const OUTPUT_CHECK_TIMEOUT_MS = 5000;

/** Add `--out <file>` and `--save`. */
export function addResultFileOptions(cmd: Command): Command {
  return cmd.option('--out <file>', 'write a full result document to <file>').option('--save', 'write a full result document into results/');
}

/** One bounded filesystem call; a timeout or failure becomes a UsageError naming the flag. */
async function fsStep<T>(what: Promise<T>, who: string, doing: string): Promise<T> {
  try {
    return await withTimeout(what, OUTPUT_CHECK_TIMEOUT_MS, `${who}: ${doing}`);
  } catch (err) {
    if (err instanceof TimeoutError) throw new UsageError(`${who}: the filesystem did not answer within ${OUTPUT_CHECK_TIMEOUT_MS / 1000} s (${doing}); write somewhere else`);
    throw err;
  }
}

async function statOrNull(p: string, who: string) {
  try {
    return await fsStep(stat(p), who, `stat ${p}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UsageError(`${who}: cannot check ${p} (${errnoText(err)})`);
  }
}

/** A file name to suggest for an output flag given a directory. */
const EXAMPLE_NAME: Record<string, string> = { '--md': 'report.md', '--csv': 'report.csv', '--html': 'report.html', '--export-gha-benchmark': 'gha-benchmark.json', '--export-gha-benchmark-smaller': 'gha-benchmark-smaller.json' };

/**
 * Check that `path` can take an output file, before any work: not a directory or a device, and
 * its directory is (or can be made) writable. Probes by creating and removing a temporary file
 * (or the first missing directory), since access(2) says yes to root even on procfs or a
 * read-only mount. Every filesystem call is bounded by OUTPUT_CHECK_TIMEOUT_MS. Returns the
 * absolute path. Throws a one-line UsageError starting with `who` (default: the flag and path).
 */
export async function checkOutputPath(path: string, flag: string, who = `${flag} ${path}`): Promise<string> {
  if (path.trim() === '') throw new UsageError(`${flag} '': empty; give a file name`);
  const abs = resolve(path);
  const st = await statOrNull(abs, who);
  const example = join(path, EXAMPLE_NAME[flag] ?? 'result.json');
  if (st?.isDirectory()) throw new UsageError(`${who}: is a directory; give a file name, e.g. ${example}`);
  // resolve() drops a trailing '/': 'newdir/' passed this check and the write failed after the work.
  if (/[\\/]$/.test(path)) throw new UsageError(`${who}: ends with '/' but is not a directory; give a file name, e.g. ${example}`);
  if (st && !st.isFile()) throw new UsageError(`${who}: not a regular file (a device or pipe would be replaced); give a file name`);
  // The nearest existing ancestor (at most one step per path component).
  let dir = dirname(abs);
  let firstMissing: string | null = null;
  for (;;) {
    const d = await statOrNull(dir, who);
    if (d) {
      if (!d.isDirectory()) throw new UsageError(`${who}: ${dir} is not a directory`);
      break;
    }
    firstMissing = dir;
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  try {
    if (firstMissing) {
      await fsStep(mkdir(firstMissing), who, `mkdir ${firstMissing}`);
      await fsStep(rmdir(firstMissing), who, `rmdir ${firstMissing}`);
    } else {
      const probe = join(dir, `.${basename(abs)}.${randomBytes(4).toString('hex')}.probe`);
      const fh = await fsStep(open(probe, 'wx'), who, `create ${probe}`);
      await fsStep(fh.close(), who, `close ${probe}`);
      await fsStep(unlink(probe), who, `remove ${probe}`);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${who}: cannot write there (${firstMissing ? `creating ${firstMissing}` : dir}: ${errnoText(err)}); choose a writable location`);
  }
  return abs;
}

/** The file a path names, through symlinks when it exists (so `./a.json` and a link to it collide). */
const identity = fileIdentity;

/** What a command reads: its input files, and the directories it lists for `*.json` results. */
export interface CommandInputs {
  files?: readonly string[];
  dirs?: readonly string[];
}

/**
 * The one check of every command's output paths, before any work (exit 2, nothing written):
 * an output must not be one of the input files (it would be replaced), nor a `*.json` file inside
 * a directory the command reads results from (the next run would read it as a result), nor the same
 * file as another output; and it must be writable and a regular file or new (checkOutputPath: a
 * directory, a device node or a FIFO is never replaced). `'-'` (stdout) and undefined are skipped.
 */
export async function checkOutputs(outputs: ReadonlyArray<readonly [flag: string, path: string | undefined]>, inputs: CommandInputs = {}): Promise<void> {
  const inputIds = new Map((inputs.files ?? []).map((p) => [identity(p), p]));
  const dirIds = new Map((inputs.dirs ?? []).map((d) => [identity(d), d]));
  const seen = new Map<string, string>();
  for (const [flag, path] of outputs) {
    if (path === undefined || path === '-') continue;
    const id = identity(path);
    const input = inputIds.get(id);
    if (input !== undefined) throw new UsageError(`${flag} ${path}: is also an input file (${input}); writing it would replace that input, give the output another name`);
    const dir = dirIds.get(identity(dirname(resolve(path))));
    if (dir !== undefined && path.endsWith('.json') && !basename(path).startsWith('.')) {
      throw new UsageError(`${flag} ${path}: is inside the input directory ${dir}, where it would be read as a result file; write it elsewhere`);
    }
    const other = seen.get(id);
    if (other !== undefined) throw new UsageError(`${other} and ${flag} name the same file (${path}); give each output its own file`);
    seen.set(id, flag);
  }
  for (const [flag, path] of outputs) if (path !== undefined && path !== '-') await checkOutputPath(path, flag);
}

/**
 * Validate `--out` and (with `save`) the results directory before any measurement; `saveFlag`
 * names what writes into the results directory (`--save`, or `run` without `--out`).
 */
export async function checkResultOutputs(o: { out?: string; save?: boolean }, saveFlag = '--save', inputs: CommandInputs = {}): Promise<void> {
  // checkOutputs skips '-' (stdout, for report's outputs); a result document is a file: '-' was
  // written as a file named '-' in the working directory.
  if (o.out === '-') throw new UsageError("--out -: --out writes a result file, not stdout; give a file name (--json prints on stdout)");
  if (o.out !== undefined) await checkOutputs([['--out', o.out]], inputs);
  if (o.save) await checkOutputPath(join(resultsDir(), 'result.json'), saveFlag, `${saveFlag}: results directory ${resultsDir()}`);
}

/** Result files written, and those that could not be (a full disk): the figures are printed either way. */
export interface ResultWrites {
  written: string[];
  failed: Array<{ path: string; reason: string }>;
}

/**
 * Try one write; a filesystem failure (WriteFileError, or an errno error from creating the
 * directory) is recorded with its path instead of thrown, so the caller still prints the figures.
 */
export function attemptWrite(w: ResultWrites, path: string, write: () => string, quiet = false): void {
  try {
    const p = write();
    w.written.push(p);
    if (!quiet) process.stderr.write(`result written to ${p}\n`);
  } catch (err) {
    if (err instanceof WriteFileError) w.failed.push({ path: err.path, reason: errnoText(err.cause) });
    else if (typeof (err as NodeJS.ErrnoException)?.code === 'string') w.failed.push({ path: (err as NodeJS.ErrnoException).path ?? path, reason: errnoText(err) });
    else throw err;
  }
}

/** Call after printing the figures: a result file that could not be written is an error (exit 1) naming it. */
export function assertResultsWritten(w: ResultWrites): void {
  if (!w.failed.length) return;
  throw new Error(`could not write the result file ${w.failed.map((f) => `${f.path} (${f.reason})`).join(' nor ')}: the figures above are not saved`);
}

/**
 * Write `m` as a result document to `--out` and/or (with `--save`) a new
 * `results/<date>_<host>_<device>_<label>[-N].json` (never replacing another run's file: two runs
 * started in the same second get -2, -3, …). Says so on stderr unless `quiet` (the `--json` stdout
 * stays clean either way). A failed write is returned, not thrown: print, then assertResultsWritten.
 * `incompleteReason`: the run was cut short (Ctrl-C): the document is marked incomplete with it.
 */
export function writeMeasurementResult(
  m: Measurement,
  o: { out?: string; save?: boolean; quiet?: boolean },
  startedAt: Date,
  naming: { device: string; label: string },
  incompleteReason?: string,
): ResultWrites {
  const w: ResultWrites = { written: [], failed: [] };
  if (!o.out && !o.save) return w;
  const doc = newResultDoc((m.adapter ?? null) as AdapterIdentity | null, startedAt);
  doc.measurements.push(m);
  if (incompleteReason !== undefined) {
    doc.complete = false;
    doc.incompleteReason = incompleteReason;
  }
  doc.endedAt = new Date().toISOString();
  const out = o.out;
  if (out) attemptWrite(w, out, () => (writeResult(out, doc), out), o.quiet);
  if (o.save) {
    const name = resultFileName({ startedAt, host: os.hostname(), ...naming });
    attemptWrite(w, join(resultsDir(), name), () => writeNewResult(resultsDir(), name, doc), o.quiet);
  }
  return w;
}

/** Files a model read from disk may use: a graph, its external data, the configs beside it. */
const MODEL_FILE_RE = /\.onnx$|\.onnx[._]data$|\.data$|^(genai_)?config\.json$/;

/**
 * The input files of `--model <path>` for the output check: the path itself and the model files of
 * its directory (`--out <model dir>/model.onnx` replaced the model with a result document).
 * A preset name or a missing path: none.
 */
export function modelInputFiles(model: string): string[] {
  if (!existsSync(model)) return [];
  let dir: string;
  try {
    dir = statSync(model).isDirectory() ? model : dirname(model);
    return [model, ...readdirSync(dir).filter((f) => MODEL_FILE_RE.test(f)).map((f) => join(dir, f))];
  } catch {
    return [model];
  }
}
