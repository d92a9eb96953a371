/**
 * The README's `infer bench` table: prefill and decode tokens/s of the test model and of
 * qwen2.5-0.5b on the CPU execution provider and on the WebGPU EP (llvmpipe here), one fresh
 * `joulebench infer bench --json` process per row, mean ± sd over its repetitions. Writes
 * bench/out/infer-bench-figures.json with every repetition's rate.
 *
 *   npm run build && node --import tsx bench/infer-figures.ts [--only <row label>]
 *
 * The models are built first (untimed) in $JOULEBENCH_MODELS_DIR (default models/). --only runs
 * one row and merges it into an existing file of the same commit (long rows, one lock at a time).
 * Run on a quiet machine; the load average before each row is recorded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, ROOT, round, timedRun } from './bench-util.js';

const TAG = 'infer-figures';

/** The rows: what the README table lists. */
export const ROWS = [
  { label: 'tiny-fp32-cpu', model: 'tiny', dtype: 'fp32', ep: 'cpu', prompt: 128, gen: 64, reps: 5 },
  { label: 'tiny-fp16-webgpu', model: 'tiny', dtype: 'fp16', ep: 'webgpu', prompt: 128, gen: 64, reps: 5 },
  { label: 'qwen2.5-0.5b-fp32-cpu', model: 'qwen2.5-0.5b', dtype: 'fp32', ep: 'cpu', prompt: 64, gen: 16, reps: 3 },
  { label: 'qwen2.5-0.5b-fp16-webgpu', model: 'qwen2.5-0.5b', dtype: 'fp16', ep: 'webgpu', prompt: 16, gen: 8, reps: 2 },
] as const;

const cli = (args: string[], timeoutS: number) => timedRun(process.execPath, ['dist/src/cli/main.js', ...args], { timeoutS });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** Mean, sd and every repetition of one rate metric. */
function rate(samples: number[]) {
  return { mean: round(mean(samples), 4), sd: round(sd(samples), 4), samples: samples.map((x) => round(x, 4)) };
}

async function measureRow(row: (typeof ROWS)[number]) {
  const built = await cli(['infer', 'build', row.model, '--dtype', row.dtype], 900);
  if (built.code !== 0) throw new Error(`infer build ${row.model} --dtype ${row.dtype}: ${built.stderr.trim().split('\n').at(-1)}`);
  const args = ['infer', 'bench', '--model', row.model, '--dtype', row.dtype, '--ep', row.ep, '--prompt', String(row.prompt), '--gen', String(row.gen), '-r', String(row.reps), '--json'];
  const r = await cli(args, 900);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const m = JSON.parse(r.stdout);
  const pp = rate(m.metrics.prefillTokensPerSecond.samples);
  const tg = rate(m.metrics.decodeTokensPerSecond.samples);
  log(TAG, `${row.label}: pp ${pp.mean} ± ${pp.sd}, tg ${tg.mean} ± ${tg.sd} tok/s (${r.wallS.toFixed(1)} s, load ${r.loadBefore.toFixed(2)})`);
  return {
    record: { ...row, command: `joulebench ${args.join(' ')}`, test: `pp${row.prompt} tg${row.gen} ×${row.reps}`, prefillTokensPerSecond: pp, decodeTokensPerSecond: tg, decodeStepMs: round(1000 / tg.mean, 4), wallS: round(r.wallS, 2), loadAverageBefore: round(r.loadBefore, 2) },
    adapter: m.adapter ?? null,
  };
}

async function main(): Promise<void> {
  const only = argValue(process.argv.slice(2), '--only', '');
  const rows = ROWS.filter((r) => !only || r.label === only);
  if (!rows.length) throw new Error(`--only ${only}: no such row (${ROWS.map((r) => r.label).join(', ')})`);
  const path = join(ROOT, 'bench', 'out', 'infer-bench-figures.json');
  const header = benchOutHeader('infer-bench-figures', 'node --import tsx bench/infer-figures.ts', null);
  const prev = only && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
  const out: Record<string, unknown> = prev?.commit === header.commit ? { ...prev.rows } : {};
  let adapter = prev?.commit === header.commit ? prev.adapter : null;
  for (const row of rows) {
    const one = await measureRow(row);
    out[row.label] = one.record;
    adapter = one.adapter ?? adapter;
  }
  log(TAG, `written ${writeBenchOut({ ...header, adapter, rows: out })}`);
}

await main();
