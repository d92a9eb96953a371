/**
 * The interleaved A/B driver behind `joulebench ab`: check out both sides (git worktrees for refs),
 * build each once, run the benchmark command in seeded random order within each round (after
 * untimed priming runs), keep every run's result file and log, and hand the run files to
 * `compare`. Runs are sequential (never two benchmarks at once on one machine) and each is its own
 * process: the unit of replication. Every build and run is its own process group (src/util/child.ts):
 * a timeout or an interruption (AbortOptions.signal: Ctrl-C, SIGTERM) ends the whole group, and an
 * interrupted sequence leaves ab.json saying so ("interrupted") and no result of the cut-short run.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { readResult } from '../results/files.js';
import { toolVersion } from '../util/package.js';
import { UsageError } from '../util/errors.js';
import { addWorktree, checkDir, headOf, removeWorktree, resolveRef, type Checkout } from './checkout.js';
import { writeManifest, type Manifest, type ManifestRun } from './manifest.js';
import { benchCommand, planRuns, type PlannedRun, type Side } from './plan.js';
import { runChild, type ChildOutcome } from '../util/child.js';
import { interruptionOf } from '../util/interrupt.js';

/** What one side is: a git ref (worktree) or a checkout directory. */
export interface SideSpec {
  ref?: string;
  dir?: string;
}

/** Options of the driver. */
export interface AbOptions {
  baseline: SideSpec;
  candidate: SideSpec;
  /** Git repository the refs are resolved in. */
  repo: string;
  rounds: number;
  warmupRuns: number;
  seed: number;
  /** Benchmark command template ({out} required; {side}, {round}, {dir}). */
  bench: string;
  /** Build command run once in each checkout, or null to use the checkouts as they are. */
  build: string | null;
  outDir: string;
  /** Where worktrees go (default: a new temporary directory). */
  workDir?: string;
  keepWorktrees: boolean;
  runTimeoutS: number;
  buildTimeoutS: number;
  /**
   * Called once, after the first `rounds` rounds, with their result files (in round order): how
   * many rounds to run in all (e.g. sized from the noise those rounds show; `joulebench ab
   * --detect`). Absent: exactly `rounds`.
   */
  extend?: (files: Record<Side, string[]>) => AbExtension;
  /**
   * Stop early (Ctrl-C, SIGTERM): the build or run in progress gets SIGTERM (its process group),
   * then SIGKILL after a grace period; the manifest is marked interrupted.
   */
  signal?: AbortSignal;
}

/** A failure after the inputs were accepted (build or run failed): exit code 1. */
export class AbRunError extends Error {}

/** The sequence was interrupted (AbOptions.signal); the manifest says so. Exit code 128 + n. */
export class AbInterruptedError extends Error {
  constructor(
    readonly sig: NodeJS.Signals,
    message: string,
  ) {
    super(message);
  }
}

/** Grace an interrupted build or benchmark run gets to exit after the forwarded signal, ms. */
export const AB_KILL_GRACE_MS = 5000;

/**
 * Run one shell command of the sequence: its own process group, output appended to `logFile`. An
 * interruption sends the group SIGTERM whichever signal ab got: SIGINT is ignored by what a
 * non-interactive shell runs in the background (POSIX sh, "Asynchronous Lists"), and by any
 * command started with it ignored, so a forwarded Ctrl-C would reach only part of a benchmark.
 */
function runLogged(command: string, o: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutS: number; signal?: AbortSignal }): Promise<ChildOutcome> {
  return runChild('/bin/sh', ['-c', command], { cwd: o.cwd, env: o.env, logFile: o.logFile, timeoutMs: o.timeoutS * 1000, killGraceMs: AB_KILL_GRACE_MS, ...(o.signal ? { signal: o.signal } : {}), abortKillSignal: 'SIGTERM' });
}

/** What the driver produced. */
export interface AbOutcome {
  manifest: Manifest;
  manifestPath: string;
  baselineFiles: string[];
  candidateFiles: string[];
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 7) : 'not a git checkout';
}

/** Validate one side's flags. */
function sideSpec(side: Side, s: SideSpec): { kind: 'ref' | 'dir'; value: string } {
  if (s.ref !== undefined && s.dir !== undefined) throw new UsageError(`--${side}-ref and --${side}-dir: give one of them`);
  if (s.ref === undefined && s.dir === undefined) throw new UsageError(`--${side}-ref <git ref> or --${side}-dir <checkout>: required`);
  return s.ref !== undefined ? { kind: 'ref', value: s.ref } : { kind: 'dir', value: s.dir! };
}

/** Check every input before any work (bad input is exit 2 with nothing half done). */
export function validateAb(o: AbOptions): void {
  sideSpec('baseline', o.baseline);
  sideSpec('candidate', o.candidate);
  benchCommand(o.bench, { out: 'x', side: 'baseline', round: 1, dir: '.' });
  if (existsSync(join(o.outDir, 'ab.json'))) throw new UsageError(`--out-dir ${o.outDir}: already holds an A/B run (ab.json); choose another directory`);
}

