/**
 * 4-bit block quantization in the layout of onnxruntime's `com.microsoft.MatMulNBits` (pure).
 *
 * MatMulNBits computes Y = A · dequant(B)ᵀ with B stored per output feature n (N rows) and per
 * block of `blockSize` consecutive elements along K:
 * - `B` uint8 [N, kBlocks, blockSize/2]: two 4-bit codes per byte, the lower-indexed element in the
 *   low nibble;
 * - `scales` [N · kBlocks] in the activation type (fp32, or fp16 for q4f16);
 * - `zero_points` uint8 [N · ⌈kBlocks/2⌉]: two 4-bit zero points per byte, low nibble first;
 * - dequant(code) = (code − zero_point) · scale.
 * Spec: onnxruntime docs/ContribOperators.md#com.microsoft.MatMulNBits
 * (https://github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md).
 *
 * Quantization is asymmetric min/max per block with zero always representable, the rule of
 * onnxruntime's MLAS blockwise quantizer (`range2scalezp` in
 * https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/mlas/lib/q4_dq.cpp, used by
 * `MatMul4BitsQuantizer(is_symmetric=False)`): range = [min(0, min x), max(0, max x)],
 * scale = range / 15, zero_point = round(−min / scale) clamped to [0, 15],
 * code = clamp(round(x / scale + zero_point), 0, 15).
 */
import { f16BitsToF32, f32ToF16Bits } from './weights.js';

/**
 * Block size of the q4 presets: onnx-community's q4 exports use 32
 * (https://github.com/huggingface/transformers.js/blob/main/scripts/quantize.py, `block_size or 32`).
 */
export const Q4_BLOCK_SIZE = 32;

/** One quantized weight matrix, N rows (output features) × K (reduction). */
export interface Q4Matrix {
  N: number;
  K: number;
  blockSize: number;
  kBlocks: number;
  /** [N, kBlocks, blockSize/2] packed codes. */
  packed: Uint8Array;
  /** [N · kBlocks] scales as stored (fp32 values; fp16-rounded when `scaleType` is fp16). */
  scales: Float32Array;
  /** [N · ⌈kBlocks/2⌉] packed zero points. */
  zeroPoints: Uint8Array;
  scaleType: 'fp32' | 'fp16';
}

/** Bytes of the three MatMulNBits initializers for an N×K matrix. */
export function q4Bytes(N: number, K: number, scaleType: 'fp32' | 'fp16', blockSize = Q4_BLOCK_SIZE): { packed: number; scales: number; zeroPoints: number } {
  const kBlocks = Math.ceil(K / blockSize);
  return { packed: N * kBlocks * (blockSize / 2), scales: N * kBlocks * (scaleType === 'fp32' ? 4 : 2), zeroPoints: N * Math.ceil(kBlocks / 2) };
}

/** An empty matrix to be filled row-chunk by row-chunk with {@link quantizeRowsInto}. */
export function allocQ4(N: number, K: number, scaleType: 'fp32' | 'fp16', blockSize = Q4_BLOCK_SIZE): Q4Matrix {
  const kBlocks = Math.ceil(K / blockSize);
  const b = q4Bytes(N, K, scaleType, blockSize);
  return { N, K, blockSize, kBlocks, packed: new Uint8Array(b.packed), scales: new Float32Array(N * kBlocks), zeroPoints: new Uint8Array(b.zeroPoints), scaleType };
}

/**
 * Quantize rows [row0, row0 + rows.length / K) of `m` from `rows` (row-major, K per row; rows
 * are output features). Elements past K in the last block are treated as 0.
 */
export function quantizeRowsInto(m: Q4Matrix, rows: Float32Array, row0: number): void {
  const { K, blockSize, kBlocks } = m;
  const nRows = rows.length / K;
  const zpRow = Math.ceil(kBlocks / 2);
  const half = blockSize / 2;
  for (let r = 0; r < nRows; r++) {
    const n = row0 + r;
    for (let b = 0; b < kBlocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let k = k0; k < k1; k++) {
        const v = rows[r * K + k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale = (hi - lo) / 15;
      if (m.scaleType === 'fp16') scale = f16BitsToF32(f32ToF16Bits(scale));
      scale = Math.fround(scale);
      const zp = scale === 0 ? 0 : Math.min(15, Math.max(0, Math.round(-lo / scale)));
      const inv = scale === 0 ? 0 : 1 / scale;
      m.scales[n * kBlocks + b] = scale;
      const zi = n * zpRow + (b >> 1);
      m.zeroPoints[zi] = b & 1 ? (m.zeroPoints[zi]! & 0x0f) | (zp << 4) : (m.zeroPoints[zi]! & 0xf0) | zp;
      const base = (n * kBlocks + b) * half;
      const rowBase = r * K;
      for (let j = 0; j < blockSize; j += 2) {
        const ka = k0 + j;
        const kb = ka + 1;
        const a = ka < k1 ? Math.min(15, Math.max(0, Math.round(rows[rowBase + ka]! * inv + zp))) : zp;
        const c = kb < k1 ? Math.min(15, Math.max(0, Math.round(rows[rowBase + kb]! * inv + zp))) : zp;
        m.packed[base + (j >> 1)] = a | (c << 4);
      }
    }
  }
}

/** Quantize a whole N×K row-major matrix. */
export function quantizeQ4(rows: Float32Array, N: number, K: number, scaleType: 'fp32' | 'fp16', blockSize = Q4_BLOCK_SIZE): Q4Matrix {
  if (rows.length !== N * K) throw new Error(`quantizeQ4: ${rows.length} values for ${N}×${K}`);
  const m = allocQ4(N, K, scaleType, blockSize);
  quantizeRowsInto(m, rows, 0);
  return m;
}

/** dequant(B) as an N×K row-major matrix: (code − zero_point) · scale, per block. */
export function dequantizeQ4(m: Q4Matrix): Float32Array {
  const { N, K, blockSize, kBlocks } = m;
  const out = new Float32Array(N * K);
  const zpRow = Math.ceil(kBlocks / 2);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      const zb = m.zeroPoints[n * zpRow + (b >> 1)]!;
      const zp = b & 1 ? zb >> 4 : zb & 0x0f;
      const scale = m.scales[n * kBlocks + b]!;
      const base = (n * kBlocks + b) * (blockSize / 2);
      for (let j = 0; j < blockSize && b * blockSize + j < K; j++) {
        const byte = m.packed[base + (j >> 1)]!;
        const code = j & 1 ? byte >> 4 : byte & 0x0f;
        out[n * K + b * blockSize + j] = (code - zp) * scale;
      }
    }
  }
  return out;
}

/** Transpose a K×N row-major matrix (MatMul weight layout) into N×K rows (MatMulNBits layout). */
export function transposeKN(w: Float32Array, K: number, N: number): Float32Array {
  const out = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) out[n * K + k] = w[k * N + n]!;
  return out;
}

/** Scales as stored bytes (little-endian fp32 or fp16). */
export function scaleBytes(m: Q4Matrix): Uint8Array {
  if (m.scaleType === 'fp32') return new Uint8Array(m.scales.buffer, m.scales.byteOffset, m.scales.byteLength);
  const h = new Uint16Array(m.scales.length);
  for (let i = 0; i < h.length; i++) h[i] = f32ToF16Bits(m.scales[i]!);
  return new Uint8Array(h.buffer);
}
