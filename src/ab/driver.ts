/**
 * The interleaved A/B driver behind `joulebench ab`: check out both sides (git worktrees for refs),
 * build each once, run the benchmark command in seeded random order within each round (after
 * untimed priming runs), keep every run's result file and log, and hand the run files to
 * `compare`. Runs are sequential (never two benchmarks at once on one machine) and each is its own
 * process: the unit of replication.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { readResult } from '../report/results.js';
import { toolVersion } from '../report/environment.js';
import { UsageError } from '../util/errors.js';
import { addWorktree, checkDir, headOf, removeWorktree, resolveRef, type Checkout } from './checkout.js';
import { writeManifest, type Manifest, type ManifestRun } from './manifest.js';
import { benchCommand, planRuns, type Side } from './plan.js';
import { runLogged } from './process.js';

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
}

/** A failure after the inputs were accepted (build or run failed): exit code 1. */
export class AbRunError extends Error {}

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

/** Run the whole A/B sequence; throws UsageError (bad input) or AbRunError (a build or run failed). */
export async function runAb(o: AbOptions, log: (line: string) => void): Promise<AbOutcome> {
  validateAb(o);
  const repo = resolve(o.repo);
  const specs = { baseline: sideSpec('baseline', o.baseline), candidate: sideSpec('candidate', o.candidate) };
  // Resolve everything before creating anything.
  const resolved = {} as Record<Side, { kind: 'ref' | 'dir'; spec: string; sha: string | null; dir: string | null }>;
  for (const side of ['baseline', 'candidate'] as const) {
    const s = specs[side];
    if (s.kind === 'ref') resolved[side] = { kind: 'ref', spec: s.value, sha: resolveRef(repo, s.value, `--${side}-ref`), dir: null };
    else {
      checkDir(s.value, `--${side}-dir`);
      resolved[side] = { kind: 'dir', spec: s.value, sha: headOf(s.value), dir: resolve(s.value) };
    }
  }
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  const manifestPath = join(outDir, 'ab.json');
  const plan = planRuns(o.rounds, o.seed, o.warmupRuns);
  const workDir = o.workDir ? resolve(o.workDir) : mkdtempSync(join(os.tmpdir(), 'joulebench-ab-'));
  const checkouts: Checkout[] = [];
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
  const fail = (why: string): never => {
    manifest.status = 'failed';
    manifest.failure = why;
    writeManifest(manifestPath, manifest);
    throw new AbRunError(why);
  };
  try {
    for (const side of ['baseline', 'candidate'] as const) {
      const r = resolved[side];
      let dir = r.dir;
      if (r.kind === 'ref') {
        dir = join(workDir, side);
        log(`${side}: git worktree of ${r.spec} @ ${short(r.sha)} in ${dir}`);
        addWorktree(repo, r.sha!, dir);
        checkouts.push({ side, spec: r.spec, kind: 'ref', dir, sha: r.sha, worktree: true });
      } else {
        log(`${side}: checkout ${dir} @ ${short(r.sha)}`);
        checkouts.push({ side, spec: r.spec, kind: 'dir', dir: dir!, sha: r.sha, worktree: false });
      }
      manifest.sides[side] = { spec: r.spec, kind: r.kind, dir: dir!, sha: r.sha, buildS: null };
    }
    if (resolved.baseline.sha && resolved.baseline.sha === resolved.candidate.sha) log('both sides are the same commit: an A/A run (what the noise alone does)');
    writeManifest(manifestPath, manifest);
    if (o.build !== null) {
      for (const c of checkouts) {
        const logFile = join(outDir, 'logs', `build-${c.side}.log`);
        log(`${c.side}: building (${o.build}) …`);
        const b = await runLogged(o.build, { cwd: c.dir, env: { ...process.env }, logFile, timeoutS: o.buildTimeoutS });
        manifest.sides[c.side]!.buildS = b.durationS;
        if (b.timedOut) fail(`${c.side} build did not finish within ${o.buildTimeoutS} s (--build-timeout); see ${logFile}`);
        if (b.code !== 0) fail(`${c.side} build failed (exit ${b.code ?? b.signal}); see ${logFile}`);
        log(`${c.side}: built in ${b.durationS.toFixed(0)} s`);
      }
    }
    manifest.status = 'running';
    writeManifest(manifestPath, manifest);
    const files: Record<Side, string[]> = { baseline: [], candidate: [] };
    for (const p of plan.runs) {
      const c = checkouts.find((x) => x.side === p.side)!;
      const name = p.warmup ? join('warmup', `${p.side}-${p.index}.json`) : join(p.side, `round-${String(p.round).padStart(3, '0')}.json`);
      const file = join(outDir, name);
      const logFile = join(outDir, 'logs', name.replace(/\.json$/, '.log').replace(/[/\\]/g, '-'));
      mkdirSync(join(outDir, p.warmup ? 'warmup' : p.side), { recursive: true });
      rmSync(file, { force: true });
      const cmd = benchCommand(o.bench, { out: file, side: p.side, round: p.round, dir: c.dir });
      const startedAt = new Date().toISOString();
      const r = await runLogged(cmd, { cwd: c.dir, env: env(p.side, p.round, p.index), logFile, timeoutS: o.runTimeoutS });
      const run: ManifestRun = { round: p.round, side: p.side, warmup: p.warmup, file, log: logFile, startedAt, durationS: r.durationS, exitCode: r.code, signal: r.signal, timedOut: r.timedOut };
      manifest.runs.push(run);
      const what = `${p.warmup ? 'warm-up' : `round ${p.round}/${o.rounds}`} ${p.side}`;
      if (r.timedOut) fail(`${what}: did not finish within ${o.runTimeoutS} s (--run-timeout); see ${logFile}`);
      if (r.code !== 0) fail(`${what}: the benchmark exited ${r.code ?? r.signal}; see ${logFile}`);
      try {
        const doc = readResult(file);
        if (!doc.complete) fail(`${what}: the result is incomplete (${doc.incompleteReason ?? 'no reason given'}); see ${logFile}`);
      } catch (e) {
        if (e instanceof AbRunError) throw e;
        fail(`${what}: no valid result file (${(e as Error).message}); does the command write {out}? see ${logFile}`);
      }
      if (!p.warmup) files[p.side].push(file);
      writeManifest(manifestPath, manifest);
      log(`${what}: ${r.durationS.toFixed(1)} s`);
    }
    manifest.status = 'complete';
    writeManifest(manifestPath, manifest);
    return { manifest, manifestPath, baselineFiles: files.baseline, candidateFiles: files.candidate };
  } finally {
    if (!o.keepWorktrees) {
      for (const c of checkouts) if (c.worktree) removeWorktree(repo, c.dir);
      if (!o.workDir) rmSync(workDir, { recursive: true, force: true });
    } else if (checkouts.some((c) => c.worktree)) log(`worktrees kept in ${workDir} (remove with: git worktree remove --force <dir>)`);
  }
}
