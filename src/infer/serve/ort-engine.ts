/**
 * The engines behind `infer serve`'s scheduler on an onnxruntime decoder session (the I/O part of
 * src/infer/serve/).
 *
 * - `ContinuousEngine`: continuous batching with the KV cache on the host. Joining requests are
 *   prefilled together (one run per prompt length, no padding), each one's present K/V copied into
 *   a free row of the batch's dense KV (src/infer/serve/kv-batch.ts); each decode step feeds every row its own
 *   position and attention mask; a finished row leaves (rows are compacted before the next step, or
 *   reused by a request joining in the same iteration). Needs the KV readable and writable from
 *   JavaScript: the cpu EP, or `--batching continuous` on WebGPU (present outputs then come back to
 *   the host every step, which costs a device→host→device copy per step: labelled in the result).
 * - `BoundaryEngine`: static batches refilled at batch boundaries, the KV left wherever the EP put
 *   it (on the device for WebGPU: onnxruntime-node 1.30 cannot read or write a device tensor from
 *   JavaScript — https://github.com/microsoft/onnxruntime/pull/22660 — so a new sequence's KV cannot
 *   be merged into a running batch there).
 *
 * Every run() is bounded (a hung device becomes a TimeoutError, the session is then left alone).
 * Tokens: the first is the argmax of the prefill's last logits (inside TTFT, as `infer bench`
 * counts it); later ones are random ids (llama-bench: logits not read) or greedy (argmax).
 */
import * as ort from 'onnxruntime-node';
import { TimeoutError } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { f16BitsToF32 } from '../weights.js';
import { DEFAULT_STEP_TIMEOUT_MS, type DecoderIO } from '../decoder.js';
import { KvBatch, prefillInputs, stepInputs, type KvArray, type KvLayout } from './kv-batch.js';
import type { BatchEngine, EngineRequest } from './scheduler.js';

/** What both engines need. */
export interface EngineContext {
  session: ort.InferenceSession;
  io: DecoderIO;
  layout: KvLayout;
  tokens: 'random' | 'greedy';
  vocabSize: number;
  /** Uniform [0, 1) generator for token ids (seeded). */
  u: () => number;
  stepTimeoutMs?: number;
  /** Called with each row's logits at its token (the merge check compares them with solo decoding). */
  onLogits?: (slot: number, logits: Float32Array) => void;
  /** Set when a run() timed out (the session must not be released under it). */
  status: { timedOut: boolean };
}

const RUN_OPTIONS: ort.InferenceSession.RunOptions = { logSeverityLevel: 4 };

function indexTensor(type: 'int64' | 'int32', values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const n = values.length;
  if (type === 'int64') {
    const a = new BigInt64Array(n);
    for (let i = 0; i < n; i++) a[i] = BigInt(values[i]!);
    return new ort.Tensor('int64', a, dims);
  }
  return new ort.Tensor('int32', Int32Array.from(values as ArrayLike<number>), dims);
}

/** The logits of `row` at sequence position `pos` as fp32 ([B, S, V] logits on the host). */
export function logitsAt(logits: ort.Tensor, row: number, pos: number): Float32Array {
  const [, S, V] = logits.dims as [number, number, number];
  const base = (row * S + pos) * V;
  const d = logits.data as Float32Array | Uint16Array;
  if (d instanceof Float32Array) return d.slice(base, base + V);
  const out = new Float32Array(V);
  for (let v = 0; v < V; v++) out[v] = f16BitsToF32(d[base + v]!);
  return out;
}

/** Index of the largest value. */
export function argmax(x: Float32Array): number {
  let best = -Infinity;
  let arg = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > best) {
      best = x[i]!;
      arg = i;
    }
  }
  return arg;
}

/** Feeds and run shared by both engines. */
abstract class OrtEngineBase {
  protected readonly pastNames: string[];
  protected readonly presentNames: string[];
  /** Next token of each slot. */
  protected readonly next = new Map<number, number>();

