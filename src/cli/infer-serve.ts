/**
 * `joulebench infer serve`: open-loop Poisson load against a decoder with continuous batching;
 * latency percentiles, goodput and tokens/J per offered rate, and the sustainable figure
 * (src/infer/serve/).
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { addMeterOptions, createEnergyMonitor, validateMeterOptions, workloadFor, type MeterOptions } from '../power/monitor.js';
import type { Measurement } from '../results/schema.js';
import { identityOf, openAdapter, type AdapterIdentity } from '../gpu/adapter.js';
import { EPS, type Ep } from '../infer/decoder.js';
import { PRESET_NAMES } from '../infer/presets.js';
import { VARIANTS, type Variant } from '../infer/builder.js';
import { MODEL_DTYPES, type ModelDtype } from '../infer/weights.js';
import { parseQpsList, qpsText, type OfferedQps } from '../infer/serve/arrivals.js';
import { BATCHING_CHOICES, type BatchingRequest } from '../infer/serve/batching.js';
import { LENGTH_PRESETS, parseLengthSpec, type LengthSpec } from '../infer/serve/lengths.js';
import { runInferServe, SERVE_DEFAULTS } from '../infer/serve/serve.js';
import type { ServeLevel } from '../infer/serve/levels.js';
import type { SustainableFigure } from '../infer/serve/result.js';
import { numberArg, printJson, warn } from './common.js';
import { addResultFileOptions, assertResultsWritten, checkResultOutputs, modelInputFiles, writeMeasurementResult } from './result-file.js';
import { UsageError, errnoText } from '../util/errors.js';

interface ServeFlags extends MeterOptions {
  model: string;
  ep: Ep;
  dtype?: ModelDtype;
  variant?: Variant;
  qps: OfferedQps[];
  duration: number;
  maxBatch: number;
  promptLen: string;
  genLen: string;
  sloTtftMs: number | null;
  sloTpotMs: number | null;
  search: number;
  batching: BatchingRequest;
  burstRequests?: number;
  seed: number;
  tokens: 'random' | 'greedy';
  threads?: number;
  warmup: boolean;
  allowAdapterMismatch?: boolean;
  json?: boolean;
  out?: string;
  save?: boolean;
  verbose?: boolean;
}

/** Largest --max-batch (sequences in flight). */
export const MAX_SERVE_BATCH = 256;

/** `--slo-ttft-ms 500` / `none`. */
function sloArg(flag: string) {
  return (raw: string): number | null => {
    if (raw.trim().toLowerCase() === 'none') return null;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || !(v > 0) || v > 3_600_000) throw new UsageError(`${flag} '${raw}': must be milliseconds > 0 (≤ 3600000), or none for no target`);
    return v;
  };
}

/** A lengths file's text, or the one-line error for a file that cannot be read. */
function readLengths(flag: string) {
  return (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`${flag} ${path}: cannot read the lengths file (${errnoText(err)}); give a length, a range (16-64), ${LENGTH_PRESETS.join(', ')} or @file`);
    }
  };
}

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x >= 1000 ? x.toFixed(0) : x.toFixed(d));
const p = (x: { p50: number; p99: number } | null | undefined, d = 0) => (x ? `${f(x.p50, d)} / ${f(x.p99, d)}` : '—');

