/**
 * Decoder sessions: detect a decoder-with-KV-cache's I/O from the session itself (generated models
 * and users' Optimum / onnxruntime-genai exports alike), and step it with the KV cache kept where
 * the EP produced it (on the device for WebGPU; see inference.md §3.3).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { TimeoutError, UsageError } from '../util/errors.js';
import { withTimeout } from '../util/timeout.js';
import { f16BitsToF32 } from './weights.js';

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

/** Find the I/O of a decoder with KV cache; UsageError (one line) for anything else. */
export function detectDecoderIO(inputs: readonly Meta[], outputs: readonly Meta[], where: string): DecoderIO {
  const inNames = inputs.map((m) => m.name);
  const outNames = outputs.map((m) => m.name);
  const summary = `inputs [${inNames.slice(0, 6).join(', ')}${inNames.length > 6 ? ', …' : ''}], outputs [${outNames.slice(0, 4).join(', ')}${outNames.length > 4 ? ', …' : ''}]`;
  const notDecoder = (why: string) =>
    new UsageError(`--model ${where}: not a decoder with KV cache (${why}; ${summary}); export one with past_key_values.N.key|value inputs and present.N.key|value outputs, e.g. optimum-cli export onnx --task text-generation-with-past`);
  const ids = inputs.find((m) => m.name === 'input_ids');
  if (!ids) throw notDecoder("no 'input_ids' input");
  const logits = outputs.find((m) => m.name === 'logits');
  if (!logits) throw notDecoder("no 'logits' output");
  const past = new Map<number, { key?: Meta; value?: Meta }>();
  for (const m of inputs) {
    const r = PAST_RE.exec(m.name);
    if (r) {
      const e = past.get(Number(r[1])) ?? {};
      e[r[2] as 'key' | 'value'] = m;
      past.set(Number(r[1]), e);
    }
  }
  const present = new Map<number, { key?: string; value?: string }>();
  for (const n of outNames) {
    const r = PRESENT_RE.exec(n);
    if (r) {
      const e = present.get(Number(r[1])) ?? {};
      e[r[2] as 'key' | 'value'] = n;
      present.set(Number(r[1]), e);
    }
  }
  if (past.size === 0) throw notDecoder('no past_key_values.N.key|value inputs');
  if (present.size !== past.size) throw notDecoder(`${past.size} past layers but ${present.size} present layers`);
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
  const numKvHeads = shape[1];
  const headDim = shape[3];
  if (shape.length !== 4 || typeof numKvHeads !== 'number' || typeof headDim !== 'number') {
    throw notDecoder(`past key shape [${shape.join(', ')}] is not [batch, kv_heads, past_seq, head_dim] with static kv_heads/head_dim`);
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
    vocabSize: typeof v === 'number' ? v : null,
  };
}

/** Resolve `--model <dir|file.onnx>` to the .onnx file (Optimum/genai directory layouts). */
export function resolveModelFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`--model ${path}: no such file or directory`);
  if (statSync(path).isFile()) return path;
  for (const name of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_with_past_model.onnx', 'model_quantized.onnx']) {
    if (existsSync(join(path, name))) return join(path, name);
  }
  const onnx = readdirSync(path).filter((f) => f.endsWith('.onnx'));
  if (onnx.length === 1) return join(path, onnx[0]!);
  throw new UsageError(`--model ${path}: directory has ${onnx.length ? `several .onnx files (${onnx.join(', ')})` : 'no .onnx file'}; pass the decoder .onnx file itself`);
}

