/**
 * `joulebench compare <baseline.json> <candidate.json>`: per-metric SAME / FASTER / SLOWER / UNKNOWN
 * (Welch's t-test + 95 % CI of the relative change beyond a noise threshold), Markdown for a CI job
 * summary, exit 1 on any SLOWER with --fail-on-regression, github-action-benchmark export.
 */
import type { Command } from 'commander';
import { readResult } from '../report/results.js';
import { compareResults, type ComparisonReport } from '../report/compare-results.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { ghaEntries, serializeGha } from '../report/gha-benchmark.js';
import { writeFileAtomic } from '../util/atomic.js';
import { numberArg, printJson, warn } from './common.js';

/** Options of `compare`. */
export interface CompareCliOptions {
  noiseThreshold: number;
  alpha: number;
  minSamples: number;
  failOnRegression?: boolean;
  exportGhaBenchmark?: string;
  exportGhaBenchmarkSmaller?: string;
  md?: string;
  json?: boolean;
}

/** Run the comparison and its side outputs; returns the report (exit code set on process). */
export function runCompare(baselinePath: string, candidatePath: string, opts: CompareCliOptions): ComparisonReport {
  const baseline = readResult(baselinePath);
  const candidate = readResult(candidatePath);
  const report = compareResults(baseline, candidate, { baseline: baselinePath, candidate: candidatePath }, {
    noiseThreshold: opts.noiseThreshold / 100,
    alpha: opts.alpha,
    minSamples: opts.minSamples,
  });
  const md = renderCompareMarkdown(report);
  if (opts.md !== undefined && opts.md !== '-') writeFileAtomic(opts.md, md);
  if (opts.exportGhaBenchmark !== undefined) {
    const big = ghaEntries(candidate, true);
    writeFileAtomic(opts.exportGhaBenchmark, serializeGha(big.entries));
    for (const s of big.skipped) warn(`github-action-benchmark export: left out ${s}`);
    const smaller = ghaEntries(candidate, false);
    if (opts.exportGhaBenchmarkSmaller === undefined && smaller.entries.length) {
      warn(
        `github-action-benchmark export: ${smaller.entries.length} lower-is-better metric(s) left out of ${opts.exportGhaBenchmark} (it is for tool: customBiggerIsBetter)`,
        'add --export-gha-benchmark-smaller <file> and feed it to a second step with tool: customSmallerIsBetter',
      );
    }
  }
  if (opts.exportGhaBenchmarkSmaller !== undefined) {
    const smaller = ghaEntries(candidate, false);
    writeFileAtomic(opts.exportGhaBenchmarkSmaller, serializeGha(smaller.entries));
    for (const s of smaller.skipped) warn(`github-action-benchmark export: left out ${s}`);
  }
  if (opts.json) printJson(report);
  else process.stdout.write(md);
  for (const w of report.warnings) warn(w);
  if (opts.failOnRegression && report.counts.SLOWER > 0) {
    process.stderr.write(`joulebench: ${report.counts.SLOWER} metric(s) SLOWER than the baseline (--fail-on-regression): exit 1\n`);
    process.exitCode = 1;
  }
  return report;
}

/** Register the `compare` command. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two result files per metric: SAME / FASTER / SLOWER / UNKNOWN (Welch t-test + CI of the relative change)')
    .argument('<baseline>', 'baseline result JSON')
    .argument('<candidate>', 'candidate result JSON')
    .option('--noise-threshold <percent>', 'relative change treated as noise, percent', numberArg('--noise-threshold', { min: 0, max: 100 }), 2)
    .option('--alpha <p>', "significance level of Welch's t-test; the CI is at 1 − alpha", numberArg('--alpha', { min: 0.0001, max: 0.5 }), 0.05)
    .option('--min-samples <n>', 'fewest samples per side for a verdict, else UNKNOWN', numberArg('--min-samples', { min: 2, integer: true }), 5)
    .option('--fail-on-regression', 'exit with code 1 when any metric is SLOWER')
    .option('--export-gha-benchmark <file>', "write the candidate's higher-is-better metrics as github-action-benchmark JSON (tool: customBiggerIsBetter)")
    .option('--export-gha-benchmark-smaller <file>', "write the candidate's lower-is-better metrics as github-action-benchmark JSON (tool: customSmallerIsBetter)")
    .option('--md <file>', 'also write the Markdown to <file> (e.g. for a CI job summary)')
    .option('--json', 'print the comparison as JSON instead of Markdown')
    .action((baseline: string, candidate: string, opts: CompareCliOptions) => {
      runCompare(baseline, candidate, opts);
    });
}
