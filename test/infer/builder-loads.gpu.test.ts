import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModelDir } from '../../src/infer/model-store.js';
import { DecoderRunner, openDecoderSession } from '../../src/infer/decoder.js';
import { PRESETS, parameterCount } from '../../src/infer/presets.js';
import { architectureParams } from '../fixtures/decoder-params.js';
import { countOnnxWeights } from '../fixtures/onnx-count.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generated ONNX decoders load in onnxruntime-node with Optimum/genai I/O names', () => {
  for (const preset of ['tiny', 'tiny-gpt2']) {
    for (const variant of ['gqa', 'std'] as const) {
      for (const dtype of ['fp32', 'fp16'] as const) {
        it(`${preset} ${variant} ${dtype}`, async () => {
          const m = buildModelDir(preset, { dtype, variant, dir: join(root, `${preset}-${dtype}-${variant}`) });
          const c = PRESETS[preset]!;
          const { session, io } = await openDecoderSession(m.modelPath, 'cpu');
          try {
            const expectIn = ['input_ids', 'attention_mask'];
            // genai's Llama GQA graph derives positions from seqlens_k; every other graph takes position_ids.
            if (!(variant === 'gqa' && c.family === 'llama')) expectIn.push('position_ids');
            for (let l = 0; l < c.numLayers; l++) expectIn.push(`past_key_values.${l}.key`, `past_key_values.${l}.value`);
            expect(session.inputNames).toEqual(expectIn);
            const expectOut = ['logits'];
            for (let l = 0; l < c.numLayers; l++) expectOut.push(`present.${l}.key`, `present.${l}.value`);
            expect(session.outputNames).toEqual(expectOut);
            expect(io.kvType).toBe(dtype === 'fp32' ? 'float32' : 'float16');
            expect([io.numKvHeads, io.headDim, io.vocabSize]).toEqual([c.numKvHeads, c.headDim, c.vocabSize]);
            const r = new DecoderRunner(session, io, 2);
            const logits = await r.step([1, 2, 3, 4, 5, 6, 7, 8], 4);
            expect(logits.dims).toEqual([2, 4, c.vocabSize]);
            expect(logits.type).toBe(dtype === 'fp32' ? 'float32' : 'float16');
            const cfg = JSON.parse(readFileSync(join(m.dir, 'config.json'), 'utf8'));
            expect(cfg.vocab_size).toBe(c.vocabSize);
            // The stored count against the architecture's formula, and the linear layers actually
            // written (MatMul/Gemm weight inputs, read back by an independent protobuf walker).
            const arch = architectureParams(c);
            expect(cfg.joulebench).toMatchObject({ synthetic: true, preset, dtype, variant, parameters: arch.total });
            expect(countOnnxWeights(m.modelPath).linear).toBe(arch.linear);
            const genai = JSON.parse(readFileSync(join(m.dir, 'genai_config.json'), 'utf8'));
            expect(genai.model.decoder.inputs.past_key_names).toBe('past_key_values.%d.key');
          } finally {
            await session.release();
          }
        });
      }
    }
  }

  it('external data (model.onnx.data) gives the same logits as inline weights', async () => {
    const inline = buildModelDir('tiny', { dtype: 'fp32', variant: 'gqa', dir: join(root, 'inline') });
    const ext = buildModelDir('tiny', { dtype: 'fp32', variant: 'gqa', dir: join(root, 'ext'), externalThresholdBytes: 0 });
    expect(inline.info.externalData).toBe(false);
    expect(ext.info.externalData).toBe(true);
    const run = async (file: string) => {
      const { session, io } = await openDecoderSession(file, 'cpu');
      const out = await new DecoderRunner(session, io, 1).step([5, 9, 11], 3);
      await session.release();
      return Array.from(out.data as Float32Array);
    };
    const a = await run(inline.modelPath);
    const b = await run(ext.modelPath);
    expect(b).toEqual(a);
    // The small model file references the weights instead of holding them.
    expect(readFileSync(ext.modelPath).length).toBeLessThan(readFileSync(inline.modelPath).length / 4);
  });

  it('preset parameter counts match the public models', () => {
    // Published totals (tied embeddings counted once): GPT-2 124,439,808; Qwen2.5-0.5B 494,032,768;
    // Llama-3.2-1B 1,235,814,400.
    expect(parameterCount(PRESETS.gpt2!)).toBe(124_439_808);
    expect(parameterCount(PRESETS['qwen2.5-0.5b']!)).toBe(494_032_768);
    expect(parameterCount(PRESETS['llama3.2-1b']!)).toBe(1_235_814_400);
    // The architecture formula the generated models are checked against gives the same totals.
    expect(architectureParams(PRESETS.gpt2!).total).toBe(124_439_808);
    expect(architectureParams(PRESETS['qwen2.5-0.5b']!).total).toBe(494_032_768);
    expect(architectureParams(PRESETS['llama3.2-1b']!).total).toBe(1_235_814_400);
  });

  it('the ORT session input metadata is what the runner relies on (symbolic batch/seq, static heads)', async () => {
    const m = buildModelDir('tiny', { dtype: 'fp32', variant: 'std', dir: join(root, 'meta') });
    const s = await ort.InferenceSession.create(m.modelPath);
    const k = s.inputMetadata.find((x) => x.name === 'past_key_values.0.key')!;
    expect(k.isTensor && k.shape).toEqual(['batch_size', 2, 'past_sequence_length', 16]);
    await s.release();
  });
});
