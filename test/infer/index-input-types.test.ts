import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DecoderRunner, detectDecoderIO } from '../../src/infer/decoder.js';

/** Session metadata of a one-layer decoder whose index inputs have the given element types. */
function meta(maskType: string, posType: string) {
  const kv = (name: string) => ({ name, isTensor: true, type: 'float32', shape: ['batch', 2, 'past', 8] as Array<number | string> });
  const inputs = [
    { name: 'input_ids', isTensor: true, type: 'int64', shape: ['batch', 'seq'] },
    { name: 'attention_mask', isTensor: true, type: maskType, shape: ['batch', 'total'] },
    { name: 'position_ids', isTensor: true, type: posType, shape: ['batch', 'seq'] },
    kv('past_key_values.0.key'),
    kv('past_key_values.0.value'),
  ];
  const outputs = [
    { name: 'logits', isTensor: true, type: 'float32', shape: ['batch', 'seq', 32] },
    { name: 'present.0.key', isTensor: true, type: 'float32', shape: ['batch', 2, 'total', 8] },
    { name: 'present.0.value', isTensor: true, type: 'float32', shape: ['batch', 2, 'total', 8] },
  ];
  return { inputs, outputs };
}

/** feeds() never touches the session, so a placeholder is enough to inspect what would be fed. */
const noSession = {} as ort.InferenceSession;

describe('attention_mask and position_ids are fed with the element type the session declares', () => {
  it('int32 inputs (some onnxruntime-genai exports) get int32 tensors with the right values', () => {
    const { inputs, outputs } = meta('int32', 'int32');
    const io = detectDecoderIO(inputs, outputs, 'm.onnx');
    expect(io.attentionMaskType).toBe('int32');
    expect(io.positionIdsType).toBe('int32');
    const r = new DecoderRunner(noSession, io, 2);
    const f = r.feeds([1, 2, 3, 4, 5, 6], 3);
    expect(f.attention_mask!.type).toBe('int32');
    expect(f.attention_mask!.dims).toEqual([2, 3]);
    expect(Array.from(f.attention_mask!.data as Int32Array)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(f.position_ids!.type).toBe('int32');
    expect(Array.from(f.position_ids!.data as Int32Array)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('int64 inputs (Optimum, the generated models) keep int64 tensors', () => {
    const { inputs, outputs } = meta('int64', 'int64');
    const io = detectDecoderIO(inputs, outputs, 'm.onnx');
    const f = new DecoderRunner(noSession, io, 1).feeds([7, 8], 2);
    expect(f.attention_mask!.type).toBe('int64');
    expect(f.position_ids!.type).toBe('int64');
    expect(Array.from(f.position_ids!.data as BigInt64Array)).toEqual([0n, 1n]);
  });
});