/** Bytes on disk of a model file plus its external-data siblings (model.onnx.data / model.onnx_data / *.data). */
export function modelBytesOnDisk(modelFile: string): number {
  const dir = dirname(modelFile);
  const base = basename(modelFile);
  let total = statSync(modelFile).size;
  for (const f of readdirSync(dir)) {
    if (f !== base && (f.startsWith(`${base}.data`) || f.startsWith(`${base}_data`) || f === `${base.replace(/\.onnx$/, '')}.onnx.data`)) total += statSync(join(dir, f)).size;
  }
  return total;
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

/**
 * Create a decoder session. The model is first opened to read its I/O (no EP-specific output
 * placement), then, for WebGPU, opened with present.* on the device. To avoid two copies of the
 * weights the probe session is released before the real one is created.
 */
export async function openDecoderSession(
  modelFile: string,
  ep: Ep,
  extra: { profilePrefix?: string; threads?: number; timeoutMs?: number; presentNames?: string[] } = {},
): Promise<{ session: ort.InferenceSession; io: DecoderIO; createTimeS: number }> {
  const timeoutMs = extra.timeoutMs ?? 600_000;
  const create = async (opts: ort.InferenceSession.SessionOptions) => {
    try {
      return await withTimeout(ort.InferenceSession.create(modelFile, opts), timeoutMs, `onnxruntime ${ep} session creation for ${modelFile}`);
    } catch (err) {
      const msg = String((err as Error)?.message ?? err).split('\n')[0]!.trim();
      if (MODEL_ERROR_RE.test(msg)) throw new UsageError(`--model ${modelFile}: onnxruntime cannot load it as an ONNX model (${msg.slice(0, 300)})`);
      throw err;
    }
  };
  const t0 = performance.now();
  if (extra.presentNames) {
    // Generated models: known-good and the present names are known, so one session only.
    const session = await create(sessionOptions(ep, { presentNames: extra.presentNames }, extra));
    const io = detectDecoderIO(session.inputMetadata as readonly Meta[], session.outputMetadata as readonly Meta[], modelFile);
    return { session, io, createTimeS: (performance.now() - t0) / 1000 };
  }
  // Unknown models: a plain CPU session validates the file and gives the I/O names (a profiled
  // session that fails to load makes onnxruntime log a second error line). It is released before
  // the real session is created, so the weights are never held twice.
  let session = await create(sessionOptions('cpu', null, { threads: extra.threads }));
  const io = detectDecoderIO(session.inputMetadata as readonly Meta[], session.outputMetadata as readonly Meta[], modelFile);
  if (ep !== 'cpu' || extra.profilePrefix) {
    await session.release();
    const presentNames = io.layers.flatMap((l) => [l.presentKey, l.presentValue]);
    session = await create(sessionOptions(ep, { presentNames }, extra));
  }
  return { session, io, createTimeS: (performance.now() - t0) / 1000 };
}

function emptyKv(io: DecoderIO, batch: number): ort.Tensor {
  const data = io.kvType === 'float32' ? new Float32Array(0) : new Uint16Array(0);
  return new ort.Tensor(io.kvType, data, [batch, io.numKvHeads, 0, io.headDim]);
}

/** Argmax over the last position of each sequence's logits ([B, S, V]); fp16 handled. */
export function argmaxLast(logits: ort.Tensor): number[] {
  const [B, S, V] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array | Uint16Array;
  const f16 = logits.type === 'float16' && data instanceof Uint16Array;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const base = (b * S + (S - 1)) * V;
    let best = -Infinity;
    let arg = 0;
    for (let v = 0; v < V; v++) {
      const x = f16 ? f16BitsToF32(data[base + v]!) : data[base + v]!;
      if (x > best) {
        best = x;
        arg = v;
      }
    }
    out.push(arg);
  }
  return out;
}

/**
 * Steps a decoder: feeds tokens, keeps the KV cache (on the device when the EP put it there),
 * disposes the previous step's device tensors. Never reads a gpu-buffer tensor's data (aborts the
 * process in onnxruntime-node 1.30, inference.md §3.3).
 */
export class DecoderRunner {
  private past: ort.Tensor[] = [];
  private pastLen = 0;
  private readonly pastNames: string[];
  private readonly presentNames: string[];

  /** True once a step timed out: its run() may still be executing inside onnxruntime. */
  timedOut = false;

