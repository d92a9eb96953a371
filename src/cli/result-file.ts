/**
 * `--out <file>` / `--save` for the single-bench commands (`hash bench`, `infer bench`): a full
 * result document holding one measurement, which `compare` and `report` read.
 */
import os from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { newResultDoc } from '../report/environment.js';
import { resultFileName, resultsDir, writeResult } from '../report/results.js';
import type { Measurement } from '../report/schema.js';

/** Add `--out <file>` and `--save`. */
export function addResultFileOptions(cmd: Command): Command {
  return cmd.option('--out <file>', 'write a full result document to <file>').option('--save', 'write a full result document into results/');
}

/**
 * Write `m` as a result document to `--out` and/or (with `--save`) `results/<date>_<host>_<device>_<label>.json`.
 * Returns the paths written; says so on stderr unless `quiet` (the `--json` stdout stays clean either way).
 */
export function writeMeasurementResult(
  m: Measurement,
  o: { out?: string; save?: boolean; quiet?: boolean },
  startedAt: Date,
  naming: { device: string; label: string },
): string[] {
  if (!o.out && !o.save) return [];
  const doc = newResultDoc((m.adapter ?? null) as AdapterIdentity | null, startedAt);
  doc.measurements.push(m);
  doc.endedAt = new Date().toISOString();
  const paths: string[] = [];
  if (o.out) paths.push(o.out);
  if (o.save) paths.push(join(resultsDir(), resultFileName({ startedAt, host: os.hostname(), ...naming })));
  for (const p of paths) {
    writeResult(p, doc);
    if (!o.quiet) process.stderr.write(`result written to ${p}\n`);
  }
  return paths;
}
