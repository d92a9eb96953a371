/**
 * `infer bench`: llama-bench-grade prefill (pp) and decode (tg) tokens/s of a decoder on an
 * onnxruntime-node EP, with TTFT, per-token latency percentiles, energy windows, EP placement from
 * ORT profiling, model size and peak RSS. Programmatic entry: `runInferBench` (used by `run`).
 *
 * Semantics (llama-bench, https://github.com/ggml-org/llama.cpp/blob/master/tools/llama-bench/README.md):
 * random seeded token ids, one untimed warmup (prefill + decode), KV cache cleared before every
 * prefill, per-run tokens/s reported as mean ± sample sd with the raw samples kept. pp =
 * batch·prompt / prefill time; tg = batch·gen / decode time, the gen tokens decoded one step at a
 * time after the prompt (depth = prompt, so the test is named `tg<gen> @ d<prompt>`, as llama-bench
 * names a test run at a KV-cache depth). Each test runs in its own energy window, repeated
 * (≥ --repetitions times) until the window is as long as the meter needs
 * (src/infer/phase-windows.ts).
 *
 * `--batch 1,4,16` sweeps batch sizes, each its own pair of tests and windows (src/infer/sweep.ts);
 * `--slo-ms-per-token` picks the serving figure among them (src/infer/serving.ts). The top-level
 * metrics, energy and latency percentiles are the smallest measured batch's (batch 1 when listed),
 * so results with and without a sweep compare.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { WindowMonitor } from '../core/window.js';
import type { WorkloadDefinition } from '../core/registry.js';
import { perJoule, perJouleBasis, perJouleReason } from '../power/monitor.js';
import type { BatchMeasurement } from './phase-windows.js';
import { chooseServing, MAX_BATCH, MAX_SLO_MS_PER_TOKEN, type ServingFigure } from './serving.js';
import { runSweep, servingDetails, sweepFits, sweepMetrics, sweepPoint, sweepRow, type SkippedBatch, type SweepRow } from './sweep.js';
import type { Energy, Measurement, Metric } from '../results/schema.js';
import { summaryToJson } from '../results/files.js';
import { depVersion } from '../util/package.js';
import { percentileSorted, summarize } from '../stats/summary.js';
import { UsageError } from '../util/errors.js';
import { listAdapters, type AdapterReport } from '../gpu/adapter.js';
import { assertReadable, modelFilesOnDisk, resolveModelFile, sessionOptions, type DecoderIO, type Ep } from './decoder.js';
import { DecodeHost, type DecodeStatus } from './decode-host.js';
import type { GcTally } from './decode-worker.js';
import { readOnnxGraph, type OnnxGraphSummary } from './onnx-reader.js';
import { factsFromGraph, readModelFacts, weightInventory, type ModelFacts, type WeightInventory } from './model-facts.js';
import { ensureModel, type GeneratedModelInfo, type ModelDir } from './model-store.js';
import { kvCacheBytes } from './presets.js';
import { checkModelRef } from './model-ref.js';
import { interruptedNote, prefillOnlyMeasurement } from './partial.js';
import { fallbackWarnings, readProfile, type Placement } from './profile.js';
import { checkSameAdapter, type AdapterMatch } from './ort-adapter.js';
import { probeEp } from './probe.js';
import type { Variant } from './builder.js';
import type { ModelDtype } from './weights.js';

/** Options of one inference benchmark. */
export interface InferBenchOptions {
  /** Preset name or path to a model directory / .onnx file. */
  model: string;
  ep?: Ep;
  /**
   * Generated models only: weight precision (default fp16 on webgpu when the adapter has
   * shader-f16, else fp32); q4/q4f16 = 4-bit MatMulNBits linear layers with fp32/fp16 elsewhere.
   */
  dtype?: ModelDtype;
  /** Generated models only: `gqa` fast path (default) or `std` standard-opset graph. */
  variant?: Variant;
  /** Batch size, or the batch sizes of a sweep (run smallest first, each in its own windows). */
  batch?: number | readonly number[];
  /**
   * Latency target, ms per output token at p99: the serving figure is the most energy-efficient
   * batch whose p99 decode step latency meets it. Null/undefined: no target.
   */
  sloMsPerToken?: number | null;
  prompt?: number;
  gen?: number;
  repetitions?: number;
  /** Seed for token ids. */
  seed?: number;
  /** One untimed repetition first (default true). */
  warmup?: boolean;
  adapterSpec?: string;
  allowAdapterMismatch?: boolean;
  /** Profile the warmup repetition for EP placement (default true). */
  profile?: boolean;
  threads?: number;
  /** Decode token choice: `random` (llama-bench; logits not read) or `greedy` (argmax). */
  tokens?: 'random' | 'greedy';
  /** Why energy is not measured (when `monitor` is null). */
  energyReason?: string;
  /** Longest a test is repeated to reach the energy window its meter needs (--max-window), s. */
  maxWindowS?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /**
   * Stop early (Ctrl-C): each phase ends after the run in progress; the measurement comes back
   * marked incomplete with what completed (src/infer/partial.ts), or InterruptedError if nothing did.
   */
  signal?: AbortSignal;
}

/** Defaults (llama-bench: -p 512 -n 128 -r 5). */
export const INFER_DEFAULTS = { batch: 1, prompt: 512, gen: 128, repetitions: 5, seed: 1234 } as const;

/**
 * The default test (pp512, tg128) halved, keeping llama-bench's 4:1 ratio, until prompt + gen fits
 * a context of `maxContext` tokens (a test model of 256 tokens runs pp128 tg32).
 */
