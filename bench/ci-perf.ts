/**
 * CI perf job (issue 7): host-side micro-benchmarks with tinybench plus the GPU benches, written as
 * one joulebench result document that `joulebench compare` reads.
 *
 *   node --import tsx bench/ci-perf.ts [--out <file>] [--micro-only] [--time-ms <ms>] [--model <preset>] [--hash-seconds <s>]
 *   (or after `npm run build`: node dist/bench/ci-perf.js …)
 *
 * Each invocation is ONE run (one result file). A CI job runs it several times a side, interleaved
 * (the default benchmark of `joulebench ab`, which builds both refs and compares):
 *   joulebench ab --baseline-ref origin/main --candidate-ref HEAD \
 *     --bench 'node dist/bench/ci-perf.js --out {out}' --fail-on-regression
 * or, with run files made some other way:
 *   joulebench compare --baseline base/ --candidate cand/ --fail-on-regression
 *
 * Micro-benchmarks (kind `micro`, metric `opsPerSecond` with every sample kept):
 *   micro.sha256d-header   host SHA256d of an 80-byte header (src/hash/sha256.ts, the GPU reference)
 *   micro.stats-summarize  summarize() of 1000 samples (src/stats/summary.ts)
 *   micro.stats-compare    compareRuns() of 8 × 8 run values (Welch on logs + exact U, src/stats/compare.ts)
 *   micro.infer-build-tiny buildDecoderGraph() + serializeModel() of the `tiny` preset (src/infer/builder.ts)
 * Each tinybench sample times a batch of calls sized to ~5 ms during a calibration pass, so the timer
 * grain is negligible; the sample value is calls / batch time. Nothing is gated on timing here:
 * the verdict is `compare`'s.
 *
 * GPU benches (unless --micro-only): the programmatic APIs `runHashBench` (src/hash/bench.ts) and
 * `runInferBench` (src/infer/bench.ts). A missing API or a failing bench is an error (exit 1) with
 * the partial result written and marked incomplete, never a skipped-and-green job.
 */
import { Bench } from 'tinybench';
import { sha256d } from '../src/hash/sha256.js';
import { summarize } from '../src/stats/summary.js';
import { compareRuns } from '../src/stats/compare.js';
import { buildDecoderGraph, serializeModel } from '../src/infer/builder.js';
import { PRESETS } from '../src/infer/presets.js';
import { newResultDoc } from '../src/host/environment.js';
import { resultFileName, resultsDir, summaryToJson, writeResult } from '../src/results/files.js';
import type { Measurement, ResultDoc } from '../src/results/schema.js';
import { join } from 'node:path';
import { openDevice, type GpuContext } from '../src/gpu/adapter.js';
import { runHashBench } from '../src/hash/bench.js';
import { runInferBench } from '../src/infer/bench.js';
import os from 'node:os';

/** Command-line options of the CI perf job. */
export interface CiPerfOptions {
  out?: string;
  microOnly: boolean;
  /** tinybench time budget per micro-benchmark, ms. */
  timeMs: number;
  model: string;
  /** Timed phase of the hash bench, seconds. */
  hashSeconds: number;
}

