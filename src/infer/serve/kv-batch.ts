/**
 * A batch of per-slot KV caches on the host, and the per-row masks and positions that feed it
 * (pure: typed arrays only, no onnxruntime).
 *
 * Each KV tensor is dense `[rows, kv_heads, width, head_dim]` (BNSH, as Optimum and
 * onnxruntime-genai declare `past_key_values.N.key|value`), one row per sequence in the batch, and
 * every row keeps its own length ℓ. Where a row's ℓ valid columns sit depends on how the graph
 * writes the new token's key/value (`KvLayout`):
 *
 * - `left`: columns 0..ℓ−1, the new token written at column ℓ of its own row. This is
 *   `com.microsoft.GroupQueryAttention`: per-row `seqlens_k` (= mask sum − 1) says where each row
 *   writes and how far it attends, and the present buffer is max(total length, past width) wide
 *   (microsoft/onnxruntime contrib_ops group_query_attention; genai's mask reformatting), so a
 *   buffer sized for the longest row's final length stays that wide: the dense-slot layout of
 *   Hugging Face's StaticLayer (huggingface/transformers src/transformers/cache_utils.py).
 * - `right`: columns W−ℓ..W−1 (left padding), the new token appended at column W for every row.
 *   This is a graph whose present = Concat(past, new) and whose causal mask counts key columns
 *   (Hugging Face exports: key column j is visible to the query at column W iff j ≤ W, padding
 *   hidden by attention_mask), i.e. what `generate()` with left padding feeds.
 *
 * Masked columns hold stale values; the mask hides them (retiring a row needs no zeroing). Which
 * layout a model honours is not visible in its I/O: src/infer/serve/ort-engine.ts checks it by
 * comparing merged decoding with solo decoding before it relies on it.
 */

/** Where each row's valid KV columns sit (see the module comment). */
export type KvLayout = 'left' | 'right';

/** Element storage of one KV tensor (fp32, or fp16 bits). */
export type KvArray = Float32Array | Uint16Array;

/** The index inputs of one decode step (row-major, ready for int64/int32 tensors). */
export interface StepInputs {
  /** attention_mask width (past + the new token, or the buffer width for `left` when it has room). */
  maskWidth: number;
  /** rows × maskWidth of 0/1. */
  mask: Uint8Array;
  /** position_ids: each row's ℓ (the true position of its new token). */
  positions: number[];
}

/**
 * Mask and positions of one decode step over rows of lengths `lengths` in a buffer `width` wide.
 * `left` with room (width > max ℓ): mask as wide as the buffer, ones on 0..ℓ; otherwise
 * width + 1 (the step appends a column): `left` ones on 0..ℓ, `right` ones on width−ℓ..width.
 */
export function stepInputs(layout: KvLayout, lengths: readonly number[], width: number): StepInputs {
  const maxLen = Math.max(0, ...lengths);
  const maskWidth = layout === 'left' && width > maxLen ? width : width + 1;
  const mask = new Uint8Array(lengths.length * maskWidth);
  lengths.forEach((len, r) => {
    const from = layout === 'left' ? 0 : maskWidth - 1 - len;
    mask.fill(1, r * maskWidth + from, r * maskWidth + from + len + 1);
  });
  return { maskWidth, mask, positions: [...lengths] };
}

/** The index inputs of a batched prefill of prompts of different lengths (padded per the layout). */
export interface PrefillInputs {
  width: number;
  ids: number[];
  mask: Uint8Array;
  positions: number[];
}

/**
 * Pad prompts to the longest: `left` layout pads on the right (tokens at columns 0..p−1),
 * `right` on the left (tokens at the last p columns). Padding tokens are id 0, masked, at position 0
 * (`right`) or their column (`left`, past the row's end, never attended).
 */
export function prefillInputs(layout: KvLayout, prompts: readonly ArrayLike<number>[]): PrefillInputs {
  const width = Math.max(...prompts.map((p) => p.length));
  const ids: number[] = [];
  const positions: number[] = [];
  const mask = new Uint8Array(prompts.length * width);
  prompts.forEach((p, r) => {
    const pad = width - p.length;
    for (let c = 0; c < width; c++) {
      const j = layout === 'left' ? c : c - pad; // index into the prompt, or out of it for a pad
      const real = j >= 0 && j < p.length;
      ids.push(real ? p[j]! : 0);
      positions.push(real ? j : layout === 'left' ? c : 0);
      mask[r * width + c] = real ? 1 : 0;
    }
  });
  return { width, ids, mask, positions };
}

