/**
 * Decoder sessions: detect a decoder-with-KV-cache's I/O (generated models and users' Optimum /
 * onnxruntime-genai / onnx-community exports alike) from the file's declared inputs and outputs,
 * confirmed by the session's metadata, and step it with the KV cache kept where the EP produced it
 * (on the device for WebGPU: onnxruntime-node's `preferredOutputLocation`,
 * https://github.com/microsoft/onnxruntime/pull/22660).
 */
import { noteGpuInstance } from '../gpu/llvmpipe.js';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { errnoText, TimeoutError, UsageError } from '../util/errors.js';
import { fileKind } from '../util/input-file.js';
import { withTimeout } from '../util/timeout.js';
import { f16BitsToF32 } from './weights.js';
import { readOnnxGraph, type OnnxGraphSummary } from './onnx-reader.js';
import type { RunBeacon } from './run-beacon.js';

/** Execution providers `infer bench` accepts. */
export const EPS = ['webgpu', 'cpu', 'cuda'] as const;
export type Ep = (typeof EPS)[number];

/** What a decoder's inputs and outputs are called and shaped. */
export interface DecoderIO {
  inputIds: string;
  inputIdsType: 'int64' | 'int32';
  attentionMask: string | null;
  /** Element type the session declares for the mask (Optimum: int64; some genai exports: int32). */
  attentionMaskType: 'int64' | 'int32';
  positionIds: string | null;
  /** Element type the session declares for the position ids. */
  positionIdsType: 'int64' | 'int32';
  /** Legacy Optimum merged decoders: bool input selecting the with-past branch. */
  useCacheBranch: string | null;
  logits: string;
  logitsType: 'float32' | 'float16';
  /** Per layer: past input and present output names. */
  layers: Array<{ pastKey: string; pastValue: string; presentKey: string; presentValue: string }>;
  kvType: 'float32' | 'float16';
  numKvHeads: number;
  headDim: number;
  /** From the logits shape when static, else null. */
  vocabSize: number | null;
}

/** Per-run options: errors reach the caller as rejections, so onnxruntime's own run log stays quiet. */
const RUN_OPTIONS: ort.InferenceSession.RunOptions = { logSeverityLevel: 4 };

/** Default bound on one decoder run() (prefill or decode step), ms. */
export const DEFAULT_STEP_TIMEOUT_MS = 30 * 60_000;

type Meta = { name: string; isTensor: boolean; type?: string; shape?: ReadonlyArray<number | string> };

const PAST_RE = /^(?:past_key_values|past)\.(\d+)\.(?:decoder\.)?(key|value)$/;
const PRESENT_RE = /^(?:present|present_key_values)\.(\d+)\.(?:decoder\.)?(key|value)$/;

/** What config files say about a decoder's I/O (used where the graph leaves it open). */
export interface DecoderIOHints {
  numKvHeads?: number | null;
  headDim?: number | null;
  vocabSize?: number | null;
  /** onnxruntime-genai name templates ('%d' = layer index), e.g. 'past_key_values.%d.key'. */
  pastKey?: string | null;
  pastValue?: string | null;
  presentKey?: string | null;
  presentValue?: string | null;
}

/** 'past_key_values.%d.key' → a regex capturing the layer index. */
function templateRe(t: string | null | undefined): RegExp | null {
  if (!t || !t.includes('%d')) return null;
  return new RegExp(`^${t.split('%d').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(\\d+)')}$`);
}

/** Inputs the runner knows how to feed besides the KV cache. */
const FED_INPUTS = ['input_ids', 'attention_mask', 'position_ids', 'use_cache_branch'];

/**
 * Older GPT-2 exports (onnxruntime's convert_to_onnx, transformers' legacy exporter) stack key and
 * value in one input per layer, past_N of shape [2, batch, heads, past, head_dim]: refused in one line.
 */
function refuseStackedPast(inputs: readonly Meta[], where: string): void {
  const stacked = inputs.find((m) => /^past_\d+$/.test(m.name) || (/^past/.test(m.name) && m.shape?.length === 5));
  if (stacked) {
    throw new UsageError(
      `--model ${where}: stacked KV inputs ('${stacked.name}'${stacked.shape ? ` [${stacked.shape.join(', ')}]` : ''}, key and value in one tensor per layer, as older GPT-2 exports have) are not supported; re-export with Optimum (optimum-cli export onnx --task text-generation-with-past), which gives past_key_values.N.key|value`,
    );
  }
}