  constructor(protected readonly ctx: EngineContext) {
    this.pastNames = ctx.io.layers.flatMap((l) => [l.pastKey, l.pastValue]);
    this.presentNames = ctx.io.layers.flatMap((l) => [l.presentKey, l.presentValue]);
  }

  protected randomIds(n: number): number[] {
    return Array.from({ length: n }, () => Math.floor(this.ctx.u() * this.ctx.vocabSize));
  }

  protected emptyPast(rows: number): ort.Tensor {
    const { io } = this.ctx;
    return new ort.Tensor(io.kvType, io.kvType === 'float32' ? new Float32Array(0) : new Uint16Array(0), [rows, io.numKvHeads, 0, io.headDim]);
  }

  /** The feeds of one run: ids/positions [rows, seq], mask [rows, maskWidth], the past tensors. */
  protected feeds(rows: number, seq: number, ids: ArrayLike<number>, positions: ArrayLike<number>, mask: Uint8Array, maskWidth: number, past: ort.Tensor[], withPast: boolean): Record<string, ort.Tensor> {
    const { io } = this.ctx;
    const f: Record<string, ort.Tensor> = { [io.inputIds]: indexTensor(io.inputIdsType, ids, [rows, seq]) };
    if (io.positionIds) f[io.positionIds] = indexTensor(io.positionIdsType, positions, [rows, seq]);
    if (io.attentionMask) f[io.attentionMask] = indexTensor(io.attentionMaskType, mask, [rows, maskWidth]);
    if (io.useCacheBranch) f[io.useCacheBranch] = new ort.Tensor('bool', Uint8Array.of(withPast ? 1 : 0), [1]);
    this.pastNames.forEach((n, i) => (f[n] = past[i]!));
    return f;
  }

  protected async run(feeds: Record<string, ort.Tensor>, what: string): Promise<ort.InferenceSession.OnnxValueMapType> {
    try {
      return await withTimeout(this.ctx.session.run(feeds, RUN_OPTIONS), this.ctx.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, `onnxruntime run() of ${what}`);
    } catch (err) {
      if (err instanceof TimeoutError) this.ctx.status.timedOut = true;
      else throw new Error(`onnxruntime run() of ${what} failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`, { cause: err });
      throw err;
    }
  }

  /** Record each row's logits at `pos[r]` and choose its next token. */
  protected nextTokens(logits: ort.Tensor, slots: readonly number[], pos: readonly number[], first: boolean): void {
    slots.forEach((slot, r) => {
      const needLogits = first || this.ctx.tokens === 'greedy' || this.ctx.onLogits;
      const lg = needLogits ? logitsAt(logits, r, pos[r]!) : null;
      if (lg) this.ctx.onLogits?.(slot, lg);
      this.next.set(slot, lg && (first || this.ctx.tokens === 'greedy') ? argmax(lg) : this.randomIds(1)[0]!);
    });
  }
}

/** Continuous batching over host KV (see the module comment). */
export class ContinuousEngine extends OrtEngineBase implements BatchEngine {
  readonly mode = 'continuous' as const;
  private readonly kv: KvBatch;
  /** Row of each slot in the KV batch, and the final length (prompt + output) of each row. */
  private readonly rowOf = new Map<number, number>();
  private finals: number[] = [];
  /** Rows whose sequence left and that no request has reused yet. */
  private readonly vacant = new Set<number>();
  /** Rows dropped and re-laid (full KV copies), for the result. */
  copies = { compactions: 0, resizes: 0 };

  constructor(ctx: EngineContext) {
    super(ctx);
    const { io } = ctx;
    const alloc = io.kvType === 'float32' ? (n: number) => new Float32Array(n) : (n: number) => new Uint16Array(n);
    this.kv = new KvBatch(ctx.layout, this.pastNames.length, io.numKvHeads, io.headDim, alloc);
  }

