/**
 * ONNX decoder-only transformer builder (Llama-style and GPT-2-style), two graph variants:
 *
 * - `gqa`: the onnxruntime fast path that onnxruntime-genai's model builder emits and the WebGPU EP
 *   runs on-device: `com.microsoft.GroupQueryAttention` (rotary fused, do_rotary=1, for Llama),
 *   `SimplifiedLayerNormalization` (domain "", as ORT registers it) / `SkipSimplifiedLayerNormalization`,
 *   `SkipLayerNormalization` + `FastGelu` for GPT-2, and genai's mask reformatting
 *   (attention_mask → seqlens_k / total_sequence_length) without `Shape`.
 * - `std`: standard ONNX opset 17 only (any EP; the correctness baseline): RMSNorm from
 *   ReduceMean/Sqrt, Hugging Face's rotate_half rotary, attention from MatMul/Softmax with an
 *   additive causal + padding mask.
 *
 * I/O follows Hugging Face Optimum / onnxruntime-genai: `input_ids`, `attention_mask`,
 * [`position_ids`], `past_key_values.{i}.key|value` [batch, kv_heads, past, head_dim] →
 * `logits` [batch, seq, vocab], `present.{i}.key|value`. The Llama `gqa` graph takes no position_ids
 * (genai's form: GQA derives positions from seqlens_k); every other graph does.
 */
import { DT, type AttrValue, type DataTypeCode, type Dim, type LazyBytes, Msg, graph, model, node, tensorExternal, tensorInline, valueInfo } from './onnx-writer.js';
import { floatDtypeOf, weightBytes, weightStream, type Fill, type ModelDtype, type WeightDtype } from './weights.js';
import { Q4_BLOCK_SIZE, allocQ4, dequantizeQ4, q4Bytes, quantizeRowsInto, scaleBytes, transposeKN, type Q4Matrix } from './q4.js';
import type { DecoderConfig } from './presets.js';

/** Graph variant. */
export type Variant = 'gqa' | 'std';
export const VARIANTS: readonly Variant[] = ['gqa', 'std'];

/** One initializer: small eager values, or a lazily generated weight. */
export interface InitSpec {
  name: string;
  dt: DataTypeCode;
  dims: number[];
  data: Uint8Array | LazyBytes;
}

/** A built graph before serialisation (weights still lazy). */
export interface BuiltGraph {
  nodes: Msg[];
  inits: InitSpec[];
  inputs: Msg[];
  outputs: Msg[];
  opsets: Record<string, number>;
  /** Input names in order (what a session will report). */
  inputNames: string[];
  outputNames: string[];
}

class G {
  readonly nodes: Msg[] = [];
  readonly inits: InitSpec[] = [];
  private n = 0;
  private readonly consts = new Map<string, string>();
  /** Float storage of every non-quantized tensor. */
  readonly wdt: WeightDtype;
  /**
   * @param q4Reference - q4 dtypes only: emit plain MatMul over the dequantized 4-bit weights instead
   *   of MatMulNBits (the reference the quantized graph is checked against).
   */
  constructor(
    readonly seed: number,
    readonly dtype: ModelDtype,
    readonly q4Reference = false,
  ) {
    this.wdt = floatDtypeOf(dtype);
  }

  get fdt(): DataTypeCode {
    return this.wdt === 'fp32' ? DT.FLOAT : DT.FLOAT16;
  }

  get quantized(): boolean {
    return this.dtype === 'q4' || this.dtype === 'q4f16';
  }

  /**
   * A linear layer x·W with W [K, N] (MatMul layout): MatMul on a float weight, or for q4 dtypes
   * `com.microsoft.MatMulNBits` (4-bit, block 32, per-block scales and zero points) quantized from
   * the same seeded values. `out` names the output.
   */
  linear(x: string, name: string, K: number, N: number, fill: Fill, out?: string): string {
    if (!this.quantized) return this.opN('MatMul', [x, this.weight(name, [K, N], fill)], out ? [out] : 1)[0]!;
    return this.q4Linear(x, name, N, K, (m) => {
      const w = new Float32Array(K * N);
      weightStream(fill, this.seed, name)(w);
      quantizeRowsInto(m, transposeKN(w, K, N), 0);
    }, out);
  }