function env(side: Side, round: number, index: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
    JOULEBENCH_AB_SIDE: side,
    JOULEBENCH_AB_ROUND: round === 0 ? 'warmup' : String(round),
    JOULEBENCH_AB_RUN: String(index),
  };
}

/** How many rounds to run in all, decided once the first `rounds` are in (see AbOptions.extend). */
export interface AbExtension {
  /** Rounds in all (≥ the rounds already run). */
  rounds: number;
  /** One line for the log and the manifest: why. */
  note: string;
}

type Resolved = Record<Side, { kind: 'ref' | 'dir'; spec: string; sha: string | null; dir: string | null }>;

/** Resolve both sides (refs to commits, directories checked) before creating anything. */
async function resolveSides(o: AbOptions, repo: string): Promise<Resolved> {
  const resolved = {} as Resolved;
  for (const side of ['baseline', 'candidate'] as const) {
    const s = sideSpec(side, o[side]);
    if (s.kind === 'ref') resolved[side] = { kind: 'ref', spec: s.value, sha: await resolveRef(repo, s.value, `--${side}-ref`), dir: null };
    else {
      checkDir(s.value, `--${side}-dir`);
      resolved[side] = { kind: 'dir', spec: s.value, sha: await headOf(s.value), dir: resolve(s.value) };
    }
  }
  return resolved;
}

/** One A/B sequence in progress: its manifest, kept on disk after every step. */
class AbSession {
  readonly files: Record<Side, string[]> = { baseline: [], candidate: [] };
  readonly checkouts: Checkout[] = [];
  constructor(
    readonly o: AbOptions,
    readonly outDir: string,
    readonly manifestPath: string,
    readonly manifest: Manifest,
    readonly log: (line: string) => void,
  ) {}

  save(): void {
    writeManifest(this.manifestPath, this.manifest);
  }

  fail(why: string): never {
    this.manifest.status = 'failed';
    this.manifest.failure = why;
    this.save();
    throw new AbRunError(why);
  }

  /** Throw AbInterruptedError (manifest marked) when the sequence was interrupted, `during` what. */
  stopIfInterrupted(during: string): void {
    const sig = interruptionOf(this.o.signal);
    if (!sig) return;
    const why = `interrupted by ${sig} during ${during}`;
    this.manifest.status = 'interrupted';
    this.manifest.failure = why;
    this.save();
    throw new AbInterruptedError(sig, why);
  }

  /** Worktrees for refs, the directories as they are otherwise. */
  async checkOut(repo: string, resolved: Resolved, workDir: string): Promise<void> {
    for (const side of ['baseline', 'candidate'] as const) {
      const r = resolved[side];
      let dir = r.dir;
      if (r.kind === 'ref') {
        dir = join(workDir, side);
        this.log(`${side}: git worktree of ${r.spec} @ ${short(r.sha)} in ${dir}`);
        this.checkouts.push({ side, spec: r.spec, kind: 'ref', dir, sha: r.sha, worktree: true });
        await addWorktree(repo, r.sha!, dir);
      } else {
        this.log(`${side}: checkout ${dir} @ ${short(r.sha)}`);
        this.checkouts.push({ side, spec: r.spec, kind: 'dir', dir: dir!, sha: r.sha, worktree: false });
      }
      this.manifest.sides[side] = { spec: r.spec, kind: r.kind, dir: dir!, sha: r.sha, buildS: null };
    }
    if (resolved.baseline.sha && resolved.baseline.sha === resolved.candidate.sha) this.log('both sides are the same commit: an A/A run (what the noise alone does)');
    this.save();
  }

  async buildAll(): Promise<void> {
    const { o } = this;
    if (o.build === null) return;
    for (const c of this.checkouts) {
      const logFile = join(this.outDir, 'logs', `build-${c.side}.log`);
      this.log(`${c.side}: building (${o.build}) …`);
      this.stopIfInterrupted(`the ${c.side} build`);
      const b = await runLogged(o.build, { cwd: c.dir, env: { ...process.env }, logFile, timeoutS: o.buildTimeoutS, ...(o.signal ? { signal: o.signal } : {}) });
      this.manifest.sides[c.side]!.buildS = b.durationS;
      this.stopIfInterrupted(`the ${c.side} build (ended with its process group; see ${logFile})`);
      if (b.killed === 'timeout') this.fail(`${c.side} build did not finish within ${o.buildTimeoutS} s (--build-timeout); see ${logFile}`);
      if (b.code !== 0) this.fail(`${c.side} build failed (exit ${b.code ?? b.signal}); see ${logFile}`);
      this.log(`${c.side}: built in ${b.durationS.toFixed(0)} s`);
    }
  }

