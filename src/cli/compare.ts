/**
 * `joulebench compare`: per-metric SAME / FASTER / SLOWER / UNKNOWN / REFUSED between two sets of
 * runs (each result file is one run), Markdown for a CI job summary, a gate exit code, and the
 * github-action-benchmark export.
 *
 *   joulebench compare base.json cand.json                     one run a side
 *   joulebench compare --baseline runs/a/ --candidate runs/b/  a directory = every result file in it
 *
 * Exit codes: 0 pass; 1 a gated regression with --fail-on-regression, or a gated UNKNOWN/REFUSED
 * with --fail-on-unknown; 2 bad input (flag, unreadable or invalid result file).
 */
import { Option, type Command } from 'commander';
import { readResult } from '../results/files.js';
import { compareExitCode, compareRunSets, CompareInputError, type ComparisonReport, type RunFile } from '../report/compare-results.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { ghaEntries, serializeGha } from '../report/gha-benchmark.js';
import { writeFileAtomic } from '../util/atomic.js';
import { UsageError } from '../util/errors.js';
import { fileIdentity } from '../util/input-file.js';
import { numberArg, printJson, warn } from './common.js';
import { checkOutputs } from './result-file.js';
import { expandResultInputs, expandResultPaths, loadResultInputs, skippedText, type ResultInput } from './result-inputs.js';
import { checkLoaded, firstProblem } from './verify.js';

/** Options of `compare` (and of `ab`, which passes them through). */
export interface CompareCliOptions {
  baseline?: string[];
  candidate?: string[];
  noiseThreshold: number;
  tolerance: number;
  alpha: number;
  minRuns: number;
  minSamples?: number;
  pairing: 'auto' | 'paired' | 'unpaired';
  gate: string;
  failOnRegression?: boolean;
  failOnUnknown?: boolean;
  exportGhaBenchmark?: string;
  exportGhaBenchmarkSmaller?: string;
  md?: string;
  json?: boolean;
  /** Refuse runs that fail `joulebench verify` or carry no digest. */
  strict?: boolean;
}

/** The text appended to `compare --help` (and `ab --help`): exit codes and the rule. */
export const COMPARE_HELP_TAIL = `
Each result file is one run (its own process); a metric's run value is its headline figure.
Verdicts: SLOWER/FASTER when the change (ratio of geometric means) is significant (its one-sided
t test at alpha, i.e. the (1 − 2·alpha) CI excludes no change; Holm-adjusted over the gated
metrics), is estimated beyond ±noise-threshold, and there are ≥ min-runs runs a side (the rank test
is reported next to it); SAME when the whole CI lies within ±tolerance; REFUSED when the
figures are not comparable (different energy meter, scope or declared watts); else UNKNOWN.
A run is set aside as disturbed only on evidence independent of its side (its host telemetry, or
both runs of its round grossly slow). With ≥ 8 rounds, a candidate grossly slower in a minority of
rounds is SLOWER (intermittent: k of n rounds), gated like SLOWER; a baseline grossly slow in some
rounds is left out, and then FASTER needs the other rounds and SAME is not given.

Exit codes:
  0  pass (no gated regression; UNKNOWN passes unless --fail-on-unknown)
  1  a gated metric SLOWER (intermittent included) with --fail-on-regression, or UNKNOWN/REFUSED
     with --fail-on-unknown
  2  bad input: a flag, or a file that is not a readable joulebench result (with --strict: a
     run failing 'joulebench verify' or without a digest)
`;

/** Parse --gate. */
export function parseGate(raw: string): 'headline' | 'all' | string[] {
  if (raw === 'headline' || raw === 'all') return raw;
  const keys = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (!keys.length || keys.some((k) => !/^[^.\s]+(\.[^.\s]+)*\.[A-Za-z0-9_]+$/.test(k))) {
    throw new UsageError(`--gate '${raw}': use headline, all, or a comma list of measurement.metric keys (e.g. hash.sha256d.hashesPerSecond)`);
  }
  return keys;
}

/** Validate and read the two sides from positionals or --baseline/--candidate. */
export function resolveSides(positional: { baseline?: string; candidate?: string }, opts: Pick<CompareCliOptions, 'baseline' | 'candidate'>): { baseline: string[]; candidate: string[] } {
  const pos = [positional.baseline, positional.candidate].filter((x): x is string => x !== undefined);
  const flags = opts.baseline !== undefined || opts.candidate !== undefined;
  if (pos.length && flags) throw new UsageError('compare: give either <baseline> <candidate> or --baseline/--candidate, not both');
  if (flags) {
    if (!opts.baseline?.length) throw new UsageError('--baseline <file|dir...>: required with --candidate (result files or directories of them)');
    if (!opts.candidate?.length) throw new UsageError('--candidate <file|dir...>: required with --baseline (result files or directories of them)');
    return { baseline: opts.baseline, candidate: opts.candidate };
  }
  if (pos.length !== 2) throw new UsageError('compare: give <baseline.json> <candidate.json>, or --baseline <file|dir...> --candidate <file|dir...>');
  return { baseline: [pos[0]!], candidate: [pos[1]!] };
}