/** Past inputs and present outputs by layer (genai templates first, then the common names), and inputs nobody feeds. */
function collectKv(inputs: readonly Meta[], outNames: readonly string[], hints: DecoderIOHints) {
  const classify = (name: string, k: RegExp | null, v: RegExp | null, generic: RegExp): [number, 'key' | 'value'] | null => {
    const mk = k?.exec(name);
    if (mk) return [Number(mk[1]), 'key'];
    const mv = v?.exec(name);
    if (mv) return [Number(mv[1]), 'value'];
    const g = generic.exec(name);
    return g ? [Number(g[1]), g[2] as 'key' | 'value'] : null;
  };
  const past = new Map<number, { key?: Meta; value?: Meta }>();
  const present = new Map<number, { key?: string; value?: string }>();
  const unknown: string[] = [];
  for (const m of inputs) {
    const r = classify(m.name, templateRe(hints.pastKey), templateRe(hints.pastValue), PAST_RE);
    if (r) {
      const e = past.get(r[0]) ?? {};
      e[r[1]] = m;
      past.set(r[0], e);
    } else if (!FED_INPUTS.includes(m.name)) unknown.push(m.name);
  }
  for (const n of outNames) {
    const r = classify(n, templateRe(hints.presentKey), templateRe(hints.presentValue), PRESENT_RE);
    if (r) {
      const e = present.get(r[0]) ?? {};
      e[r[1]] = n;
      present.set(r[0], e);
    }
  }
  return { past, present, unknown };
}

/**
 * Find the I/O of a decoder with KV cache; UsageError (one line) for anything else.
 * KV heads and head dim come from the past-key input's shape, or from `hints` (config files) when
 * the graph leaves them symbolic; the graph wins when both give a number.
 */
export function detectDecoderIO(inputs: readonly Meta[], outputs: readonly Meta[], where: string, hints: DecoderIOHints = {}): DecoderIO {
  const inNames = inputs.map((m) => m.name);
  const outNames = outputs.map((m) => m.name);
  const summary = `inputs [${inNames.slice(0, 6).join(', ')}${inNames.length > 6 ? ', …' : ''}], outputs [${outNames.slice(0, 4).join(', ')}${outNames.length > 4 ? ', …' : ''}]`;
  const notDecoder = (why: string) =>
    new UsageError(`--model ${where}: not a decoder with KV cache (${why}; ${summary}); export one with past_key_values.N.key|value inputs and present.N.key|value outputs, e.g. optimum-cli export onnx --task text-generation-with-past`);
  const ids = inputs.find((m) => m.name === 'input_ids');
  if (!ids) throw notDecoder("no 'input_ids' input");
  const logits = outputs.find((m) => m.name === 'logits');
  if (!logits) throw notDecoder("no 'logits' output");
  refuseStackedPast(inputs, where);
  const { past, present, unknown } = collectKv(inputs, outNames, hints);
  if (past.size === 0) throw notDecoder('no past_key_values.N.key|value inputs');
  if (present.size !== past.size) throw notDecoder(`${past.size} past layers but ${present.size} present layers`);
  if (unknown.length) {
    throw new UsageError(
      `--model ${where}: input${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} cannot be fed (the benchmark feeds ${FED_INPUTS.join(', ')} and the past_key_values.N.key|value cache); re-export without ${unknown.length > 1 ? 'them' : 'it'}`,
    );
  }
  const layers: DecoderIO['layers'] = [];
  for (let l = 0; l < past.size; l++) {
    const p = past.get(l);
    const q = present.get(l);
    if (!p?.key || !p.value || !q?.key || !q.value) throw notDecoder(`layer ${l} lacks a past or present key/value`);
    layers.push({ pastKey: p.key.name, pastValue: p.value.name, presentKey: q.key, presentValue: q.value });
  }
  const k0 = past.get(0)!.key!;
  const kvType = k0.type === 'float16' ? 'float16' : k0.type === 'float32' ? 'float32' : null;
  if (!kvType) throw notDecoder(`KV cache type '${k0.type}' (supported: float32, float16)`);
  const shape = k0.shape ?? [];
  const numKvHeads = typeof shape[1] === 'number' ? shape[1] : (hints.numKvHeads ?? null);
  const headDim = typeof shape[3] === 'number' ? shape[3] : (hints.headDim ?? null);
  if ((shape.length !== 4 && shape.length !== 0) || numKvHeads === null || headDim === null) {
    throw notDecoder(`past key shape [${shape.join(', ')}] is not [batch, kv_heads, past_seq, head_dim] with static kv_heads/head_dim (and no config.json or genai_config.json gives them)`);
  }
  const logitsType = logits.type === 'float16' ? 'float16' : logits.type === 'float32' ? 'float32' : null;
  if (!logitsType) throw notDecoder(`logits type '${logits.type}'`);
  const v = logits.shape?.[2];
  // Index inputs are fed with the element type the session declares: a model taking int32 would
  // reject int64 feeds ("Unexpected input data type").
  const intType = (name: string): 'int64' | 'int32' => (inputs.find((m) => m.name === name)?.type === 'int32' ? 'int32' : 'int64');
  return {
    inputIds: 'input_ids',
    inputIdsType: ids.type === 'int32' ? 'int32' : 'int64',
    attentionMask: inNames.includes('attention_mask') ? 'attention_mask' : null,
    attentionMaskType: intType('attention_mask'),
    positionIds: inNames.includes('position_ids') ? 'position_ids' : null,
    positionIdsType: intType('position_ids'),
    useCacheBranch: inNames.includes('use_cache_branch') ? 'use_cache_branch' : null,
    logits: 'logits',
    logitsType,
    layers,
    kvType,
    numKvHeads,
    headDim,
    vocabSize: typeof v === 'number' ? v : (hints.vocabSize ?? null),
  };
}

