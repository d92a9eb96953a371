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
 *
 * When the adapter has `timestamp-query`, each compute pass writes its begin and end time (WebGPU
 * `timestampWrites`), resolved and copied into the same staging buffer as the results: the sleep
 * policy (src/hash/wake-planner.ts) predicts from the device's execution time, and the pipeline
 * figures (src/hash/pipeline.ts) show any gap the queue had between slices.
 */
import type { GpuContext } from '../gpu/adapter.js';
import { computePipeline, createBuffer, writeWords } from '../gpu/shaders.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { POLL_SPIN_MS, WakePlanner } from './wake-planner.js';
import { TimeoutError } from '../util/errors.js';
import { summarizePipeline, type PipelineFigures, type SliceTiming } from './pipeline.js';
import { KERNELS, kernelSource, noncesPerWorkgroup, overrideConstants, launchLabel, type LaunchConfig } from './kernels.js';
import type { ShaderSource } from '../gpu/shaders.js';

/** Bound on one dispatch's completion (a software adapter at ~2 MH/s needs ~2 s for 4 M nonces). */
export const DISPATCH_TIMEOUT_MS = 120_000;

/** A job a slice can carry: header (nonce field ignored) and the target's top word, with a caller-chosen id. */
export interface SliceJob {
  id: number;
  header: Uint8Array;
  targetTop: number;
}

/** A half-open nonce slice [base, base + count). */
export interface Slice {
  base: number;
  count: number;
  /** True when this slice re-scans part of an overflowed one. */
  rescan?: boolean;
  /**
   * The job this slice searches; absent = the job of the last setJob. A slice whose job differs
   * from the previous slice's uploads it ahead of its dispatch without draining the queue: a
   * writeBuffer runs on the queue timeline after every command buffer submitted before it and
   * before every later one (WebGPU spec, GPUQueue.writeBuffer), so slices in flight keep theirs.
   */
  job?: SliceJob;
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
  /** Begin/end timestamps of the slot's compute pass and where they resolve (null without timestamp-query). */
  query: GPUQuerySet | null;
  resolve: GPUBuffer | null;
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
  /** Id of the job whose constants the job buffer holds for the next submission (null after setJob). */
  private jobId: number | null = null;
  /** The WGSL this engine runs (set by create). */
  source!: ShaderSource;
  /** Pipeline build time, ms (0 when it came from the cache). */
  compileTimeMs = 0;
  /** The sleep policy: when to look at the oldest in-flight slice. */
  readonly planner = new WakePlanner();
  private lastDoneMs = 0;
  /** Every completed slice's timing, in completion order (phases take their part with `timingsSince`). */
  private readonly timings: SliceTiming[] = [];
  /** Device timestamp origin (ns): device times are ms since this, as Numbers. */
  private deviceOriginNs: bigint | null = null;
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

  /** Whether passes are timestamped on the device. */
  get deviceTimestamps(): boolean {
    return this.ctx.device.features.has('timestamp-query');
  }

  /** Bytes of a staging buffer: result header + capacity, then two u64 timestamps (8-aligned). */
  private get resultBytes(): number {
    return 16 + 4 * this.opts.resultCapacity;
  }
  private get timestampOffset(): number {
    return Math.ceil(this.resultBytes / 8) * 8;
  }