/** Read result files (and directories of them) as runs; a bad file found in a directory stops it too (see loadSide). */
export function load(args: string[]): RunFile[] {
  return expandResultPaths(args).map((path) => ({ path, doc: readResult(path) }));
}

/**
 * Verify both sides' runs (`joulebench verify`'s checks): a failing run is named in the returned
 * lines (the report's warnings); with `strict`, a failing run or one without a digest is refused
 * (exit 2).
 */
export function verifyRuns(baseline: readonly RunFile[], candidate: readonly RunFile[], strict: boolean): string[] {
  const files = [...baseline.map((r) => ({ ...r, side: 'baseline' })), ...candidate.map((r) => ({ ...r, side: 'candidate' }))].map((r) => ({ ...r, raw: (r as { raw?: unknown }).raw ?? r.doc }));
  const checked = checkLoaded(files, strict, 'compare', false);
  return files.filter((f) => checked.get(f.path)?.status === 'fail').map((f) => `${f.side} run ${f.path} FAILS VERIFY: ${firstProblem(checked.get(f.path)!)}`);
}

/** One side's runs: a bad file found in a directory is skipped with a warning (src/cli/result-inputs.ts). */
function loadSide(inputs: readonly ResultInput[], side: string, skipped: string[]): RunFile[] {
  return loadResultInputs(inputs, (s) => skipped.push(`${side}: ${skippedText(s)}`), `${side} result files`).loaded;
}

/** The side outputs of compare (and ab), flag and path. */
export function compareOutputs(opts: Pick<CompareCliOptions, 'md' | 'exportGhaBenchmark' | 'exportGhaBenchmarkSmaller'>): Array<[string, string | undefined]> {
  return [
    ['--md', opts.md],
    ['--export-gha-benchmark', opts.exportGhaBenchmark],
    ['--export-gha-benchmark-smaller', opts.exportGhaBenchmarkSmaller],
  ];
}

