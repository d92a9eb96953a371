/**
 * Model presets: the exact shapes of public decoder-only models (weights are synthetic; see
 * models/README.md). Shapes are copied from each model's Hugging Face `config.json`.
 */
import { UsageError } from '../util/errors.js';

/** Architecture family: which block the builder emits. */
export type Family = 'llama' | 'gpt2';

/** Decoder shape (HF config field names in comments). */
export interface DecoderConfig {
  family: Family;
  /** The public model whose shapes this mirrors ("synthetic" for test models). */
  mirrors: string;
  vocabSize: number; // vocab_size
  hiddenSize: number; // hidden_size / n_embd
  intermediateSize: number; // intermediate_size / n_inner (4·n_embd for GPT-2)
  numLayers: number; // num_hidden_layers / n_layer
  numHeads: number; // num_attention_heads / n_head
  numKvHeads: number; // num_key_value_heads (= numHeads for GPT-2)
  headDim: number; // head_dim (hidden/heads)
  /** Longest context the generated graph supports (rotary table / learned position rows). */
  maxPositions: number;
  /** max_position_embeddings of the real model (recorded; the rotary table is cut to maxPositions). */
  realMaxPositions: number;
  ropeTheta: number; // rope_theta (llama family)
  normEps: number; // rms_norm_eps / layer_norm_epsilon
  /** q/k/v projections carry a bias (Qwen2; GPT-2 has biases everywhere). */
  qkvBias: boolean;
  tieWordEmbeddings: boolean; // tie_word_embeddings
}

/** Named presets. `tiny`/`tiny-gpt2` are test models; the rest mirror public checkpoints. */
export const PRESETS: Record<string, DecoderConfig> = {
  tiny: {
    family: 'llama',
    mirrors: 'synthetic test model (Llama/Qwen2-style block: RMSNorm, RoPE, SwiGLU, GQA 4:2, qkv bias)',
    vocabSize: 512,
    hiddenSize: 64,
    intermediateSize: 128,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 16,
    maxPositions: 256,
    realMaxPositions: 256,
    ropeTheta: 10000,
    normEps: 1e-6,
    qkvBias: true,
    tieWordEmbeddings: false,
  },
  'tiny-gpt2': {
    family: 'gpt2',
    mirrors: 'synthetic test model (GPT-2-style block: LayerNorm, learned positions, GELU)',
    vocabSize: 512,
    hiddenSize: 64,
    intermediateSize: 256,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 4,
    headDim: 16,
    maxPositions: 256,
    realMaxPositions: 256,
    ropeTheta: 0,
    normEps: 1e-5,
    qkvBias: true,
    tieWordEmbeddings: true,
  },
  gpt2: {
    family: 'gpt2',
    mirrors: 'openai-community/gpt2 (GPT-2 124M)',
    vocabSize: 50257,
    hiddenSize: 768,
    intermediateSize: 3072,
    numLayers: 12,
    numHeads: 12,
    numKvHeads: 12,
    headDim: 64,
    maxPositions: 1024,
    realMaxPositions: 1024,
    ropeTheta: 0,
    normEps: 1e-5,
    qkvBias: true,
    tieWordEmbeddings: true,
  },
  'smollm2-135m': {
    family: 'llama',
    mirrors: 'HuggingFaceTB/SmolLM2-135M (Llama block, GQA 9:3, tied embeddings)',
    vocabSize: 49152,
    hiddenSize: 576,
    intermediateSize: 1536,
    numLayers: 30,
    numHeads: 9,
    numKvHeads: 3,
    headDim: 64,
    maxPositions: 4096,
    realMaxPositions: 8192,
    ropeTheta: 100000,
    normEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: true,
  },
  'qwen2.5-0.5b': {
    family: 'llama',
    mirrors: 'Qwen/Qwen2.5-0.5B (Qwen2 architecture: Llama-style block with q/k/v bias, GQA 14:2, tied embeddings)',
    vocabSize: 151936,
    hiddenSize: 896,
    intermediateSize: 4864,
    numLayers: 24,
    numHeads: 14,
    numKvHeads: 2,
    headDim: 64,
    maxPositions: 4096,
    realMaxPositions: 32768,
    ropeTheta: 1000000,
    normEps: 1e-6,
    qkvBias: true,
    tieWordEmbeddings: true,
  },
  'llama3.2-1b': {
    family: 'llama',
    mirrors: 'meta-llama/Llama-3.2-1B (GQA 32:8, tied embeddings; llama3 rope scaling not applied: same compute)',
    vocabSize: 128256,
    hiddenSize: 2048,
    intermediateSize: 8192,
    numLayers: 16,
    numHeads: 32,
    numKvHeads: 8,
    headDim: 64,
    maxPositions: 4096,
    realMaxPositions: 131072,
    ropeTheta: 500000,
    normEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: true,
  },
  'llama3.2-3b': {
    family: 'llama',
    mirrors: 'meta-llama/Llama-3.2-3B (GQA 24:8, tied embeddings; llama3 rope scaling not applied: same compute)',
    vocabSize: 128256,
    hiddenSize: 3072,
    intermediateSize: 8192,
    numLayers: 28,
    numHeads: 24,
    numKvHeads: 8,
    headDim: 128,
    maxPositions: 4096,
    realMaxPositions: 131072,
    ropeTheta: 500000,
    normEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: true,
  },
  // The model the shipped sites price most (Llama-3.1-8B-Instruct tokens): 16 GB of weights at
  // fp16, 5 GB at q4f16. Never built by the tests (src/infer/priced-default.ts sizes it lazily).
  'llama3.1-8b': {
    family: 'llama',
    mirrors: 'meta-llama/Llama-3.1-8B (GQA 32:8, untied LM head; llama3 rope scaling not applied: same compute)',
    vocabSize: 128256,
    hiddenSize: 4096,
    intermediateSize: 14336,
    numLayers: 32,
    numHeads: 32,
    numKvHeads: 8,
    headDim: 128,
    maxPositions: 4096,
    realMaxPositions: 131072,
    ropeTheta: 500000,
    normEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: false,
  },
};

