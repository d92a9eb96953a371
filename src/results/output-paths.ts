/**
 * The one check of every command's output paths, before any work, so a bad path costs one line
 * instead of a measurement: not an input, not inside a directory read for results, not twice, and
 * writable as a regular file (a directory, a device or a FIFO is never replaced). Every filesystem
 * call is bounded. Used by `run` (src/run/) and by each command of src/cli/.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoText, TimeoutError, UsageError } from '../util/errors.js';
import { fileIdentity } from '../util/input-file.js';
import { withTimeout } from '../util/timeout.js';

/** Bound on each filesystem call of the output check (a hung network mount must not hang the CLI). */
export const OUTPUT_CHECK_TIMEOUT_MS = 5000;

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
 * Validate `--out` and (with `save`) the results directory `resultsDirectory` before any
 * measurement; `saveFlag` names what writes into the results directory (`--save`, or `run` without
 * `--out`).
 */
export async function checkResultOutputs(o: { out?: string; save?: boolean }, saveFlag: string, inputs: CommandInputs, resultsDirectory: string): Promise<void> {
  // checkOutputs skips '-' (stdout, for report's outputs); a result document is a file: '-' was
  // written as a file named '-' in the working directory.
  if (o.out === '-') throw new UsageError("--out -: --out writes a result file, not stdout; give a file name (--json prints on stdout)");
  if (o.out !== undefined) await checkOutputs([['--out', o.out]], inputs);
  if (o.save) await checkOutputPath(join(resultsDirectory, 'result.json'), saveFlag, `${saveFlag}: results directory ${resultsDirectory}`);
}