  /** Prefill the joining requests (one run per prompt length) and place each in a row of the batch. */
  async join(entries: ReadonlyArray<{ slot: number; req: EngineRequest }>): Promise<void> {
    const groups = new Map<number, Array<{ slot: number; req: EngineRequest }>>();
    for (const e of entries) groups.set(e.req.promptTokens, [...(groups.get(e.req.promptTokens) ?? []), e]);
    for (const [p, group] of groups) {
      const k = group.length;
      const ids = group.flatMap((e) => (e.req.promptIds ? [...e.req.promptIds] : this.randomIds(p)));
      const pos = group.flatMap(() => Array.from({ length: p }, (_, i) => i));
      const out = await this.run(this.feeds(k, p, ids, pos, new Uint8Array(k * p).fill(1), p, this.pastNames.map(() => this.emptyPast(k)), false), `a ${p}-token prefill of ${k} request(s)`);
      this.nextTokens(out[this.ctx.io.logits]!, group.map((e) => e.slot), group.map(() => p - 1), true);
      const present = this.presentNames.map((n) => out[n]!);
      group.forEach((e, r) => this.place(e.slot, e.req, present, r));
    }
  }

  /** Copy row `r` of a prefill's present tensors into a row of the batch. */
  private place(slot: number, req: EngineRequest, present: ort.Tensor[], r: number): void {
    const p = req.promptTokens;
    const row = this.vacant.size ? this.takeVacant() : this.kv.addRow();
    this.finals[row] = p + req.outputTokens;
    this.rowOf.set(slot, row);
    const need = this.ctx.layout === 'left' ? Math.max(...this.liveFinals()) : Math.max(p, ...this.kv.lengths);
    if (this.kv.width < need) {
      this.kv.resize(need);
      this.copies.resizes++;
    }
    const srcWidth = present[0]!.dims[2]!;
    const per = this.ctx.io.numKvHeads * srcWidth * this.ctx.io.headDim;
    this.kv.placeRow(row, present.map((t) => (t.data as KvArray).subarray(r * per, (r + 1) * per)), srcWidth, p);
  }

  private takeVacant(): number {
    const row = Math.min(...this.vacant);
    this.vacant.delete(row);
    this.kv.lengths[row] = 0; // its old sequence's columns are stale; the new one is placed next
    return row;
  }

  private liveFinals(): number[] {
    return this.finals.filter((_, r) => !this.vacant.has(r));
  }

  leave(slot: number): void {
    const row = this.rowOf.get(slot);
    if (row === undefined) return;
    this.rowOf.delete(slot);
    this.next.delete(slot);
    this.vacant.add(row);
  }

  /** Drop vacant rows and trim slack columns before a step. */
  private compact(): void {
    if (this.vacant.size) {
      const gone = [...this.vacant];
      this.kv.removeRows(gone);
      this.finals = this.finals.filter((_, r) => !this.vacant.has(r));
      const order = [...this.rowOf.entries()].sort((a, b) => a[1] - b[1]);
      order.forEach(([slot], k) => this.rowOf.set(slot, k));
      this.vacant.clear();
      this.copies.compactions++;
    }
    const need = this.ctx.layout === 'left' ? Math.max(0, ...this.finals) : Math.max(0, ...this.kv.lengths);
    if (this.kv.width - need > Math.max(8, Math.ceil(this.kv.width / 8))) {
      this.kv.resize(need);
      this.copies.resizes++;
    }
  }