/** The levels as a table, then the sustainable figure and how the batching ran. */
export function formatServeHuman(m: Measurement): string {
  const levels = (m.levels ?? []) as unknown as ServeLevel[];
  const sus = m.sustainable as unknown as SustainableFigure;
  const d = m.details as Record<string, any>;
  const lines = ['| offered | requests | duration s | out tok/s | TTFT p50 / p99 ms | TPOT p50 / p99 ms | ITL p99 ms | goodput req/s | tok/J | meets SLO |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |'];
  for (const l of levels) {
    const tpj = l.tokensPerJoule === null ? 'n/m' : `${f(l.tokensPerJoule, 3)}${l.energyBasis === 'declared' ? ' (declared)' : ''}`;
    lines.push(`| ${qpsText(l.offeredQps)}${l.role === 'search' ? ' (search)' : ''} | ${l.completedRequests}${l.unfinishedRequests ? ` (+${l.unfinishedRequests} unfinished)` : ''} | ${f(l.durationS, 2)} | ${f(l.outputTokensPerSecond)} | ${p(l.ttftMs)} | ${p(l.tpotMs, 1)} | ${f(l.itlMs?.p99)} | ${f(l.goodputRequestsPerSecond, 2)} | ${tpj} | ${l.meetsSlo === null ? '—' : l.meetsSlo ? 'yes' : 'NO'} |`);
  }
  lines.push('');
  lines.push(`sustainable: ${sus.offeredQps === null ? `none (${sus.note})` : `${sus.offeredQps} req/s → ${f(sus.outputTokensPerSecond)} output tok/s${sus.tokensPerJoule !== null ? `, ${f(sus.tokensPerJoule, 3)} tok/J` : ''} (${sus.note})`}`);
  lines.push(`batching: ${d.batching.reason}`);
  lines.push(`inf burst: ${d.burst.requests} requests (${d.burst.rule})`);
  lines.push(`model: ${d.model.name} (${d.model.note}); max batch ${m.params.maxBatch}, prompt ${m.params.promptLen}, output ${m.params.genLen}`);
  return lines.join('\n');
}

async function serveAction(flags: ServeFlags, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals() as { adapter?: string };
  if (!(EPS as readonly string[]).includes(flags.ep)) throw new UsageError(`--ep '${flags.ep}': use one of ${EPS.join(', ')}`);
  const prompt: LengthSpec = parseLengthSpec('--prompt-len', flags.promptLen, readLengths('--prompt-len'));
  const gen: LengthSpec = parseLengthSpec('--gen-len', flags.genLen, readLengths('--gen-len'));
  validateMeterOptions(flags);
  await checkResultOutputs(flags, '--save', { files: modelInputFiles(flags.model) }); // never the model's own files
  let adapter: AdapterIdentity | null = null;
  if (flags.ep === 'webgpu') {
    try {
      adapter = identityOf((await openAdapter(g.adapter)).report);
    } catch (err) {
      if (err instanceof UsageError) throw err;
    }
  }
  const choice = await createEnergyMonitor(flags, { adapter, workload: workloadFor(flags.ep, adapter) });
  for (const w of choice.warnings) warn(w);
  const monitor = choice.monitor;
  const startedAt = new Date();
  let m: Measurement;
  try {
    if (monitor && flags.idleBaseline) await monitor.idleBaseline(flags.idleBaseline);
    m = await runInferServe(
      {
        model: flags.model, ep: flags.ep, dtype: flags.dtype, variant: flags.variant, qps: flags.qps, durationS: flags.duration, maxBatch: flags.maxBatch, prompt, gen,
        slo: { ttftMs: flags.sloTtftMs, tpotMs: flags.sloTpotMs }, searchSteps: flags.search, batching: flags.batching, seed: flags.seed, tokens: flags.tokens,
        ...(flags.burstRequests !== undefined ? { burstRequests: flags.burstRequests } : {}),
        warmup: flags.warmup, threads: flags.threads, adapterSpec: g.adapter, allowAdapterMismatch: flags.allowAdapterMismatch,
        energyReason: choice.monitor ? undefined : choice.reason,
        log: flags.verbose || (process.stderr.isTTY && !flags.json) ? (s) => process.stderr.write(`${s}\n`) : undefined,
      },
      monitor,
    );
  } finally {
    await monitor?.close();
  }
  for (const w of m.warnings) warn(w);
  const device = m.adapter?.name ?? `${flags.ep}-${os.cpus()[0]?.model ?? 'cpu'}`;
  const written = writeMeasurementResult(m, { out: flags.out, save: flags.save, quiet: flags.json }, startedAt, { device, label: `serve-${(m.details as { model: { name: string } }).model.name}` });
  if (flags.json) printJson(m);
  else process.stdout.write(formatServeHuman(m) + '\n');
  assertResultsWritten(written); // a full disk loses the file, not the figures: printed above, exit 1
}

