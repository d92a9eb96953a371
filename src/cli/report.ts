/**
 * `joulebench report <results...> [--md <file>] [--csv <file>] [--html <file>] [--json]`:
 * merge result files (from one or many machines) into comparison tables and a self-contained page.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readResult } from '../report/results.js';
import { buildRows, type LoadedResult } from '../report/rows.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderCsv } from '../report/csv.js';
import { renderHtml } from '../report/html.js';
import { campaignForReport } from '../report/campaign.js';
import { campaignResultsDirOf } from '../fleet/manifest.js';
import { writeFileAtomic } from '../util/atomic.js';
import { UsageError } from '../util/errors.js';
import { printJson, warn } from './common.js';
import { addMarketOptions } from './profit.js';
import { repriceResults, type RepriceOptions } from './report-reprice.js';
import { checkOutputPath } from './result-file.js';

/** Expand arguments: files as given, directories to their *.json files (sorted, not recursive). */
export function expandResultPaths(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const a = campaignResultsDirOf(arg) ?? arg; // a fleet campaign directory: its results/ (issue 15)
    let st;
    try {
      st = statSync(a);
    } catch {
      throw new UsageError(`${a}: no such result file or directory; pass result JSON files (e.g. results/*.json)`);
    }
    if (st.isDirectory()) {
      const files = readdirSync(a)
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .sort()
        .map((f) => join(a, f));
      if (!files.length) throw new UsageError(`${a}: directory holds no *.json result files`);
      out.push(...files);
    } else out.push(a);
  }
  return [...new Set(out)];
}

/** Load and validate every result (the first bad file stops the report, named in the error). */
export function loadResults(paths: readonly string[]): LoadedResult[] {
  return paths.map((path) => ({ path, doc: readResult(path) }));
}

function emit(target: string, text: string): void {
  if (target === '-') process.stdout.write(text);
  else writeFileAtomic(target, text);
}

/** The file a path names, through symlinks when it exists (so `./a.json` and a link to it collide). */
function identity(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/**
 * Refuse outputs that would collide before anything is written: an output that is one of the
 * input result files (it would be replaced by Markdown), two outputs naming one file, and any
 * output that cannot be written (a directory, an unwritable place: checkOutputPath).
 */
export async function checkReportOutputs(outputs: ReadonlyArray<readonly [flag: string, path: string | undefined]>, inputs: readonly string[]): Promise<void> {
  const inputIds = new Map(inputs.map((p) => [identity(p), p]));
  const seen = new Map<string, string>();
  for (const [flag, path] of outputs) {
    if (path === undefined || path === '-') continue;
    const id = identity(path);
    const input = inputIds.get(id);
    if (input !== undefined) throw new UsageError(`${flag} ${path}: is also an input result file (${input}); writing it would replace the results, give the output another name`);
    const other = seen.get(id);
    if (other !== undefined) throw new UsageError(`${other} and ${flag} name the same file (${path}); give each output its own file`);
    seen.set(id, flag);
  }
  for (const [flag, path] of outputs) if (path !== undefined && path !== '-') await checkOutputPath(path, flag);
}

/** Register the `report` command. */
export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('merge result files into comparison tables: Markdown, CSV and a self-contained HTML page with charts')
    .argument('<results...>', 'result JSON files or directories of them (from one or many machines)')
    .option('--md <file>', "write the Markdown tables to <file> ('-' = stdout; the default when no output is given)")
    .option('--csv <file>', "write every metric as CSV (long form: one line per file × measurement × metric) ('-' = stdout)")
    .option('--html <file>', 'write a self-contained HTML page with inline SVG charts (opens offline)')
    .option('--json', 'print the merged rows as JSON (only JSON on stdout)')
    .option('--site <file>', "re-price the stored results at this site and today's market (market flags below)")
    .option('--as-of <YYYY-MM-DD>', 'date of the re-pricing (with --site; default: today)');
  addMarketOptions(cmd).action(async (results: string[], opts: { md?: string; csv?: string; html?: string; json?: boolean } & RepriceOptions) => {
      const outputs = [
        ['--md', opts.md],
        ['--csv', opts.csv],
        ['--html', opts.html],
      ] as const;
      const given = outputs.map(([, p]) => p).filter((x) => x !== undefined);
      if (opts.json && given.includes('-')) throw new UsageError("--json prints JSON on stdout: give --md/--csv/--html a file, not '-'");
      if (given.filter((x) => x === '-').length > 1) throw new UsageError("only one of --md/--csv/--html can be '-' (stdout)");
      // Everything is checked, read and rendered before the first byte is written.
      const paths = expandResultPaths(results);
      await checkReportOutputs(outputs, paths);
      const loaded = repriceResults(loadResults(paths), opts);
      const rows = buildRows(loaded);
      const campaign = campaignForReport(loaded, rows); // Slurm results: per GPU model (issue 15)
      const rendered: Record<string, () => string> = { '--md': () => renderMarkdown(rows, { campaign }), '--csv': () => renderCsv(loaded), '--html': () => renderHtml(rows, { campaign }) };
      const texts = outputs.filter(([, p]) => p !== undefined).map(([flag, p]) => [flag, p!, rendered[flag]!()] as const);
      for (const [, p, text] of texts) emit(p, text);
      if (opts.json) printJson({ files: loaded.map((l) => l.path), rows, ...(campaign ? { campaign } : {}) });
      else if (!given.length) process.stdout.write(renderMarkdown(rows, { campaign }));
      for (const r of rows) if (!r.complete) warn(`${r.file} is an incomplete run (${r.incompleteReason}); its rows are marked incomplete`);
      const what: Record<string, string> = { '--md': 'Markdown', '--csv': 'CSV', '--html': 'HTML' };
      for (const [flag, p] of texts) if (p !== '-') process.stderr.write(`${what[flag]} written to ${p}\n`);
    });
}