export function fitTestToContext(maxContext: number): { prompt: number; gen: number } {
  let prompt: number = INFER_DEFAULTS.prompt;
  let gen: number = INFER_DEFAULTS.gen;
  while (prompt + gen > maxContext && prompt > 1) {
    prompt = Math.max(1, Math.floor(prompt / 2));
    gen = Math.max(1, Math.floor(gen / 2));
  }
  return { prompt, gen };
}

/** A model resolved from `--model` (preset or file), with what its files say about it. */
export interface ResolvedModel {
  source: 'preset' | 'file';
  name: string;
  file: string;
  generated: ModelDir | null;
  /**
   * The `joulebench` block of config.json: present for presets and for a generated model passed
   * by path (its weights are synthetic all the same, and results must say so).
   */
  info: GeneratedModelInfo | null;
  /** From config.json, else genai_config.json; null when neither exists (the graph's I/O then says). */
  facts: ModelFacts | null;
  /** The graph's structure (null when the file cannot be parsed: onnxruntime then says why). */
  graph: OnnxGraphSummary | null;
  /** Parameters and weight bytes counted from the graph's initializers. */
  inventory: WeightInventory | null;
  bytesOnDisk: number;
  /** The model file and the external data files it references. */
  files: string[];
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Config files live next to the model, or one level up when the model sits in onnx/ (onnx-community layout). */
function configDirs(file: string): string[] {
  const d = dirname(file);
  return basename(d) === 'onnx' ? [d, dirname(d)] : [d];
}

/** The graph, its weight inventory and the files on disk of a model file. */
function inspectModel(file: string, tie: boolean | null): Pick<ResolvedModel, 'graph' | 'inventory' | 'bytesOnDisk' | 'files'> {
  assertReadable(file);
  let graph: OnnxGraphSummary | null = null;
  try {
    graph = readOnnxGraph(file);
  } catch {
    // Not parseable as ONNX: session creation reports onnxruntime's own error.
    return { graph: null, inventory: null, bytesOnDisk: statSync(file).size, files: [basename(file)] };
  }
  const inventory = weightInventory(graph, tie);
  const disk = modelFilesOnDisk(file, inventory.externalFiles);
  return { graph, inventory, bytesOnDisk: disk.bytes, files: disk.files };
}

/** Resolve `--model` to a file (generating a preset on first use); UsageError for anything else. */
export function resolveModel(opts: Pick<InferBenchOptions, 'model'>, dtype: ModelDtype, variant: Variant, log: (s: string) => void): ResolvedModel {
  if (checkModelRef(opts.model) === 'preset') {
    log(`model: preset ${opts.model} (${dtype}, ${variant}) — generating if not cached`);
    const m = ensureModel(opts.model, { dtype, variant });
    if (m.built) log(`model: generated ${m.dir} in ${m.buildTimeS.toFixed(1)} s`);
    return { source: 'preset', name: opts.model, file: m.modelPath, generated: m, info: m.info, facts: readModelFacts(m.dir), ...inspectModel(m.modelPath, m.config.tieWordEmbeddings) };
  }
  const isDir = statSync(opts.model).isDirectory();
  if (isDir) assertReadable(opts.model, 'model directory');
  const dirFacts = isDir ? readModelFacts(opts.model) : null;
  const file = resolveModelFile(opts.model, dirFacts?.genai?.filename);
  let facts: ModelFacts | null = null;
  let cfg: Record<string, unknown> | null = null;
  for (const d of configDirs(file)) {
    facts ??= readModelFacts(d);
    cfg ??= readJson(join(d, 'config.json'));
  }
  const jb = cfg?.joulebench as Partial<GeneratedModelInfo> | undefined;
  const info = jb?.synthetic === true && basename(file) === 'model.onnx' ? (jb as GeneratedModelInfo) : null;
  return {
    source: 'file',
    name: basename(isDir ? opts.model.replace(/[/\\]+$/, '') : dirname(file)) || basename(file),
    file,
    generated: null,
    info,
    facts,
    ...inspectModel(file, facts?.tieWordEmbeddings ?? null),
  };
}

/** The precision a model's graph runs at: q4/q4f16 when its linear layers are MatMulNBits, else its KV type. */
export function dtypeOfGraph(graph: OnnxGraphSummary | null, io: DecoderIO): string {
  const f16 = io.kvType === 'float16';
  if (graph?.nodes.some((n) => n.opType === 'MatMulNBits')) return f16 ? 'q4f16' : 'q4';
  return f16 ? 'fp16' : 'fp32';
}

/** Counts of the graph's non-standard-domain ops (contrib ops such as MatMulNBits, GroupQueryAttention). */
function contribOps(graph: OnnxGraphSummary | null): Record<string, number> | null {
  if (!graph) return null;
  const out: Record<string, number> = {};
  for (const n of graph.nodes) if (n.domain && n.domain !== 'ai.onnx') out[`${n.domain}.${n.opType}`] = (out[`${n.domain}.${n.opType}`] ?? 0) + 1;
  return out;
}

function metric(value: number | null, unit: string, higherIsBetter: boolean, method: string, samples?: number[], reason?: string, energyBasis?: 'metered' | 'declared' | null): Metric {
  const m: Metric = { value, unit, higherIsBetter, method };
  if (value !== null && energyBasis) m.energyBasis = energyBasis;
  if (samples && samples.length) {
    m.samples = samples;
    m.summary = summaryToJson(summarize(samples));
  }
  if (reason) m.reason = reason;
  return m;
}

function checkInt(flag: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${flag} ${v}: must be an integer ≥ ${min}`);
  return v;
}

/** llama-bench style "mean ± sd". */
export function meanSd(samples: number[]): string {
  const s = summarize(samples);
  return `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}`;
}

/** The validated test parameters of one `infer bench`. */
interface TestParams {
  ep: Ep;
  batches: number[];
  slo: number | null;
  prompt: number;
  gen: number;
  reps: number;
  seed: number;
  tokensMode: 'random' | 'greedy';
}

function checkTest(opts: InferBenchOptions): TestParams {
  const slo = opts.sloMsPerToken ?? null;
  if (slo !== null && !(Number.isFinite(slo) && slo > 0 && slo <= MAX_SLO_MS_PER_TOKEN)) throw new UsageError(`--slo-ms-per-token ${slo}: must be > 0 and ≤ ${MAX_SLO_MS_PER_TOKEN} ms per token`);
  return {
    ep: opts.ep ?? 'webgpu',
    batches: batchList(opts.batch),
    slo,
    prompt: checkInt('--prompt', opts.prompt ?? INFER_DEFAULTS.prompt, 1),
    gen: checkInt('--gen', opts.gen ?? INFER_DEFAULTS.gen, 1),
    reps: checkInt('--repetitions', opts.repetitions ?? INFER_DEFAULTS.repetitions, 1),
    seed: opts.seed ?? INFER_DEFAULTS.seed,
    tokensMode: opts.tokens ?? 'random',
  };
}

/** The adapters (WebGPU only: hashing and the ORT EP must share the physical adapter) and the EP's own. */
async function adapterPhase(ep: Ep, opts: InferBenchOptions, warnings: string[]): Promise<{ adapters: AdapterReport[] | null; match: AdapterMatch | null; ortAdapter: AdapterReport | undefined }> {
  if (ep === 'cuda') {
    // Without the downloaded provider libraries onnxruntime fails deep inside session creation;
    // say why up front (probe.ts knows the install command).
    const probe = await probeEp('cuda');
    if (!probe.usable) throw new UsageError(`--ep cuda: not usable here: ${probe.reason}`);
  }
  if (ep !== 'webgpu') return { adapters: null, match: null, ortAdapter: undefined };
  const adapters = await listAdapters();
  const match = await checkSameAdapter(opts.adapterSpec, opts.allowAdapterMismatch ?? false, adapters);
  if (!match.same) warnings.push(`adapter mismatch allowed by --allow-adapter-mismatch: hashing on '${match.hashing.name}', onnxruntime WebGPU EP on '${match.onnxruntime?.name ?? 'unknown'}'`);
  const ortAdapter = adapters.find((a) => a.index === (match.onnxruntime ?? match.hashing).index);
  if (ortAdapter?.isSoftware) warnings.push(`software adapter '${ortAdapter.name}': WebGPU EP timings are CPU timings, not GPU figures`);
  return { adapters, match, ortAdapter };
}

/** The test fitted to the model's context: the defaults halved when neither was typed, else a one-line error. */
function fitContext(model: ResolvedModel, t: TestParams, opts: InferBenchOptions, warnings: string[]): void {
  const maxContext = model.generated?.config.maxPositions ?? model.facts?.contextLength ?? null;
  if (maxContext !== null && t.prompt + t.gen > maxContext && opts.prompt === undefined && opts.gen === undefined) {
    // Neither was typed: the llama-bench defaults (pp512, tg128) are fitted to a short context.
    ({ prompt: t.prompt, gen: t.gen } = fitTestToContext(maxContext));
    warnings.push(`--prompt/--gen not given: the defaults (pp${INFER_DEFAULTS.prompt} tg${INFER_DEFAULTS.gen}) exceed the model's context of ${maxContext} tokens; running pp${t.prompt} tg${t.gen}`);
  }
  if (maxContext !== null && t.prompt + t.gen > maxContext) {
    const fit = fitTestToContext(maxContext);
    throw new UsageError(`--prompt ${t.prompt} + --gen ${t.gen} = ${t.prompt + t.gen} tokens: exceeds the model's context of ${maxContext}${model.facts ? ` (${model.facts.source})` : ''}; lower them, e.g. --prompt ${fit.prompt} --gen ${fit.gen}`);
  }
}

