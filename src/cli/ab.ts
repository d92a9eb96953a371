/**
 * `joulebench ab`: interleaved A/B for CI. Builds two git refs (worktrees) or checkouts, runs a
 * benchmark command N rounds with both sides in seeded random order per round, keeps every run's
 * result file, then compares them like `joulebench compare --baseline <dir> --candidate <dir>`
 * (same verdicts, exports and exit codes).
 *
 *   joulebench ab --baseline-ref origin/main --candidate-ref HEAD --rounds 8 --fail-on-regression
 *   joulebench ab … --rounds 8 --detect 10      (then as many rounds as a 10 % regression needs)
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { detectRounds, type DetectOptions } from '../ab/detect.js';
import { AbInterruptedError, AbRunError, runAb, validateAb, type AbOptions, type AbOutcome } from '../ab/driver.js';
import type { Side } from '../ab/plan.js';
import { UsageError } from '../util/errors.js';
import { killAllChildGroups } from '../util/child.js';
import { onInterrupt, signalExitCode } from '../util/interrupt.js';
import { numberArg } from './common.js';
import { addCompareOptions, checkCompareOptions, COMPARE_HELP_TAIL, compareLoaded, compareOutputs, load, runCompare, type CompareCliOptions } from './compare.js';
import { checkOutputs } from './result-file.js';

/** The default benchmark: the main job, one result file per run. */
export const DEFAULT_AB_BENCH = 'node dist/src/cli/main.js run --seconds 10 --progress quiet --out {out}';
/** The default build: a clean install (its `prepare` script compiles dist/). */
export const DEFAULT_AB_BUILD = 'npm ci --no-audit --no-fund';

interface AbFlags extends CompareCliOptions {
  baselineRef?: string;
  baselineDir?: string;
  candidateRef?: string;
  candidateDir?: string;
  repo: string;
  rounds: number;
  warmupRuns: number;
  seed?: number;
  bench: string;
  build: string | boolean;
  outDir?: string;
  workDir?: string;
  keepWorktrees?: boolean;
  runTimeout: number;
  buildTimeout: number;
  detect?: number;
  power?: number;
  maxRounds?: number;
}

/** --detect/--power/--max-rounds checked against each other and the compare flags (exit 2 on misuse). */
function detectOptionsOf(f: AbFlags): DetectOptions | null {
  if (f.detect === undefined) {
    if (f.power !== undefined || f.maxRounds !== undefined) throw new UsageError(`--${f.power !== undefined ? 'power' : 'max-rounds'}: sizes the rounds for --detect <percent>; add --detect (e.g. --detect 10)`);
    return null;
  }
  if (!(f.detect > f.noiseThreshold)) throw new UsageError(`--detect ${f.detect}: a change within the --noise-threshold ${f.noiseThreshold} % is never called; use a larger --detect or a smaller --noise-threshold`);
  const maxRounds = f.maxRounds ?? Math.max(32, f.rounds);
  if (maxRounds < f.rounds) throw new UsageError(`--max-rounds ${maxRounds}: fewer than --rounds ${f.rounds}; use --max-rounds ≥ ${f.rounds}`);
  if (f.minRuns > maxRounds) {
    throw new UsageError(`--min-runs ${f.minRuns}: above --max-rounds ${maxRounds}${f.maxRounds === undefined ? ' (its default)' : ''}, so no verdict is possible in the rounds allowed; use --min-runs ≤ ${maxRounds} or --max-rounds ≥ ${f.minRuns}`);
  }
  return { detectRel: f.detect / 100, power: f.power ?? 0.9, firstRounds: f.rounds, maxRounds };
}

function defaultOutDir(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return join('results', 'ab', t);
}

/**
 * runAb with Ctrl-C / SIGTERM handled: the build or run in progress gets SIGTERM (its process
 * group), then SIGKILL after AB_KILL_GRACE_MS; ab.json says "interrupted"; a second signal kills at
 * once. A failed or interrupted sequence is reported here (exit code set) and gives null.
 */
async function runAbInterruptible(opts: AbOptions, log: (line: string) => void): Promise<AbOutcome | null> {
  const stop = onInterrupt({
    graceMs: 30_000,
    force: (sig) => {
      killAllChildGroups();
      setTimeout(() => process.exit(signalExitCode(sig)), 3000).unref();
    },
  });
  try {
    return await runAb({ ...opts, signal: stop.signal }, log);
  } catch (e) {
    if (e instanceof AbRunError) {
      process.stderr.write(`joulebench: error: ${e.message}\n`);
      process.exitCode = 1;
      return null;
    }
    if (e instanceof AbInterruptedError) {
      process.stderr.write(`\njoulebench: ${e.message}: the build or run in progress was ended with its process group; ${join(opts.outDir, 'ab.json')} says "interrupted", the completed runs are kept\n`);
      process.exitCode = signalExitCode(e.sig);
      return null;
    }
    throw e;
  } finally {
    stop.dispose();
  }
}

