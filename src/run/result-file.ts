/**
 * The run's result file: `--out` (replaced), else a new `results/<date>_<host>_<device>_run[-N].json`.
 * Written once at the end, or marked incomplete when the run is cut short — then a later write (a
 * second signal) replaces the run's own file, never another run's.
 */
import os from 'node:os';
import { join } from 'node:path';
import { resultFileName, resultsDir, writeNewResult, writeResult } from '../results/files.js';
import type { ResultDoc } from '../results/schema.js';
import { attemptWrite, type ResultWrites } from '../results/writes.js';

/** Where a run's result went: its path, and why it could not be written there (null: written). */
export interface RunWrite {
  path: string;
  error: string | null;
}

/**
 * Write the run's result to `out` (replaced), else to a new
 * `results/<date>_<host>_<device>_run[-N].json` (never another run's file: two runs started in the
 * same second get -2, …). A failed write (a full disk) is returned with the path, not thrown: the
 * run still prints its figures and then fails.
 */
export function writeRunResult(doc: ResultDoc, out: string | null, startedAt: Date): RunWrite {
  const w: ResultWrites = { written: [], failed: [] };
  if (out) attemptWrite(w, out, () => (writeResult(out, doc), out));
  else {
    const name = resultFileName({ startedAt, host: os.hostname(), device: doc.environment.adapter?.name ?? 'cpu-only', label: 'run' });
    attemptWrite(w, join(resultsDir(), name), () => writeNewResult(resultsDir(), name, doc));
  }
  return w.written.length ? { path: w.written[0]!, error: null } : { path: w.failed[0]!.path, error: w.failed[0]!.reason };
}

/** Writes the run's document, marked complete or not (with the reason). */
export type DocWriter = (complete: boolean, reason?: string) => RunWrite;

/** Write the run's document, marked complete or not; a later write replaces the run's own file. */
export function docWriter(doc: ResultDoc, out: string | null, startedAt: Date): DocWriter {
  let outPath = out;
  return (complete, reason) => {
    doc.complete = complete;
    if (!complete && reason) doc.incompleteReason = reason;
    doc.endedAt = new Date().toISOString();
    const w = writeRunResult(doc, outPath, startedAt);
    if (!w.error) outPath = w.path; // a later write (an interruption) replaces this run's own file
    return w;
  };
}
