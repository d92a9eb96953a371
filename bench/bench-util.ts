/**
 * Helpers of the benchmarks that produce the figures the README quotes (bench/out/<name>.json,
 * src/results/bench-out.ts): a bounded, timed child process ended with its whole group, the load
 * average, and min/median/max.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';

/** Repository root. */
export const ROOT = join(import.meta.dirname, '..');

/** One timed process. */
export interface TimedRun {
  wallS: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** 1-minute load average just before the process started. */
  loadBefore: number;
}

/**
 * Run `cmd args` to completion in its own process group, timing its wall clock; past `timeoutS`
 * the whole group gets SIGKILL and the run throws. Output is collected in full.
 */
export function timedRun(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutS: number }): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const loadBefore = os.loadavg()[0]!;
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(new Error(`${cmd} ${args.join(' ')}: no exit within ${opts.timeoutS} s (process group killed)`));
    }, opts.timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ wallS: (performance.now() - t0) / 1000, code, stdout, stderr, loadBefore });
    });
  });
}

/** Smallest, median and largest of `xs`. */
export function spread(xs: readonly number[]): { min: number; median: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return { min: s[0]!, median: s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2, max: s[s.length - 1]!, n: s.length };
}

/** Round to `d` decimals (figures are stored as measured, summaries rounded for reading). */
export function round(x: number, d = 3): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}

/** The value after `--name` in argv, or the default. */
export function argValue(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

/** Log a progress line on stderr. */
export function log(tag: string, s: string): void {
  process.stderr.write(`[${tag}] ${s}\n`);
}