  private async init(): Promise<void> {
    const { device } = this.ctx;
    this.source = kernelSource(this.opts.launch.variant);
    const built = await computePipeline(device, this.source, overrideConstants(this.opts.launch));
    this.pipeline = built.pipeline;
    this.compileTimeMs = built.compileTimeMs;
    const label = `hash:${launchLabel(this.opts.launch)}`;
    this.job = createBuffer(device, `${label}:job`, 16 * 64, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    for (let i = 0; i < this.opts.inFlight; i++) this.slots.push(this.createSlot(i, label));
  }

  private createSlot(i: number, label: string): Slot {
    const { device } = this.ctx;
    const params = createBuffer(device, `${label}:params#${i}`, 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const out = createBuffer(device, `${label}:results#${i}`, this.resultBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    const read = createBuffer(device, `${label}:readback#${i}`, this.timestampOffset + 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const bindGroup = device.createBindGroup({
      label: `${label}:bind#${i}`,
      layout: this.pipeline!.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: this.job! } },
        { binding: 2, resource: { buffer: out } },
      ],
    });
    const ts = this.deviceTimestamps;
    const query = ts ? device.createQuerySet({ label: `${label}:timestamps#${i}`, type: 'timestamp', count: 2 }) : null;
    const resolve = ts ? createBuffer(device, `${label}:timestamps-resolve#${i}`, 16, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC) : null;
    return { index: i, submittedMs: 0, params, out, read, bindGroup, query, resolve, slice: null, pending: null };
  }

  /** Set the job: header (the nonce field is ignored) and the target's top 32 bits. Call while idle. */
  setJob(header: Uint8Array, targetTop: number): void {
    if (this.slots.some((s) => s.slice)) throw new Error('setJob while dispatches are in flight');
    const words = KERNELS[this.opts.launch.variant].jobWords(header);
    if (words.byteLength > this.job!.size) throw new Error(`job constants (${words.byteLength} B) exceed the job buffer`);
    writeWords(this.ctx.device, this.job!, words);
    this.targetTop = targetTop >>> 0;
    this.jobId = null;
  }

  /** Queue a slice job's constants ahead of the next dispatch (see Slice.job). */
  private switchJob(job: SliceJob): void {
    const words = KERNELS[this.opts.launch.variant].jobWords(job.header);
    if (words.byteLength > this.job!.size) throw new Error(`job constants (${words.byteLength} B) exceed the job buffer`);
    writeWords(this.ctx.device, this.job!, words);
    this.targetTop = job.targetTop >>> 0;
    this.jobId = job.id;
  }

  private submit(slot: Slot, slice: Slice): void {
    const { device } = this.ctx;
    if (slice.job && slice.job.id !== this.jobId) this.switchJob(slice.job);
    writeWords(device, slot.params, Uint32Array.of(slice.base >>> 0, slice.count >>> 0, this.targetTop, this.opts.resultCapacity));
    const enc = device.createCommandEncoder({ label: `hash:slice@${slice.base}` });
    enc.clearBuffer(slot.out, 0, 16);
    const timestampWrites = slot.query ? { querySet: slot.query, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
    const pass = enc.beginComputePass({ label: 'hash:search', ...(timestampWrites ? { timestampWrites } : {}) });
    pass.setPipeline(this.pipeline!);
    pass.setBindGroup(0, slot.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(slice.count / noncesPerWorkgroup(this.opts.launch)));
    pass.end();
    enc.copyBufferToBuffer(slot.out, 0, slot.read, 0, this.resultBytes);
    if (slot.query) {
      enc.resolveQuerySet(slot.query, 0, 2, slot.resolve!, 0);
      enc.copyBufferToBuffer(slot.resolve!, 0, slot.read, this.timestampOffset, 16);
    }
    device.queue.submit([enc.finish()]);
    slot.slice = slice;
    slot.submittedMs = performance.now();
    slot.pending = null;
    this.stats.dispatches++;
    this.stats.noncesDispatched += slice.count;
    if (slice.rescan) this.stats.rescanDispatches++;
  }

  /** Device begin/end (ms since the engine's first timestamp) from a mapped staging buffer, or nulls. */
  private deviceTimes(slot: Slot): { begin: number | null; end: number | null } {
    if (!slot.query) return { begin: null, end: null };
    const [b, e] = new BigUint64Array(slot.read.getMappedRange(this.timestampOffset, 16));
    // A pass the device did not timestamp reads 0 (or end < begin): treat as missing.
    if (!b || !e || e < b) return { begin: null, end: null };
    this.deviceOriginNs ??= b;
    return { begin: Number(b - this.deviceOriginNs) / 1e6, end: Number(e - this.deviceOriginNs) / 1e6 };
  }

  /**
   * One poll: ask for the map and give it `spinMs` to resolve (dawn.node spins meanwhile); if it
   * has not, withdraw it with unmap(), which rejects the pending map with an AbortError (WebGPU
   * spec, GPUBuffer.unmap()). True when the buffer is mapped.
   */
  private async pollMap(slot: Slot, spinMs: number): Promise<boolean> {
    let withdrawn = false;
    const map = slot.read.mapAsync(GPUMapMode.READ).then(
      () => true,
      (err: unknown) => {
        if (withdrawn) return false;
        throw err;
      },
    );
    slot.pending = map.then(() => undefined, () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), spinMs);
    });
    try {
      const first = await Promise.race([map, expired]);
      if (first !== 'expired') return first;
    } finally {
      clearTimeout(timer);
    }
    // Still pending (JavaScript runs to completion, so mapState cannot change between the check and unmap).
    if (slot.read.mapState === 'pending') {
      withdrawn = true;
      slot.read.unmap();
    }
    return map;
  }

  /** Sleep per the planner, then poll until the slot's buffer maps; returns the wait's timing. */
  private async waitFor(slot: Slot, startMs: number): Promise<Omit<SliceTiming, 'deviceBeginMs' | 'deviceEndMs'> & { missedPolls: number }> {
    const slice = slot.slice!;
    const waitFromMs = performance.now();
    let sleptMs = 0;
    let mapWaitMs = 0;
    let missedPolls = 0;
    const nap = async (ms: number): Promise<void> => {
      const t = performance.now();
      await sleep(ms);
      sleptMs += performance.now() - t;
    };
    const first = this.planner.sleepMs(waitFromMs, slice.count, startMs);
    if (first > 0) await nap(first);
    for (;;) {
      const t = performance.now();
      const mapped = await this.pollMap(slot, POLL_SPIN_MS);
      mapWaitMs += performance.now() - t;
      if (mapped) break;
      if (performance.now() - waitFromMs > DISPATCH_TIMEOUT_MS) {
        throw new TimeoutError(`SHA256d dispatch of ${slice.count} nonces did not finish within ${DISPATCH_TIMEOUT_MS} ms`);
      }
      missedPolls++;
      await nap(this.planner.pollIntervalMs(slice.count, missedPolls));
    }
    const doneMs = performance.now();
    this.waits.sleptMs += sleptMs;
    this.waits.mapWaitMs += mapWaitMs;
    return { count: slice.count, submitMs: slot.submittedMs, waitFromMs, sleptMs, mapWaitMs, doneMs, readyAtWake: missedPolls === 0, missedPolls };
  }

  /** Wait for a slot; returns its candidates, or null when it overflowed (slice pushed for re-scan). */
  private async collect(slot: Slot, work: Slice[]): Promise<SliceResult | null> {
    const slice = slot.slice!;
    const cap = this.opts.resultCapacity;
    const startMs = Math.max(slot.submittedMs, this.lastDoneMs);
    const { missedPolls, ...w } = await this.waitFor(slot, startMs);
    const dev = this.deviceTimes(slot);
    this.timings.push({ ...w, deviceBeginMs: dev.begin, deviceEndMs: dev.end });
    this.planner.observe({ count: slice.count, startMs, doneMs: w.doneMs, missedPolls, deviceMs: dev.begin === null ? null : dev.end! - dev.begin });
    this.lastDoneMs = w.doneMs;
    const view = new Uint32Array(slot.read.getMappedRange(0, this.resultBytes));
    const n = view[0]!;
    let result: SliceResult | null = null;
    if (n <= cap) {
      result = { slice, candidates: Array.from(view.subarray(4, 4 + n)), doneMs: w.doneMs };
    } else {
      // Overflow: split so each piece should hold about cap/4 candidates; recursion handles bad luck.
      this.stats.overflows++;
      const pieces = Math.min(slice.count, Math.max(2, Math.ceil((4 * n) / cap)));
      const step = Math.ceil(slice.count / pieces);
      const sub: Slice[] = [];
      for (let off = 0; off < slice.count; off += step) sub.push({ base: slice.base + off, count: Math.min(step, slice.count - off), rescan: true, ...(slice.job ? { job: slice.job } : {}) });
      work.unshift(...sub);
    }
    slot.read.unmap();
    slot.slice = null;
    slot.pending = null;
    return result;
  }

  /** Slots submitted and not yet collected, oldest first (the step API below and `run`). */
  private readonly inFlightSlots: Slot[] = [];
  /** Re-scans of overflowed slices, owed before any new slice. */
  private readonly rescans: Slice[] = [];

  /** Slices in flight. */
  get inFlight(): number {
    return this.inFlightSlots.length;
  }

  /** The next re-scan owed (an overflowed slice's piece), if any: it goes before any new slice. */
  takeRescan(): Slice | null {
    return this.rescans.shift() ?? null;
  }

  /** Submit `slice` on a free slot (at most `opts.inFlight` in flight). */
  startSlice(slice: Slice): void {
    const slot = this.slots.find((s) => !s.slice);
    if (!slot) throw new Error(`startSlice with ${this.opts.inFlight} slices already in flight`);
    this.submit(slot, slice);
    this.inFlightSlots.push(slot);
  }

  /** Wait for the oldest slice in flight: its candidates, or null when it overflowed (its re-scans are owed). */
  async finishOldest(): Promise<SliceResult | null> {
    const oldest = this.inFlightSlots.shift();
    if (!oldest) throw new Error('finishOldest with no slice in flight');
    return this.collect(oldest, this.rescans);
  }

  /** Let every pending map settle (after an error) so the buffers can be destroyed cleanly; never throws. */
  async settleInFlight(): Promise<void> {
    await Promise.allSettled(this.inFlightSlots.map((s) => s.pending));
  }

  /**
   * Run slices from `next()` until it returns null (and re-scans are done), keeping `inFlight`
   * dispatches queued. `onResult` sees each completed slice in completion order.
   */
  async run(next: () => Slice | null, onResult: (r: SliceResult) => void): Promise<void> {
    let exhausted = false;
    const take = (): Slice | null => {
      const w = this.takeRescan();
      if (w || exhausted) return w;
      const s = next();
      if (!s) exhausted = true;
      return s;
    };
    try {
      for (;;) {
        while (this.inFlight < this.opts.inFlight) {
          const s = take();
          if (!s) break;
          this.startSlice(s);
        }
        if (!this.inFlight) break;
        const r = await this.finishOldest();
        if (r) onResult(r);
      }
    } finally {
      // On error, let mappings settle so buffers can be destroyed cleanly.
      await this.settleInFlight();
    }
  }

  /** A mark for `pipelineSince`: the number of slices completed so far. */
  get sliceMark(): number {
    return this.timings.length;
  }

  /** Every completed slice's timing since `mark` (see sliceMark). */
  timingsSince(mark: number): SliceTiming[] {
    return this.timings.slice(mark);
  }

  /** Pipeline figures over the slices completed since `mark`. */
  pipelineSince(mark: number): PipelineFigures {
    return summarizePipeline(this.timingsSince(mark), this.opts.inFlight, this.planner.basis);
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
      s.query?.destroy();
      s.resolve?.destroy();
    }
    this.job?.destroy();
    this.slots = [];
  }
}
