/**
 * Serving under load, measured for the README (issue 23): how close saturated continuous batching
 * (`infer serve --qps inf`) comes to `infer bench`'s static batch decode, and one latency–throughput
 * curve (`infer serve --qps <list>`).
 *
 *   npm run build && node --import tsx bench/serve-load.ts [--model gpt2] [--ep cpu] [--batch 4]
 *       [--prompt 32] [--gen 16] [--rounds 5] [--burst 40] [--curve-qps 2,inf] [--duration 10]
 *       [--slo-ttft-ms 2000] [--slo-tpot-ms 200] [--out bench/out/serve-load-gpt2-cpu.json]
 *
 * Comparison: `rounds` rounds of two fresh processes each — `infer bench --batch 1,<B> --prompt P
 * --gen G` (static batches: batch-1 TTFT, batch-B decode tok/s) and `infer serve --qps inf
 * --burst-requests <burst> --max-batch B --prompt-len P --gen-len G --search 0` (a burst, the batch
 * kept full by continuous batching) — the order alternating round by round so slow drift cancels.
 * Per round: the burst's output tok/s over static batch-B decode tok/s, the burst's decode-step tok/s
 * (tokens from decode steps / time inside them: the like-for-like figure) over the same, and what
 * the static figures predict for the burst, gen / (TTFT₁ + (gen − 1)·step_B / B): each request
 * prefilled alone, then its remaining tokens at 1/B of a batch-B step each (drain and scheduling
 * ignored). Then the curve: `infer serve` once at --curve-qps with --search 3.
 *
 * Writes `--out` (the shared bench/out contract: name, date, commit, command, cpu {model, flags},
 * adapter, figures) with every process's figures, the machine's load average before each, and the
 * curve run's complete result document (its per-request records recompute every figure); and the
 * curve as SVG charts beside it (`<out>-throughput.svg`, `<out>-tpot.svg`, `<out>-ttft.svg`).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCurveSvgs, loadViewOf } from '../src/report/load-view.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const TIMEOUT_MS = 20 * 60_000;

const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: 'gpt2' },
    ep: { type: 'string', default: 'cpu' },
    batch: { type: 'string', default: '4' },
    prompt: { type: 'string', default: '32' },
    gen: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    burst: { type: 'string', default: '40' },
    'curve-qps': { type: 'string', default: '2,inf' },
    duration: { type: 'string', default: '10' },
    'slo-ttft-ms': { type: 'string', default: '2000' },
    'slo-tpot-ms': { type: 'string', default: '200' },
    'skip-curve': { type: 'boolean', default: false },
    /** Redraw the SVGs from an existing --out file (no measurement). */
    'svg-only': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const B = Number(v.batch);
const gen = Number(v.gen);
const out = v.out ?? join(ROOT, 'bench/out', `serve-load-${v.model}-${v.ep}.json`);
const tmp = mkdtempSync(join(os.tmpdir(), 'jb-serve-load-'));

