/**
 * Harness overhead: `infer bench` decode tokens/s against a minimal bare onnxruntime-node loop
 * written independently of joulebench (bench/bare-ort-loop.mjs), on the CPU EP, each run in its
 * own process, alternating the order round by round. The harness must reach ≥ 0.97× the bare loop
 * (issue 13).
 *
 *   npm run build && node --import tsx bench/infer-bare-loop.ts [--models gpt2,qwen2.5-0.5b] [--rounds 9]
 *       [--prompt 64] [--gen 64] [--reps 5] [--threads N] [--harness-args "--no-profile"] [--json] [--check]
 *
 * Per round: one harness process (`node dist/src/cli/main.js infer bench --model <preset> --ep cpu
 * --dtype fp32 --json`, exactly what a user runs) and one bare process on the same model file;
 * even rounds start with the harness, odd rounds with the bare loop. Each process reports `reps`
 * per-repetition decode tokens/s after one untimed warmup; its median is that process's figure.
 * Reported: the median and spread (IQR, range) of the process figures on each side, the ratio of
 * the medians, and the median of the per-round ratios (harness/bare of the same round, so slow
 * drift cancels) with a 95 % bootstrap interval. The machine's load average is sampled before every
 * process and the CPU's SIMD flags are quoted: figures from a loaded machine are not evidence.
 * The verdict reads the bootstrap interval, not the median alone: 'meets' when its lower end is at
 * or above 0.97, 'below' when its upper end is under 0.97, else 'inconclusive' (the machine's
 * process-to-process spread is wider than the question). --check exits 1 unless it is 'meets'.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/util/random.js';
import { percentileSorted, summarize } from '../src/stats/summary.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const BARE = join(ROOT, 'bench/bare-ort-loop.mjs');
const PROCESS_TIMEOUT_MS = 30 * 60_000;

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'gpt2,qwen2.5-0.5b' },
    rounds: { type: 'string', default: '9' },
    prompt: { type: 'string', default: '64' },
    gen: { type: 'string', default: '64' },
    reps: { type: 'string', default: '5' },
    threads: { type: 'string' },
    'harness-args': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const common = ['--prompt', values.prompt!, '--gen', values.gen!, ...(values.threads ? ['--threads', values.threads] : [])];
if (!existsSync(CLI)) {
  process.stderr.write(`infer-bare-loop: ${CLI} missing; run 'npm run build' first (the harness is measured as users run it)\n`);
  process.exit(2);
}

/** Run a node process to completion (bounded); returns stdout. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.slice(0, 4).join(' ')} … exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

const median = (xs: number[]) => percentileSorted([...xs].sort((a, b) => a - b), 0.5);

async function harness(model: string): Promise<number[]> {
  const extra = values['harness-args']!.split(/\s+/).filter(Boolean);
  const out = await run([CLI, 'infer', 'bench', '--model', model, '--ep', 'cpu', '--dtype', 'fp32', '-r', values.reps!, ...common, ...extra, '--json']);
  return (JSON.parse(out) as { metrics: { decodeTokensPerSecond: { samples: number[] } } }).metrics.decodeTokensPerSecond.samples;
}

async function bare(file: string): Promise<number[]> {
  const out = await run([BARE, '--model', file, '--reps', values.reps!, ...common]);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { tg: number[] }).tg;
}

/** 95 % percentile-bootstrap interval of the median (seeded: the same data gives the same interval). */
function bootstrapMedian(xs: number[], seed = 13, n = 4000): [number, number] {
  const rnd = mulberry32(seed);
  const meds: number[] = [];
  for (let b = 0; b < n; b++) meds.push(median(Array.from({ length: xs.length }, () => xs[rnd() % xs.length]!)));
  meds.sort((a, b) => a - b);
  return [percentileSorted(meds, 0.025), percentileSorted(meds, 0.975)];
}

function spread(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentileSorted(s, 0.5), p25: percentileSorted(s, 0.25), p75: percentileSorted(s, 0.75), min: s[0]!, max: s.at(-1)!, mean: summarize(xs).mean, n: xs.length };
}

