/**
 * `joulebench report <results...> [--md <file>] [--csv <file>] [--html <file>] [--json]`:
 * merge result files (from one or many machines) into comparison tables and a self-contained page.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  addMarketOptions(cmd).action((results: string[], opts: { md?: string; csv?: string; html?: string; json?: boolean } & RepriceOptions) => {
      const loaded = repriceResults(loadResults(expandResultPaths(results)), opts);
      const rows = buildRows(loaded);
      const campaign = campaignForReport(loaded, rows); // Slurm results: per GPU model (issue 15)
      const outputs = [opts.md, opts.csv, opts.html].filter((x) => x !== undefined);
      if (opts.json && outputs.includes('-')) throw new UsageError("--json prints JSON on stdout: give --md/--csv/--html a file, not '-'");
      if (outputs.filter((x) => x === '-').length > 1) throw new UsageError("only one of --md/--csv/--html can be '-' (stdout)");
      if (opts.md !== undefined) emit(opts.md, renderMarkdown(rows, { campaign }));
      if (opts.csv !== undefined) emit(opts.csv, renderCsv(loaded));
      if (opts.html !== undefined) emit(opts.html, renderHtml(rows, { campaign }));
      if (opts.json) printJson({ files: loaded.map((l) => l.path), rows, ...(campaign ? { campaign } : {}) });
      else if (!outputs.length) process.stdout.write(renderMarkdown(rows, { campaign }));
      for (const r of rows) if (!r.complete) warn(`${r.file} is an incomplete run (${r.incompleteReason}); its rows are marked incomplete`);
      for (const [what, path] of [
        ['Markdown', opts.md],
        ['CSV', opts.csv],
        ['HTML', opts.html],
      ] as const) {
        if (path !== undefined && path !== '-') process.stderr.write(`${what} written to ${path}\n`);
      }
    });
}
