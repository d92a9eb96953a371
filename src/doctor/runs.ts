/**
 * The doctor's fixed workload: `joulebench hash bench --seconds S` run in fresh processes, each
 * writing a result file that is read back through the schema. One priming run first (autotune or
 * its cache, shader caches, page cache) is kept apart, as hyperfine's --warmup runs are. Every
 * process runs in its own group and is killed with it after a time bound.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../util/package.js';
import { readResult } from '../results/files.js';

/** One workload run. */
export interface WorkloadRun {
  /** 0 = the priming run. */
  index: number;
  /** Headline value (H/s), null when the run failed. */
  value: number | null;
  durationS: number;
  adapter: { name: string; isSoftware: boolean } | null;
  hostActivity: Record<string, unknown> | null;
  steady: boolean | null;
  error?: string;
}

/** What to run. */
export interface WorkloadOptions {
  runs: number;
  seconds: number;
  adapter?: string;
  /** Bound on one run, seconds. */
  timeoutS?: number;
  /** Called after each run (progress). */
  onRun?: (r: WorkloadRun) => void;
}

/** The CLI entry the runs execute (JOULEBENCH_MAIN overrides it, as for fleet tasks). */
export function cliMain(): string {
  return process.env.JOULEBENCH_MAIN ?? join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
}

/** The workload's arguments (after `node main.js`). */
export function workloadArgs(o: { seconds: number; adapter?: string }, out: string): string[] {
  return [...(o.adapter !== undefined ? ['--adapter', o.adapter] : []), 'hash', 'bench', '--seconds', String(o.seconds), '--out', out];
}

/** Run `node main.js args`, output to `log`, in its own process group, killed after `timeoutS`. */
function runProcess(args: string[], log: string, timeoutS: number): Promise<{ code: number | null; timedOut: boolean; durationS: number }> {
  const fd = openSync(log, 'a');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain(), ...args], { detached: true, stdio: ['ignore', fd, fd], env: process.env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutS * 1000);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      closeSync(fd);
      fn();
    };
    child.on('error', (e) => done(() => reject(e)));
    child.on('close', (code) => done(() => resolve({ code, timedOut, durationS: (performance.now() - t0) / 1000 })));
  });
}

/** One run: spawn, then read its result file. */
async function oneRun(index: number, o: WorkloadOptions, dir: string): Promise<WorkloadRun> {
  const out = join(dir, `run-${index}.json`);
  const log = join(dir, `run-${index}.log`);
  const p = await runProcess(workloadArgs(o, out), log, o.timeoutS ?? o.seconds + 600);
  const failed = (error: string): WorkloadRun => ({ index, value: null, durationS: p.durationS, adapter: null, hostActivity: null, steady: null, error });
  if (p.timedOut) return failed(`timed out after ${o.timeoutS ?? o.seconds + 600} s`);
  if (p.code !== 0) return failed(`exited with ${p.code}; see ${log}`);
  const m = readResult(out).measurements.find((x) => x.id === 'hash.sha256d');
  const v = m?.metrics.hashesPerSecond?.value ?? null;
  if (!m || v === null) return failed('no hash.sha256d figure in its result');
  return {
    index,
    value: v,
    durationS: p.durationS,
    adapter: m.adapter ? { name: m.adapter.name, isSoftware: m.adapter.isSoftware } : null,
    hostActivity: (m.hostActivity as Record<string, unknown> | undefined) ?? null,
    steady: (m.metrics.hashesPerSecond?.steadyState as { steady?: boolean } | undefined)?.steady ?? null,
  };
}

/** Priming run + `runs` runs, sequentially. The temp directory is removed unless a run failed (its log is named). */
export async function runWorkload(o: WorkloadOptions): Promise<{ priming: WorkloadRun; runs: WorkloadRun[]; dir: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'joulebench-doctor-'));
  const all: WorkloadRun[] = [];
  for (let i = 0; i <= o.runs; i++) {
    const r = await oneRun(i, o, dir);
    all.push(r);
    o.onRun?.(r);
  }
  const keep = all.some((r) => r.error);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return { priming: all[0]!, runs: all.slice(1), dir: keep ? dir : null };
}