/** Run the CLI; resolves to its parsed result file. */
function cli(args: string[], file: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--out', file], { env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(t);
      if (code !== 0) reject(new Error(`joulebench ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(readFileSync(file, 'utf8')));
    });
  });
}

const loadAvg = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function staticRun(i: number) {
  const load = loadAvg();
  const doc = await cli(['infer', 'bench', '--model', v.model!, '--ep', v.ep!, '--batch', `1,${B}`, '--prompt', v.prompt!, '--gen', v.gen!, '-r', '5'], join(tmp, `static-${i}.json`));
  const m = doc.measurements[0];
  const row = (b: number) => m.details.batchSweep.find((r: any) => r.batch === b);
  return { loadAvg: load, ttftB1Ms: m.metrics.timeToFirstTokenMs.value, decodeB1TokS: row(1).decodeTokensPerSecond, decodeTokS: row(B).decodeTokensPerSecond, stepP50Ms: row(B).stepLatencyP50Ms };
}

async function burstRun(i: number) {
  const load = loadAvg();
  const doc = await cli(['infer', 'serve', '--model', v.model!, '--ep', v.ep!, '--qps', 'inf', '--burst-requests', v.burst!, '--max-batch', String(B), '--prompt-len', v.prompt!, '--gen-len', v.gen!, '--search', '0'], join(tmp, `burst-${i}.json`));
  const m = doc.measurements[0];
  const l = m.levels[0];
  return { loadAvg: load, batching: m.details.batching.mode, outputTokS: l.outputTokensPerSecond, decodeStepTokS: l.decodeStepTokensPerSecond, durationS: l.durationS, prefillS: l.prefillS, decodeS: l.decodeS, meanStepBatch: l.meanStepBatch, ttftP50Ms: l.ttftMs.p50 };
}

function cpuInfo() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = (/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/).filter(Boolean);
  return { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, flags };
}

/** The curve of a written bench/out document as SVG charts beside it. */
function drawSvgs(doc: any): void {
  const view = doc.curve ? loadViewOf(doc.curve.result.measurements[0]) : null;
  if (!view) return;
  const cpu = doc.curve.result.environment.cpu.model;
  const svgs = loadCurveSvgs([{ key: '1', label: `${v.model} on ${v.ep === 'cpu' ? `the CPU EP (${cpu})` : 'WebGPU (llvmpipe: CPU timings)'}, max batch ${B}`, view }]);
  for (const [k, svg] of Object.entries(svgs)) writeFileSync(out.replace(/\.json$/, `-${k}.svg`), svg + '\n');
}

async function main() {
  if (v['svg-only']) return drawSvgs(JSON.parse(readFileSync(out, 'utf8')));
  const rounds: any[] = [];
  for (let i = 0; i < Number(v.rounds); i++) {
    const order = i % 2 === 0 ? ['static', 'burst'] : ['burst', 'static'];
    const r: any = { round: i + 1, order };
    for (const k of order) r[k] = k === 'static' ? await staticRun(i) : await burstRun(i);
    const s = r.static;
    r.burstOverStatic = r.burst.outputTokS / s.decodeTokS;
    r.decodeStepOverStatic = r.burst.decodeStepTokS / s.decodeTokS;
    r.predictedBurstTokS = gen / ((s.ttftB1Ms + ((gen - 1) * 1000) / s.decodeTokS) / 1000);
    r.burstOverPredicted = r.burst.outputTokS / r.predictedBurstTokS;
    process.stderr.write(`round ${i + 1}: static b${B} ${s.decodeTokS.toFixed(1)} tok/s, burst ${r.burst.outputTokS.toFixed(1)} tok/s (×${r.burstOverStatic.toFixed(3)}), decode steps ×${r.decodeStepOverStatic.toFixed(3)}, predicted ${r.predictedBurstTokS.toFixed(1)} (×${r.burstOverPredicted.toFixed(3)}); load ${s.loadAvg[0]}/${r.burst.loadAvg[0]}\n`);
    rounds.push(r);
  }
  let curve: any = null;
  if (!v['skip-curve']) {
    const command = ['infer', 'serve', '--model', v.model!, '--ep', v.ep!, '--qps', v['curve-qps']!, '--duration', v.duration!, '--max-batch', String(B), '--prompt-len', v.prompt!, '--gen-len', v.gen!, '--slo-ttft-ms', v['slo-ttft-ms']!, '--slo-tpot-ms', v['slo-tpot-ms']!];
    const load = loadAvg();
    const doc = await cli(command, join(tmp, 'curve.json'));
    curve = { command: `joulebench ${command.join(' ')}`, loadAvgBefore: load, loadAvgAfter: loadAvg(), result: doc };
  }
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const col = (k: string) => rounds.map((r) => r[k] as number);
  const doc = {
    name: `serve-load-${v.model}-${v.ep}`,
    date: new Date().toISOString(),
    commit,
    command: `node --import tsx bench/serve-load.ts ${process.argv.slice(2).join(' ')}`.trim(),
    cpu: cpuInfo(),
    adapter: curve?.result.measurements[0].adapter ?? null,
    note: `${v.ep === 'cpu' ? 'CPU execution provider' : 'WebGPU EP'} on this machine's CPU${v.ep === 'webgpu' ? ' (software adapter: CPU timings, not GPU figures)' : ''}; model ${v.model} (synthetic weights, real shapes)`,
    figures: {
      staticDecodeTokS: { median: median(rounds.map((r) => r.static.decodeTokS)), all: rounds.map((r) => r.static.decodeTokS) },
      burstOutputTokS: { median: median(rounds.map((r) => r.burst.outputTokS)), all: rounds.map((r) => r.burst.outputTokS) },
      burstOverStatic: { median: median(col('burstOverStatic')), all: col('burstOverStatic') },
      decodeStepOverStatic: { median: median(col('decodeStepOverStatic')), all: col('decodeStepOverStatic') },
      burstOverPredicted: { median: median(col('burstOverPredicted')), all: col('burstOverPredicted') },
      sustainable: curve?.result.measurements[0].sustainable ?? null,
    },
    rounds,
    curve,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc) + '\n'); // compact: the curve carries every request's token times
  drawSvgs(doc);
  process.stderr.write(`wrote ${out}\n`);
}

await main();