/** Host KV of the sequences in a continuous batch. */
export class KvBatch {
  /** One array per KV tensor (layer × key/value), each rows × heads × width × headDim. */
  data: KvArray[];
  width = 0;
  lengths: number[] = [];

  constructor(
    readonly layout: KvLayout,
    readonly tensors: number,
    readonly heads: number,
    readonly headDim: number,
    private readonly alloc: (n: number) => KvArray,
  ) {
    this.data = Array.from({ length: tensors }, () => alloc(0));
  }

  get rows(): number {
    return this.lengths.length;
  }

  private rowSize(width = this.width): number {
    return this.heads * width * this.headDim;
  }

  /** First valid column of a row of length `len` in a buffer `width` wide. */
  private start(len: number, width = this.width): number {
    return this.layout === 'left' ? 0 : width - len;
  }

  /** Re-lay every row into a buffer `width` wide (≥ every row's length), keeping its valid columns. */
  resize(width: number): void {
    if (width < Math.max(0, ...this.lengths)) throw new RangeError(`KvBatch.resize(${width}): narrower than a row of length ${Math.max(...this.lengths)}`);
    if (width === this.width) return;
    const D = this.headDim;
    this.data = this.data.map((src) => {
      const dst = this.alloc(this.rows * this.rowSize(width));
      this.lengths.forEach((len, r) => {
        for (let h = 0; h < this.heads; h++) {
          const s = ((r * this.heads + h) * this.width + this.start(len)) * D;
          dst.set(src.subarray(s, s + len * D) as never, ((r * this.heads + h) * width + this.start(len, width)) * D);
        }
      });
      return dst;
    });
    this.width = width;
  }

  /** Append an empty row (length 0); returns its index. */
  addRow(): number {
    this.data = this.data.map((src) => {
      const dst = this.alloc((this.rows + 1) * this.rowSize());
      dst.set(src as never);
      return dst;
    });
    this.lengths.push(0);
    return this.rows - 1;
  }

  /** Remove rows (the rows after them move up). */
  removeRows(rows: readonly number[]): void {
    if (!rows.length) return;
    const gone = new Set(rows);
    const keep = this.lengths.map((_, r) => r).filter((r) => !gone.has(r));
    const rs = this.rowSize();
    this.data = this.data.map((src) => {
      const dst = this.alloc(keep.length * rs);
      keep.forEach((r, k) => dst.set(src.subarray(r * rs, (r + 1) * rs) as never, k * rs));
      return dst;
    });
    this.lengths = keep.map((r) => this.lengths[r]!);
  }

  /**
   * Put a sequence of `len` tokens into `row`: `src` holds one array per KV tensor,
   * [1, heads, srcWidth, headDim] with the sequence at columns 0..len−1 (a prefill's present).
   * The buffer must already be ≥ len wide.
   */
  placeRow(row: number, src: readonly KvArray[], srcWidth: number, len: number): void {
    if (len > this.width) throw new RangeError(`KvBatch.placeRow: ${len} tokens in a buffer ${this.width} wide`);
    const D = this.headDim;
    src.forEach((s, t) => {
      for (let h = 0; h < this.heads; h++) {
        this.data[t]!.set(s.subarray(h * srcWidth * D, (h * srcWidth + len) * D) as never, ((row * this.heads + h) * this.width + this.start(len)) * D);
      }
    });
    this.lengths[row] = len;
  }

  /** Take a step's present arrays ([rows, heads, width, headDim]): every row grew by one token. */
  adoptStep(present: KvArray[], width: number): void {
    if (present.length !== this.tensors) throw new RangeError(`KvBatch.adoptStep: ${present.length} tensors, expected ${this.tensors}`);
    this.data = present;
    this.width = width;
    this.lengths = this.lengths.map((l) => l + 1);
  }
}
