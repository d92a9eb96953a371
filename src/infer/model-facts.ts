/**
 * Facts about a decoder model that results report: parameter count and weight bytes counted from
 * the graph's initializers (every model, generated or not), and the architecture numbers from
 * `config.json` (Hugging Face), else `genai_config.json` (onnxruntime-genai), else the graph itself.
 *
 * Pure functions over an {@link OnnxGraphSummary} (src/infer/onnx-reader.ts) and parsed JSON, apart
 * from {@link readModelFacts} which reads the two config files.
 */
import { UsageError } from '../util/errors.js';
import { InputFileError, readInputFile } from '../util/input-file.js';
import { join } from 'node:path';
import type { OnnxGraphSummary, OnnxNodeInfo, OnnxTensorInfo } from './onnx-reader.js';

/** Data types counted as weights when an initializer holds them (float storage). */
const FLOAT_CODES = new Set([1, 10, 11, 16, 17, 18, 19, 20, 23]);

/** Parameter count and weight bytes of a graph, and how they were counted. */
export interface WeightInventory {
  /** Trainable parameters (quantized weights at their logical size; a tied LM head copy counted once when the config says the embeddings are tied). */
  parameters: number;
  /** Of `parameters`, those stored quantized (MatMulNBits, GatherBlockQuantized, DequantizeLinear, ...). */
  quantizedParameters: number;
  /** Bytes of the counted weights as stored, plus their quantization scales and zero points. */
  weightBytes: number;
  /** Bytes of every initializer and Constant tensor (weights, rotary tables, shape constants). */
  initializerBytes: number;
  /** Rotary cos/sin tables: initializers, not parameters. */
  rotaryTableBytes: number;
  /** Name of an LM head tensor not counted because it is a stored copy of the tied embedding table, else null. */
  tiedCopyNotCounted: string | null;
  /** External data files the initializers reference (relative to the model file). */
  externalFiles: string[];
  /** How `parameters` was counted. */
  method: string;
  /** How `weightBytes` was counted. */
  weightBytesMethod: string;
}

/** ops whose input at index → role: a quantized weight, or its quantization metadata. */
const QUANT_INPUTS: Record<string, { weight: number; meta: number[] }> = {
  MatMulNBits: { weight: 1, meta: [2, 3, 4] },
  MatMulBnb4: { weight: 1, meta: [2] },
  GatherBlockQuantized: { weight: 0, meta: [2, 3] },
  DequantizeLinear: { weight: 0, meta: [1, 2] },
  MatMulInteger: { weight: 1, meta: [3] },
  DynamicQuantizeMatMul: { weight: 1, meta: [2, 3] },
};

/** Rotary cos/sin table inputs of attention ops (onnxruntime contrib op specs). */
const ROTARY_INPUTS: Record<string, number[]> = { GroupQueryAttention: [7, 8], RotaryEmbedding: [2, 3] };
const ROTARY_NAME_RE = /(^|[./_:])(cos|sin)(_cache|_cached|_full|_table)?(_\d+)?$/i;

/** Logical element count of a quantized weight consumed by `n`. */
function quantizedElements(n: OnnxNodeInfo, t: OnnxTensorInfo): number {
  const num = (k: string) => (typeof n.attrs[k] === 'number' ? (n.attrs[k] as number) : null);
  if (n.opType === 'MatMulNBits' || n.opType === 'MatMulBnb4') {
    const N = num('N');
    const K = num('K');
    if (N !== null && K !== null) return N * K;
  }
  if (n.opType === 'GatherBlockQuantized' && t.dataType === 2) return t.elements * (8 / (num('bits') ?? 4)); // uint8 container of packed 4-bit codes
  return t.elements;
}

