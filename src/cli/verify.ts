/**
 * `joulebench verify <result files or dirs...> [--json] [--strict]`: the submission checker
 * (src/results/verify/verify.ts). One line per discrepancy naming the file and field, one status line per
 * file, a summary line.
 *
 * Exit codes: 0 every file passes; 1 a file fails a check (with --strict, a warning fails too);
 * 2 bad input (no such file, not JSON, a directory without result files).
 *
 * `report` and `compare` run the same checks on what they read (`checkLoaded`): a failing file is
 * marked (stderr and the rendered report) and, with --strict, refused (exit 2).
 */
import type { Command } from 'commander';
import { readResultJson } from '../results/files.js';
import { UsageError } from '../util/errors.js';
import { toolVersion } from '../util/package.js';
import { verifyResultJson, type VerifyReport } from '../results/verify/verify.js';
import { printJson, warn } from './common.js';
import { expandResultPaths } from './result-inputs.js';

/** One file's verification, as `verify --json` prints it. */
export interface FileVerification extends VerifyReport {
  path: string;
}

/** Verify parsed documents (pure apart from reading this joulebench's version). */
export function verifyDocuments(files: ReadonlyArray<{ path: string; raw: unknown }>, strict = false): FileVerification[] {
  const version = toolVersion();
  return files.map(({ path, raw }) => ({ path, ...verifyResultJson(raw, { strict, toolVersion: version }) }));
}

/** The text report: findings, one status line per file, then the summary. */
export function formatVerification(results: readonly FileVerification[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const x of r.findings) out.push(`${r.path}: ${x.level === 'fail' ? 'FAIL' : 'WARN'} ${x.field}: ${x.message}`);
    const fails = r.findings.filter((x) => x.level === 'fail').length;
    const warns = r.findings.length - fails;
    const digest = { ok: 'digest ok', missing: 'no digest', mismatch: 'DIGEST MISMATCH', unsupported: 'digest not checkable' }[r.digest];
    out.push(`${r.path}: ${r.status === 'pass' ? 'PASS' : 'FAIL'} (${r.checks} checks, ${fails} failed, ${warns} warning${warns === 1 ? '' : 's'}; ${digest})`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  out.push(`verify: ${results.length} file${results.length === 1 ? '' : 's'}: ${results.length - failed} pass, ${failed} fail`);
  return out.join('\n') + '\n';
}

/**
 * The first failure of a file, in one line (for the marks `report` and `compare` make): a figure
 * that does not re-derive names the field, so it comes before a digest mismatch.
 */
export function firstProblem(r: VerifyReport): string {
  const fails = r.findings.filter((y) => y.level === 'fail');
  const x = fails.find((y) => y.field !== 'digest') ?? fails[0] ?? r.findings[0];
  const more = r.findings.filter((y) => y.level === 'fail').length - 1;
  return x ? `${x.field}: ${x.message}${more > 0 ? ` (+${more} more)` : ''}` : 'no finding';
}

/**
 * The checks `report` and `compare` run on the files they read: a failing file gets a warning
 * naming its first failure (and is returned, for the rendered mark); a file without a digest (written
 * before schema 1.2) passes silently when its figures re-derive; with `strict`, a failing file or
 * one without a digest is refused (UsageError).
 * `warnEach: false` leaves the per-file warnings to the caller (compare lists them in its report).
 */
export function checkLoaded(files: ReadonlyArray<{ path: string; raw: unknown }>, strict: boolean, who: string, warnEach = true): Map<string, VerifyReport> {
  const results = verifyDocuments(files);
  const byPath = new Map(results.map((r) => [r.path, r as VerifyReport]));
  const failing = results.filter((r) => r.status === 'fail');
  const noDigest = results.filter((r) => r.digest === 'missing');
  if (strict) {
    const bad = failing[0] ?? noDigest[0];
    if (bad) {
      const why = bad.status === 'fail' ? `fails verify: ${firstProblem(bad)}` : 'has no digest (written before schema 1.2): it cannot be shown unedited';
      throw new UsageError(`${bad.path}: ${why}; --strict refuses it (see 'joulebench verify ${bad.path}')`);
    }
  }
  if (warnEach) for (const r of failing) warn(`${r.path} FAILS VERIFY (${who} marks it): ${firstProblem(r)}`, `joulebench verify ${r.path} lists every finding; --strict refuses such files`);
  return byPath;
}

/** Register the `verify` command. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check result files: re-derive every headline figure from its raw record, check the content digest, the kernel self-check, the software-adapter flag, energy windows, basis and scope')
    .argument('<results...>', 'result JSON files or directories of them')
    .option('--json', 'print the findings as JSON (only JSON on stdout)')
    .option('--strict', 'warnings fail too: a missing digest, a figure that cannot be re-derived')
    .addHelpText('after', '\nExit codes:\n  0  every file passes\n  1  a file fails a check (with --strict, a warning fails too)\n  2  bad input (no such file, not JSON, a directory without *.json)\n')
    .action((results: string[], opts: { json?: boolean; strict?: boolean }) => {
      const paths = expandResultPaths(results);
      // Read everything first: an unreadable file is bad input (exit 2), before any verdict.
      const files = paths.map((path) => ({ path, raw: readResultJson(path) }));
      const out = verifyDocuments(files, opts.strict === true);
      if (opts.json) printJson({ files: out, pass: out.filter((r) => r.status === 'pass').length, fail: out.filter((r) => r.status === 'fail').length });
      else process.stdout.write(formatVerification(out));
      process.exitCode = out.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
