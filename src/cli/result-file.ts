/**
 * Output files of the CLI: `--out <file>` / `--save` for the single-bench commands (`hash bench`,
 * `infer bench`; `run` has its own `--out`, src/run/result-file.ts). The output-path check every
 * command makes before any work is src/results/output-paths.ts, the write that keeps the figures
 * when the disk is full src/results/writes.ts; both are re-exported here for the commands.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { newResultDoc } from '../host/environment.js';
import { resultFileName, resultsDir, writeNewResult, writeResult } from '../results/files.js';
import type { Measurement } from '../results/schema.js';
import { checkResultOutputs as checkResultPaths, type CommandInputs } from '../results/output-paths.js';
import { attemptWrite, type ResultWrites } from '../results/writes.js';

export { checkOutputPath, checkOutputs, OUTPUT_CHECK_TIMEOUT_MS, type CommandInputs } from '../results/output-paths.js';
export { assertResultsWritten, attemptWrite, type ResultWrites } from '../results/writes.js';

/** Add `--out <file>` and `--save`. */
export function addResultFileOptions(cmd: Command): Command {
  return cmd.option('--out <file>', 'write a full result document to <file>').option('--save', 'write a full result document into results/');
}

/**
 * Validate `--out` and (with `save`) the results directory before any measurement; `saveFlag`
 * names what writes into the results directory (`--save`, or `run` without `--out`).
 */
export async function checkResultOutputs(o: { out?: string; save?: boolean }, saveFlag = '--save', inputs: CommandInputs = {}): Promise<void> {
  await checkResultPaths(o, saveFlag, inputs, resultsDir());
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
  const say = o.quiet ? undefined : (line: string) => void process.stderr.write(line);
  if (out) attemptWrite(w, out, () => (writeResult(out, doc), out), say);
  if (o.save) {
    const name = resultFileName({ startedAt, host: os.hostname(), ...naming });
    attemptWrite(w, join(resultsDir(), name), () => writeNewResult(resultsDir(), name, doc), say);
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