/** The one-line error for a model file (or one of its data files) this user cannot read. */
export function permissionDenied(path: string, what = 'model file'): UsageError {
  return new UsageError(`--model ${path}: permission denied (the ${what} is not readable by this user; fix its permissions, e.g. chmod a+r '${path}')`);
}

/**
 * Throw the one-line error when `path` exists but cannot be read, or is not what `what` says: a
 * 'model directory' must be a directory, anything else a regular file (a FIFO or a device would
 * hang or exhaust the reader: src/util/input-file.ts).
 */
export function assertReadable(path: string, what = 'model file'): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw permissionDenied(path, what);
    if (code === 'ENOENT') throw new UsageError(`--model ${path}: no such file or directory`);
    throw new UsageError(`--model ${path}: cannot read the ${what} (${errnoText(err)})`);
  }
  const st = statSync(path);
  if (what === 'model directory' ? !st.isDirectory() : !st.isFile()) {
    throw new UsageError(`--model ${path}: the ${what} is ${fileKind(st)}, not ${what === 'model directory' ? 'a directory' : 'a regular file'}; pass the decoder .onnx file or its directory`);
  }
}

/**
 * Resolve `--model <dir|file.onnx>` to the .onnx file: a file as given; in a directory the
 * genai_config.json decoder filename, then the Optimum / onnx-community names (model.onnx,
 * decoder_model_merged.onnx, …, also under onnx/), else its only .onnx file.
 */
export function resolveModelFile(path: string, genaiFilename?: string | null): string {
  if (!existsSync(path)) throw new UsageError(`--model ${path}: no such file or directory`);
  assertReadable(path, statSync(path).isDirectory() ? 'model directory' : 'model file');
  if (statSync(path).isFile()) return path;
  if (genaiFilename && existsSync(join(path, genaiFilename))) return join(path, genaiFilename);
  for (const sub of ['', 'onnx']) {
    const dir = join(path, sub);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_with_past_model.onnx', 'model_quantized.onnx']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    const onnx = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
    if (onnx.length === 1) return join(dir, onnx[0]!);
    if (onnx.length > 1) throw new UsageError(`--model ${path}: directory has several .onnx files (${onnx.join(', ')}); pass the decoder .onnx file itself`);
  }
  throw new UsageError(`--model ${path}: directory has no .onnx file; pass the decoder .onnx file itself`);
}

