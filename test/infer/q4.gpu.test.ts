import '../fixtures/narrow-llvmpipe.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import { DecoderRunner, openDecoderSession, type Ep } from '../../src/infer/decoder.js';
import { buildModelDir } from '../../src/infer/model-store.js';
import { PRESETS } from '../../src/infer/presets.js';
import { f16BitsToF32 } from '../../src/infer/weights.js';
import { architectureParams } from '../fixtures/decoder-params.js';
import { countOnnxWeights } from '../fixtures/onnx-count.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-q4-'));
const prevModels = process.env.JOULEBENCH_MODELS_DIR;
process.env.JOULEBENCH_MODELS_DIR = join(root, 'models');
afterAll(() => {
  if (prevModels === undefined) delete process.env.JOULEBENCH_MODELS_DIR;
  else process.env.JOULEBENCH_MODELS_DIR = prevModels;
  rmSync(root, { recursive: true, force: true });
});

/** Prefill logits of a fixed prompt, as float32. */
async function logits(file: string, ep: Ep): Promise<Float32Array> {
  const { session, io } = await openDecoderSession(file, ep);
  try {
    const t = await new DecoderRunner(session, io, 1).step([5, 9, 11, 200, 17, 300], 6);
    const d = t.data as Float32Array | Uint16Array;
    return t.type === 'float16' ? Float32Array.from(d as Uint16Array, f16BitsToF32) : Float32Array.from(d as Float32Array);
  } finally {
    await session.release();
  }
}
const maxAbs = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

// Tolerances, logits of magnitude ~8–13 here:
// - q4 (fp32 activations): MatMulNBits against MatMul over the same dequantized weights differs only
//   by summation order: ≤ 1e-4 (observed ≤ 4e-6 on both EPs).
// - q4f16 (fp16 activations, fp16 scales): ≤ 0.05, about 6 fp16 ulps at |x| ∈ [8, 16) (observed
//   ≤ 0.008 on cpu, ≤ 0.03 on webgpu against the cpu reference).
const TOL = { q4: 1e-4, q4f16: 0.05 } as const;

describe('q4 / q4f16 presets: MatMulNBits (4-bit, block 32, scales + zero points) equals the dequantized graph', () => {
  for (const [preset, dtype] of [['tiny', 'q4'], ['tiny', 'q4f16'], ['tiny-gpt2', 'q4']] as const) {
    it(`${preset} ${dtype} on cpu: logits within ${TOL[dtype]} of MatMul over dequant(weights); parameters as the architecture and the file`, async () => {
      const q = buildModelDir(preset, { dtype, variant: 'gqa', dir: join(root, `${preset}-${dtype}`) });
      const ref = buildModelDir(preset, { dtype, variant: 'gqa', dir: join(root, `${preset}-${dtype}-ref`), q4Reference: true });
      const a = await logits(q.modelPath, 'cpu');
      const b = await logits(ref.modelPath, 'cpu');
      expect(maxAbs(a)).toBeGreaterThan(1); // logits are not degenerate
      expect(maxDiff(a, b)).toBeLessThanOrEqual(TOL[dtype]);
      // The stored count against the architecture's formula (test/fixtures/decoder-params.ts), and the
      // file's own linear layers (K·N of each MatMulNBits, read back by an independent walker).
      const arch = architectureParams(PRESETS[preset]!);
      expect(q.info.parameters).toBe(arch.total);
      expect(countOnnxWeights(q.modelPath).linear).toBe(arch.linear);
    });
  }

  it('tiny q4 on the WebGPU EP: MatMulNBits runs on the device, logits match the dequantized graph, parameters and weight bytes by hand', async () => {
    const m = await runInferBench({ model: 'tiny', ep: 'webgpu', dtype: 'q4', prompt: 4, gen: 2, repetitions: 1 });
    const d = m.details as any;
    // 7 linear layers per layer × 2 layers + the untied LM head.
    expect(d.placement.opsByProvider.WebGpuExecutionProvider.MatMulNBits).toBe(15);
    expect(d.placement.opsByProvider.CPUExecutionProvider?.MatMulNBits).toBeUndefined();
    expect(d.model.contribOps['com.microsoft.MatMulNBits']).toBe(15);
    expect(m.params.dtype).toBe('q4');
    // tiny by hand: quantized N·K per layer q 64·64, k/v 2·64·32, o 64·64, gate/up 2·64·128,
    // down 128·64 = 36,864, × 2 layers + LM head 64·512 = 106,496 weights stored 4-bit:
    //   codes 106,496/2 = 53,248 B; fp32 scales 106,496/32·4 = 13,312 B; zero points one byte per two
    //   blocks per row = 1,664 B (K = 64 rows: N bytes, K = 128 rows: 2N bytes).
    // fp32 rest: embedding 512·64, norms 5·64, q/k/v biases 2·128 = 33,344 · 4 = 133,376 B.
    expect(d.model.parameters).toBe(106_496 + 33_344);
    expect(d.model.quantizedParameters).toBe(106_496);
    expect(d.model.weightBytes).toBe(53_248 + 13_312 + 1_664 + 133_376);
    const ref = buildModelDir('tiny', { dtype: 'q4', variant: 'gqa', dir: join(root, 'tiny-q4-ref-gpu'), q4Reference: true });
    const a = await logits(d.model.path, 'webgpu');
    const b = await logits(ref.modelPath, 'cpu');
    expect(maxDiff(a, b)).toBeLessThanOrEqual(TOL.q4);
  });

  it('tiny q4f16 on the WebGPU EP (fp16 scales and activations): logits within the q4f16 tolerance of the dequantized graph', async () => {
    const q = buildModelDir('tiny', { dtype: 'q4f16', variant: 'gqa', dir: join(root, 'tiny-q4f16-gpu') });
    const ref = buildModelDir('tiny', { dtype: 'q4f16', variant: 'gqa', dir: join(root, 'tiny-q4f16-ref-gpu'), q4Reference: true });
    const a = await logits(q.modelPath, 'webgpu');
    expect(maxAbs(a)).toBeGreaterThan(1);
    expect(maxDiff(a, await logits(ref.modelPath, 'cpu'))).toBeLessThanOrEqual(TOL.q4f16);
  });
});