  /** One planned run: its own process, its result file checked, its record in the manifest. */
  async runOne(p: PlannedRun): Promise<void> {
    const { o, outDir } = this;
    const c = this.checkouts.find((x) => x.side === p.side)!;
    const name = p.warmup ? join('warmup', `${p.side}-${p.index}.json`) : join(p.side, `round-${String(p.round).padStart(3, '0')}.json`);
    const file = join(outDir, name);
    const logFile = join(outDir, 'logs', name.replace(/\.json$/, '.log').replace(/[/\\]/g, '-'));
    mkdirSync(join(outDir, p.warmup ? 'warmup' : p.side), { recursive: true });
    rmSync(file, { force: true });
    const cmd = benchCommand(o.bench, { out: file, side: p.side, round: p.round, dir: c.dir });
    const what = `${p.warmup ? 'warm-up' : `round ${p.round}/${this.manifest.rounds}`} ${p.side}`;
    this.stopIfInterrupted(`before ${what}`);
    const startedAt = new Date().toISOString();
    const r = await runLogged(cmd, { cwd: c.dir, env: env(p.side, p.round, p.index), logFile, timeoutS: o.runTimeoutS, ...(o.signal ? { signal: o.signal } : {}) });
    const run: ManifestRun = { round: p.round, side: p.side, warmup: p.warmup, file, log: logFile, startedAt, durationS: r.durationS, exitCode: r.code, signal: r.signal, timedOut: r.killed === 'timeout' };
    this.manifest.runs.push(run);
    if (r.killed === 'abort') {
      // Cut short: whatever it wrote is not a round. Its log stays.
      rmSync(file, { force: true });
      run.failure = `interrupted (its process group ended${r.signal ? ` by ${r.signal}` : ''}); no result kept`;
    }
    this.stopIfInterrupted(what);
    if (r.killed === 'timeout') this.fail(`${what}: did not finish within ${o.runTimeoutS} s (--run-timeout); see ${logFile}`);
    if (r.code !== 0) this.fail(`${what}: the benchmark exited ${r.code ?? r.signal}; see ${logFile}`);
    try {
      const doc = readResult(file);
      if (!doc.complete) this.fail(`${what}: the result is incomplete (${doc.incompleteReason ?? 'no reason given'}); see ${logFile}`);
    } catch (e) {
      if (e instanceof AbRunError) throw e;
      this.fail(`${what}: no valid result file (${(e as Error).message}); does the command write {out}? see ${logFile}`);
    }
    if (!p.warmup) this.files[p.side].push(file);
    this.save();
    this.log(`${what}: ${r.durationS.toFixed(1)} s`);
  }

  /**
   * After the first rounds, ask `o.extend` how many rounds in all; the added rounds continue the
   * same seeded order (planRuns draws one number per round, so a longer plan keeps its prefix).
   */
  async extendIfAsked(): Promise<void> {
    const { o, manifest } = this;
    if (!o.extend) return;
    const ext = o.extend({ baseline: [...this.files.baseline], candidate: [...this.files.candidate] });
    const total = Math.max(o.rounds, ext.rounds);
    manifest.extension = { firstRounds: o.rounds, rounds: total, note: ext.note };
    this.log(ext.note);
    if (total === o.rounds) return this.save();
    const plan = planRuns(total, o.seed, o.warmupRuns);
    manifest.rounds = total;
    manifest.order = plan.order;
    this.save();
    for (const p of plan.runs) if (!p.warmup && p.round > o.rounds) await this.runOne(p);
  }
}

/** Run the whole A/B sequence; throws UsageError (bad input) or AbRunError (a build or run failed). */
export async function runAb(o: AbOptions, log: (line: string) => void): Promise<AbOutcome> {
  validateAb(o);
  const repo = resolve(o.repo);
  const resolved = await resolveSides(o, repo);
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  const plan = planRuns(o.rounds, o.seed, o.warmupRuns);
  const workDir = o.workDir ? resolve(o.workDir) : mkdtempSync(join(os.tmpdir(), 'joulebench-ab-'));
  const manifest: Manifest = {
    kind: 'joulebench-ab',
    version: 1,
    tool: { name: 'joulebench', version: toolVersion() },
    createdAt: new Date().toISOString(),
    seed: o.seed,
    rounds: o.rounds,
    warmupRuns: o.warmupRuns,
    bench: o.bench,
    build: o.build,
    sides: {} as Manifest['sides'],
    order: plan.order,
    runs: [],
    status: 'building',
  };
  const s = new AbSession(o, outDir, join(outDir, 'ab.json'), manifest, log);
  try {
    await s.checkOut(repo, resolved, workDir);
    await s.buildAll();
    manifest.status = 'running';
    s.save();
    for (const p of plan.runs) await s.runOne(p);
    await s.extendIfAsked();
    manifest.status = 'complete';
    s.save();
    return { manifest, manifestPath: s.manifestPath, baselineFiles: s.files.baseline, candidateFiles: s.files.candidate };
  } finally {
    if (!o.keepWorktrees) {
      for (const c of s.checkouts) if (c.worktree) await removeWorktree(repo, c.dir);
      if (!o.workDir) rmSync(workDir, { recursive: true, force: true });
    } else if (s.checkouts.some((c) => c.worktree)) log(`worktrees kept in ${workDir} (remove with: git worktree remove --force <dir>)`);
  }
}