/** Parse argv (no commander: this is a script, not a joulebench command). */
export function parseArgs(argv: string[]): CiPerfOptions {
  const o: CiPerfOptions = { microOnly: false, timeMs: 1000, model: 'tiny', hashSeconds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') o.out = val();
    else if (a === '--micro-only') o.microOnly = true;
    else if (a === '--time-ms') {
      o.timeMs = Number(val());
      if (!(o.timeMs > 0)) throw new Error(`--time-ms must be a number > 0`);
    } else if (a === '--model') o.model = val();
    else if (a === '--hash-seconds') {
      o.hashSeconds = Number(val());
      if (!(o.hashSeconds > 0)) throw new Error(`--hash-seconds must be a number > 0`);
    }
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node --import tsx bench/ci-perf.ts [--out <file>] [--micro-only] [--time-ms <ms>] [--model <preset>] [--hash-seconds <s>]\n');
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (see --help)`);
  }
  return o;
}

/** A host hot path to measure: `fn` runs one call. */
interface MicroCase {
  id: string;
  what: string;
  fn: () => unknown;
}

function microCases(): MicroCase[] {
  const header = new Uint8Array(80).map((_, i) => (i * 37 + 11) & 0xff);
  const samples = Array.from({ length: 1000 }, (_, i) => 100 + Math.sin(i) * 3 + (i % 7) * 0.1);
  const a = samples.slice(0, 8);
  const b = samples.slice(8, 16).map((x) => x * 1.01);
  const tiny = PRESETS.tiny!;
  return [
    { id: 'micro.sha256d-header', what: 'host SHA256d of one 80-byte block header (src/hash/sha256.ts)', fn: () => sha256d(header) },
    { id: 'micro.stats-summarize', what: 'summarize() of 1000 samples (src/stats/summary.ts)', fn: () => summarize(samples) },
    { id: 'micro.stats-compare', what: 'compareRuns() of 8 × 8 run values: Welch on logs + exact Mann–Whitney U (src/stats/compare.ts)', fn: () => compareRuns({ values: a }, { values: b }, true) },
    {
      id: 'micro.infer-build-tiny',
      what: 'buildDecoderGraph() + serializeModel() of the tiny preset, fp32, in memory (src/infer/builder.ts)',
      fn: () => serializeModel(buildDecoderGraph(tiny, { dtype: 'fp32', variant: 'gqa', seed: 1 }), { external: null }),
    },
  ];
}

/** Calls per batch so one batch takes about `targetMs` (at least 1), after ~50 ms of JIT warm-up. */
function calibrate(fn: () => unknown, targetMs = 5): number {
  const warmEnd = performance.now() + 50;
  while (performance.now() < warmEnd) fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= targetMs || n >= 1 << 22) return Math.max(1, Math.round((n * targetMs) / Math.max(dt, 1e-3)));
    n *= 2;
  }
}

/** Run the micro-benchmarks with tinybench; one Measurement per case. */
export async function runMicro(timeMs: number, log: (s: string) => void): Promise<Measurement[]> {
  const cases = microCases();
  const batches = new Map(cases.map((c) => [c.id, calibrate(c.fn)]));
  const bench = new Bench({ time: timeMs, iterations: 20, warmupTime: Math.min(250, timeMs / 4), retainSamples: true, throws: true });
  for (const c of cases) {
    const n = batches.get(c.id)!;
    bench.add(c.id, () => {
      for (let i = 0; i < n; i++) c.fn();
    });
  }
  const startedAt = new Date();
  await bench.run();
  const out: Measurement[] = [];
  for (const c of cases) {
    const task = bench.getTask(c.id)!;
    const r = task.result as { state: string; latency?: { samples?: number[] }; error?: unknown };
    const n = batches.get(c.id)!;
    if (r.state !== 'completed' || !r.latency?.samples?.length) {
      throw new Error(`${c.id}: tinybench did not complete (${r.state}${r.error ? `: ${String(r.error)}` : ''})`);
    }
    // Latency samples are ms per batch of n calls → calls per second per sample.
    const opsPerSecond = r.latency.samples.filter((ms) => ms > 0).map((ms) => (n * 1000) / ms);
    const s = summarize(opsPerSecond);
    log(`${c.id}: ${s.mean.toPrecision(4)} ops/s (mean of ${s.n} samples of ${n} calls, rel. stdev ${(s.relStdev * 100).toFixed(1)} %)`);
    out.push({
      id: c.id,
      kind: 'micro',
      status: 'complete',
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      params: { callsPerSample: n, timeBudgetMs: timeMs },
      metrics: {
        opsPerSecond: {
          value: s.mean,
          unit: 'ops/s',
          higherIsBetter: true,
          samples: opsPerSecond,
          summary: summaryToJson(s),
          method: `tinybench ${timeMs} ms budget; each sample = ${n} calls / wall time of the batch (performance.now); ${c.what}`,
        },
      },
      warnings: [],
    });
  }
  return out;
}

/**
 * GPU benches through their programmatic APIs (hash: a short autotuned run on the default adapter;
 * inference: the given preset on the WebGPU EP). Each runs even when the other failed; measurements
 * that completed are pushed to `out`, and the errors are thrown together at the end.
 */
export async function runGpu(model: string, hashSeconds: number, out: Measurement[], log: (s: string) => void): Promise<void> {
  const errors: string[] = [];
  const energyReason = 'CI perf job: no energy meter (throughput only)';
  log(`hash bench (runHashBench, ${hashSeconds} s) …`);
  let ctx: GpuContext | null = null;
  try {
    ctx = await openDevice(undefined, 'ci-perf');
    out.push(await runHashBench(ctx, { seconds: hashSeconds, autotuneCache: { read: true, write: true } }, null, energyReason));
  } catch (e) {
    errors.push(`hash bench failed: ${(e as Error).message}`);
  } finally {
    ctx?.close();
  }
  log(`inference bench (runInferBench, model ${model}) …`);
  try {
    out.push(await runInferBench({ model, ep: 'webgpu', prompt: 64, gen: 32, repetitions: 6, energyReason, log }, null));
  } catch (e) {
    errors.push(`inference bench (model ${model}) failed: ${(e as Error).message}`);
  }
  if (errors.length) throw new Error(`${errors.join('; ')}; run with --micro-only to measure the host part alone`);
}

/** Run the job and write the result; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const log = (s: string) => process.stderr.write(`[ci-perf] ${s}\n`);
  let opts: CiPerfOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`ci-perf: error: ${(e as Error).message}\n`);
    return 2;
  }
  const doc: ResultDoc = newResultDoc(null);
  const started = new Date(doc.startedAt);
  const out = opts.out ?? join(resultsDir(), resultFileName({ startedAt: started, host: os.hostname(), device: 'host', label: 'ci-perf' }));
  let code = 0;
  try {
    doc.measurements.push(...(await runMicro(opts.timeMs, log)));
    if (!opts.microOnly) await runGpu(opts.model, opts.hashSeconds, doc.measurements, log);
  } catch (e) {
    doc.complete = false;
    doc.incompleteReason = (e as Error).message;
    process.stderr.write(`ci-perf: error: ${(e as Error).message}\n`);
    code = 1;
  }
  // The adapter the GPU benches ran on (host-only runs keep null: the micro figures are CPU figures).
  doc.environment.adapter = (doc.measurements.find((m) => m.adapter)?.adapter ?? null) as ResultDoc['environment']['adapter'];
  doc.endedAt = new Date().toISOString();
  writeResult(out, doc);
  log(`result written to ${out}${doc.complete ? '' : ' (INCOMPLETE)'}`);
  return code;
}

// Exit explicitly: dawn.node keeps the event loop alive while a GPU instance is referenced.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('ci-perf.ts') || process.argv[1]?.endsWith('ci-perf.js')) {
  process.exit(await main(process.argv.slice(2)));
}
