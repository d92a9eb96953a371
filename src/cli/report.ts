/**
 * `joulebench report <results...> [--md <file>] [--csv <file>] [--html <file>] [--json]`:
 * merge result files (from one or many machines) into comparison tables and a self-contained page.
 */
import type { Command } from 'commander';
import { buildRows, type LoadedResult } from '../report/rows.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderCsv } from '../report/csv.js';
import { renderHtml } from '../report/html.js';
import { campaignForReport } from '../report/campaign.js';
import { stageFileAtomic, type StagedFile } from '../util/atomic.js';
import { UsageError } from '../util/errors.js';
import { printJson, warn } from './common.js';
import { addMarketOptions } from './profit.js';
import { repriceResults, type RepriceOptions } from './report-reprice.js';
import { checkOutputs } from './result-file.js';
import { expandResultInputs, loadResultInputs, skippedText } from './result-inputs.js';
import { checkLoaded, firstProblem } from './verify.js';

/**
 * Verify loaded results (src/cli/verify.ts `checkLoaded`): a file failing `joulebench verify` is
 * warned about and carries its first failure (the report marks its rows); with `strict` it is
 * refused, as is a file without a digest.
 */
export function verifyLoaded(loaded: readonly LoadedResult[], strict: boolean, who: string): LoadedResult[] {
  const checked = checkLoaded(loaded.map((l) => ({ path: l.path, raw: l.raw ?? l.doc })), strict, who);
  return loaded.map((l) => {
    const v = checked.get(l.path);
    return { ...l, ...(v?.status === 'fail' ? { verifyProblem: firstProblem(v) } : {}) };
  });
}

/**
 * Write every file output or none: each is staged whole (a temp file next to it, fsynced), and only
 * when all are staged are they renamed into place, so a full disk leaves every target as it was.
 * A failure names the file that could not be written and what became of the others.
 */
function writeAll(files: readonly (readonly [string, string, string])[]): void {
  const staged: StagedFile[] = [];
  for (const [, path, text] of files) {
    try {
      staged.push(stageFileAtomic(path, text));
    } catch (err) {
      for (const s of staged) s.abort();
      const others = files.map(([, p]) => p).filter((p) => p !== path);
      if (!others.length) throw err;
      throw new Error(`${(err as Error).message}; nothing written: ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} left as ${others.length === 1 ? 'it was' : 'they were'} (all outputs or none)`, { cause: err });
    }
  }
  const done: string[] = [];
  for (const s of staged) {
    try {
      s.commit();
      done.push(s.path);
    } catch (err) {
      for (const t of staged.slice(done.length + 1)) t.abort();
      const left = staged.slice(done.length + 1).map((t) => t.path);
      throw new Error(`${(err as Error).message}${done.length ? `; already written: ${done.join(', ')}` : ''}${left.length ? `; not written: ${left.join(', ')}` : ''}`, { cause: err });
    }
  }
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
    .option('--as-of <YYYY-MM-DD>', 'date of the re-pricing (with --site; default: today)')
    .option('--strict', "refuse result files that fail 'joulebench verify' or carry no digest (default: mark them)");
  addMarketOptions(cmd).action(async (results: string[], opts: { md?: string; csv?: string; html?: string; json?: boolean; strict?: boolean } & RepriceOptions) => {
      const outputs = [
        ['--md', opts.md],
        ['--csv', opts.csv],
        ['--html', opts.html],
      ] as const;
      const given = outputs.map(([, p]) => p).filter((x) => x !== undefined);
      if (opts.json && given.includes('-')) throw new UsageError("--json prints JSON on stdout: give --md/--csv/--html a file, not '-'");
      if (given.filter((x) => x === '-').length > 1) throw new UsageError("only one of --md/--csv/--html can be '-' (stdout)");
      // Everything is checked, read and rendered before the first byte is written.
      const inputs = expandResultInputs(results);
      // The --site file is an input too ('--md site.yaml' replaced it with Markdown).
      await checkOutputs(outputs, { files: [...inputs.map((x) => x.path), ...(opts.site !== undefined ? [opts.site] : [])], dirs: [...new Set(inputs.flatMap((x) => (x.dir ? [x.dir] : [])))] });
      const { loaded: valid, skipped } = loadResultInputs(inputs, (x) => warn(skippedText(x)));
      const repriced = repriceResults(valid, opts); // bad market flags are refused before anything is said
      // Verify the files as read (re-pricing replaces their profit block), then mark the rows.
      const problems = new Map(verifyLoaded(valid, opts.strict === true, 'report').map((l) => [l.path, l.verifyProblem]));
      const loaded = repriced.map((l) => ({ ...l, verifyProblem: problems.get(l.path) ?? null }));
      const rows = buildRows(loaded);
      const campaign = campaignForReport(loaded, rows); // Slurm results: per GPU model (issue 15)
      const rendered: Record<string, () => string> = { '--md': () => renderMarkdown(rows, { campaign }), '--csv': () => renderCsv(loaded), '--html': () => renderHtml(rows, { campaign }) };
      const texts = outputs.filter(([, p]) => p !== undefined).map(([flag, p]) => [flag, p!, rendered[flag]!()] as const);
      writeAll(texts.filter(([, p]) => p !== '-'));
      for (const [, p, text] of texts) if (p === '-') process.stdout.write(text);
      if (opts.json) printJson({ files: loaded.map((l) => l.path), ...(skipped.length ? { skipped } : {}), rows, ...(campaign ? { campaign } : {}) });
      else if (!given.length) process.stdout.write(renderMarkdown(rows, { campaign }));
      for (const r of rows) if (!r.complete) warn(`${r.file} is an incomplete run (${r.incompleteReason}); its rows are marked incomplete`);
      const what: Record<string, string> = { '--md': 'Markdown', '--csv': 'CSV', '--html': 'HTML' };
      for (const [flag, p] of texts) if (p !== '-') process.stderr.write(`${what[flag]} written to ${p}\n`);
    });
}
