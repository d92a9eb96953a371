import { describe, expect, it } from 'vitest';
import { factsFromGenaiConfig, factsFromHfConfig, weightInventory } from '../../src/infer/model-facts.js';
import type { OnnxGraphSummary, OnnxNodeInfo, OnnxTensorInfo } from '../../src/infer/onnx-reader.js';

const F32 = 1;
const U8 = 2;
const I64 = 7;
const F16 = 10;
const INT4 = 22;
const t = (name: string, dataType: number, dims: number[], bytesPerEl: number, external?: string): OnnxTensorInfo => {
  const elements = dims.reduce((a, b) => a * b, 1);
  return { name, dataType, dims, elements, bytes: Math.ceil(elements * bytesPerEl), external: external ? { location: external, offset: 0, length: Math.ceil(elements * bytesPerEl) } : null };
};
const n = (opType: string, inputs: string[], outputs: string[], attrs: OnnxNodeInfo['attrs'] = {}, domain = ''): OnnxNodeInfo => ({ opType, domain, name: outputs[0]!, inputs, outputs, attrs });
const graph = (initializers: OnnxTensorInfo[], nodes: OnnxNodeInfo[]): OnnxGraphSummary => ({ irVersion: 8, producer: 't', opsets: { '': 17 }, inputs: [], outputs: [], nodes, initializers, constants: [], sparseInitializers: 0 });

