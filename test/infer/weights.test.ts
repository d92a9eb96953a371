import { describe, expect, it } from 'vitest';
import { f16BitsToF32, f32ToF16Bits, mulberry32, tensorSeed, weightBytes } from '../../src/infer/weights.js';

describe('synthetic weight generation', () => {
  it('fp32 → fp16 rounds to nearest even, with subnormals, overflow and NaN (IEEE 754 binary16 reference values)', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds up to +inf
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000); // tie → even (zero)
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(f32ToF16Bits(0.1)).toBe(0x2e66);
    expect(f32ToF16Bits(NaN) & 0x7e00).toBe(0x7e00);
    for (const x of [0.5, -0.333251953125, 1025, 3.140625]) expect(f16BitsToF32(f32ToF16Bits(x))).toBe(x);
  });
  it('each tensor has its own deterministic stream, independent of write order', () => {
    const collect = (name: string, seed: number, dtype: 'fp32' | 'fp16') => {
      const chunks: number[] = [];
      weightBytes(1000, dtype, { kind: 'uniform', scale: 0.5 }, seed, name).write((c) => chunks.push(...c));
      return chunks;
    };
    expect(collect('a', 1, 'fp32')).toEqual(collect('a', 1, 'fp32'));
    expect(collect('a', 1, 'fp32')).not.toEqual(collect('b', 1, 'fp32'));
    expect(collect('a', 1, 'fp32')).not.toEqual(collect('a', 2, 'fp32'));
    expect(collect('a', 1, 'fp16')).toHaveLength(2000);
    expect(tensorSeed(1, 'x')).not.toBe(tensorSeed(1, 'y'));
  });
  it('uniform values stay within center ± scale and cover the range', () => {
    const vals: number[] = [];
    weightBytes(3 << 20, 'fp32', { kind: 'uniform', scale: 0.1, center: 1 }, 7, 'w').write((c) => {
      for (const v of new Float32Array(c.buffer, c.byteOffset, c.byteLength / 4)) vals.push(v);
    });
    expect(vals).toHaveLength(3 << 20); // spans several chunks
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (const v of vals) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    expect(lo).toBeGreaterThanOrEqual(0.9 - 1e-6);
    expect(hi).toBeLessThan(1.1 + 1e-6);
    expect(hi - lo).toBeGreaterThan(0.199);
    expect(Math.abs(sum / vals.length - 1)).toBeLessThan(1e-3);
    const r = mulberry32(42);
    expect(r()).toBe(mulberry32(42)());
  });
});