/** What the measurement phase hands on: the session's facts, the sweep and the runs' state. */
interface Measured {
  io: DecoderIO;
  createTimeS: number;
  inputNames: string[];
  outputNames: string[];
  threadId: number;
  rssAfterLoad: number;
  sweep: Awaited<ReturnType<typeof runSweep>>;
  fits: ReturnType<typeof sweepFits>;
  placement: Placement | null;
  status: DecodeStatus;
  gc: GcTally | null;
}

/**
 * Open the session in the decode worker (decode-worker.ts: the timed runs get a thread and a heap
 * of their own) and run every batch's two tests there, each in its own energy window
 * (src/infer/sweep.ts, phase-windows.ts). Profiling rides on the first warmup only; the profile is
 * parsed here after the timed runs (parsing MBs of JSON between them would leave garbage for the
 * collector to take during timed steps).
 */
async function measurePhase(model: ResolvedModel, t: TestParams, opts: InferBenchOptions, ortAdapter: AdapterReport | undefined, monitor: WindowMonitor | null, log: (s: string) => void): Promise<Measured> {
  const profileDir = opts.profile === false || opts.warmup === false ? null : mkdtempSync(join(tmpdir(), 'joulebench-ortprof-'));
  const profilePrefix = profileDir ? join(profileDir, 'ort') : undefined;
  const presentNames = model.generated ? Array.from({ length: model.generated.config.numLayers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat() : undefined;
  log(`session: creating on ${t.ep} EP`);
  const f = model.facts;
  const hints = { numKvHeads: f?.numKvHeads, headDim: f?.headDim, vocabSize: f?.vocabSize, pastKey: f?.genai?.pastKey, pastValue: f?.genai?.pastValue, presentKey: f?.genai?.presentKey, presentValue: f?.genai?.presentValue };
  const host = new DecodeHost();
  // Ctrl-C reaches the worker's phases through shared memory (they check it between runs).
  host.interruptOn(opts.signal);
  try {
    const graph = model.graph ? { inputs: model.graph.inputs, outputs: model.graph.outputs } : undefined;
    const test = { prompt: t.prompt, gen: t.gen, minRuns: t.reps, tokens: t.tokensMode, seed: t.seed, maxWindowS: opts.maxWindowS, warmup: opts.warmup !== false };
    const opened = await host.open({ file: model.file, ep: t.ep, profilePrefix, threads: opts.threads, presentNames, graph, hints, test, vocabFallback: f?.vocabSize ?? 1000 }, monitor, log);
    const rssAfterLoad = process.memoryUsage().rss;
    // Where the KV cache lives decides which memory it must fit: host memory on the cpu EP and on
    // a software adapter (whose "device" memory is host memory), the device's buffers otherwise.
    const limits = ortAdapter?.limits ?? {};
    const maxBuffer = [limits.maxBufferSize, limits.maxStorageBufferBindingSize].filter((x): x is number => typeof x === 'number' && x > 0);
    const fits = sweepFits(t.batches, { io: opened.io, prompt: t.prompt, gen: t.gen, minRuns: t.reps, metered: monitor !== null, kvOn: t.ep === 'cpu' || ortAdapter?.isSoftware ? 'host' : 'device', maxBufferBytes: maxBuffer.length ? Math.min(...maxBuffer) : null });
    const sweep = await runSweep(host.measure, fits, log, host.status);
    const placement = profilePrefix ? readProfile(profilePrefix) : null;
    return { ...opened, rssAfterLoad, sweep, fits, placement, status: host.status, gc: host.gc };
  } finally {
    await host.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

/** Run the benchmark and return one schema Measurement (kind `infer`). */
export async function runInferBench(opts: InferBenchOptions, monitor: WindowMonitor | null = null): Promise<Measurement> {
  const log = opts.log ?? (() => {});
  const startedAt = new Date();
  const t = checkTest(opts);
  const warnings: string[] = [];
  const rssBefore = process.memoryUsage().rss;
  const { match, ortAdapter } = await adapterPhase(t.ep, opts, warnings);
  const dtype: ModelDtype = opts.dtype ?? (t.ep === 'webgpu' && ortAdapter?.features.includes('shader-f16') ? 'fp16' : 'fp32');
  const variant: Variant = opts.variant ?? 'gqa';
  if (variant === 'std' && (dtype === 'q4' || dtype === 'q4f16')) {
    throw new UsageError(`--dtype ${dtype} with --variant std: 4-bit presets use the gqa graph (MatMulNBits is an onnxruntime contrib op; std is standard ONNX only); drop --variant std`);
  }
  const model = resolveModel(opts, dtype, variant, log);
  fitContext(model, t, opts, warnings);
  if (opts.warmup === false && opts.profile !== false) warnings.push('EP node placement not recorded: profiling runs on the warmup repetition, which --no-warmup skips');

  const ms = await measurePhase(model, t, opts, ortAdapter, monitor, log);
  const io = ms.io;
  const facts = model.facts ?? factsFromGraph({ layers: io.layers.length, numKvHeads: io.numKvHeads, headDim: io.headDim, vocabSize: io.vocabSize });
  if (facts.source !== 'graph' && facts.numLayers !== null && facts.numLayers !== io.layers.length) {
    warnings.push(`${facts.source} says ${facts.numLayers} layers, the graph has ${io.layers.length} past/present KV pairs: figures use the graph's`);
  }
  if (ms.placement === null && opts.profile !== false && opts.warmup !== false) warnings.push('onnxruntime profile not found: EP placement unknown');
  const params = {
    model: opts.model,
    ep: t.ep,
    dtype: model.generated ? dtype : (model.info?.dtype ?? dtypeOfGraph(model.graph, io)),
    variant: model.generated ? variant : (model.info?.variant ?? null),
    batch: t.batches.length > 1 ? [...t.batches] : (ms.sweep.measured[0]?.batch ?? t.batches[0]!),
    ...(t.slo !== null ? { sloMsPerToken: t.slo } : {}),
    prompt: t.prompt,
    gen: t.gen,
    repetitions: t.reps,
    warmup: opts.warmup !== false,
    seed: t.seed,
    tokens: t.tokensMode,
    threads: opts.threads ?? null,
  };
  const adapter = (match ? (match.onnxruntime ?? match.hashing) : null) as Measurement['adapter'];
  // Ctrl-C before a whole batch was measured: the prefill test's figures, or nothing (InterruptedError).
  if (!ms.sweep.measured.length) return prefillOnlyMeasurement(ms.sweep.interrupted, { id: `infer.${model.name}`, params, adapter, model: { source: model.source, name: model.name, path: model.file, synthetic: model.info !== null, mirrors: model.info?.mirrors ?? null }, startedAt, prompt: t.prompt, notMeasured: opts.energyReason ?? 'no power meter; pass --meter <name> or --watts <W>', warnings });
  const cut = interruptedNote(opts.signal, ms.sweep.measured);
  if (cut) warnings.push(cut);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  // Headline: the smallest measured batch (batch 1 when listed), so top-level figures compare with a single-batch run.
  const bm = ms.sweep.measured[0]!;
  for (const ph of [bm.pp, bm.tg]) if (ph.note) warnings.push(`${ph === bm.pp ? `pp${t.prompt}` : `tg${t.gen}`} energy window: ${ph.note}`);
  let fallback: ReturnType<typeof fallbackWarnings> | null = null;
  if (ms.placement) {
    fallback = fallbackWarnings(ms.placement, t.ep);
    warnings.push(...fallback.warnings);
  }
  const notMeasured = opts.energyReason ?? 'no power meter; pass --meter <name> or --watts <W>';
  const where = `${t.ep} EP${ortAdapter ? ` on ${ortAdapter.name}` : ''}, batch ${bm.batch}${t.batches.length > 1 ? ` (the smallest measured batch of the sweep ${t.batches.join(',')}; every batch in details.batchSweep)` : ''}`;
  const prefillLogitsBytes = logitsBytes(io, facts, bm.batch, t.prompt);
  const metrics = inferMetrics(bm, t, { where, notMeasured, prefillLogitsText: prefillLogitsNote(prefillLogitsBytes, t.ep) });
  // --- the sweep's rows and the serving figure
  const sw = sweepSection(ms.sweep, ms.fits, { prompt: t.prompt, gen: t.gen, slo: t.slo, notMeasured, isSweep: t.batches.length > 1 });
  Object.assign(metrics, sw.metrics);
  warnings.push(...sw.warnings);
  const details = inferDetails({ model, ms, facts, t, bm, opts, match, fallback, sw, prefillLogitsBytes, memory: { peakRssBytes, rssBeforeLoadBytes: rssBefore, rssAfterLoadBytes: ms.rssAfterLoad } });
  return {
    id: `infer.${model.name}`,
    kind: 'infer',
    status: cut ? 'incomplete' : 'complete',
    ...(cut ? { reason: cut } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    params,
    metrics,
    energy: bm.tg.energy ?? { measured: false, reason: notMeasured },
    adapter,
    details,
    warnings,
  };
}

/**
 * `infer bench` in the workload registry (src/run/workloads.ts). A composite definition: each batch
 * is two benchmarks on the core (prefill and decode, src/infer/phase-windows.ts) that run inside the
 * decode worker next to the session, so the registry calls runInferBench rather than a plan.
 * Options are runInferBench's; the run's monitor, interruption and log come from `env`.
 */
export const inferBenchDefinition: WorkloadDefinition<InferBenchOptions, Measurement> = {
  name: 'infer.decoder',
  summary: 'decoder-only transformer prefill (pp) and decode (tg) throughput (tok/s) and tok/J on onnxruntime-node, per batch',
  run: (opts, env) =>
    runInferBench(
      {
        ...opts,
        ...(opts.signal || !env.signal ? {} : { signal: env.signal }),
        ...(opts.log || !env.log ? {} : { log: env.log }),
        ...(opts.energyReason !== undefined || env.monitor ? {} : { energyReason: env.notMeasured }),
      },
      env.monitor,
    ),
};

/** Bytes of logits one prefill returns (all prompt positions), or null when the vocabulary is unknown. */
function logitsBytes(io: DecoderIO, facts: ModelFacts, batch: number, prompt: number): number | null {
  const vocab = io.vocabSize ?? facts.vocabSize;
  return vocab === null ? null : batch * prompt * vocab * (io.logitsType === 'float16' ? 2 : 4);
}

function prefillLogitsNote(bytes: number | null, ep: Ep): string {
  return bytes === null ? 'size unknown' : `${(bytes / 2 ** 20).toFixed(2)} MiB of logits per prefill${ep === 'webgpu' ? ', copied back from the device' : ''}`;
}

/** The headline batch's metrics: pp and tg tokens/s, TTFT, step latency percentiles, tokens/J of each test. */
function inferMetrics(bm: BatchMeasurement, t: TestParams, x: { where: string; notMeasured: string; prefillLogitsText: string }): Record<string, Metric> {
  const { prompt, gen, reps } = t;
  const energy: Energy = bm.tg.energy ?? { measured: false, reason: x.notMeasured };
  const ePrefill: Energy = bm.pp.energy ?? { measured: false, reason: x.notMeasured };
  const tpj = perJoule(bm.tg.tokens, energy);
  const ptpj = perJoule(bm.pp.tokens, ePrefill);
  const declaredNote = (e: Energy) => (perJouleBasis(e) === 'declared' ? '; DECLARED watts × window time, not measured' : '') + (e.measured && e.scopeMismatch ? `; ${e.scopeMismatch}` : '');
  const stepMs = bm.tg.stepMs;
  const sorted = [...stepMs].sort((a, b) => a - b);
  const pct = (p: number) => percentileSorted(sorted, p);
  const batch = bm.batch;
  return {
    prefillTokensPerSecond: metric(
      summarize(bm.pp.tokensPerSecond).mean,
      'tokens/s',
      true,
      `pp${prompt}: batch·prompt tokens / wall time of one prefill run() (+ argmax), per prefill; mean of ${bm.pp.runs} prefills run back to back in one energy window (≥ ${reps} requested, repeated to fill the window); ${x.where}; the graph returns logits for all ${prompt} prompt positions (${x.prefillLogitsText}), as Optimum/genai exports do, where llama-bench computes only the last position's`,
      bm.pp.tokensPerSecond,
    ),
    decodeTokensPerSecond: metric(
      summarize(bm.tg.tokensPerSecond).mean,
      'tokens/s',
      true,
      `tg${gen} @ d${prompt} (llama-bench naming: decode at KV depth ${prompt}): batch·gen tokens / wall time of ${gen} single-token run()s after the prompt (KV cache on ${t.ep === 'webgpu' ? 'the device' : 'the host'}), per sequence; mean of ${bm.tg.runs} sequences run back to back in one energy window (≥ ${reps} requested; each sequence's prompt prefilled before the window); ${x.where}`,
      bm.tg.tokensPerSecond,
    ),
    timeToFirstTokenMs: metric(summarize(bm.pp.runMs).mean, 'ms', false, 'prefill run() of the prompt + argmax of the last logits, per prefill of the pp test', bm.pp.runMs),
    tokenLatencyP50Ms: metric(pct(0.5), 'ms', false, `median wall time of one decode step (run() of 1 token per sequence), pooled over ${stepMs.length} steps`),
    tokenLatencyP90Ms: metric(pct(0.9), 'ms', false, `p90 of ${stepMs.length} decode steps`),
    tokenLatencyP99Ms: metric(pct(0.99), 'ms', false, `p99 of ${stepMs.length} decode steps`),
    tokensPerJoule: metric(
      tpj,
      'tokens/J',
      true,
      `DECODE ONLY: ${batch}·${gen}·${bm.tg.runs} generated tokens / energy of one window holding the ${bm.tg.runs} decode sequences back to back (prefills run before the window, excluded: see prefillTokensPerJoule)${declaredNote(energy)}`,
      undefined,
      tpj === null ? (perJouleReason(energy) ?? undefined) : undefined,
      perJouleBasis(energy),
    ),
    prefillTokensPerJoule: metric(
      ptpj,
      'tokens/J',
      true,
      `PREFILL ONLY: ${batch}·${prompt}·${bm.pp.runs} prompt tokens / energy of one window holding the ${bm.pp.runs} prefills back to back${declaredNote(ePrefill)}`,
      undefined,
      ptpj === null ? (perJouleReason(ePrefill) ?? undefined) : undefined,
      perJouleBasis(ePrefill),
    ),
  };
}

/** The model's record in details: where it came from, its size and I/O. */
function modelDetails(model: ResolvedModel, ms: Measured, facts: ModelFacts, batch: number, context: number, prefillLogitsBytes: number | null) {
  const io = ms.io;
  const synthetic = model.info !== null;
  const mirrors = model.info?.mirrors ?? null;
  const generator = `joulebench generator${model.source === 'file' && model.info ? `, preset ${model.info.preset}` : ''}`;
  // Test presets mirror no public model: their figures check the harness, they say nothing about a real LLM.
  const testModel = synthetic && /^synthetic test model/.test(mirrors ?? '');
  const note = !synthetic
    ? 'user-supplied model'
    : testModel
      ? `synthetic seeded weights (${generator}), ${mirrors}: a harness test model of no public model's size, so its tokens/s and tokens/J say nothing about a real LLM; outputs are meaningless`
      : `synthetic seeded weights (${generator}) with the exact shapes of ${mirrors}: compute and memory traffic are the real architecture's, outputs are meaningless`;
  return {
    source: model.source,
    name: model.name,
    path: model.file,
    synthetic,
    note,
    mirrors,
    parameters: model.inventory?.parameters ?? null,
    parametersMethod: model.inventory?.method ?? 'not counted: the model file could not be parsed',
    quantizedParameters: model.inventory?.quantizedParameters ?? null,
    weightBytes: model.inventory?.weightBytes ?? null,
    weightBytesMethod: model.inventory?.weightBytesMethod ?? null,
    bytesOnDisk: model.bytesOnDisk,
    files: model.files,
    externalData: model.inventory ? model.inventory.externalFiles.length > 0 : null,
    externalDataFiles: model.inventory?.externalFiles ?? null,
    facts: { ...facts, genai: undefined },
    contribOps: contribOps(model.graph),
    layers: io.layers.length,
    numKvHeads: io.numKvHeads,
    headDim: io.headDim,
    vocabSize: io.vocabSize ?? facts.vocabSize,
    kvType: io.kvType,
    kvCacheBytes: kvCacheBytes({ numLayers: io.layers.length, numKvHeads: io.numKvHeads, headDim: io.headDim }, batch, context, io.kvType === 'float16' ? 2 : 4),
    kvCacheContextTokens: context,
    prefillLogitsBytes,
    inputs: ms.inputNames,
    outputs: ms.outputNames,
    io: summarizeIO(io),
  };
}

/**
 * The session's record: its options as `sessionOptions` sets them (everything else onnxruntime's
 * defaults, as a plain user's session has), and the thread the timed runs ran on.
 */
function sessionDetails(model: ResolvedModel, ms: Measured, t: TestParams, opts: InferBenchOptions) {
  const o = sessionOptions(t.ep, { presentNames: [] }, { threads: opts.threads });
  return {
    createTimeS: ms.createTimeS,
    buildTimeS: model.generated?.buildTimeS ?? 0,
    onnxruntime: depVersion('onnxruntime-node'),
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    options: {
      executionProviders: t.ep,
      graphOptimizationLevel: o.graphOptimizationLevel ?? 'onnxruntime default',
      intraOpNumThreads: o.intraOpNumThreads ?? 'onnxruntime default',
      executionMode: 'onnxruntime default (sequential)',
      cpuMemArena: 'onnxruntime default (on)',
      profiling: opts.profile === false || opts.warmup === false ? 'off' : 'warmup only (ended before the timed runs)',
      ...(t.ep === 'webgpu' ? { preferredOutputLocation: 'present.*: gpu-buffer' } : {}),
    },
    kvOnDevice: ms.status.kvLocation === 'gpu-buffer',
    kvLocation: ms.status.kvLocation ?? null,
    decodeThread: {
      thread: 'worker',
      threadId: ms.threadId,
      why: 'the session and every timed run() live in a worker thread: an isolate holding only the decoder, whose heap stays small enough that V8 does not keep marking it during decode (src/infer/decode-worker.ts)',
      gc: ms.gc ? { ...ms.gc, scope: 'the worker isolate, from session creation to the end of the last batch (warmup and prefills included)' } : null,
    },
  };
}

/** The measurement's details: the llama-bench names, model, memory, session, placement, phases and sweep. */
function inferDetails(x: {
  model: ResolvedModel;
  ms: Measured;
  facts: ModelFacts;
  t: TestParams;
  bm: BatchMeasurement;
  opts: InferBenchOptions;
  match: AdapterMatch | null;
  fallback: ReturnType<typeof fallbackWarnings> | null;
  sw: ReturnType<typeof sweepSection>;
  prefillLogitsBytes: number | null;
  memory: { peakRssBytes: number; rssBeforeLoadBytes: number; rssAfterLoadBytes: number };
}): Record<string, unknown> {
  const { model, ms, t, bm, match, fallback, sw } = x;
  const { prompt, gen, batches } = t;
  const isSweep = batches.length > 1;
  const stepMs = [...bm.tg.stepMs].sort((a, b) => a - b);
  const pct = (p: number) => percentileSorted(stepMs, p);
  const notMeasured = x.opts.energyReason ?? 'no power meter; pass --meter <name> or --watts <W>';
  return {
    // llama-bench names: tg runs after the prompt here, i.e. at KV depth = prompt ("tg128 @ d512").
    llamaBench: { [`pp${prompt}`]: meanSd(bm.pp.tokensPerSecond), [`tg${gen} @ d${prompt}`]: meanSd(bm.tg.tokensPerSecond) },
    model: modelDetails(model, ms, x.facts, bm.batch, prompt + gen, x.prefillLogitsBytes),
    memory: { ...x.memory, method: 'process.resourceUsage().maxRSS (peak resident set of the whole process)' },
    session: sessionDetails(model, ms, t, x.opts),
    placement: ms.placement,
    fallbackOps: fallback ? { cpuComputeOps: fallback.cpuComputeOps, cpuShapeOps: fallback.cpuShapeOps } : null,
    adapterMatch: match
      ? { hashing: match.hashing, onnxruntime: match.onnxruntime, same: match.same, confidence: match.confidence, method: match.method }
      : { note: `${t.ep} EP: no WebGPU adapter involved` },
    tokenLatencyPercentilesMs: stepMs.length ? { p50: pct(0.5), p90: pct(0.9), p95: pct(0.95), p99: pct(0.99), max: stepMs.at(-1)!, n: stepMs.length } : null,
    energyPrefill: bm.pp.energy ?? { measured: false, reason: notMeasured },
    tokens: { prefill: bm.pp.tokens, decode: bm.tg.tokens },
    phases: Object.fromEntries(
      (['pp', 'tg'] as const).map((k) => {
        const ph = bm[k];
        return [k, { test: k === 'pp' ? `pp${prompt}` : `tg${gen} @ d${prompt}`, runs: ph.runs, tokens: ph.tokens, windowS: ph.windowS, requiredWindowS: ph.requiredS, rule: ph.rule, attempts: ph.attempts, note: ph.note }];
      }),
    ),
    ...(isSweep || sw.serving
      ? {
          headlineBatch: { batch: bm.batch, rule: isSweep ? `the smallest measured batch of the sweep (${batches.join(', ')}): the top-level metrics, energy, phases and latency percentiles are its own` : 'the only batch' },
          batchSweep: sw.rows,
          batchSweepSkipped: ms.sweep.skipped,
          serving: sw.serving ? servingDetails(sw.serving) : null,
        }
      : {}),
  };
}

/** Rows, serving figure, metrics and warnings of a sweep (or of one batch given a latency target). */
function sweepSection(
  sweep: { measured: BatchMeasurement[]; skipped: SkippedBatch[] },
  fits: ReturnType<typeof sweepFits>,
  x: { prompt: number; gen: number; slo: number | null; notMeasured: string; isSweep: boolean },
): { rows: SweepRow[]; serving: ServingFigure | null; metrics: Record<string, Metric>; warnings: string[] } {
  const rows = sweep.measured.map((b) => sweepRow(b, fits.find((f) => f.batch === b.batch)!, { prompt: x.prompt, gen: x.gen, sloMsPerToken: x.slo, notMeasured: x.notMeasured }));
  const serving = x.isSweep || x.slo !== null ? chooseServing(rows.map(sweepPoint), x.slo, sweep.skipped.map((s) => s.batch)) : null;
  const samples = new Map(sweep.measured.map((b) => [b.batch, b.tg.tokensPerSecond]));
  const warnings = sweep.skipped.map((s) => `batch ${s.batch} ${s.reason.startsWith('failed') ? s.reason : `skipped (${s.reason.replace(/^not run: /, '')})`}`);
  // The headline batch's window notes are already warnings (its phases are the top-level ones).
  for (const r of rows.slice(1)) warnings.push(...r.windowNotes.map((n) => `batch ${r.batch} ${n}`));
  if (serving?.basis === 'slo-unmet') warnings.push(`serving figure: ${serving.note}`);
  return { rows, serving, metrics: sweepMetrics(rows, samples, serving, x.isSweep), warnings };
}

/** `--batch` as a list: a number, or the batch sizes of a sweep (ascending, each once). */
function batchList(b: number | readonly number[] | undefined): number[] {
  const xs = b === undefined ? [INFER_DEFAULTS.batch] : typeof b === 'number' ? [b] : [...b];
  if (!xs.length) throw new UsageError('--batch: no batch size given; e.g. --batch 1 or --batch 1,4,16');
  for (const x of xs) checkInt('--batch', x, 1);
  const over = xs.find((x) => x > MAX_BATCH);
  if (over !== undefined) throw new UsageError(`--batch ${over}: out of range, must be an integer from 1 to ${MAX_BATCH}`);
  if (new Set(xs).size !== xs.length) throw new UsageError(`--batch ${xs.join(',')}: a batch size is listed twice; list each once`);
  return xs.sort((a, c) => a - c);
}

function summarizeIO(io: DecoderIO) {
  return { positionIds: io.positionIds !== null, attentionMask: io.attentionMask !== null, useCacheBranch: io.useCacheBranch !== null, logitsType: io.logitsType };
}

/** ORT's own version string (for reports). */
export function ortVersion(): string {
  return (ort.env as { versions?: { common?: string } }).versions?.common ?? depVersion('onnxruntime-node') ?? 'unknown';
}

/**
 * Default latency target of `run`'s serving figure: 50 ms per output token at p99 (20 tokens/s per
 * user). MLPerf Inference's limits on p99 time per output token (mlcommons/inference
 * loadgen/mlperf.conf) are 30–40 ms for its interactive LLM scenarios (llama3_1-8b-interactive 30,
 * llama2-70b-interactive 40) and 100–200 ms for its server scenarios (llama3_1-8b 100,
 * llama2-70b 200); 50 ms sits at the interactive end, what a chat service is sold on.
 */
export const DEFAULT_RUN_SLO_MS_PER_TOKEN = 50;

/**
 * Default inference workload for `joulebench run` (hash bench ≈ 20 s + this ≤ ~100 s → run ≤ 2 min).
 *
 * Measured on the 2-core CPU-only dev machine (lavapipe software Vulkan, other jobs running):
 * `tiny` pp128/tg64 ×5 on webgpu = 4.3 s wall including session creation; `gpt2` fp16 pp64/tg16 ×2
 * = 144 s wall (≈1 decode token/s) and `qwen2.5-0.5b` fp16 pp16/tg8 ×2 = 173 s, both too slow for
 * `run` on a software adapter. On a hardware adapter `qwen2.5-0.5b` fp16 is recommended: generating
 * it took 19 s here (once, cached), and pp512 + tg128 ×3 on a discrete GPU is seconds — that last
 * figure is an expectation, NOT measured (no GPU on the dev machines).
 *
 * Batch sweep: a hardware adapter sweeps 1,4,16 (a served GPU batches; the serving figure is the
 * most efficient of them within DEFAULT_RUN_SLO_MS_PER_TOKEN). On a software adapter and on the CPU
 * EP the sweep is BATCH_SWEEP_SOFTWARE (see its comment for the measured cost).
 */
export function defaultRunInferOptions(
  adapter: { isSoftware: boolean } | null,
): Pick<InferBenchOptions, 'model' | 'prompt' | 'gen' | 'repetitions'> & { batch: number[]; sloMsPerToken: number; reason: string; batchReason: string } {
  const slo = DEFAULT_RUN_SLO_MS_PER_TOKEN;
  if (!adapter) {
    // CPU execution provider only: a real architecture is affordable here. Measured on the 2-core
    // dev machine: building gpt2 fp32 1.5 s (once), pp128 ≈ 550 tok/s, tg32 ≈ 45 tok/s, whole
    // inference phase ≈ 6 s.
    return { model: 'gpt2', prompt: 128, gen: 32, repetitions: 3, reason: 'no WebGPU adapter: CPU execution provider, GPT-2 124M shapes', ...BATCH_SWEEP_CPU, sloMsPerToken: slo };
  }
  if (adapter.isSoftware) {
    return { model: 'tiny', prompt: 128, gen: 64, repetitions: 5, reason: 'software adapter: real-model presets take minutes per run on a CPU rasteriser', ...BATCH_SWEEP_SOFTWARE, sloMsPerToken: slo };
  }
  return {
    model: 'qwen2.5-0.5b',
    prompt: 512,
    gen: 128,
    repetitions: 3,
    reason: 'hardware adapter: Qwen2.5-0.5B shapes, llama-bench-sized test (pp512, tg128)',
    batch: [1, 4, 16],
    batchReason: 'hardware adapter: sweep 1,4,16, the serving figure is the most efficient batch within the target',
    sloMsPerToken: slo,
  };
}

/**
 * `run`'s sweep on a software adapter. Whole `run` measured on the 2-core dev machine (llvmpipe,
 * other jobs running, load average 1–5): 46.7 s with no meter; with --watts 100 (every window
 * ≥ --min-window 5 s) 74.2 s for batch 1,4 against 54.5 s for batch 1 alone. 1,4,16 adds a third
 * pair of windows (≈ +10 s more with a meter) for no extra information on a CPU rasteriser.
 */
export const BATCH_SWEEP_SOFTWARE = { batch: [1, 4], batchReason: 'software adapter: a small sweep (1,4) to exercise the serving figure; CPU timings, never priced' };
/** `run`'s sweep on the CPU execution provider (no WebGPU adapter): gpt2 pp128/tg32 ×3 at batch 1,4, whole `run` 34 s with no meter on the dev machine. */
export const BATCH_SWEEP_CPU = { batch: [1, 4], batchReason: 'CPU execution provider: a small sweep (1,4); CPU timings, never priced as a GPU' };