/**
 * Bytes on disk of a model file plus the external data files its initializers reference (checked
 * to exist and be readable: a missing or unreadable data file is a one-line error here, not a
 * cryptic one from inside onnxruntime).
 */
export function modelFilesOnDisk(modelFile: string, externalFiles: readonly string[]): { bytes: number; files: string[] } {
  const dir = dirname(modelFile);
  let bytes = statSync(modelFile).size;
  const files: string[] = [basename(modelFile)];
  for (const f of externalFiles) {
    const p = join(dir, f);
    if (!existsSync(p)) throw new UsageError(`--model ${modelFile}: external data file '${f}' referenced by the graph is missing (expected at ${p})`);
    assertReadable(p, 'external data file');
    bytes += statSync(p).size;
    files.push(f);
  }
  return { bytes, files };
}

/** Session options for an EP; WebGPU keeps present.* on the device. */
export function sessionOptions(ep: Ep, io: { presentNames: string[] } | null, extra: { profilePrefix?: string; threads?: number; logSeverityLevel?: 0 | 1 | 2 | 3 | 4 } = {}): ort.InferenceSession.SessionOptions {
  const o: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    logSeverityLevel: extra.logSeverityLevel ?? 3,
  };
  if (extra.threads) o.intraOpNumThreads = extra.threads;
  if (extra.profilePrefix) {
    o.enableProfiling = true;
    o.profileFilePrefix = extra.profilePrefix;
  }
  if (ep === 'webgpu' && io) {
    const loc: Record<string, 'gpu-buffer'> = {};
    for (const n of io.presentNames) loc[n] = 'gpu-buffer';
    o.preferredOutputLocation = loc;
  }
  return o;
}