function cpuFacts() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/));
  const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx_vnni', 'amx_tile'].filter((f) => flags.has(f));
  return { model: os.cpus()[0]?.model ?? 'unknown', logicalCpus: os.cpus().length, simdFlags: simd };
}

const report: Record<string, unknown>[] = [];
let pass = true;
for (const model of values.models!.split(',')) {
  const built = JSON.parse(await run([CLI, 'infer', 'build', model, '--dtype', 'fp32', '--json'])) as { dir: string };
  const file = join(built.dir, 'model.onnx');
  const h: number[] = [];
  const b: number[] = [];
  const pairs: number[] = [];
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['harness', 'bare'] : ['bare', 'harness'];
    const got: Record<string, number> = {};
    for (const side of order) {
      loads.push(os.loadavg()[0]!);
      got[side] = median(side === 'harness' ? await harness(model) : await bare(file));
    }
    h.push(got.harness!);
    b.push(got.bare!);
    pairs.push(got.harness! / got.bare!);
    if (!values.json) process.stderr.write(`${model} round ${r + 1}/${rounds} (${order.join(' → ')}): harness ${got.harness!.toFixed(2)} t/s, bare ${got.bare!.toFixed(2)} t/s, ratio ${pairs.at(-1)!.toFixed(3)}, load ${loads.at(-1)!.toFixed(2)}\n`);
  }
  const ratioMedian = median(pairs);
  const ci = bootstrapMedian(pairs);
  const entry = {
    model,
    ep: 'cpu',
    dtype: 'fp32',
    test: `tg${values.gen} @ d${values.prompt}`,
    rounds,
    repsPerProcess: Number(values.reps),
    harness: spread(h),
    bare: spread(b),
    ratioOfMedians: spread(h).median / spread(b).median,
    perRoundRatio: { ...spread(pairs), ci95: ci },
    loadAverage1m: spread(loads),
    perRoundRatioMedian: ratioMedian,
    verdict: (ci[0] >= 0.97 ? 'meets' : ci[1] < 0.97 ? 'below' : 'inconclusive') as 'meets' | 'below' | 'inconclusive',
  };
  pass &&= entry.verdict === 'meets';
  report.push(entry);
  if (!values.json) {
    const f = (s: ReturnType<typeof spread>, d = 2) => `median ${s.median.toFixed(d)} (IQR ${s.p25.toFixed(d)}–${s.p75.toFixed(d)}, range ${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
    process.stdout.write(
      [
        `${model} cpu fp32 ${entry.test}: ${rounds} rounds, one harness + one bare process each, ${values.reps} timed reps per process`,
        `  harness t/s  ${f(entry.harness)}`,
        `  bare    t/s  ${f(entry.bare)}`,
        `  ratio of medians ${entry.ratioOfMedians.toFixed(3)}; per-round ratio ${f(entry.perRoundRatio, 3)}, 95% bootstrap CI of its median [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}] → ${verdictText(entry.verdict)}`,
        `  load average (1 min) before each process: ${f(entry.loadAverage1m)}`,
        '',
      ].join('\n'),
    );
  }
}
/** One line for a verdict against the 0.97 goal (issue 13). */
function verdictText(v: 'meets' | 'below' | 'inconclusive'): string {
  if (v === 'meets') return 'meets ≥ 0.97 (whole interval at or above)';
  if (v === 'below') return 'below 0.97 (whole interval under)';
  return 'inconclusive: the interval spans 0.97 (too much process-to-process spread on this machine to tell)';
}

const machine = { ...cpuFacts(), node: process.version, harnessArgs: values['harness-args'] || null };
if (values.json) process.stdout.write(JSON.stringify({ machine, results: report }, null, 2) + '\n');
else process.stdout.write(`CPU: ${machine.model}, ${machine.logicalCpus} logical CPUs, SIMD ${machine.simdFlags.join(' ')}; node ${machine.node}\n`);
process.exit(values.check && !pass ? 1 : 0);
