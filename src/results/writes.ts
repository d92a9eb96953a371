/**
 * Writing result files without losing the figures: a write that fails (a full disk, a read-only
 * directory) is recorded with its path instead of thrown, so the command still prints what it
 * measured and then fails (exit 1) naming the file. Shared by `run` (src/run/result-file.ts) and the
 * single-bench commands' `--out`/`--save` (src/cli/result-file.ts).
 */
import { WriteFileError } from '../util/atomic.js';
import { errnoText } from '../util/errors.js';

/** Result files written, and those that could not be (a full disk): the figures are printed either way. */
export interface ResultWrites {
  written: string[];
  failed: Array<{ path: string; reason: string }>;
}

/**
 * Try one write; a filesystem failure (WriteFileError, or an errno error from creating the
 * directory) is recorded with its path instead of thrown, so the caller still prints the figures.
 * `say` gets "result written to <path>" after a successful write (the CLI passes stderr; none: quiet).
 */
export function attemptWrite(w: ResultWrites, path: string, write: () => string, say?: (line: string) => void): void {
  try {
    const p = write();
    w.written.push(p);
    say?.(`result written to ${p}\n`);
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
