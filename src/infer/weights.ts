/**
 * Deterministic synthetic weights: a seeded PRNG writes straight into small typed-array chunks that
 * are streamed to disk (never a whole tensor, never two copies of the weights in memory).
 *
 * Each tensor has its own stream seeded from (model seed, tensor name), so a tensor's values do not
 * depend on the order tensors are written in, or on whether data is inline or external.
 */
import type { LazyBytes } from './onnx-writer.js';

/** Elements per generated chunk (4 MiB of fp32). */
const CHUNK = 1 << 20;

/** FNV-1a over the name, mixed with the seed: the per-tensor stream seed. */
export function tensorSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export { mulberry32 } from '../util/random.js';
import { mulberry32 } from '../util/random.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary32 → binary16 bits, round to nearest even (handles subnormals, inf, NaN). */
export function f32ToF16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = mant >>> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) {
    r++;
    if (r === 0x400) {
      r = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

/** IEEE binary16 bits → number. */
export function f16BitsToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** How a tensor's values are made. */
export type Fill =
  | { kind: 'uniform'; scale: number; center?: number }
  | { kind: 'values'; values: Float32Array };

/** Storage precision of a float weight tensor. */
export type WeightDtype = 'fp32' | 'fp16';

/**
 * Precision of a generated model: float weights throughout (fp32, fp16), or 4-bit linear layers
 * (MatMulNBits, block 32) with the rest fp32 (`q4`) or fp16 (`q4f16`), as onnx-community names its
 * `model_q4.onnx` / `model_q4f16.onnx` exports.
 */
export type ModelDtype = WeightDtype | 'q4' | 'q4f16';

/** Every model dtype, in listing order. */
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q4', 'q4f16'];

/** The float type of a model dtype's non-quantized tensors (and of MatMulNBits scales). */
export function floatDtypeOf(d: ModelDtype): WeightDtype {
  return d === 'fp16' || d === 'q4f16' ? 'fp16' : 'fp32';
}

/**
 * The tensor's values in order, `out.length` at a time (the same values {@link weightBytes}
 * writes as fp32): for quantizing a weight without going through its byte encoding.
 */
export function weightStream(fill: Fill, seed: number, name: string): (out: Float32Array) => void {
  const rnd = fill.kind === 'uniform' ? mulberry32(tensorSeed(seed, name)) : null;
  const k = fill.kind === 'uniform' ? (2 * fill.scale) / 4294967296 : 0;
  const c0 = fill.kind === 'uniform' ? (fill.center ?? 0) - fill.scale : 0;
  let pos = 0;
  return (out) => {
    if (rnd) for (let i = 0; i < out.length; i++) out[i] = c0 + rnd() * k;
    else out.set((fill as { values: Float32Array }).values.subarray(pos, pos + out.length));
    pos += out.length;
  };
}

/**
 * Lazy bytes for a weight tensor of `count` elements: uniform in [center−scale, center+scale)
 * from the tensor's own stream, or given values, encoded little-endian fp32 or fp16.
 */
export function weightBytes(count: number, dtype: WeightDtype, fill: Fill, seed: number, name: string): LazyBytes {
  const bpe = dtype === 'fp32' ? 4 : 2;
  return {
    byteLength: count * bpe,
    write(sink) {
      const rnd = fill.kind === 'uniform' ? mulberry32(tensorSeed(seed, name)) : null;
      const k = fill.kind === 'uniform' ? (2 * fill.scale) / 4294967296 : 0;
      const c0 = fill.kind === 'uniform' ? (fill.center ?? 0) - fill.scale : 0;
      for (let start = 0; start < count; start += CHUNK) {
        const n = Math.min(CHUNK, count - start);
        if (dtype === 'fp32') {
          const out = new Float32Array(n);
          if (rnd) for (let i = 0; i < n; i++) out[i] = c0 + rnd() * k;
          else out.set((fill as { values: Float32Array }).values.subarray(start, start + n));
          sink(new Uint8Array(out.buffer));
        } else {
          const out = new Uint16Array(n);
          if (rnd) for (let i = 0; i < n; i++) out[i] = f32ToF16Bits(c0 + rnd() * k);
          else {
            const v = (fill as { values: Float32Array }).values;
            for (let i = 0; i < n; i++) out[i] = f32ToF16Bits(v[start + i]!);
          }
          sink(new Uint8Array(out.buffer));
        }
      }
    },
  };
}