/** Register `infer serve` on the `infer` command. */
export function registerInferServe(infer: Command): void {
  const serve = infer
    .command('serve')
    .description('open-loop Poisson load with continuous batching: TTFT/TPOT/ITL percentiles, goodput and tokens/J per offered rate, and the highest rate within p99 latency targets')
    .option('--model <preset|path>', `preset (${PRESET_NAMES.join(', ')}) or an ONNX decoder export (dir or .onnx)`, 'tiny')
    .addOption(new Option('--ep <ep>', 'onnxruntime execution provider').choices([...EPS]).default('webgpu'))
    .addOption(new Option('--dtype <dtype>', 'generated models: weight precision (default fp16 on webgpu with shader-f16, else fp32)').choices([...MODEL_DTYPES]))
    .addOption(new Option('--variant <variant>', 'generated models: gqa (default) or std').choices([...VARIANTS]))
    .option('--qps <list>', 'offered loads, requests/s, comma-separated; inf = every request at once (a burst)', (raw: string) => parseQpsList(raw), SERVE_DEFAULTS.qps)
    .option('--duration <s>', 'offered window of each finite rate, s (arrivals in [0, s); the level runs until they are all served)', numberArg('--duration', { above: 0, max: 86_400 }), SERVE_DEFAULTS.durationS)
    .option('--max-batch <B>', 'sequences in flight (batch slots)', numberArg('--max-batch', { min: 1, max: MAX_SERVE_BATCH, integer: true }), SERVE_DEFAULTS.maxBatch)
    .option('--prompt-len <len>', `prompt tokens: a number, a range lo-hi (uniform), ${LENGTH_PRESETS.join(', ')} (a public chat trace's histogram), or @file of lengths`, String(SERVE_DEFAULTS.prompt))
    .option('--gen-len <len>', 'output tokens (forced, EOS ignored): same forms as --prompt-len', String(SERVE_DEFAULTS.gen))
    .option('--slo-ttft-ms <ms>', 'p99 time-to-first-token target, ms, or none (default: MLPerf llama2-70b Server, 2000)', sloArg('--slo-ttft-ms'), SERVE_DEFAULTS.sloTtftMs)
    .option('--slo-tpot-ms <ms>', 'p99 time-per-output-token target, ms, or none (default: MLPerf llama2-70b Server, 200)', sloArg('--slo-tpot-ms'), SERVE_DEFAULTS.sloTpotMs)
    .option('--search <N>', 'bisection probes between the highest passing and lowest failing rate (0: only the listed rates)', numberArg('--search', { min: 0, max: 10, integer: true }), SERVE_DEFAULTS.searchSteps)
    .addOption(new Option('--batching <mode>', 'auto: continuous where the KV cache can be merged (else refill at batch boundaries, labelled); continuous (on webgpu: KV kept on the host); boundary').choices([...BATCHING_CHOICES]).default('auto'))
    .option('--burst-requests <N>', 'requests of an inf level (default: sized from the warmup to last about --duration)', numberArg('--burst-requests', { min: 1, max: 100_000, integer: true }))
    .option('--seed <n>', 'seed of the arrivals, lengths and token ids', numberArg('--seed', { min: 0, integer: true }), SERVE_DEFAULTS.seed)
    .addOption(new Option('--tokens <mode>', 'decode tokens: random (llama-bench) or greedy (argmax of logits)').choices(['random', 'greedy']).default('random'))
    .option('--threads <n>', 'onnxruntime intra-op threads', numberArg('--threads', { min: 1, integer: true }))
    .option('--no-warmup', 'skip the untimed warmup burst (the inf burst is then 8 × --max-batch requests unless --burst-requests)')
    .option('--allow-adapter-mismatch', "run even when onnxruntime's WebGPU adapter differs from the hashing adapter")
    .option('--json', 'print the measurement as JSON')
    .option('-v, --verbose', 'progress lines on stderr even when it is not a terminal');
  addResultFileOptions(serve);
  addMeterOptions(serve);
  serve.action(serveAction);
}