describe('parameter count and weight bytes from the graph initializers', () => {
  it('counts float weights, not rotary tables, shape constants or scalars', () => {
    const g = graph(
      [t('embed', F32, [100, 8], 4, 'model.onnx_data'), t('w', F16, [8, 8], 2, 'model.onnx_data_1'), t('b', F32, [8], 4), t('eps', F32, [], 4), t('shape', I64, [3], 8), t('cos_cache', F32, [64, 4], 4), t('sin_cache', F32, [64, 4], 4), t('model.rotary.cos_cached', F16, [64, 8], 2)],
      [
        n('Gather', ['embed', 'input_ids'], ['x']),
        n('GroupQueryAttention', ['q', 'k', 'v', 'pk', 'pv', 's', 'tl', 'cos_cache', 'sin_cache'], ['o', 'pk2', 'pv2'], {}, 'com.microsoft'),
        n('MatMul', ['o', 'w'], ['logits']),
      ],
    );
    const inv = weightInventory(g, null);
    expect(inv.parameters).toBe(800 + 64 + 8);
    expect(inv.quantizedParameters).toBe(0);
    expect(inv.weightBytes).toBe(3200 + 128 + 32);
    expect(inv.rotaryTableBytes).toBe(1024 + 1024 + 1024);
    expect(inv.externalFiles).toEqual(['model.onnx_data', 'model.onnx_data_1']);
    expect(inv.method).toMatch(/not counted: rotary cos\/sin tables, 2 integer\/bool constants and scalars/);
  });

  it('quantized weights count at their logical size; scales and zero points are weight bytes, not parameters', () => {
    // MatMulNBits N=64, K=96: B [64, 3, 16] uint8, scales [192] fp16, zero points [128] uint8.
    // GatherBlockQuantized over a uint8 container [100, 4] (two 4-bit codes per byte) = 100×8; int4 [100, 8] = 800.
    const g = graph(
      [t('lm_Q4', U8, [64, 3, 16], 1), t('lm_scales', F16, [192], 2), t('lm_zp', U8, [128], 1), t('emb_q', U8, [100, 4], 1), t('emb_s', F32, [100], 4), t('emb4', INT4, [100, 8], 0.5), t('emb4_s', F32, [100], 4)],
      [
        n('MatMulNBits', ['h', 'lm_Q4', 'lm_scales', 'lm_zp'], ['logits'], { K: 96, N: 64, bits: 4, block_size: 32 }, 'com.microsoft'),
        n('GatherBlockQuantized', ['emb_q', 'input_ids', 'emb_s'], ['x'], { bits: 4 }, 'com.microsoft'),
        n('GatherBlockQuantized', ['emb4', 'ids2', 'emb4_s'], ['y'], {}, 'com.microsoft'),
      ],
    );
    const inv = weightInventory(g, null);
    expect(inv.parameters).toBe(64 * 96 + 800 + 800);
    expect(inv.quantizedParameters).toBe(inv.parameters);
    expect(inv.weightBytes).toBe(3072 + 384 + 128 + 400 + 400 + 400 + 400);
    expect(inv.method).toMatch(/MatMulNBits N·K, GatherBlockQuantized/);
  });

  it('a tied LM head stored as its own 4-bit copy (onnx-community q4) is counted once only when the config says the embeddings are tied', () => {
    const g = graph(
      [t('model.embed_tokens.weight', F16, [64, 32], 2), t('lm_head_Q4', U8, [64, 1, 16], 1), t('lm_head_scales', F16, [64], 2), t('lm_head_zero_points', U8, [64], 1)],
      [
        n('Cast', ['input_ids'], ['ids32'], { to: 6 }),
        n('Gather', ['model.embed_tokens.weight', 'ids32'], ['x']),
        n('MatMulNBits', ['x', 'lm_head_Q4', 'lm_head_scales', 'lm_head_zero_points'], ['l0'], { K: 32, N: 64 }, 'com.microsoft'),
        n('Reshape', ['l0', 'shape'], ['logits']),
      ],
    );
    const unknown = weightInventory(g, null);
    expect(unknown.parameters).toBe(2 * 64 * 32);
    expect(unknown.method).toMatch(/LM head 'lm_head_Q4' has the embedding table's size and no config\.json says whether they are tied: counted separately/);
    expect(weightInventory(g, false).method).not.toMatch(/tied/);
    const tied = weightInventory(g, true);
    expect(tied.parameters).toBe(64 * 32);
    expect(tied.quantizedParameters).toBe(0);
    expect(tied.tiedCopyNotCounted).toBe('lm_head_Q4');
    expect(tied.weightBytes).toBe(4096 + 1024 + 128 + 64); // both copies are stored and read
    expect(tied.method).toMatch(/LM head 'lm_head_Q4' is a stored copy of the tied embedding table/);
  });
});

describe('model facts from config files', () => {
  it('Hugging Face config.json: Llama/Qwen2 names, GPT-2 names, and tie_word_embeddings defaulting to true', () => {
    const qwen = factsFromHfConfig({ model_type: 'qwen2', num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, hidden_size: 896, vocab_size: 151936, max_position_embeddings: 32768, tie_word_embeddings: true });
    expect(qwen).toMatchObject({ source: 'config.json', numLayers: 24, numKvHeads: 2, headDim: 64, contextLength: 32768, tieWordEmbeddings: true });
    const gpt2 = factsFromHfConfig({ model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, vocab_size: 50257 });
    expect(gpt2).toMatchObject({ numLayers: 12, numHeads: 12, numKvHeads: 12, headDim: 64, hiddenSize: 768, contextLength: 1024, tieWordEmbeddings: true });
    expect(factsFromHfConfig({ n_layer: 2, tie_word_embeddings: false }).tieWordEmbeddings).toBe(false);
  });

  it('onnxruntime-genai genai_config.json: decoder section, context length and I/O name templates', () => {
    const f = factsFromGenaiConfig({
      model: { type: 'phi3', context_length: 4096, vocab_size: 32064, decoder: { filename: 'phi3-int4.onnx', head_size: 96, hidden_size: 3072, num_attention_heads: 32, num_key_value_heads: 32, num_hidden_layers: 32, inputs: { past_key_names: 'past_key_values.%d.key', past_value_names: 'past_key_values.%d.value' }, outputs: { present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' } } },
    });
    expect(f).toMatchObject({ source: 'genai_config.json', numLayers: 32, headDim: 96, vocabSize: 32064, contextLength: 4096, tieWordEmbeddings: null });
    expect(f!.genai).toMatchObject({ filename: 'phi3-int4.onnx', pastKey: 'past_key_values.%d.key', presentValue: 'present.%d.value' });
    expect(factsFromGenaiConfig({ search: {} })).toBeNull();
  });
});