  /**
   * A 4-bit linear layer with N outputs over K inputs whose rows come from `source` (which fills a
   * Q4Matrix; called when the weights are written, and again if they are written again). The three
   * MatMulNBits initializers share one quantization, released once all three are written.
   */
  q4Linear(x: string, name: string, N: number, K: number, source: (m: Q4Matrix) => void, out?: string): string {
    const scaleType = this.wdt;
    let cached: Q4Matrix | null = null;
    let written = 0;
    const get = () => {
      if (!cached) {
        cached = allocQ4(N, K, scaleType);
        source(cached);
      }
      return cached;
    };
    const lazy = (byteLength: number, pick: (m: Q4Matrix) => Uint8Array): LazyBytes => ({
      byteLength,
      write(sink) {
        sink(pick(get()));
        if (++written === 3) {
          written = 0;
          cached = null;
        }
      },
    });
    if (this.q4Reference) {
      const deq = dequantizeQ4(get());
      const kn = transposeKN(deq, N, K); // N×K rows → K×N MatMul layout
      cached = null;
      return this.opN('MatMul', [x, this.weight(`${name}.dequantized`, [K, N], { kind: 'values', values: kn })], out ? [out] : 1)[0]!;
    }
    const bytes = q4Bytes(N, K, scaleType);
    const kBlocks = Math.ceil(K / Q4_BLOCK_SIZE);
    // Initializer names as onnxruntime's MatMul4BitsQuantizer writes them.
    this.inits.push({ name: `${name}_Q4`, dt: DT.UINT8, dims: [N, kBlocks, Q4_BLOCK_SIZE / 2], data: lazy(bytes.packed, (m) => m.packed) });
    this.inits.push({ name: `${name}_scales`, dt: this.fdt, dims: [N * kBlocks], data: lazy(bytes.scales, scaleBytes) });
    this.inits.push({ name: `${name}_zero_points`, dt: DT.UINT8, dims: [N * Math.ceil(kBlocks / 2)], data: lazy(bytes.zeroPoints, (m) => m.zeroPoints) });
    const attrs: Record<string, AttrValue> = { K: { i: K }, N: { i: N }, bits: { i: 4 }, block_size: { i: Q4_BLOCK_SIZE } };
    return this.opN('MatMulNBits', [x, `${name}_Q4`, `${name}_scales`, `${name}_zero_points`], out ? [out] : 1, attrs, 'com.microsoft')[0]!;
  }