/** Register the `ab` command. */
export function registerAb(program: Command): void {
  const cmd = program
    .command('ab')
    .description('interleaved A/B: build two refs (git worktrees) or checkouts, run a benchmark N rounds in seeded random order, keep every result, compare')
    .option('--baseline-ref <ref>', 'baseline git ref (checked out as a worktree of --repo)')
    .option('--baseline-dir <dir>', 'baseline checkout directory (instead of a ref)')
    .option('--candidate-ref <ref>', 'candidate git ref (checked out as a worktree of --repo)')
    .option('--candidate-dir <dir>', 'candidate checkout directory (instead of a ref)')
    .option('--repo <dir>', 'git repository the refs belong to', '.')
    .option('--rounds <n>', 'rounds; each runs both sides once, in random order (≥ 5 needed for a verdict; 8 recommended)', numberArg('--rounds', { min: 1, max: 1000, integer: true }), 8)
    .option('--warmup-runs <n>', 'untimed priming runs per side before the rounds (kept, never compared)', numberArg('--warmup-runs', { min: 0, max: 100, integer: true }), 1)
    .option('--seed <n>', 'seed of the run order (default: random; printed and stored in ab.json)', numberArg('--seed', { min: 0, max: 4294967295, integer: true }))
    .option('--bench <command>', 'benchmark command run in each checkout; {out} = its result file (required), {side}, {round}, {dir}', DEFAULT_AB_BENCH)
    .option('--build <command>', 'build command run once in each checkout', DEFAULT_AB_BUILD)
    .option('--no-build', 'use the checkouts as they are (already built)')
    .option('--out-dir <dir>', 'where run files, logs, ab.json and compare.md go (default: results/ab/<date-time>)')
    .option('--work-dir <dir>', 'where the worktrees go (default: a temporary directory)')
    .option('--keep-worktrees', 'keep the worktrees after the run')
    .option('--run-timeout <s>', 'bound on one benchmark run, seconds', numberArg('--run-timeout', { min: 1 }), 1800)
    .option('--build-timeout <s>', 'bound on one build, seconds', numberArg('--build-timeout', { min: 1 }), 1800)
    .option('--detect <percent>', 'after --rounds, add rounds until a regression of this size would be called SLOWER with --power, sized from the noise the first rounds show (two-stage, Stein 1945)', numberArg('--detect', { min: 0.1, max: 90 }))
    .option('--power <p>', 'with --detect: target probability of calling that regression SLOWER (default: 0.9)', numberArg('--power', { min: 0.5, max: 0.999 }))
    .option('--max-rounds <n>', 'with --detect: most rounds in all (default: 32)', numberArg('--max-rounds', { min: 1, max: 1000, integer: true }));
  addCompareOptions(cmd);
  cmd.addHelpText('after', `${COMPARE_HELP_TAIL}  (1 also when a build or a benchmark run fails; the run files made so far are kept)\n`);
  cmd.action(async (f: AbFlags) => {
    checkCompareOptions(f);
    const detect = detectOptionsOf(f);
    const outDir = f.outDir ?? defaultOutDir();
    const opts: AbOptions = {
      baseline: { ...(f.baselineRef !== undefined ? { ref: f.baselineRef } : {}), ...(f.baselineDir !== undefined ? { dir: f.baselineDir } : {}) },
      candidate: { ...(f.candidateRef !== undefined ? { ref: f.candidateRef } : {}), ...(f.candidateDir !== undefined ? { dir: f.candidateDir } : {}) },
      repo: f.repo,
      rounds: f.rounds,
      warmupRuns: f.warmupRuns,
      seed: f.seed ?? randomInt(0, 2 ** 32),
      bench: f.bench,
      build: f.build === false ? null : String(f.build === true ? DEFAULT_AB_BUILD : f.build),
      outDir,
      ...(f.workDir !== undefined ? { workDir: f.workDir } : {}),
      keepWorktrees: Boolean(f.keepWorktrees),
      runTimeoutS: f.runTimeout,
      buildTimeoutS: f.buildTimeout,
      ...(detect ? { extend: (files: Record<Side, string[]>) => detectRounds(compareLoaded(load(files.baseline), load(files.candidate), f, { baseline: 'baseline', candidate: 'candidate' }), detect) } : {}),
    };
    try {
      validateAb(opts);
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(`--bench: ${e.message}`);
      throw e;
    }
    // compare's outputs, checked before the builds and runs (they are written at the end, beside
    // the run files: none may land among them).
    const outputs = compareOutputs({ ...f, md: f.md ?? join(outDir, 'compare.md') }).map(([flag, p]): [string, string | undefined] => [flag === '--md' && f.md === undefined ? '--out-dir' : flag, p]);
    await checkOutputs(outputs, { dirs: [join(outDir, 'baseline'), join(outDir, 'candidate')] });
    const log = (line: string) => process.stderr.write(`[ab] ${line}\n`);
    log(`${opts.rounds} rounds${detect ? ` (then up to ${detect.maxRounds} as --detect ${f.detect} % needs)` : ''} + ${opts.warmupRuns} warm-up run(s) a side, seed ${opts.seed}, results in ${outDir}`);
    if (opts.rounds < f.minRuns) log(`note: ${opts.rounds} rounds < --min-runs ${f.minRuns}: no FASTER/SLOWER verdict is possible`);
    const files = await runAbInterruptible(opts, log);
    if (!files) return;
    const labels = { baseline: join(outDir, 'baseline'), candidate: join(outDir, 'candidate') };
    const { code } = await runCompare(files.baselineFiles, files.candidateFiles, { ...f, md: f.md ?? join(outDir, 'compare.md') }, labels);
    log(`manifest ${files.manifestPath}; re-compare with: joulebench compare --baseline ${join(outDir, 'baseline')} --candidate ${join(outDir, 'candidate')}`);
    process.exitCode = code;
  });
}
