/**
 * The dispatch engine: keeps several dispatches in flight, reads results back without idling the
 * queue, and never loses a candidate.
 *
 * Each in-flight slot owns a params uniform, a result buffer and a MAP_READ staging buffer. A slot's
 * command buffer clears the result counter, dispatches the slice and copies the results to staging;
 * then `mapAsync` waits for it while the other slots' work keeps the queue busy (the queue runs
 * command buffers in submission order: WebGPU spec §"Queue timeline"). A slot whose counter exceeds
 * the buffer's capacity is re-scanned as smaller slices (pushed to the front of the work list), so a
 * full buffer costs time, never a candidate.
 */
import type { GpuContext } from '../gpu/adapter.js';
import { computePipeline, createBuffer, writeWords } from '../gpu/shaders.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '../util/timeout.js';
import { KERNELS, kernelSource, noncesPerWorkgroup, overrideConstants, launchLabel, type LaunchConfig } from './kernels.js';
import type { ShaderSource } from '../gpu/shaders.js';

/** Bound on one dispatch's completion (a software adapter at ~2 MH/s needs ~2 s for 4 M nonces). */
export const DISPATCH_TIMEOUT_MS = 120_000;

/** A half-open nonce slice [base, base + count). */
export interface Slice {
  base: number;
  count: number;
  /** True when this slice re-scans part of an overflowed one. */
  rescan?: boolean;
}

/** What one completed slice reported. */
export interface SliceResult {
  slice: Slice;
  /** Candidate nonces (unsorted), complete for the slice. */
  candidates: number[];
  /** performance.now() when its readback resolved. */
  doneMs: number;
}

/** Engine options. */
export interface EngineOptions {
  launch: LaunchConfig;
  /** Result-buffer capacity in nonces per slot. */
  resultCapacity: number;
  /** Slots (dispatches) in flight. */
  inFlight: number;
}

interface Slot {
  index: number;
  submittedMs: number;
  params: GPUBuffer;
  out: GPUBuffer;
  read: GPUBuffer;
  bindGroup: GPUBindGroup;
  slice: Slice | null;
  pending: Promise<void> | null;
}

/** Counters an engine keeps over its life. */
export interface EngineStats {
  dispatches: number;
  /** Slices that overflowed their result buffer and were re-scanned. */
  overflows: number;
  rescanDispatches: number;
  noncesDispatched: number;
}

/** A pipelined SHA256d search engine for one device, launch config and job. */
export class HashEngine {
  readonly stats: EngineStats = { dispatches: 0, overflows: 0, rescanDispatches: 0, noncesDispatched: 0 };
  private slots: Slot[] = [];
  private job: GPUBuffer | null = null;
  private pipeline: GPUComputePipeline | null = null;
  private targetTop = 0;
  /** The WGSL this engine runs (set by create). */
  source!: ShaderSource;
  /** Pipeline build time, ms (0 when it came from the cache). */
  compileTimeMs = 0;
  /** Smoothed execution time per nonce, ms (null until measured): drives the pre-map sleep. */
  private msPerNonce: number | null = null;
  private lastDoneMs = 0;
  /** Total time slept before mapping (ms) and time spent waiting on a pending map (ms). */
  readonly waits = { sleptMs: 0, mapWaitMs: 0 };

  private constructor(
    private readonly ctx: GpuContext,
    readonly opts: EngineOptions,
  ) {}

  /** Build the pipeline and buffers. */
  static async create(ctx: GpuContext, opts: EngineOptions): Promise<HashEngine> {
    const e = new HashEngine(ctx, opts);
    await e.init();
    return e;
  }

  /** Largest slice one dispatch can cover (1-D grid bound: maxComputeWorkgroupsPerDimension). */
  get maxSliceNonces(): number {
    const maxGroups = this.ctx.device.limits.maxComputeWorkgroupsPerDimension;
    return Math.min(2 ** 31, maxGroups * noncesPerWorkgroup(this.opts.launch));
  }

