import { describe, expect, it } from 'vitest';
import { detectDecoderIO } from '../../src/infer/decoder.js';
import { UsageError } from '../../src/util/errors.js';

type Meta = { name: string; isTensor: boolean; type?: string; shape?: Array<number | string> };
const kv = (name: string, type = 'float16', shape: Array<number | string> = ['batch', 2, 'past', 8]): Meta => ({ name, isTensor: true, type, shape });
const ids: Meta = { name: 'input_ids', isTensor: true, type: 'int32', shape: ['batch', 'seq'] };
const logits: Meta = { name: 'logits', isTensor: true, type: 'float16', shape: ['batch', 'seq', 'vocab'] };

function err(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect(String((e as Error).message)).not.toMatch(/\n/);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe("a decoder's I/O is read from its declared inputs and outputs", () => {
  it('onnxruntime-genai name templates from genai_config.json pick the KV names, and config numbers fill symbolic dims', () => {
    const io = detectDecoderIO(
      [ids, kv('past_key.0', 'float16', ['batch', 'kv_heads', 'past', 'head']), kv('past_value.0', 'float16', ['batch', 'kv_heads', 'past', 'head'])],
      [logits, kv('present_key.0'), kv('present_value.0')],
      'm.onnx',
      { pastKey: 'past_key.%d', pastValue: 'past_value.%d', presentKey: 'present_key.%d', presentValue: 'present_value.%d', numKvHeads: 4, headDim: 32, vocabSize: 1000 },
    );
    expect(io.layers).toEqual([{ pastKey: 'past_key.0', pastValue: 'past_value.0', presentKey: 'present_key.0', presentValue: 'present_value.0' }]);
    expect([io.numKvHeads, io.headDim, io.vocabSize, io.kvType, io.inputIdsType, io.attentionMask, io.positionIds]).toEqual([4, 32, 1000, 'float16', 'int32', null, null]);
  });

  it('symbolic KV dims without a config to fill them: one line saying so', () => {
    const m = err(() => detectDecoderIO([ids, kv('past_key_values.0.key', 'float32', ['b', 'h', 'p', 'd']), kv('past_key_values.0.value')], [logits, kv('present.0.key'), kv('present.0.value')], 'm.onnx'));
    expect(m).toMatch(/static kv_heads\/head_dim \(and no config\.json or genai_config\.json gives them\)/);
  });

  it('stacked past_N inputs (older GPT-2 exports) are refused in one line that says how to re-export', () => {
    const m = err(() => detectDecoderIO([ids, { name: 'past_0', isTensor: true, type: 'float32', shape: [2, 'batch', 12, 'past', 64] }], [logits, { name: 'present_0', isTensor: true, type: 'float32' }], 'gpt2-old.onnx'));
    expect(m).toMatch(/^--model gpt2-old\.onnx: stacked KV inputs \('past_0' \[2, batch, 12, past, 64\].*not supported; re-export with Optimum/);
  });

  it('an input the benchmark cannot feed is named in one line instead of failing inside run()', () => {
    const m = err(() => detectDecoderIO([ids, { name: 'token_type_ids', isTensor: true, type: 'int64' }, kv('past_key_values.0.key'), kv('past_key_values.0.value')], [logits, kv('present.0.key'), kv('present.0.value')], 'm.onnx'));
    expect(m).toMatch(/^--model m\.onnx: input 'token_type_ids' cannot be fed \(the benchmark feeds input_ids, attention_mask, position_ids, use_cache_branch/);
  });
});