  /**
   * @param stepTimeoutMs - bound on one run() (a hung device or driver becomes a TimeoutError
   *   instead of a hang). Generous by default: a 512-token prefill of a 1B model on a software
   *   adapter takes minutes.
   */
  constructor(
    readonly session: ort.InferenceSession,
    readonly io: DecoderIO,
    readonly batch: number,
    readonly stepTimeoutMs: number = DEFAULT_STEP_TIMEOUT_MS,
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

  /** Build the feeds for `seqLen` new tokens per sequence (`tokens` is [batch × seqLen], row-major). */
  feeds(tokens: ArrayLike<number>, seqLen: number): Record<string, ort.Tensor> {
    const B = this.batch;
    const io = this.io;
    const f: Record<string, ort.Tensor> = {};
    const n = B * seqLen;
    if (io.inputIdsType === 'int64') {
      const ids = new BigInt64Array(n);
      for (let i = 0; i < n; i++) ids[i] = BigInt(tokens[i]!);
      f[io.inputIds] = new ort.Tensor('int64', ids, [B, seqLen]);
    } else {
      f[io.inputIds] = new ort.Tensor('int32', Int32Array.from(Array.from({ length: n }, (_, i) => tokens[i]!)), [B, seqLen]);
    }
    const total = this.pastLen + seqLen;
    if (io.attentionMask) {
      f[io.attentionMask] =
        io.attentionMaskType === 'int32'
          ? new ort.Tensor('int32', new Int32Array(B * total).fill(1), [B, total])
          : new ort.Tensor('int64', new BigInt64Array(B * total).fill(1n), [B, total]);
    }
    if (io.positionIds) {
      if (io.positionIdsType === 'int32') {
        const pos = new Int32Array(n);
        for (let b = 0; b < B; b++) for (let s = 0; s < seqLen; s++) pos[b * seqLen + s] = this.pastLen + s;
        f[io.positionIds] = new ort.Tensor('int32', pos, [B, seqLen]);
      } else {
        const pos = new BigInt64Array(n);
        for (let b = 0; b < B; b++) for (let s = 0; s < seqLen; s++) pos[b * seqLen + s] = BigInt(this.pastLen + s);
        f[io.positionIds] = new ort.Tensor('int64', pos, [B, seqLen]);
      }
    }
    if (io.useCacheBranch) f[io.useCacheBranch] = new ort.Tensor('bool', Uint8Array.from([this.pastLen > 0 ? 1 : 0]), [1]);
    for (let i = 0; i < this.pastNames.length; i++) f[this.pastNames[i]!] = this.past[i]!;
    return f;
  }

  /** Run one step; the returned logits tensor is on the host. */
  async step(tokens: ArrayLike<number>, seqLen: number): Promise<ort.Tensor> {
    let out: ort.InferenceSession.OnnxValueMapType;
    const what = `onnxruntime run() of ${seqLen} token(s) per sequence at past length ${this.pastLen}`;
    try {
      // Run-time failures come back as the rejection below; onnxruntime would also log each one
      // to stderr (a second, coloured line), so the run logger is kept to fatal only.
      out = await withTimeout(this.session.run(this.feeds(tokens, seqLen), RUN_OPTIONS), this.stepTimeoutMs, what);
    } catch (err) {
      if (err instanceof TimeoutError) {
        this.timedOut = true;
        throw err;
      }
      const msg = String((err as Error)?.message ?? err).split('\n')[0]!.trim();
      throw new Error(`${what} failed (context ${this.pastLen + seqLen} tokens; if that exceeds the model's context, lower --prompt/--gen): ${msg}`, { cause: err });
    }
    this.disposePast();
    this.past = this.presentNames.map((n) => out[n]!);
    this.pastLen += seqLen;
    return out[this.io.logits]!;
  }

  /** Dispose device tensors. */
  close(): void {
    this.disposePast();
  }
}
