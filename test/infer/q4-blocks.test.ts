import { describe, expect, it } from 'vitest';
import { dequantizeQ4, q4Bytes, quantizeQ4, transposeKN } from '../../src/infer/q4.js';
import { seededRandom } from '../helpers.js';

// MatMulNBits layout (onnxruntime docs/ContribOperators.md#com.microsoft.MatMulNBits): codes packed
// two per byte, lower index in the low nibble; zero points packed the same way per row.
describe('4-bit block quantization in the MatMulNBits layout', () => {
  it('a hand-worked block: range [−1, 0.875] → scale 0.125, zero point 8, codes packed low nibble first', () => {
    // 32 values whose codes are k mod 16: v = code · 0.125 − 1 (all exactly representable).
    const row = Float32Array.from({ length: 32 }, (_, k) => (k % 16) * 0.125 - 1);
    const m = quantizeQ4(row, 1, 32, 'fp32');
    expect(m.scales[0]).toBe(0.125);
    expect(m.zeroPoints[0]! & 0x0f).toBe(8);
    expect(Array.from(m.packed.subarray(0, 8))).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect(Array.from(m.packed.subarray(8, 16))).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect(Array.from(dequantizeQ4(m))).toEqual(Array.from(row));
  });

  it('zero is always representable: an all-positive block gets zero point 0 and scale max/15', () => {
    const row = Float32Array.from({ length: 32 }, (_, k) => 0.5 + k / 31 * 1.5);
    const m = quantizeQ4(row, 1, 32, 'fp32');
    expect(m.zeroPoints[0]! & 0x0f).toBe(0);
    expect(m.scales[0]).toBe(Math.fround(2 / 15));
  });

  it('zero points of an odd number of blocks: ⌈kBlocks/2⌉ bytes per row, second block in the high nibble', () => {
    // K = 96 → 3 blocks per row; block b of row n has all values in [−b−1, 0] so its zero point is 15.
    const N = 2;
    const K = 96;
    const rows = Float32Array.from({ length: N * K }, (_, i) => (i % 2 === 0 ? -(Math.floor((i % K) / 32) + 1) : 0));
    const m = quantizeQ4(rows, N, K, 'fp32');
    expect(m.zeroPoints).toHaveLength(N * 2);
    expect(Array.from(m.zeroPoints)).toEqual([0xff, 0x0f, 0xff, 0x0f]);
    expect(Array.from(m.scales)).toEqual([1 / 15, 2 / 15, 3 / 15, 1 / 15, 2 / 15, 3 / 15].map(Math.fround));
    expect(q4Bytes(N, K, 'fp16')).toEqual({ packed: N * 3 * 16, scales: N * 3 * 2, zeroPoints: N * 2 });
  });

  it('every dequantized value is within half a step of the original (seeded random matrices, fp32 and fp16 scales)', () => {
    for (const seed of [1, 2, 3]) {
      const rnd = seededRandom(seed);
      const N = 24;
      const K = 160;
      const rows = Float32Array.from({ length: N * K }, () => (rnd() * 2 - 1) * (0.01 + rnd()));
      for (const st of ['fp32', 'fp16'] as const) {
        const m = quantizeQ4(rows, N, K, st);
        const d = dequantizeQ4(m);
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < K; k++) {
            const scale = m.scales[n * m.kBlocks + Math.floor(k / 32)]!;
            // fp16 scales are rounded (≤ 2^-11 relative), which can shift the top code by a fraction of a step.
            const bound = st === 'fp32' ? scale * 0.5 + 1e-7 : scale * 0.52;
            expect(Math.abs(d[n * K + k]! - rows[n * K + k]!), `seed ${seed} ${st} n=${n} k=${k}`).toBeLessThanOrEqual(bound);
          }
        }
      }
    }
  });

  it('transposeKN turns a MatMul weight [K, N] into MatMulNBits rows [N, K]', () => {
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]); // K=2, N=3
    expect(Array.from(transposeKN(w, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