const MODEL_ERROR_RE = /protobuf|INVALID_PROTOBUF|INVALID_GRAPH|INVALID_ARGUMENT|Load model|No graph|ModelProto|opset|NOT_IMPLEMENTED|Could not find an implementation|external data|Type Error|ShapeInferenceError|Node \(/i;
/** onnxruntime reports an unreadable file as errno 13 (EACCES) in words of its own. */
const EACCES_RE = /system error number 13\b|Permission denied/i;

/** The graph's declared inputs/outputs in the shape `detectDecoderIO` takes. */
function graphMeta(g: OnnxGraphSummary): { inputs: Meta[]; outputs: Meta[] } {
  const conv = (v: OnnxGraphSummary['inputs'][number]): Meta => ({ name: v.name, isTensor: true, ...(v.type ? { type: v.type } : {}), ...(v.shape ? { shape: v.shape } : {}) });
  return { inputs: g.inputs.map(conv), outputs: g.outputs.map(conv) };
}

/**
 * Create a decoder session, once. The decoder's I/O is read from the file itself (the graph's
 * declared inputs and outputs, see onnx-reader.ts), so the EP-specific options (present.* kept on
 * the device for WebGPU, profiling) are right on the first and only load; the session's own
 * metadata then confirms the names. A file the reader cannot parse still goes to onnxruntime,
 * whose load error is the one reported.
 */
export async function openDecoderSession(
  modelFile: string,
  ep: Ep,
  extra: { profilePrefix?: string; threads?: number; timeoutMs?: number; presentNames?: string[]; graph?: OnnxGraphSummary; hints?: DecoderIOHints } = {},
): Promise<{ session: ort.InferenceSession; io: DecoderIO; createTimeS: number }> {
  const timeoutMs = extra.timeoutMs ?? 600_000;
  const create = async (opts: ort.InferenceSession.SessionOptions) => {
    if (ep === 'webgpu') noteGpuInstance(); // onnxruntime's own Dawn fixes llvmpipe's width too
    try {
      return await withTimeout(ort.InferenceSession.create(modelFile, opts), timeoutMs, `onnxruntime ${ep} session creation for ${modelFile}`);
    } catch (err) {
      const msg = String((err as Error)?.message ?? err).split('\n')[0]!.trim();
      if (EACCES_RE.test(msg)) throw permissionDenied(modelFile, 'model file or one of its external data files');
      if (MODEL_ERROR_RE.test(msg)) throw new UsageError(`--model ${modelFile}: onnxruntime cannot load it as an ONNX model (${msg.slice(0, 300)})`);
      throw err;
    }
  };
  const t0 = performance.now();
  let presentNames = extra.presentNames;
  let io: DecoderIO | null = null;
  if (!presentNames) {
    assertReadable(modelFile);
    let g = extra.graph ?? null;
    if (!g) {
      try {
        g = readOnnxGraph(modelFile);
      } catch {
        g = null;
      }
    }
    if (g) {
      const meta = graphMeta(g);
      io = detectDecoderIO(meta.inputs, meta.outputs, modelFile, extra.hints);
      presentNames = io.layers.flatMap((l) => [l.presentKey, l.presentValue]);
    } else {
      // The reader could not parse it: a plain CPU session gives onnxruntime's own verdict (a
      // profiled session that fails to load logs a second error line) and, if it loads, the I/O.
      const probe = await create(sessionOptions('cpu', null, { threads: extra.threads }));
      let fromProbe: DecoderIO;
      try {
        fromProbe = detectDecoderIO(probe.inputMetadata as readonly Meta[], probe.outputMetadata as readonly Meta[], modelFile, extra.hints);
      } catch (err) {
        await probe.release();
        throw err;
      }
      if (ep === 'cpu' && !extra.profilePrefix) return { session: probe, io: fromProbe, createTimeS: (performance.now() - t0) / 1000 };
      await probe.release();
      presentNames = fromProbe.layers.flatMap((l) => [l.presentKey, l.presentValue]);
    }
  }
  const session = await create(sessionOptions(ep, { presentNames }, extra));
  try {
    const fromSession = detectDecoderIO(session.inputMetadata as readonly Meta[], session.outputMetadata as readonly Meta[], modelFile, extra.hints);
    if (io && JSON.stringify(io.layers) !== JSON.stringify(fromSession.layers)) throw new Error(`decoder I/O read from ${modelFile} differs from what onnxruntime reports`);
    return { session, io: fromSession, createTimeS: (performance.now() - t0) / 1000 };
  } catch (err) {
    await session.release();
    throw err;
  }
}

function emptyKv(io: DecoderIO, batch: number): ort.Tensor {
  const data = io.kvType === 'float32' ? new Float32Array(0) : new Uint16Array(0);
  return new ort.Tensor(io.kvType, data, [batch, io.numKvHeads, 0, io.headDim]);
}

/** Argmax over the last position of each sequence's logits ([B, S, V]); fp16 handled. */
export function argmaxLast(logits: ort.Tensor): number[] {
  return Array.from(argmaxLastInto(logits, new Int32Array(logits.dims[0]!)));
}

/**
 * argmaxLast into `out` (length ≥ B), allocating nothing: the decode loop's per-step token choice.
 * fp16 logits are compared as numbers after conversion; float32 ones directly.
 */
export function argmaxLastInto(logits: ort.Tensor, out: Int32Array): Int32Array {
  const [B, S, V] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array | Uint16Array;
  const f16 = logits.type === 'float16' && data instanceof Uint16Array;
  for (let b = 0; b < B; b++) {
    const base = (b * S + (S - 1)) * V;
    let best = -Infinity;
    let arg = 0;
    if (f16) {
      for (let v = 0; v < V; v++) {
        const x = f16BitsToF32(data[base + v]!);
        if (x > best) {
          best = x;
          arg = v;
        }
      }
    } else {
      for (let v = 0; v < V; v++) {
        const x = data[base + v]!;
        if (x > best) {
          best = x;
          arg = v;
        }
      }
    }
    out[b] = arg;
  }
  return out;
}

/**
 * Steps a decoder: feeds tokens, keeps the KV cache (on the device when the EP put it there),
 * disposes the previous step's device tensors. Never reads a gpu-buffer tensor's data: that aborts
 * the process in onnxruntime-node 1.30 (downloading a device tensor is not implemented in Node,
 * https://github.com/microsoft/onnxruntime/pull/22660).
 */
export class DecoderRunner {
  private past: ort.Tensor[] = [];
  private pastLen = 0;
  private readonly pastNames: string[];
  private readonly presentNames: string[];

  /** True once a step timed out: its run() may still be executing inside onnxruntime. */
  timedOut = false;

  /** Where the last step left the KV cache ('cpu', or 'gpu-buffer' when it stayed on the device); null before the first step. */
  kvLocation: string | null = null;

  /**
   * @param stepTimeoutMs - bound on one run() (a hung device or driver becomes a TimeoutError
   *   instead of a hang). Generous by default: a 512-token prefill of a 1B model on a software
   *   adapter takes minutes. 0: no timer of this thread's own around each run() (the caller bounds
   *   the runs from another thread through `beacon`, see decode-host.ts); a run() that blocks
   *   this thread's event loop in native code cannot be bounded from inside it anyway.
   * @param beacon - shared with a watching thread: each run() is marked in flight on it, and no
   *   run() starts once that thread has requested a stop (the step then never settles: the
   *   process is exiting).
   */
  constructor(
    readonly session: ort.InferenceSession,
    readonly io: DecoderIO,
    readonly batch: number,
    readonly stepTimeoutMs: number = DEFAULT_STEP_TIMEOUT_MS,
    private readonly beacon: RunBeacon | null = null,
  ) {
    this.pastNames = io.layers.flatMap((l) => [l.pastKey, l.pastValue]);
    this.presentNames = io.layers.flatMap((l) => [l.presentKey, l.presentValue]);
    this.reset();
  }

  /** Tokens already in the cache. */
  get pastLength(): number {
    return this.pastLen;
  }

  /** Clear the KV cache (disposing device tensors). */
  reset(): void {
    this.disposePast();
    this.past = this.pastNames.map(() => emptyKv(this.io, this.batch));
    this.pastLen = 0;
  }

  private disposePast(): void {
    for (const t of this.past) if (t.location === 'gpu-buffer') t.dispose();
    this.past = [];
  }

  // Per-step feed state, reused across steps so a decode step allocates no index arrays: the
  // feeds object itself, the single-token ids/positions tensors (refilled in place), and a
  // growing all-ones buffer whose prefix is the attention mask.
  private readonly feedMap: Record<string, ort.Tensor> = {};
  private ones: Int32Array | BigInt64Array = new Int32Array(0);
  private step1: { ids: ort.Tensor; pos: ort.Tensor | null } | null = null;

  private indexArray(type: 'int32' | 'int64', n: number): Int32Array | BigInt64Array {
    return type === 'int64' ? new BigInt64Array(n) : new Int32Array(n);
  }

  private fill(a: Int32Array | BigInt64Array, i: number, v: number): void {
    if (a instanceof BigInt64Array) a[i] = BigInt(v);
    else a[i] = v;
  }

  /** The all-ones mask for `n` entries: a prefix view of a buffer grown by doubling. */
  private onesPrefix(n: number): Int32Array | BigInt64Array {
    const int64 = this.io.attentionMaskType === 'int64';
    if (this.ones.length < n || this.ones instanceof BigInt64Array !== int64) {
      const size = Math.max(n, this.ones.length * 2, 256);
      this.ones = int64 ? new BigInt64Array(size).fill(1n) : new Int32Array(size).fill(1);
    }
    return this.ones.subarray(0, n);
  }

  /**
   * The feeds for `seqLen` new tokens per sequence (`tokens` is [batch × seqLen], row-major). The
   * returned object is reused by the next call (valid until then).
   */
  feeds(tokens: ArrayLike<number>, seqLen: number): Record<string, ort.Tensor> {
    const B = this.batch;
    const io = this.io;
    const f = this.feedMap;
    const n = B * seqLen;
    if (seqLen === 1) {
      this.step1 ??= {
        ids: new ort.Tensor(io.inputIdsType, this.indexArray(io.inputIdsType, B), [B, 1]),
        pos: io.positionIds ? new ort.Tensor(io.positionIdsType, this.indexArray(io.positionIdsType, B), [B, 1]) : null,
      };
      const ids = this.step1.ids.data as Int32Array | BigInt64Array;
      for (let i = 0; i < B; i++) this.fill(ids, i, tokens[i]!);
      f[io.inputIds] = this.step1.ids;
      if (this.step1.pos) {
        const pos = this.step1.pos.data as Int32Array | BigInt64Array;
        for (let b = 0; b < B; b++) this.fill(pos, b, this.pastLen);
        f[io.positionIds!] = this.step1.pos;
      }
    } else {
      const ids = this.indexArray(io.inputIdsType, n);
      for (let i = 0; i < n; i++) this.fill(ids, i, tokens[i]!);
      f[io.inputIds] = new ort.Tensor(io.inputIdsType, ids, [B, seqLen]);
      if (io.positionIds) {
        const pos = this.indexArray(io.positionIdsType, n);
        for (let b = 0; b < B; b++) for (let s = 0; s < seqLen; s++) this.fill(pos, b * seqLen + s, this.pastLen + s);
        f[io.positionIds] = new ort.Tensor(io.positionIdsType, pos, [B, seqLen]);
      }
    }
    const total = this.pastLen + seqLen;
    if (io.attentionMask) f[io.attentionMask] = new ort.Tensor(io.attentionMaskType, this.onesPrefix(B * total), [B, total]);
    if (io.useCacheBranch) f[io.useCacheBranch] = new ort.Tensor('bool', Uint8Array.of(this.pastLen > 0 ? 1 : 0), [1]);
    for (let i = 0; i < this.pastNames.length; i++) f[this.pastNames[i]!] = this.past[i]!;
    return f;
  }

  /** What a run of `seqLen` new tokens at `pastLen` is called in errors. */
  private static what(seqLen: number, pastLen: number): string {
    return `onnxruntime run() of ${seqLen} token(s) per sequence at past length ${pastLen}`;
  }

  /**
   * `run()` bounded by the step timeout. Same contract as util/timeout.ts `withTimeout`, with the
   * message built only when it is needed.
   */
  private bounded(run: Promise<ort.InferenceSession.OnnxValueMapType>, seqLen: number, pastLen: number): Promise<ort.InferenceSession.OnnxValueMapType> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${DecoderRunner.what(seqLen, pastLen)} did not finish within ${this.stepTimeoutMs} ms`)), this.stepTimeoutMs);
      timer.unref?.();
    });
    return Promise.race([run, guard]).finally(() => clearTimeout(timer));
  }

  /**
   * Run one step; the returned logits tensor is on the host. With stepTimeoutMs 0 the step is
   * the feeds, one awaited run() and the KV hand-over: no timer, no extra promise.
   */
  async step(tokens: ArrayLike<number>, seqLen: number): Promise<ort.Tensor> {
    let out: ort.InferenceSession.OnnxValueMapType;
    const pastLen = this.pastLen;
    const beacon = this.beacon;
    if (beacon && !beacon.enter(pastLen, seqLen)) return new Promise<never>(() => {});
    try {
      // Run-time failures come back as the rejection below; onnxruntime would also log each one
      // to stderr (a second, coloured line), so the run logger is kept to fatal only.
      const run = this.session.run(this.feeds(tokens, seqLen), RUN_OPTIONS);
      out = await (this.stepTimeoutMs > 0 ? this.bounded(run, seqLen, pastLen) : run);
    } catch (err) {
      if (err instanceof TimeoutError) {
        this.timedOut = true;
        throw err;
      }
      const msg = String((err as Error)?.message ?? err).split('\n')[0]!.trim();
      throw new Error(`${DecoderRunner.what(seqLen, pastLen)} failed (context ${pastLen + seqLen} tokens; if that exceeds the model's context, lower --prompt/--gen): ${msg}`, { cause: err });
    } finally {
      beacon?.leave();
    }
    const past = this.past;
    for (let i = 0; i < past.length; i++) {
      const old = past[i]!;
      if (old.location === 'gpu-buffer') old.dispose();
      past[i] = out[this.presentNames[i]!]!;
    }
    this.pastLen += seqLen;
    this.kvLocation = past[0]?.location ?? null;
    return out[this.io.logits]!;
  }

  /** Dispose device tensors. */
  close(): void {
    this.disposePast();
  }
}
