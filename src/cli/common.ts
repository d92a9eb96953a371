/**
 * Shared CLI plumbing: option parsing helpers that fail with one line naming the flag and the fix.
 */
import { UsageError } from '../util/errors.js';

/** Parse a finite number flag; `min`/`max` inclusive bounds. */
export function parseNumberFlag(flag: string, raw: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = Number(raw);
  const kind = opts.integer ? 'an integer' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    throw new UsageError(`${flag} '${raw}': must be ${kind}${boundsText(opts)}`);
  }
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw new UsageError(`${flag} ${raw}: out of range, must be ${kind}${boundsText(opts)}`);
  }
  return v;
}

function boundsText(o: { min?: number; max?: number }): string {
  if (o.min !== undefined && o.max !== undefined) return ` from ${o.min} to ${o.max}`;
  if (o.min !== undefined) return ` ≥ ${o.min}`;
  if (o.max !== undefined) return ` ≤ ${o.max}`;
  return '';
}

/** commander argParser for a number flag. */
export function numberArg(flag: string, opts: { min?: number; max?: number; integer?: boolean } = {}) {
  return (raw: string) => parseNumberFlag(flag, raw, opts);
}

/** Print a JSON document to stdout (the only thing `--json` prints). */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** Warnings go to stderr with a hint, hyperfine style, so `--json` stdout stays clean. */
export function warn(message: string, hint?: string): void {
  process.stderr.write(`Warning: ${message}${hint ? `\n  hint: ${hint}` : ''}\n`);
}
