/**
 * What `joulebench verify` reports: one finding per discrepancy, naming the field, and a count of
 * the checks made (so a PASS says how much was checked). Pure.
 *
 * Modelled on MLPerf Inference's submission checker (mlcommons/inference,
 * tools/submission/submission_checker.py): every problem is logged on its own line with the file
 * and what is wrong (`log.error("%s ...", fname, ...)`), warnings do not fail the submission, and
 * the exit status says whether any error was found.
 */

/** A failed check fails the file; a warning is reported and passes (unless --strict). */
export type FindingLevel = 'fail' | 'warn';

/** One discrepancy, naming the field it is about. */
export interface Finding {
  level: FindingLevel;
  /** Path of the field in the document, e.g. `measurements[0].metrics.hashesPerSecond.value`. */
  field: string;
  /** What is wrong, with the numbers. */
  message: string;
}

/** A field path: identifiers joined by dots, indices in brackets, keys with dots quoted. */
export function fieldPath(...parts: Array<string | number>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Collects findings and counts checks. */
export class Findings {
  readonly list: Finding[] = [];
  /** Checks made (passed or not). */
  checks = 0;

  /** Record a check: nothing when `ok`, else a failure. Returns `ok`. */
  check(ok: boolean, field: string, message: () => string): boolean {
    this.checks++;
    if (!ok) this.list.push({ level: 'fail', field, message: message() });
    return ok;
  }

  /** Record a check whose failure is only a warning. */
  checkWarn(ok: boolean, field: string, message: () => string): boolean {
    this.checks++;
    if (!ok) this.list.push({ level: 'warn', field, message: message() });
    return ok;
  }

  /** A warning that is not the outcome of a comparison (e.g. a figure that cannot be re-derived). */
  warn(field: string, message: string): void {
    this.list.push({ level: 'warn', field, message });
  }

  /** A failure that is not the outcome of a comparison. */
  fail(field: string, message: string): void {
    this.checks++;
    this.list.push({ level: 'fail', field, message });
  }
}

/** `a` and `b` agree within `rel` of the larger magnitude (plus `abs`). */
export function close(a: number, b: number, rel = 1e-9, abs = 0): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

/** "+10.00 %" for how far `got` is from `want`. */
export function relText(got: number, want: number): string {
  if (want === 0) return got === 0 ? '0 %' : 'from 0';
  const r = (got / want - 1) * 100;
  return `${r >= 0 ? '+' : ''}${r.toFixed(Math.abs(r) < 0.01 ? 6 : 2)} %`;
}

/** A number for messages: full precision up to 10 significant digits. */
export function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10)));
}
