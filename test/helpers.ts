/**
 * Test helpers shared across files.
 *
 * - `runCliInProcess`: the CLI through the exported program builder (src/cli/program.ts) in this
 *   worker, with stdout/stderr captured: for validation-only tests (≈ 1 ms instead of a ≈ 1.1 s
 *   spawn). Use it whenever the command does not need its own process.
 * - `runCli`: a real child process (the built CLI when dist/ is current, else tsx), bounded by a timeout: for process exit, native crashes,
 *   stdin, or anything that must not share this worker's state (an open GPU device); `spawnCli`
 *   starts one for a test that signals it.
 * - `seededRandom` / `seededBytes` / `seededNormal` / `ar1`: the one seeded PRNG for tests (and normal,
 *   AR(1) draws from it); print the seed in assertion
 *   messages (`SEED` is the per-run seed: set JOULEBENCH_TEST_SEED to replay a failure).
 * - `useGpu`: the shared lazily opened WebGPU context of a `*.gpu.test.ts` file.
 * - `useTempModelsDir`: a file's own models directory (JOULEBENCH_MODELS_DIR), restored after it.
 * - `expectUsageRefusal`: bad input refused as the standards say (exit 2, one error line, no stdout).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, relative } from 'node:path';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect } from 'vitest';
import type { GpuContext } from '../src/gpu/adapter.js';
import { mulberry32 } from '../src/util/random.js';

/** Repository root. */
export const ROOT = join(import.meta.dirname, '..');

/** What a CLI invocation produced. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

let builtFresh: boolean | undefined;

/**
 * Whether dist/ holds the compiled form of every .ts under src/ and bench/ (declarations aside)
 * as it is now (each .js no older than its .ts): true under `npm test`, whose pretest runs
 * `npm run build` (tsc, then the generated shaders). Checked once per worker.
 */
export function builtCliIsFresh(): boolean {
  if (builtFresh !== undefined) return builtFresh;
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(d, e.name)] : []));
  builtFresh = [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'bench'))].every((ts) => {
    const js = join(ROOT, 'dist', relative(ROOT, ts)).replace(/\.ts$/, '.js');
    return existsSync(js) && statSync(js).mtimeMs >= statSync(ts).mtimeMs;
  });
  return builtFresh;
}

/**
 * Node arguments that start the CLI: the compiled `dist/src/cli/main.js` (what the package's bin
 * runs) when it is up to date with src/, else the source through tsx. Same code either way; the
 * built one starts in ≈ 0.45 s of CPU instead of ≈ 1.4 s (tsx compiles every module on load),
 * and the suite spawns the CLI a few dozen times. A preload written in TypeScript needs tsx.
 */
export function cliNodeArgs(preload: string[] = []): string[] {
  const pre = preload.flatMap((p) => ['--import', p]);
  if (preload.length === 0 && builtCliIsFresh()) return [join(ROOT, 'dist/src/cli/main.js')];
  return ['--import', 'tsx', ...pre, join(ROOT, 'src/cli/main.ts')];
}

/**
 * Start the CLI as a child process (for tests that signal or kill it), built or from source
 * (`cliNodeArgs`); `preload`: modules imported before it (e.g. a fault injector).
 */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; preload?: string[] } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...cliNodeArgs(opts.preload), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Run the CLI (`cliNodeArgs`) in a child process, bounded by `timeoutMs`. */
export function runCli(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string; cwd?: string; preload?: string[] } = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`joulebench ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

let inProcessBusy = false;

/**
 * Run the CLI in this worker through `main()` (src/cli/program.ts), capturing what it writes to
 * process.stdout / process.stderr and its exit code. `env` entries are set for the call and
 * restored after (undefined deletes a variable). Calls must not overlap (they share the process's
 * streams): a second concurrent call throws.
 */
export async function runCliInProcess(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliOutcome> {
  if (inProcessBusy) throw new Error('runCliInProcess: calls must not overlap (they share process.stdout/stderr)');
  inProcessBusy = true;
  const { main } = await import('../src/cli/program.js');
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const cwd0 = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  const out: string[] = [];
  const err: string[] = [];
  const w0 = process.stdout.write;
  const e0 = process.stderr.write;
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const exit0 = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'joulebench', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = w0;
    process.stderr.write = e0;
    process.exitCode = exit0;
    if (opts.cwd) process.chdir(cwd0);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    inProcessBusy = false;
  }
}

/**
 * The one seeded PRNG for tests (mulberry32 from src/util/random.ts), as uniform floats in [0, 1).
 * Print the seed in assertion messages so a failure reproduces.
 */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** A standard normal draw from `rnd` (Box–Muller, cosine branch). */
export function seededNormal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
}

/** AR(1) series x_t = μ + φ(x_{t−1} − μ) + σ·ε_t from a stationary start, seeded normals. */
export function ar1(n: number, mu: number, phi: number, sigma: number, rnd: () => number): number[] {
  let x = mu + (sigma / Math.sqrt(1 - phi * phi)) * seededNormal(rnd);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = mu + phi * (x - mu) + sigma * seededNormal(rnd);
    out.push(x);
  }
  return out;
}

/**
 * The seed of this test run: JOULEBENCH_TEST_SEED when set (to replay a failure), else fresh per
 * run so repeated runs cover more inputs. Tests print it in their assertion messages.
 */
export const SEED = process.env.JOULEBENCH_TEST_SEED !== undefined ? Number(process.env.JOULEBENCH_TEST_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;

/** `n` seeded random bytes (mulberry32; same seed, same bytes). */
export function seededBytes(seed: number, n: number): Uint8Array {
  const next = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const w = next();
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (w >>> (8 * k)) & 0xff;
  }
  return out;
}

/**
 * The WebGPU context of a `*.gpu.test.ts` file: opened on first use inside a test (not in
 * beforeAll, so that without an adapter every test FAILS with NoAdapterError rather than being
 * reported as skipped), shared by the file's tests, closed after them. JOULEBENCH_TEST_ADAPTER
 * selects the adapter like `--adapter`. Call at module level.
 */
export function useGpu(): () => Promise<GpuContext> {
  let ctxP: Promise<GpuContext> | null = null;
  afterAll(async () => {
    if (ctxP) (await ctxP.catch(() => null))?.close();
  });
  return () => (ctxP ??= import('../src/gpu/adapter.js').then((m) => m.openDevice(process.env.JOULEBENCH_TEST_ADAPTER)));
}

/**
 * A temporary directory whose `models/` is JOULEBENCH_MODELS_DIR for this file's tests (set in
 * beforeAll, restored and removed in afterAll: the gpu workers share one process between files).
 * Call at module level; returns the directory.
 */
export function useTempModelsDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const prevModels = process.env.JOULEBENCH_MODELS_DIR;
  beforeAll(() => {
    process.env.JOULEBENCH_MODELS_DIR = join(dir, 'models');
  });
  afterAll(() => {
    if (prevModels === undefined) delete process.env.JOULEBENCH_MODELS_DIR;
    else process.env.JOULEBENCH_MODELS_DIR = prevModels;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Bad input refused: exit 2, exactly one `joulebench: error:` line matching `re`, nothing on stdout. */
export function expectUsageRefusal(r: CliOutcome, re: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^joulebench: error: /);
  expect(lines[0]).toMatch(re);
  expect(r.stdout).toBe('');
}
