import { describe, expect, it } from 'vitest';
import { buildDecoderGraph } from '../../src/infer/builder.js';
import { parameterCount, PRESETS } from '../../src/infer/presets.js';
import type { ModelDtype } from '../../src/infer/weights.js';

/** Bytes of every initializer of a preset's graph (the weights stay lazy: nothing is generated). */
function graphBytes(preset: string, dtype: ModelDtype): number {
  return buildDecoderGraph(PRESETS[preset]!, { dtype, variant: 'gqa', seed: 1 }).inits.reduce((s, t) => s + t.data.byteLength, 0);
}

// onnx-community's exports of SmolLM2-135M-Instruct (same shapes as HuggingFaceTB/SmolLM2-135M),
// file sizes as the Hub lists them (https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/tree/main/onnx,
// quoted in https://stackoverflow.com/questions/79180750): model.onnx 654 MB, model_fp16.onnx 327 MB,
// model_q4.onnx 200 MB, model_q4f16.onnx 134 MB. Those q4 files keep the embedding in float for the
// Gather and store the tied LM head as its own 4-bit copy (transformers.js scripts/quantize.py runs
// MatMul4BitsQuantizer on MatMuls only). The presets add explicit zero points (1/64 byte per weight,
// ~2 MB here), so they must land within a few percent of the published files, not at
// 134.5 M × 0.5 bytes.
describe('q4 / q4f16 presets have the size of onnx-community exports of the same architecture', () => {
  it('smollm2-135m: 134,515,008 parameters; q4 and q4f16 within 3 % of the published 200 MB and 134 MB', () => {
    // embedding 49152·576 + 30 layers × (q 576², k/v 2·576·192, o 576², MLP 3·576·1536, 2 norms) + final norm
    expect(parameterCount(PRESETS['smollm2-135m']!)).toBe(49152 * 576 + 30 * (576 * 576 * 2 + 2 * 576 * 192 + 3 * 576 * 1536 + 2 * 576) + 576);
    expect(parameterCount(PRESETS['smollm2-135m']!)).toBe(134_515_008);
    const q4 = graphBytes('smollm2-135m', 'q4');
    const q4f16 = graphBytes('smollm2-135m', 'q4f16');
    expect(Math.abs(q4 / 200e6 - 1), `q4 ${q4} B`).toBeLessThan(0.03);
    expect(Math.abs(q4f16 / 134e6 - 1), `q4f16 ${q4f16} B`).toBeLessThan(0.03);
    // The fp16 preset keeps the tied table once (Gemm on the embedding), where the export stores a
    // transposed copy for its MatMul: 327 MB − 49152·576·2 B.
    expect(Math.abs(graphBytes('smollm2-135m', 'fp16') / (327e6 - 49152 * 576 * 2) - 1)).toBeLessThan(0.03);
  });
});