/** The producer of each tensor name. */
function producers(g: OnnxGraphSummary): Map<string, OnnxNodeInfo> {
  const m = new Map<string, OnnxNodeInfo>();
  for (const n of g.nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

/** The embedding table: input 0 of the Gather that reads `input_ids` (through a Cast if any). */
export function embeddingTable(g: OnnxGraphSummary): string | null {
  const ids = new Set(['input_ids']);
  for (const n of g.nodes) if (n.opType === 'Cast' && ids.has(n.inputs[0] ?? '')) ids.add(n.outputs[0]!);
  const gather = g.nodes.find((n) => (n.opType === 'Gather' || n.opType === 'GatherBlockQuantized') && ids.has(n.inputs[1] ?? ''));
  return gather?.inputs[0] ?? null;
}

/** The LM head weight: walk back from `logits` through reshapes/casts/bias adds to the matmul. */
export function lmHeadWeight(g: OnnxGraphSummary): string | null {
  const prod = producers(g);
  const inits = new Set([...g.initializers, ...g.constants].map((t) => t.name));
  let name = 'logits';
  for (let hops = 0; hops < 8; hops++) {
    const n = prod.get(name);
    if (!n) return null;
    if (['MatMul', 'Gemm', 'MatMulNBits', 'MatMulBnb4', 'MatMulInteger', 'DynamicQuantizeMatMul'].includes(n.opType)) {
      let w = n.inputs[1] ?? '';
      const t = prod.get(w);
      if (t && ['Transpose', 'DequantizeLinear', 'Cast'].includes(t.opType)) w = t.inputs[0] ?? w;
      return inits.has(w) ? w : null;
    }
    if (!['Reshape', 'Cast', 'Identity', 'Squeeze', 'Unsqueeze', 'Add', 'Softcap', 'Tanh', 'Mul', 'Div'].includes(n.opType)) return null;
    // Follow the activation side: the input that is not an initializer.
    name = n.inputs.find((i) => i && !inits.has(i)) ?? '';
  }
  return null;
}

/**
 * Count parameters and weight bytes from a graph's initializers (and Constant-node tensors).
 * @param tieWordEmbeddings - the config's `tie_word_embeddings` (null when no config says): when
 *   true, an LM head stored as its own copy of the embedding table (onnx-community q4 exports keep
 *   a float embedding and a 4-bit LM head) is counted once.
 */
export function weightInventory(g: OnnxGraphSummary, tieWordEmbeddings: boolean | null): WeightInventory {
  const quantWeight = new Map<string, OnnxNodeInfo>();
  const quantMeta = new Set<string>();
  const rotary = new Set<string>();
  for (const n of g.nodes) {
    const q = QUANT_INPUTS[n.opType];
    if (q) {
      const w = n.inputs[q.weight];
      if (w) quantWeight.set(w, n);
      for (const i of q.meta) if (n.inputs[i]) quantMeta.add(n.inputs[i]!);
    }
    for (const i of ROTARY_INPUTS[n.opType] ?? []) if (n.inputs[i]) rotary.add(n.inputs[i]!);
  }
  const seen = new Set<string>();
  const counted = new Map<string, number>();
  let parameters = 0;
  let quantized = 0;
  let weightBytes = 0;
  let initializerBytes = 0;
  let rotaryTableBytes = 0;
  let excludedConst = 0;
  const files = new Set<string>();
  for (const t of [...g.initializers, ...g.constants]) {
    if (seen.has(t.name)) continue;
    seen.add(t.name);
    initializerBytes += t.bytes;
    if (t.external) files.add(t.external.location);
    const qn = quantWeight.get(t.name);
    if (qn && !FLOAT_CODES.has(t.dataType)) {
      const e = quantizedElements(qn, t);
      parameters += e;
      quantized += e;
      weightBytes += t.bytes;
      counted.set(t.name, e);
    } else if (quantMeta.has(t.name)) {
      weightBytes += t.bytes;
    } else if (rotary.has(t.name) || (FLOAT_CODES.has(t.dataType) && ROTARY_NAME_RE.test(t.name))) {
      rotaryTableBytes += t.bytes;
    } else if (FLOAT_CODES.has(t.dataType) && t.elements > 1) {
      parameters += t.elements;
      weightBytes += t.bytes;
      counted.set(t.name, t.elements);
    } else {
      excludedConst++;
    }
  }
  let tiedCopy: string | null = null;
  let tieUnknown: string | null = null;
  const emb = embeddingTable(g);
  const head = lmHeadWeight(g);
  if (emb && head && emb !== head && counted.has(emb) && counted.get(head) === counted.get(emb)) {
    if (tieWordEmbeddings) {
      parameters -= counted.get(head)!;
      if (quantWeight.has(head)) quantized -= counted.get(head)!;
      tiedCopy = head;
    } else if (tieWordEmbeddings === null) {
      tieUnknown = head;
    }
  }
  const quantOps = [...new Set([...quantWeight.values()].map((n) => n.opType))];
  const method = [
    `sum over the graph's ${seen.size} initializers and Constant tensors (inline and external data): floating-point tensors of ≥ 2 elements`,
    quantOps.length ? `, quantized weights at their logical size (${quantOps.map((o) => (o === 'MatMulNBits' || o === 'MatMulBnb4' ? `${o} N·K` : o)).join(', ')})` : '',
    `; not counted: rotary cos/sin tables${quantMeta.size ? ', quantization scales and zero points' : ''}, ${excludedConst} integer/bool constants and scalars`,
    tiedCopy ? `; the LM head '${tiedCopy}' is a stored copy of the tied embedding table (config tie_word_embeddings) and is counted once` : '',
    tieUnknown ? `; the LM head '${tieUnknown}' has the embedding table's size and no config.json says whether they are tied: counted separately (a tied model counts it twice)` : '',
    g.sparseInitializers ? `; ${g.sparseInitializers} sparse initializers not counted` : '',
  ].join('');
  return {
    parameters,
    quantizedParameters: quantized,
    weightBytes,
    initializerBytes,
    rotaryTableBytes,
    tiedCopyNotCounted: tiedCopy,
    externalFiles: [...files].sort(),
    method,
    weightBytesMethod: 'bytes of the counted weights as stored (external data length or inline raw data), plus their quantization scales and zero points; rotary tables and shape constants excluded',
  };
}

/** Architecture numbers of a decoder and where they came from. */
export interface ModelFacts {
  source: 'config.json' | 'genai_config.json' | 'graph';
  modelType: string | null;
  numLayers: number | null;
  numHeads: number | null;
  numKvHeads: number | null;
  headDim: number | null;
  hiddenSize: number | null;
  vocabSize: number | null;
  /** Longest context the model supports (max_position_embeddings / n_positions / context_length). */
  contextLength: number | null;
  tieWordEmbeddings: boolean | null;
  /** onnxruntime-genai only: the decoder file and its I/O name templates ('%d' = layer). */
  genai?: { filename: string | null; pastKey: string | null; pastValue: string | null; presentKey: string | null; presentValue: string | null };
}

/** A JSON object file, or null when absent or unparseable; a FIFO or device is refused (it would hang or exhaust the read). */
function readJson(path: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(readInputFile(path, 'model config (JSON)', `--model: ${path}`)) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch (err) {
    if (err instanceof InputFileError && err.code === 'ENOTREG') throw err;
    return null;
  }
}

const numOf = (o: Record<string, unknown> | undefined, ...keys: string[]): number | null => {
  for (const k of keys) if (typeof o?.[k] === 'number' && Number.isFinite(o[k])) return o[k] as number;
  return null;
};
const strOf = (o: Record<string, unknown> | undefined, k: string): string | null => (typeof o?.[k] === 'string' ? (o[k] as string) : null);

/**
 * Facts from a Hugging Face `config.json` (field names of transformers' configs: Llama/Qwen2
 * `num_hidden_layers`..., GPT-2 `n_layer`...). `tie_word_embeddings` defaults to true when absent,
 * as transformers' PretrainedConfig does.
 */
export function factsFromHfConfig(cfg: Record<string, unknown>): ModelFacts {
  const heads = numOf(cfg, 'num_attention_heads', 'n_head');
  const hidden = numOf(cfg, 'hidden_size', 'n_embd', 'd_model');
  return {
    source: 'config.json',
    modelType: strOf(cfg, 'model_type'),
    numLayers: numOf(cfg, 'num_hidden_layers', 'n_layer', 'num_layers'),
    numHeads: heads,
    numKvHeads: numOf(cfg, 'num_key_value_heads', 'multi_query_group_num') ?? heads,
    headDim: numOf(cfg, 'head_dim') ?? (hidden !== null && heads ? hidden / heads : null),
    hiddenSize: hidden,
    vocabSize: numOf(cfg, 'vocab_size'),
    contextLength: numOf(cfg, 'max_position_embeddings', 'n_positions', 'seq_length'),
    tieWordEmbeddings: typeof cfg.tie_word_embeddings === 'boolean' ? cfg.tie_word_embeddings : true,
  };
}

/** Facts from an onnxruntime-genai `genai_config.json` (model.decoder section). */
export function factsFromGenaiConfig(cfg: Record<string, unknown>): ModelFacts | null {
  const m = cfg.model as Record<string, unknown> | undefined;
  const d = m?.decoder as Record<string, unknown> | undefined;
  if (!m || !d) return null;
  const ins = d.inputs as Record<string, unknown> | undefined;
  const outs = d.outputs as Record<string, unknown> | undefined;
  return {
    source: 'genai_config.json',
    modelType: strOf(m, 'type'),
    numLayers: numOf(d, 'num_hidden_layers'),
    numHeads: numOf(d, 'num_attention_heads'),
    numKvHeads: numOf(d, 'num_key_value_heads') ?? numOf(d, 'num_attention_heads'),
    headDim: numOf(d, 'head_size'),
    hiddenSize: numOf(d, 'hidden_size'),
    vocabSize: numOf(m, 'vocab_size'),
    contextLength: numOf(m, 'context_length') ?? numOf(cfg.search as Record<string, unknown> | undefined, 'max_length'),
    tieWordEmbeddings: null,
    genai: {
      filename: strOf(d, 'filename'),
      pastKey: strOf(ins, 'past_key_names'),
      pastValue: strOf(ins, 'past_value_names'),
      presentKey: strOf(outs, 'present_key_names'),
      presentValue: strOf(outs, 'present_value_names'),
    },
  };
}

/** Architecture sizes a config may give (HF config.json and genai_config.json names): each a count ≥ 1. */
const SIZE_KEYS = [
  'max_position_embeddings', 'n_positions', 'seq_length', 'context_length', 'max_length',
  'num_hidden_layers', 'n_layer', 'num_layers', 'num_attention_heads', 'n_head', 'num_key_value_heads',
  'multi_query_group_num', 'head_dim', 'head_size', 'hidden_size', 'n_embd', 'd_model', 'vocab_size',
];

/**
 * Refuse a config whose architecture sizes are not counts (max_position_embeddings −5, 0 layers,
 * 12.5 heads): a bad model, named as one, rather than figures or advice derived from it (a context
 * of −5 tokens had been answered with "--prompt 1 --gen 1"). Looks at the top level and at the
 * genai sections (model, model.decoder, search).
 */
function checkSizes(cfg: Record<string, unknown>, file: string): void {
  const model = cfg.model as Record<string, unknown> | undefined;
  const sections: Array<[string, unknown]> = [['', cfg], ['model.', model], ['model.decoder.', model?.decoder], ['search.', cfg.search]];
  for (const [prefix, o] of sections) {
    if (!o || typeof o !== 'object') continue;
    for (const k of SIZE_KEYS) {
      const v = (o as Record<string, unknown>)[k];
      if (typeof v === 'number' && !(Number.isInteger(v) && v >= 1)) {
        throw new UsageError(`--model: ${file}: ${prefix}${k} = ${v} is not a count ≥ 1: a bad model config; fix the file or re-export the model`);
      }
    }
  }
}

/** Facts from the model directory's config.json, else genai_config.json; null when neither is usable. A config with impossible sizes is refused (UsageError). */
export function readModelFacts(dir: string): ModelFacts | null {
  const hf = readJson(join(dir, 'config.json'));
  const genai = readJson(join(dir, 'genai_config.json'));
  if (hf) checkSizes(hf, join(dir, 'config.json'));
  if (genai) checkSizes(genai, join(dir, 'genai_config.json'));
  const g = genai ? factsFromGenaiConfig(genai) : null;
  if (hf && (numOf(hf, 'num_hidden_layers', 'n_layer', 'num_layers') !== null || numOf(hf, 'vocab_size') !== null)) {
    const f = factsFromHfConfig(hf);
    // genai's I/O name templates still apply when both files exist.
    return g?.genai ? { ...f, genai: g.genai } : f;
  }
  return g;
}

/** Facts read off the graph's I/O when no config file says (KV inputs and logits). */
export function factsFromGraph(io: { layers: number; numKvHeads: number; headDim: number; vocabSize: number | null }): ModelFacts {
  return {
    source: 'graph',
    modelType: null,
    numLayers: io.layers,
    numHeads: null,
    numKvHeads: io.numKvHeads,
    headDim: io.headDim,
    hiddenSize: null,
    vocabSize: io.vocabSize,
    contextLength: null,
    tieWordEmbeddings: null,
  };
}