  async step(slots: readonly number[]): Promise<void> {
    this.compact();
    const bySlot = [...this.rowOf.entries()].sort((a, b) => a[1] - b[1]).map(([s]) => s);
    if (bySlot.length !== slots.length || !slots.every((s) => this.rowOf.has(s))) throw new Error(`continuous engine: scheduler stepped slots [${slots.join(',')}] but the batch holds [${bySlot.join(',')}]`);
    const { io } = this.ctx;
    const n = bySlot.length;
    const W = this.kv.width;
    const si = stepInputs(this.ctx.layout, this.kv.lengths, W);
    const past = this.kv.data.map((d) => new ort.Tensor(io.kvType, d, [n, io.numKvHeads, W, io.headDim]));
    const out = await this.run(this.feeds(n, 1, bySlot.map((s) => this.next.get(s)!), si.positions, si.mask, si.maskWidth, past, true), `a decode step of ${n} sequence(s)`);
    const present = this.presentNames.map((name) => out[name]!);
    this.kv.adoptStep(present.map((t) => t.data as KvArray), present[0]!.dims[2]!);
    this.nextTokens(out[io.logits]!, bySlot, bySlot.map(() => 0), false);
  }

  async startBatch(): Promise<void> {
    throw new Error('continuous engine: startBatch is the boundary engine');
  }

  clear(): void {
    for (const slot of [...this.rowOf.keys()]) this.leave(slot);
    this.compact();
  }
}

/** Static batches refilled at batch boundaries; the KV stays where the EP put it. */
export class BoundaryEngine extends OrtEngineBase implements BatchEngine {
  readonly mode = 'boundary' as const;
  private past: ort.Tensor[] = [];
  private slots: number[] = [];
  private lengths: number[] = [];
  private width = 0;

  async startBatch(entries: ReadonlyArray<{ slot: number; req: EngineRequest }>): Promise<void> {
    this.clear();
    const prompts = entries.map((e) => (e.req.promptIds ? [...e.req.promptIds] : this.randomIds(e.req.promptTokens)));
    const pi = prefillInputs(this.ctx.layout, prompts);
    const n = entries.length;
    const out = await this.run(this.feeds(n, pi.width, pi.ids, pi.positions, pi.mask, pi.width, this.pastNames.map(() => this.emptyPast(n)), false), `a batched prefill of ${n} × ${pi.width} tokens`);
    this.slots = entries.map((e) => e.slot);
    this.lengths = prompts.map((p) => p.length);
    // The last real token of each row: its own end (left layout, right padding) or the last column.
    this.nextTokens(out[this.ctx.io.logits]!, this.slots, this.lengths.map((l) => (this.ctx.layout === 'left' ? l - 1 : pi.width - 1)), true);
    this.adopt(out);
  }

  private adopt(out: ort.InferenceSession.OnnxValueMapType): void {
    for (const t of this.past) if (t.location === 'gpu-buffer') t.dispose();
    this.past = this.presentNames.map((name) => out[name]!);
    this.width = this.past[0]!.dims[2]!;
  }

  async step(slots: readonly number[]): Promise<void> {
    if (slots.length !== this.slots.length || slots.some((s, i) => s !== this.slots[i])) throw new Error(`boundary engine: scheduler stepped slots [${slots.join(',')}] but the batch is [${this.slots.join(',')}]`);
    const si = stepInputs(this.ctx.layout, this.lengths, this.width);
    const n = this.slots.length;
    const out = await this.run(this.feeds(n, 1, this.slots.map((s) => this.next.get(s)!), si.positions, si.mask, si.maskWidth, this.past, true), `a decode step of ${n} sequence(s)`);
    this.adopt(out);
    this.lengths = this.lengths.map((l) => l + 1);
    this.nextTokens(out[this.ctx.io.logits]!, this.slots, this.slots.map(() => 0), false);
  }

  async join(): Promise<void> {
    throw new Error('boundary engine: requests join only at batch boundaries (startBatch)');
  }

  leave(): void {}

  clear(): void {
    if (!this.ctx.status.timedOut) for (const t of this.past) if (t.location === 'gpu-buffer') t.dispose();
    this.past = [];
    this.slots = [];
    this.lengths = [];
    this.width = 0;
    this.next.clear();
  }

  /** Where the last step left the KV cache ('cpu' or 'gpu-buffer'); null before any. */
  get kvLocation(): string | null {
    return this.past[0]?.location ?? null;
  }
}
