/**
 * Host KV batch operations and per-row step inputs (src/infer/serve/kv-batch.ts) on tiny tensors
 * whose every element is written out by hand: 1 tensor, 1 head, head_dim 1, so a row's KV is a
 * list of numbers and where each lands can be checked directly.
 */
import { describe, expect, it } from 'vitest';
import { KvBatch, prefillInputs, stepInputs } from '../../../src/infer/serve/kv-batch.js';

const f32 = (n: number) => new Float32Array(n);
const rowsOf = (kv: KvBatch) => Array.from({ length: kv.rows }, (_, r) => Array.from(kv.data[0]!.subarray(r * kv.width, (r + 1) * kv.width)));

describe('KV batch', () => {
  it('left layout: rows keep columns 0..ℓ−1; a resize keeps them there', () => {
    const kv = new KvBatch('left', 1, 1, 1, f32);
    kv.addRow();
    kv.addRow();
    kv.resize(4);
    kv.placeRow(0, [Float32Array.of(1, 2, 3)], 3, 3);
    kv.placeRow(1, [Float32Array.of(7, 8, 9, 9)], 4, 2); // a 2-token sequence in a 4-wide source
    expect(rowsOf(kv)).toEqual([[1, 2, 3, 0], [7, 8, 0, 0]]);
    kv.resize(5);
    expect(rowsOf(kv)).toEqual([[1, 2, 3, 0, 0], [7, 8, 0, 0, 0]]);
    expect(kv.lengths).toEqual([3, 2]);
  });

  it('right layout: rows keep their last ℓ columns; widening pads on the left, trimming drops leading columns', () => {
    const kv = new KvBatch('right', 1, 1, 1, f32);
    kv.addRow();
    kv.addRow();
    kv.resize(3);
    kv.placeRow(0, [Float32Array.of(1, 2, 3)], 3, 3);
    kv.placeRow(1, [Float32Array.of(7, 8)], 2, 2);
    expect(rowsOf(kv)).toEqual([[1, 2, 3], [0, 7, 8]]);
    kv.resize(5);
    expect(rowsOf(kv)).toEqual([[0, 0, 1, 2, 3], [0, 0, 0, 7, 8]]);
    kv.adoptStep([Float32Array.of(0, 0, 1, 2, 3, 4, 0, 0, 0, 7, 8, 9)], 6);
    expect(kv.lengths).toEqual([4, 3]);
    kv.resize(4);
    expect(rowsOf(kv)).toEqual([[1, 2, 3, 4], [0, 7, 8, 9]]);
  });

  it('removing rows moves the later rows up; adding a row keeps the others', () => {
    const kv = new KvBatch('left', 2, 1, 1, f32); // two tensors (a key and a value)
    for (let r = 0; r < 3; r++) kv.addRow();
    kv.resize(2);
    [0, 1, 2].forEach((r) => kv.placeRow(r, [Float32Array.of(r + 1, r + 1), Float32Array.of(-(r + 1), -(r + 1))], 2, 2));
    kv.removeRows([1]);
    expect(rowsOf(kv)).toEqual([[1, 1], [3, 3]]);
    expect(Array.from(kv.data[1]!)).toEqual([-1, -1, -3, -3]);
    kv.addRow();
    expect(rowsOf(kv)).toEqual([[1, 1], [3, 3], [0, 0]]);
    expect(kv.lengths).toEqual([2, 2, 0]);
  });

  it('heads and head_dim: a row is heads × width × head_dim, each head placed at its own offset', () => {
    const kv = new KvBatch('right', 1, 2, 2, f32); // 2 heads, head_dim 2
    kv.addRow();
    kv.resize(3);
    // source [1, 2 heads, width 2, dim 2]: head 0 = [[1,2],[3,4]], head 1 = [[5,6],[7,8]]
    kv.placeRow(0, [Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8)], 2, 2);
    expect(Array.from(kv.data[0]!)).toEqual([0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8]);
  });

  it('step inputs: per-row positions = ℓ, mask ones over each row’s columns and the new token', () => {
    expect(stepInputs('right', [2, 4], 4)).toEqual({ maskWidth: 5, mask: Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1, 1, 1), positions: [2, 4] });
    // left with room (buffer 6 > longest 4): the mask is the buffer's width, the step writes in place
    expect(stepInputs('left', [2, 4], 6)).toEqual({ maskWidth: 6, mask: Uint8Array.of(1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0), positions: [2, 4] });
    expect(stepInputs('left', [2, 4], 4).maskWidth).toBe(5);
  });

  it('padded prefill: right layout pads on the left, left layout on the right', () => {
    expect(prefillInputs('right', [[5, 6], [7, 8, 9]])).toEqual({ width: 3, ids: [0, 5, 6, 7, 8, 9], mask: Uint8Array.of(0, 1, 1, 1, 1, 1), positions: [0, 0, 1, 0, 1, 2] });
    expect(prefillInputs('left', [[5, 6], [7, 8, 9]])).toEqual({ width: 3, ids: [5, 6, 0, 7, 8, 9], mask: Uint8Array.of(1, 1, 0, 1, 1, 1), positions: [0, 1, 2, 0, 1, 2] });
  });
});