  private async init(): Promise<void> {
    const { device } = this.ctx;
    this.source = kernelSource(this.opts.launch.variant);
    const built = await computePipeline(device, this.source, overrideConstants(this.opts.launch));
    this.pipeline = built.pipeline;
    this.compileTimeMs = built.compileTimeMs;
    const cap = this.opts.resultCapacity;
    const label = `hash:${launchLabel(this.opts.launch)}`;
    this.job = createBuffer(device, `${label}:job`, 16 * 64, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const layout = this.pipeline.getBindGroupLayout(0);
    for (let i = 0; i < this.opts.inFlight; i++) {
      const params = createBuffer(device, `${label}:params#${i}`, 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const out = createBuffer(device, `${label}:results#${i}`, 16 + 4 * cap, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
      const read = createBuffer(device, `${label}:readback#${i}`, 16 + 4 * cap, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const bindGroup = device.createBindGroup({
        label: `${label}:bind#${i}`,
        layout,
        entries: [
          { binding: 0, resource: { buffer: params } },
          { binding: 1, resource: { buffer: this.job } },
          { binding: 2, resource: { buffer: out } },
        ],
      });
      this.slots.push({ index: i, submittedMs: 0, params, out, read, bindGroup, slice: null, pending: null });
    }
  }

  /** Set the job: header (the nonce field is ignored) and the target's top 32 bits. Call while idle. */
  setJob(header: Uint8Array, targetTop: number): void {
    if (this.slots.some((s) => s.slice)) throw new Error('setJob while dispatches are in flight');
    const words = KERNELS[this.opts.launch.variant].jobWords(header);
    if (words.byteLength > this.job!.size) throw new Error(`job constants (${words.byteLength} B) exceed the job buffer`);
    writeWords(this.ctx.device, this.job!, words);
    this.targetTop = targetTop >>> 0;
  }

  private submit(slot: Slot, slice: Slice): void {
    const { device } = this.ctx;
    writeWords(device, slot.params, Uint32Array.of(slice.base >>> 0, slice.count >>> 0, this.targetTop, this.opts.resultCapacity));
    const enc = device.createCommandEncoder({ label: `hash:slice@${slice.base}` });
    enc.clearBuffer(slot.out, 0, 16);
    const pass = enc.beginComputePass({ label: 'hash:search' });
    pass.setPipeline(this.pipeline!);
    pass.setBindGroup(0, slot.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(slice.count / noncesPerWorkgroup(this.opts.launch)));
    pass.end();
    const bytes = 16 + 4 * this.opts.resultCapacity;
    enc.copyBufferToBuffer(slot.out, 0, slot.read, 0, bytes);
    device.queue.submit([enc.finish()]);
    slot.slice = slice;
    slot.submittedMs = performance.now();
    slot.pending = null;
    this.stats.dispatches++;
    this.stats.noncesDispatched += slice.count;
    if (slice.rescan) this.stats.rescanDispatches++;
  }

  /** Wait for a slot; returns its candidates, or null when it overflowed (slice pushed for re-scan). */
  private async collect(slot: Slot, work: Slice[]): Promise<SliceResult | null> {
    const slice = slot.slice!;
    const cap = this.opts.resultCapacity;
    // dawn.node re-ticks the device from setImmediate for as long as any promise is pending, so
    // awaiting mapAsync busy-spins the main thread, taking a core from a software adapter's
    // workers (measured: as much CPU as each lavapipe worker). Sleep through ~90 % of the
    // predicted remaining run time of this slice (the queue is kept busy by the other slots),
    // then map. The prediction errs short, so a late wake-up only costs a little spinning.
    const startMs = Math.max(slot.submittedMs, this.lastDoneMs);
    if (this.msPerNonce !== null) {
      const remainingMs = startMs + slice.count * this.msPerNonce - performance.now();
      if (remainingMs > 2) {
        const t = performance.now();
        await sleep(0.9 * remainingMs);
        this.waits.sleptMs += performance.now() - t;
      }
    }
    const bytes = 16 + 4 * cap;
    const tMap = performance.now();
    slot.pending = slot.read.mapAsync(GPUMapMode.READ, 0, bytes);
    await withTimeout(slot.pending, DISPATCH_TIMEOUT_MS, `SHA256d dispatch of ${slice.count} nonces`);
    const doneMs = performance.now();
    this.waits.mapWaitMs += doneMs - tMap;
    // Per-nonce time from back-to-back slices (start = previous completion or submission).
    if (this.lastDoneMs > 0 && slice.count >= 65536) {
      const est = (doneMs - startMs) / slice.count;
      this.msPerNonce = this.msPerNonce === null ? est : 0.7 * this.msPerNonce + 0.3 * est;
    }
    this.lastDoneMs = doneMs;
    const view = new Uint32Array(slot.read.getMappedRange(0, bytes));
    const n = view[0]!;
    let result: SliceResult | null = null;
    if (n <= cap) {
      result = { slice, candidates: Array.from(view.subarray(4, 4 + n)), doneMs };
    } else {
      // Overflow: split so each piece should hold about cap/4 candidates; recursion handles bad luck.
      this.stats.overflows++;
      const pieces = Math.min(slice.count, Math.max(2, Math.ceil((4 * n) / cap)));
      const step = Math.ceil(slice.count / pieces);
      const sub: Slice[] = [];
      for (let off = 0; off < slice.count; off += step) sub.push({ base: slice.base + off, count: Math.min(step, slice.count - off), rescan: true });
      work.unshift(...sub);
    }
    slot.read.unmap();
    slot.slice = null;
    slot.pending = null;
    return result;
  }

  /**
   * Run slices from `next()` until it returns null (and re-scans are done), keeping `inFlight`
   * dispatches queued. `onResult` sees each completed slice in completion order.
   */
  async run(next: () => Slice | null, onResult: (r: SliceResult) => void): Promise<void> {
    const work: Slice[] = [];
    const queue: Slot[] = []; // in-flight slots, oldest first
    const free = [...this.slots];
    let exhausted = false;
    const take = (): Slice | null => {
      const w = work.shift();
      if (w) return w;
      if (exhausted) return null;
      const s = next();
      if (!s) exhausted = true;
      return s;
    };
    try {
      for (;;) {
        while (free.length) {
          const s = take();
          if (!s) break;
          const slot = free.shift()!;
          this.submit(slot, s);
          queue.push(slot);
        }
        const oldest = queue.shift();
        if (!oldest) break;
        const r = await this.collect(oldest, work);
        free.push(oldest);
        if (r) onResult(r);
      }
    } finally {
      // On error, let mappings settle so buffers can be destroyed cleanly.
      await Promise.allSettled(queue.map((s) => s.pending));
    }
  }

  /** Zero the counters (e.g. after the self-check, so they count only the real work). */
  resetStats(): void {
    Object.assign(this.stats, { dispatches: 0, overflows: 0, rescanDispatches: 0, noncesDispatched: 0 });
  }

  /** Release GPU buffers. */
  destroy(): void {
    for (const s of this.slots) {
      s.params.destroy();
      s.out.destroy();
      s.read.destroy();
    }
    this.job?.destroy();
    this.slots = [];
  }
}