  /** Add a node with `outs` outputs (or named outputs); returns output names. */
  opN(op: string, inputs: string[], outs: number | string[], attrs: Record<string, AttrValue> = {}, domain = ''): string[] {
    const id = this.n++;
    const names = typeof outs === 'number' ? Array.from({ length: outs }, (_, k) => `/${op}_${id}/out${k}`) : outs;
    this.nodes.push(node(op, inputs, names, `/${op}_${id}`, attrs, domain));
    return names;
  }
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): string {
    return this.opN(op, inputs, 1, attrs, domain)[0]!;
  }

  /** A weight filled by the PRNG (or given values), stored in the model's float type. */
  weight(name: string, dims: number[], fill: Fill): string {
    const count = dims.reduce((a, b) => a * b, 1);
    this.inits.push({ name, dt: this.fdt, dims, data: weightBytes(count, this.wdt, fill, this.seed, name) });
    return name;
  }

  /** Small constant tensors, de-duplicated by value. */
  i64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = `const_i64_${this.consts.size}`;
    this.inits.push({ name, dt: DT.INT64, dims, data: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
    this.consts.set(key, name);
    return name;
  }
  i32(values: number[], dims: number[] = [values.length]): string {
    const key = `i32:${dims.join('x')}:${values.join(',')}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = `const_i32_${this.consts.size}`;
    this.inits.push({ name, dt: DT.INT32, dims, data: new Uint8Array(Int32Array.from(values).buffer) });
    this.consts.set(key, name);
    return name;
  }
  /** A float scalar/tensor in the model's float type. */
  f(values: number[], dims: number[] = []): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = `const_f_${this.consts.size}`;
    const lazy = weightBytes(values.length, this.wdt, { kind: 'values', values: Float32Array.from(values) }, 0, name);
    const bytes = new Uint8Array(lazy.byteLength);
    let off = 0;
    lazy.write((c) => {
      bytes.set(c, off);
      off += c.byteLength;
    });
    this.inits.push({ name, dt: this.fdt, dims, data: bytes });
    this.consts.set(key, name);
    return name;
  }
}

// Weight scales: HF `initializer_range` 0.02 (std) → uniform half-width 0.02·√3. Norm weights are 1 ± 0.1
// and biases small, so activations stay O(1) and fp16 never overflows.
const W = { kind: 'uniform', scale: 0.02 * Math.sqrt(3) } as const;
const NORM = { kind: 'uniform', scale: 0.1, center: 1 } as const;
const BIAS = { kind: 'uniform', scale: 0.02 } as const;
// Embeddings larger so logits are well separated (greedy ties would make EP comparisons flaky).
const EMB = { kind: 'uniform', scale: 0.5 } as const;

/** Rotary tables (HF rotate_half convention): cos/sin of pos·θ^(−2i/d), shape [maxPos, d/2]. */
export function rotaryTables(maxPos: number, headDim: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(maxPos * half);
  const sin = new Float32Array(maxPos * half);
  for (let p = 0; p < maxPos; p++) {
    for (let i = 0; i < half; i++) {
      const invFreq = 1 / theta ** ((2 * i) / headDim);
      const a = p * invFreq;
      cos[p * half + i] = Math.cos(a);
      sin[p * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/** Graph inputs and outputs (Optimum / onnxruntime-genai names), in the order a session reports them. */
function declareIO(c: DecoderConfig, fdt: DataTypeCode, usePositionIds: boolean): Pick<BuiltGraph, 'inputs' | 'outputs' | 'inputNames' | 'outputNames'> {
  const { numLayers: L, numKvHeads: Nkv, headDim: hd, vocabSize: V } = c;
  const inputs: Msg[] = [];
  const outputs: Msg[] = [];
  const inputNames: string[] = [];
  const outputNames: string[] = [];
  const addIn = (name: string, dt: DataTypeCode, dims: Dim[]) => {
    inputs.push(valueInfo(name, dt, dims));
    inputNames.push(name);
  };
  const addOut = (name: string, dt: DataTypeCode, dims: Dim[]) => {
    outputs.push(valueInfo(name, dt, dims));
    outputNames.push(name);
  };
  addIn('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  addIn('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']);
  if (usePositionIds) addIn('position_ids', DT.INT64, ['batch_size', 'sequence_length']);
  for (let l = 0; l < L; l++) {
    addIn(`past_key_values.${l}.key`, fdt, ['batch_size', Nkv, 'past_sequence_length', hd]);
    addIn(`past_key_values.${l}.value`, fdt, ['batch_size', Nkv, 'past_sequence_length', hd]);
  }
  addOut('logits', fdt, ['batch_size', 'sequence_length', V]);
  for (let l = 0; l < L; l++) {
    addOut(`present.${l}.key`, fdt, ['batch_size', Nkv, 'total_sequence_length', hd]);
    addOut(`present.${l}.value`, fdt, ['batch_size', Nkv, 'total_sequence_length', hd]);
  }
  return { inputs, outputs, inputNames, outputNames };
}

/** One layer's attention: q [B,S,Nq·hd], k/v [B,S,Nkv·hd] → [B,S,Nq·hd]; writes `present.{l}.key|value`. */
type Attention = (l: number, q: string, k: string, v: string) => string;

/**
 * The `gqa` attention: genai's graph-capture-friendly mask reformatting (no Shape op) and, for
 * Llama, the rotary caches, built once; then one `com.microsoft.GroupQueryAttention` per layer.
 */
function gqaAttention(g: G, c: DecoderConfig): Attention {
  const { numHeads: Nq, numKvHeads: Nkv, headDim: hd } = c;
  // Cast→ReduceSum→{Sub 1, ReduceMax}.
  const m32 = g.op('Cast', ['attention_mask'], { to: { i: DT.INT32 } });
  const lens = g.op('ReduceSum', [m32, g.i64([1])], { keepdims: { i: 0 } });
  const seqlensK = g.op('Sub', [lens, g.i32([1], [])]);
  const totalSeq = g.op('ReduceMax', [lens], { keepdims: { i: 0 } });
  let cosCache = '';
  let sinCache = '';
  if (c.family === 'llama') {
    const t = rotaryTables(c.maxPositions, hd, c.ropeTheta);
    cosCache = g.weight('cos_cache', [c.maxPositions, hd / 2], { kind: 'values', values: t.cos });
    sinCache = g.weight('sin_cache', [c.maxPositions, hd / 2], { kind: 'values', values: t.sin });
  }
  return (l, q, k, v) => {
    const attrs: Record<string, AttrValue> = { num_heads: { i: Nq }, kv_num_heads: { i: Nkv }, scale: { f: 1 / Math.sqrt(hd) } };
    const ins = [q, k, v, `past_key_values.${l}.key`, `past_key_values.${l}.value`, seqlensK, totalSeq];
    if (c.family === 'llama') {
      attrs.do_rotary = { i: 1 };
      attrs.rotary_interleaved = { i: 0 };
      ins.push(cosCache, sinCache);
    }
    const [out] = g.opN('GroupQueryAttention', ins, [`/attn_${l}/out`, `present.${l}.key`, `present.${l}.value`], attrs, 'com.microsoft');
    return out!;
  };
}

/**
 * Llama rotary embedding for the `std` graph, HF rotate_half convention: the full-width cos/sin
 * tables gathered at position_ids ([B,1,S,hd], broadcast over heads), and the function applying them.
 */
function stdRotary(g: G, c: DecoderConfig): (t4: string) => string {
  const hd = c.headDim;
  const t = rotaryTables(c.maxPositions, hd, c.ropeTheta);
  const half = hd / 2;
  const cosFull = new Float32Array(c.maxPositions * hd);
  const sinFull = new Float32Array(c.maxPositions * hd);
  for (let p = 0; p < c.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      cosFull[p * hd + i] = cosFull[p * hd + half + i] = t.cos[p * half + i]!;
      sinFull[p * hd + i] = sinFull[p * hd + half + i] = t.sin[p * half + i]!;
    }
  }
  const cosW = g.weight('cos_full', [c.maxPositions, hd], { kind: 'values', values: cosFull });
  const sinW = g.weight('sin_full', [c.maxPositions, hd], { kind: 'values', values: sinFull });
  // [B,S,hd] → [B,1,S,hd] to broadcast over heads.
  const cos4 = g.op('Unsqueeze', [g.op('Gather', [cosW, 'position_ids'], { axis: { i: 0 } }), g.i64([1])]);
  const sin4 = g.op('Unsqueeze', [g.op('Gather', [sinW, 'position_ids'], { axis: { i: 0 } }), g.i64([1])]);
  return (t4) => {
    // HF rotate_half: concat(−x[..., d/2:], x[..., :d/2]).
    const lo = g.op('Slice', [t4, g.i64([0]), g.i64([hd / 2]), g.i64([3])]);
    const hi = g.op('Slice', [t4, g.i64([hd / 2]), g.i64([hd]), g.i64([3])]);
    const rot = g.op('Concat', [g.op('Neg', [hi]), lo], { axis: { i: 3 } });
    return g.op('Add', [g.op('Mul', [t4, cos4]), g.op('Mul', [rot, sin4])]);
  };
}

/** Causal + padding mask for the `std` graph, additive, [B,1,1,S,T] (5-D: broadcasts over [B,Nkv,rep,S,T]). */
function stdCausalMask(g: G, dtype: ModelDtype): string {
  const T = g.op('Squeeze', [g.op('Shape', ['attention_mask'], { start: { i: 1 }, end: { i: 2 } }), g.i64([0])]);
  const kpos = g.op('Range', [g.i64([0], []), T, g.i64([1], [])]);
  const qpos = g.op('Unsqueeze', ['position_ids', g.i64([1, 2, 4])]);
  const causal = g.op('Greater', [kpos, qpos]);
  const pad = g.op('Unsqueeze', [g.op('Equal', ['attention_mask', g.i64([0], [])]), g.i64([1, 2, 3])]);
  // fp16 cannot hold −1e9; −1e4 still gives exp() = 0 after max-subtraction.
  const neg = dtype === 'fp32' ? -1e9 : -1e4;
  return g.op('Where', [g.op('Or', [causal, pad]), g.f([neg]), g.f([0])]);
}

/** The `std` attention (standard ops only): rotary tables and mask built once, then MatMul/Softmax per layer. */
function stdAttention(g: G, c: DecoderConfig, dtype: ModelDtype): Attention {
  const { numHeads: Nq, numKvHeads: Nkv, headDim: hd } = c;
  const rotate = c.family === 'llama' ? stdRotary(g, c) : null;
  const maskAdd = stdCausalMask(g, dtype);
  return (l, q, k, v) => {
    const toHeads = (t: string, n: number) => g.op('Transpose', [g.op('Reshape', [t, g.i64([0, 0, n, hd])])], { perm: { ints: [0, 2, 1, 3] } });
    let q4 = toHeads(q, Nq);
    let k4 = toHeads(k, Nkv);
    const v4 = toHeads(v, Nkv);
    if (rotate) {
      q4 = rotate(q4);
      k4 = rotate(k4);
    }
    g.opN('Concat', [`past_key_values.${l}.key`, k4], [`present.${l}.key`], { axis: { i: 2 } });
    g.opN('Concat', [`past_key_values.${l}.value`, v4], [`present.${l}.value`], { axis: { i: 2 } });
    const rep = Nq / Nkv;
    const q5 = g.op('Reshape', [q4, g.i64([0, Nkv, rep, -1, hd])]);
    const k5t = g.op('Transpose', [g.op('Unsqueeze', [`present.${l}.key`, g.i64([2])])], { perm: { ints: [0, 1, 2, 4, 3] } });
    const v5 = g.op('Unsqueeze', [`present.${l}.value`, g.i64([2])]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q5, k5t]), g.f([1 / Math.sqrt(hd)])]), maskAdd]);
    const probs = g.op('Softmax', [scores], { axis: { i: -1 } });
    const ctx = g.op('Reshape', [g.op('MatMul', [probs, v5]), g.i64([0, Nq, -1, hd])]);
    return g.op('Reshape', [g.op('Transpose', [ctx], { perm: { ints: [0, 2, 1, 3] } }), g.i64([0, 0, Nq * hd])]);
  };
}

/**
 * The residual stream between sub-blocks: a sub-block's output waits (`pending`) to be added to
 * the residual by the next norm, which `gqa` graphs fuse into Skip(Simplified)LayerNormalization
 * (its output 3 is the sum) and `std` graphs write as an Add before the norm.
 */
class Residual {
  pending: string | null = null;
  constructor(public value: string) {}
  /** Unfused: add the pending output (if any) and return the new residual. */
  addPending(g: G): string {
    if (this.pending !== null) {
      this.value = g.op('Add', [this.value, this.pending]);
      this.pending = null;
    }
    return this.value;
  }
  /** Fused: `skipNorm(pending, residual)` returns [normalized, , , sum]; without a pending output, `norm(residual)`. */
  fuse(norm: (residual: string) => string, skipNorm: (pending: string, residual: string) => string[]): string {
    if (this.pending === null) return norm(this.value);
    const [o, , , sum] = skipNorm(this.pending, this.value);
    this.value = sum!;
    this.pending = null;
    return o!;
  }
}

/** RMSNorm from standard ops: x / √(mean(x²) + ε) · w. */
function rmsNormStd(g: G, c: DecoderConfig, inp: string, w: string): string {
  const ms = g.op('ReduceMean', [g.op('Mul', [inp, inp])], { axes: { ints: [-1] }, keepdims: { i: 1 } });
  const rms = g.op('Sqrt', [g.op('Add', [ms, g.f([c.normEps])])]);
  return g.op('Mul', [g.op('Div', [inp, rms]), w]);
}

/** The Llama layer stack (pre-norm RMSNorm, SwiGLU MLP); returns the final norm's output. */
function llamaLayers(g: G, c: DecoderConfig, gqa: boolean, attn: Attention, x: string): string {
  const { numLayers: L, hiddenSize: H, numHeads: Nq, numKvHeads: Nkv, headDim: hd } = c;
  const qd = Nq * hd;
  const kvd = Nkv * hd;
  const res = new Residual(x);
  const norm = (w: string): string =>
    gqa
      ? res.fuse(
          (r) => g.op('SimplifiedLayerNormalization', [r, w], { axis: { i: -1 }, epsilon: { f: c.normEps }, stash_type: { i: 1 } }),
          (p, r) => g.opN('SkipSimplifiedLayerNormalization', [p, r, w], 4, { epsilon: { f: c.normEps } }, 'com.microsoft'),
        )
      : rmsNormStd(g, c, res.addPending(g), w);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const h = norm(g.weight(`${p}.input_layernorm.weight`, [H], NORM));
    let q = g.linear(h, `${p}.self_attn.q_proj.weight`, H, qd, W);
    let k = g.linear(h, `${p}.self_attn.k_proj.weight`, H, kvd, W);
    let v = g.linear(h, `${p}.self_attn.v_proj.weight`, H, kvd, W);
    if (c.qkvBias) {
      q = g.op('Add', [q, g.weight(`${p}.self_attn.q_proj.bias`, [qd], BIAS)]);
      k = g.op('Add', [k, g.weight(`${p}.self_attn.k_proj.bias`, [kvd], BIAS)]);
      v = g.op('Add', [v, g.weight(`${p}.self_attn.v_proj.bias`, [kvd], BIAS)]);
    }
    const a = attn(l, q, k, v);
    res.pending = g.linear(a, `${p}.self_attn.o_proj.weight`, qd, H, W);
    const h2 = norm(g.weight(`${p}.post_attention_layernorm.weight`, [H], NORM));
    const gate = g.linear(h2, `${p}.mlp.gate_proj.weight`, H, c.intermediateSize, W);
    const up = g.linear(h2, `${p}.mlp.up_proj.weight`, H, c.intermediateSize, W);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    res.pending = g.linear(act, `${p}.mlp.down_proj.weight`, c.intermediateSize, H, W);
  }
  return norm(g.weight('model.norm.weight', [H], NORM));
}

/** gelu_new (tanh approximation), as GPT-2 uses: 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³))), u = fc + bias. */
function geluNewStd(g: G, fc: string, fcBias: string): string {
  const u = g.op('Add', [fc, fcBias]);
  const u3 = g.op('Mul', [g.op('Mul', [u, u]), u]);
  const inner = g.op('Mul', [g.op('Add', [u, g.op('Mul', [u3, g.f([0.044715])])]), g.f([Math.sqrt(2 / Math.PI)])]);
  return g.op('Mul', [g.op('Mul', [u, g.f([0.5])]), g.op('Add', [g.op('Tanh', [inner]), g.f([1])])]);
}

/** The GPT-2 layer stack (pre-norm LayerNorm with bias, fused QKV, gelu_new MLP); returns the final norm's output. */
function gpt2Layers(g: G, c: DecoderConfig, gqa: boolean, attn: Attention, x: string): string {
  const { numLayers: L, hiddenSize: H } = c;
  const res = new Residual(x);
  const norm = (w: string, b: string): string =>
    gqa
      ? res.fuse(
          (r) => g.op('LayerNormalization', [r, w, b], { axis: { i: -1 }, epsilon: { f: c.normEps } }),
          (p, r) => g.opN('SkipLayerNormalization', [p, r, w, b], 4, { epsilon: { f: c.normEps } }, 'com.microsoft'),
        )
      : g.op('LayerNormalization', [res.addPending(g), w, b], { axis: { i: -1 }, epsilon: { f: c.normEps } });
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const h = norm(g.weight(`${p}.ln_1.weight`, [H], NORM), g.weight(`${p}.ln_1.bias`, [H], BIAS));
    const qkv = g.op('Add', [g.linear(h, `${p}.attn.c_attn.weight`, H, 3 * H, W), g.weight(`${p}.attn.c_attn.bias`, [3 * H], BIAS)]);
    const [q, k, v] = g.opN('Split', [qkv, g.i64([H, H, H])], 3, { axis: { i: -1 } });
    const a = attn(l, q!, k!, v!);
    res.pending = g.op('Add', [g.linear(a, `${p}.attn.c_proj.weight`, H, H, W), g.weight(`${p}.attn.c_proj.bias`, [H], BIAS)]);
    const h2 = norm(g.weight(`${p}.ln_2.weight`, [H], NORM), g.weight(`${p}.ln_2.bias`, [H], BIAS));
    const fc = g.linear(h2, `${p}.mlp.c_fc.weight`, H, c.intermediateSize, W);
    const fcBias = g.weight(`${p}.mlp.c_fc.bias`, [c.intermediateSize], BIAS);
    const act = gqa ? g.op('FastGelu', [fc, fcBias], {}, 'com.microsoft') : geluNewStd(g, fc, fcBias);
    res.pending = g.op('Add', [g.linear(act, `${p}.mlp.c_proj.weight`, c.intermediateSize, H, W), g.weight(`${p}.mlp.c_proj.bias`, [H], BIAS)]);
  }
  return norm(g.weight('model.norm.weight', [H], NORM), g.weight('model.norm.bias', [H], BIAS));
}

/**
 * The LM head, writing `logits`. Tied embeddings use Gemm(transB=1) on the [V,H] table so the
 * weights exist once (MatMul with a Transpose would be constant-folded into a second copy).
 */
function lmHead(g: G, c: DecoderConfig, x: string, embed: string, seed: number): void {
  const { hiddenSize: H, vocabSize: V } = c;
  if (c.tieWordEmbeddings && g.quantized) {
    // onnx-community's q4 exports keep the embedding table in float for the Gather and store the
    // LM head as its own 4-bit copy of the table: transformers.js quantizes with
    // MatMul4BitsQuantizer, which rewrites MatMuls only
    // (https://github.com/huggingface/transformers.js/blob/main/scripts/quantize.py). The table is [V, H] = MatMulNBits' [N, K]:
    // quantized row-chunk by row-chunk from the embedding's own seeded stream.
    g.q4Linear(x, 'lm_head.weight', V, H, (m) => {
      const next = weightStream(EMB, seed, 'model.embed_tokens.weight');
      const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / H));
      for (let r = 0; r < V; r += rowsPerChunk) {
        const chunk = new Float32Array(Math.min(rowsPerChunk, V - r) * H);
        next(chunk);
        quantizeRowsInto(m, chunk, r);
      }
    }, 'logits');
  } else if (c.tieWordEmbeddings) {
    const flat = g.op('Reshape', [x, g.i64([-1, H])]);
    const l2 = g.op('Gemm', [flat, embed], { transB: { i: 1 } });
    const shape = g.op('Concat', [g.op('Shape', ['input_ids']), g.i64([V])], { axis: { i: 0 } });
    g.opN('Reshape', [l2, shape], ['logits']);
  } else {
    g.linear(x, 'lm_head.weight', H, V, EMB, 'logits');
  }
}

/**
 * Build the graph (weights stay lazy). `q4Reference` (q4 dtypes): MatMul over the dequantized
 * weights in place of MatMulNBits, the graph the quantized one is checked against.
 *
 * Phases, in the order their nodes and initializers are created (names and initializer order
 * depend on it): I/O, embeddings, the attention's shared inputs (mask, rotary tables), the layer
 * stack, the LM head.
 */
export function buildDecoderGraph(c: DecoderConfig, opts: { dtype: ModelDtype; variant: Variant; seed: number; q4Reference?: boolean }): BuiltGraph {
  if (opts.variant === 'std' && (opts.dtype === 'q4' || opts.dtype === 'q4f16')) throw new Error(`dtype ${opts.dtype} needs the gqa variant (MatMulNBits is an onnxruntime contrib op)`);
  const g = new G(opts.seed, opts.dtype, opts.q4Reference ?? false);
  const gqa = opts.variant === 'gqa';
  const io = declareIO(c, g.fdt, !(gqa && c.family === 'llama'));
  const embed = g.weight('model.embed_tokens.weight', [c.vocabSize, c.hiddenSize], EMB);
  let x = g.op('Gather', [embed, 'input_ids'], { axis: { i: 0 } });
  if (c.family === 'gpt2') {
    const wpe = g.weight('model.wpe.weight', [c.maxPositions, c.hiddenSize], EMB);
    x = g.op('Add', [x, g.op('Gather', [wpe, 'position_ids'], { axis: { i: 0 } })]);
  }
  const attn = gqa ? gqaAttention(g, c) : stdAttention(g, c, opts.dtype);
  x = c.family === 'llama' ? llamaLayers(g, c, gqa, attn, x) : gpt2Layers(g, c, gqa, attn, x);
  lmHead(g, c, x, embed, opts.seed);
  const opsets: Record<string, number> = { '': 17 };
  if (gqa || g.quantized) opsets['com.microsoft'] = 1;
  return { nodes: g.nodes, inits: g.inits, inputs: io.inputs, outputs: io.outputs, opsets, inputNames: io.inputNames, outputNames: io.outputNames };
}

/** Serialise a built graph. External data goes to `dataFile` at 64 KiB-aligned offsets (mmap-able). */
export function serializeModel(
  b: BuiltGraph,
  opts: { external: null | { location: string; writeChunk: (bytes: Uint8Array) => void }; metadata?: Record<string, string>; producerVersion?: string; alignBytes?: number },
): Msg {
  const inits: Msg[] = [];
  let offset = 0;
  const ALIGN = opts.alignBytes ?? 65536;
  for (const t of b.inits) {
    if (opts.external && !(t.data instanceof Uint8Array) && t.data.byteLength >= 1024) {
      const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
      if (pad) opts.external.writeChunk(new Uint8Array(pad));
      offset += pad;
      const len = t.data.byteLength;
      let n = 0;
      t.data.write((chunk) => {
        n += chunk.byteLength;
        opts.external!.writeChunk(chunk);
      });
      if (n !== len) throw new Error(`initializer ${t.name}: wrote ${n} bytes, declared ${len}`);
      inits.push(tensorExternal(t.name, t.dt, t.dims, opts.external.location, offset, len));
      offset += len;
    } else {
      inits.push(tensorInline(t.name, t.dt, t.dims, t.data));
    }
  }
  const gr = graph('joulebench_decoder', b.nodes, inits, b.inputs, b.outputs);
  return model(gr, b.opsets, { irVersion: 8, producerVersion: opts.producerVersion, metadata: opts.metadata });
}