/** compareRunSets with the CLI's options (percent flags to fractions); bad input is a UsageError. */
export function compareLoaded(baseline: RunFile[], candidate: RunFile[], opts: CompareCliOptions, labels: { baseline: string; candidate: string }, gate = parseGate(opts.gate)): ComparisonReport {
  try {
    return compareRunSets(baseline, candidate, labels, {
      noiseThreshold: opts.noiseThreshold / 100,
      tolerance: opts.tolerance / 100,
      alpha: opts.alpha,
      minRuns: opts.minSamples ?? opts.minRuns,
      pairing: opts.pairing,
      gate,
    });
  } catch (e) {
    if (e instanceof CompareInputError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Compare, write the side outputs (Markdown file, github-action-benchmark JSON), print the Markdown
 * (or JSON) and return the report with the gate's exit code and why.
 */
export async function runCompare(
  baselineArgs: string[],
  candidateArgs: string[],
  opts: CompareCliOptions,
  labels = { baseline: baselineArgs.join(' '), candidate: candidateArgs.join(' ') },
): Promise<{ report: ComparisonReport; code: 0 | 1; why: string | null }> {
  if (opts.minSamples !== undefined) warn('--min-samples is replaced by --min-runs (runs, not within-run samples, are the replicates); using its value as --min-runs');
  const gate = parseGate(opts.gate);
  const bIn = expandResultInputs(baselineArgs, { abOutDir: 'refuse' });
  const cIn = expandResultInputs(candidateArgs, { abOutDir: 'refuse' });
  const overlap = bIn.filter((b) => cIn.some((c) => fileIdentity(c.path) === fileIdentity(b.path)));
  if (overlap.length) throw new UsageError(`${overlap[0]!.path}: given as both baseline and candidate`);
  // Outputs before any work: never an input, a device, a directory or each other (exit 2).
  const all = [...bIn, ...cIn];
  await checkOutputs(compareOutputs(opts), { files: all.map((x) => x.path), dirs: [...new Set(all.flatMap((x) => (x.dir ? [x.dir] : [])))] });
  const skipped: string[] = [];
  const baseline = loadSide(bIn, 'baseline', skipped);
  const candidate = loadSide(cIn, 'candidate', skipped);
  const failing = verifyRuns(baseline, candidate, opts.strict === true);
  const report = compareLoaded(baseline, candidate, opts, labels, gate);
  report.warnings.unshift(...skipped);
  report.warnings.push(...failing);
  const md = renderCompareMarkdown(report);
  if (opts.json) printJson(report);
  else process.stdout.write(md);
  for (const w of report.warnings) warn(w);
  // Files after the verdict is printed: a failed write (a full disk) names the file, exit 1.
  if (opts.md !== undefined && opts.md !== '-') writeFileAtomic(opts.md, md);
  exportGha(candidate, report, opts);
  const { code, why } = compareExitCode(report, opts);
  if (why) process.stderr.write(`joulebench: ${why}: exit ${code}\n`);
  return { report, code, why };
}

function exportGha(candidate: RunFile[], report: ComparisonReport, opts: CompareCliOptions): void {
  if (opts.exportGhaBenchmark !== undefined) {
    const big = ghaEntries(candidate, true, report);
    writeFileAtomic(opts.exportGhaBenchmark, serializeGha(big.entries));
    for (const s of big.skipped) warn(`github-action-benchmark export: left out ${s}`);
    const smaller = ghaEntries(candidate, false, report);
    if (opts.exportGhaBenchmarkSmaller === undefined && smaller.entries.length) {
      warn(
        `github-action-benchmark export: ${smaller.entries.length} lower-is-better metric(s) left out of ${opts.exportGhaBenchmark} (it is for tool: customBiggerIsBetter)`,
        'add --export-gha-benchmark-smaller <file> and feed it to a second step with tool: customSmallerIsBetter',
      );
    }
  }
  if (opts.exportGhaBenchmarkSmaller !== undefined) {
    const smaller = ghaEntries(candidate, false, report);
    writeFileAtomic(opts.exportGhaBenchmarkSmaller, serializeGha(smaller.entries));
    for (const s of smaller.skipped) warn(`github-action-benchmark export: left out ${s}`);
  }
}

/** Add the verdict and output options shared by `compare` and `ab`. */
export function addCompareOptions(cmd: Command): Command {
  return cmd
    .option('--noise-threshold <percent>', 'noise threshold: FASTER/SLOWER needs a significant change estimated beyond ±this, percent', numberArg('--noise-threshold', { min: 0, max: 50 }), 3.5)
    .option('--tolerance <percent>', 'equivalence band: SAME needs the whole CI within ±this, percent', numberArg('--tolerance', { min: 0.1, max: 50 }), 5)
    .option('--alpha <p>', 'one-sided error rate per direction; the CI is two-sided at 1 − 2·alpha (90 % by default)', numberArg('--alpha', { min: 0.0001, max: 0.25 }), 0.05)
    .option('--min-runs <n>', 'fewest runs a side for FASTER/SLOWER', numberArg('--min-runs', { min: 2, max: 1000, integer: true }), 5)
    .option('--pairing <mode>', 'auto (pair by round when runs are interleaved), paired, unpaired', 'auto')
    .option('--gate <metrics>', "gated family: headline (H/s, H/J, pp/tg tok/s, tok/J, micro ops/s), all, or a comma list of measurement.metric", 'headline')
    .option('--fail-on-regression', 'exit 1 when a gated metric is SLOWER')
    .option('--fail-on-unknown', 'strict gate: also exit 1 when a gated metric is UNKNOWN or REFUSED')
    .option('--export-gha-benchmark <file>', "write the candidate's higher-is-better metrics as github-action-benchmark JSON (tool: customBiggerIsBetter)")
    .option('--export-gha-benchmark-smaller <file>', "write the candidate's lower-is-better metrics as github-action-benchmark JSON (tool: customSmallerIsBetter)")
    .option('--md <file>', 'also write the Markdown to <file> (e.g. for a CI job summary)')
    .option('--json', 'print the comparison as JSON instead of Markdown')
    .option('--strict', "refuse runs that fail 'joulebench verify' or carry no digest (default: mark them)");
}

/** Check the option values commander cannot (enumerations). */
export function checkCompareOptions(opts: CompareCliOptions): void {
  if (!['auto', 'paired', 'unpaired'].includes(opts.pairing)) throw new UsageError(`--pairing '${opts.pairing}': use auto, paired or unpaired`);
  parseGate(opts.gate);
  // '-' is not stdout for these (stdout carries the comparison): it was written as a file named '-'.
  for (const [flag, p] of [['--export-gha-benchmark', opts.exportGhaBenchmark], ['--export-gha-benchmark-smaller', opts.exportGhaBenchmarkSmaller]] as const) {
    if (p === '-') throw new UsageError(`${flag} -: stdout carries the comparison; give a file name`);
  }
  if (opts.md === '-' && opts.json) throw new UsageError("--md - with --json: stdout carries the JSON; give --md a file name");
}

/** Register the `compare` command. */
export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('compare runs per metric: SAME / FASTER / SLOWER / UNKNOWN / REFUSED from one headline value per run (result file)')
    .argument('[baseline]', 'baseline result JSON (one run)')
    .argument('[candidate]', 'candidate result JSON (one run)')
    .option('--baseline <paths...>', 'baseline runs: result files or directories of them')
    .option('--candidate <paths...>', 'candidate runs: result files or directories of them');
  addCompareOptions(cmd);
  cmd
    .addOption(new Option('--min-samples <n>', 'deprecated: use --min-runs').argParser(numberArg('--min-samples', { min: 2, integer: true })).hideHelp())
    .addHelpText('after', COMPARE_HELP_TAIL)
    .action(async (baseline: string | undefined, candidate: string | undefined, opts: CompareCliOptions) => {
      checkCompareOptions(opts);
      const sides = resolveSides({ baseline, candidate }, opts);
      const { code } = await runCompare(sides.baseline, sides.candidate, opts);
      process.exitCode = code;
    });
}
