/**
 * Flag values below the CLI: number flags that fail with one line naming the flag and the fix
 * (commander argParsers), and warnings on stderr with a hint (hyperfine style). Here rather than
 * in src/cli/ so that code below the CLI (meter options, run checks) can use them: imports point
 * down. src/cli/common.ts re-exports them.
 */
import { UsageError } from './errors.js';

/** Bounds of a number flag: `min`/`max` inclusive, `above` exclusive (e.g. a duration > 0). */
export interface NumberBounds {
  min?: number;
  max?: number;
  above?: number;
  integer?: boolean;
}

/** Parse a finite number flag within `opts`' bounds. */
export function parseNumberFlag(flag: string, raw: string, opts: NumberBounds = {}): number {
  const v = Number(raw);
  const kind = opts.integer ? 'an integer' : 'a number';
  const hint = opts.min === 0 && opts.max === 1 ? percentHint(raw) : '';
  if (raw.trim() === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    throw new UsageError(`${flag} '${raw}': must be ${kind}${boundsText(opts)}${hint}`);
  }
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max) || (opts.above !== undefined && !(v > opts.above))) {
    throw new UsageError(`${flag} ${raw}: out of range, must be ${kind}${boundsText(opts)}${hint}`);
  }
  return v;
}

/**
 * For a flag that takes a fraction (0..1): when the value reads as a percentage ("10", "10%",
 * "12.5 %"), the fraction it means: " (a fraction: 10 % is 0.1)"; else ''.
 */
export function percentHint(raw: string): string {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(raw);
  if (!m) return '';
  const p = Number(m[1]);
  if (!(m[2] === '%' || (p > 1 && p <= 100)) || !(p >= 0 && p <= 100)) return '';
  return ` (a fraction: ${p} % is ${Number((p / 100).toPrecision(6))})`;
}

function boundsText(o: NumberBounds): string {
  const parts: string[] = [];
  if (o.above !== undefined) parts.push(`> ${o.above}`);
  if (o.min !== undefined && o.max !== undefined) return [...parts, `from ${o.min} to ${o.max}`].map((p) => ` ${p}`).join(',');
  if (o.min !== undefined) parts.push(`≥ ${o.min}`);
  if (o.max !== undefined) parts.push(`≤ ${o.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** commander argParser for a number flag. */
export function numberArg(flag: string, opts: NumberBounds = {}) {
  return (raw: string) => parseNumberFlag(flag, raw, opts);
}

/** Warnings go to stderr with a hint, hyperfine style, so `--json` stdout stays clean. */
export function warn(message: string, hint?: string): void {
  process.stderr.write(`Warning: ${message}${hint ? `\n  hint: ${hint}` : ''}\n`);
}