/** Preset names in listing order. */
export const PRESET_NAMES = Object.keys(PRESETS);

/** Look up a preset or fail with the list of names. */
export function getPreset(name: string): DecoderConfig {
  const p = PRESETS[name];
  if (!p) throw new UsageError(`--model '${name}': not a preset (${PRESET_NAMES.join(', ')}) nor an existing .onnx file or model directory`);
  return p;
}

/** Tensor shapes of every weight, in the order the builder writes them (for parameter counts). */
export function weightShapes(c: DecoderConfig): Array<{ name: string; dims: number[] }> {
  const H = c.hiddenSize;
  const out: Array<{ name: string; dims: number[] }> = [];
  const qd = c.numHeads * c.headDim;
  const kvd = c.numKvHeads * c.headDim;
  out.push({ name: 'model.embed_tokens.weight', dims: [c.vocabSize, H] });
  if (c.family === 'gpt2') out.push({ name: 'model.wpe.weight', dims: [c.maxPositions, H] });
  for (let l = 0; l < c.numLayers; l++) {
    const p = `model.layers.${l}`;
    if (c.family === 'llama') {
      out.push({ name: `${p}.input_layernorm.weight`, dims: [H] });
      out.push({ name: `${p}.self_attn.q_proj.weight`, dims: [H, qd] });
      out.push({ name: `${p}.self_attn.k_proj.weight`, dims: [H, kvd] });
      out.push({ name: `${p}.self_attn.v_proj.weight`, dims: [H, kvd] });
      if (c.qkvBias) {
        out.push({ name: `${p}.self_attn.q_proj.bias`, dims: [qd] });
        out.push({ name: `${p}.self_attn.k_proj.bias`, dims: [kvd] });
        out.push({ name: `${p}.self_attn.v_proj.bias`, dims: [kvd] });
      }
      out.push({ name: `${p}.self_attn.o_proj.weight`, dims: [qd, H] });
      out.push({ name: `${p}.post_attention_layernorm.weight`, dims: [H] });
      out.push({ name: `${p}.mlp.gate_proj.weight`, dims: [H, c.intermediateSize] });
      out.push({ name: `${p}.mlp.up_proj.weight`, dims: [H, c.intermediateSize] });
      out.push({ name: `${p}.mlp.down_proj.weight`, dims: [c.intermediateSize, H] });
    } else {
      out.push({ name: `${p}.ln_1.weight`, dims: [H] });
      out.push({ name: `${p}.ln_1.bias`, dims: [H] });
      out.push({ name: `${p}.attn.c_attn.weight`, dims: [H, 3 * H] });
      out.push({ name: `${p}.attn.c_attn.bias`, dims: [3 * H] });
      out.push({ name: `${p}.attn.c_proj.weight`, dims: [H, H] });
      out.push({ name: `${p}.attn.c_proj.bias`, dims: [H] });
      out.push({ name: `${p}.ln_2.weight`, dims: [H] });
      out.push({ name: `${p}.ln_2.bias`, dims: [H] });
      out.push({ name: `${p}.mlp.c_fc.weight`, dims: [H, c.intermediateSize] });
      out.push({ name: `${p}.mlp.c_fc.bias`, dims: [c.intermediateSize] });
      out.push({ name: `${p}.mlp.c_proj.weight`, dims: [c.intermediateSize, H] });
      out.push({ name: `${p}.mlp.c_proj.bias`, dims: [H] });
    }
  }
  out.push({ name: 'model.norm.weight', dims: [H] });
  if (c.family === 'gpt2') out.push({ name: 'model.norm.bias', dims: [H] });
  if (!c.tieWordEmbeddings) out.push({ name: 'lm_head.weight', dims: [H, c.vocabSize] });
  return out;
}

/** Trainable parameter count (what the public model card states, up to rounding). */
export function parameterCount(c: DecoderConfig): number {
  return weightShapes(c).reduce((s, w) => s + w.dims.reduce((a, b) => a * b, 1), 0);
}

/** KV-cache bytes for `batch` sequences of `contextTokens` tokens at `bytesPerElement`. */
export function kvCacheBytes(c: Pick<DecoderConfig, 'numLayers' | 'numKvHeads' | 'headDim'>, batch: number, contextTokens: number, bytesPerElement: number): number {
  return 2 * c.numLayers * batch * c.numKvHeads * contextTokens * c.headDim * bytesPerElement;
}
