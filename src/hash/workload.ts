/**
 * SHA256d nonce search as a core workload (src/core/workload.ts): one unit = one slice of nonces
 * dispatched on the pipelined engine (src/hash/engine.ts), `inFlight` of them kept queued; its work
 * is the slice's nonce count, its end the host time its readback resolved. The loop times slices
 * back to back (no `timeS`): on a busy queue the interval between completions is the slice's
 * execution time, the method the hash figure has always used (src/hash/bench.ts).
 *
 * The job: the bench header at difficulty 1, one pass over the 2^32 nonce space per job, the next
 * job following without draining the queue. Every candidate is re-checked on the host as its slice
 * finishes. Slices are sized per phase (`sizeFor`) from what the previous phase measured.
 *
 * A slice that overflowed its result buffer reports no work and its pieces are re-scanned before
 * any new slice; once the loop stops starting units, pieces still owed are not run (the rate comes
 * from completed slices only; at difficulty 1 an overflow needs > 256 shares in one slice).
 */
import type { GpuContext } from '../gpu/adapter.js';
import type { PhaseInfo, PhaseSummary, UnitDone, Workload, WorkloadInfo } from '../core/workload.js';
import { HashEngine, type Slice, type SliceJob } from './engine.js';
import { noncesPerWorkgroup, type LaunchConfig } from './kernels.js';
import { hostDigest, NONCE_SPACE } from './search.js';
import { selfCheck, type SelfCheckReport } from './selfcheck.js';
import { meetsTarget, targetTopWord, bitsToTarget } from './target.js';
import { encodeHeader } from './header.js';

/** The bench job: a fixed header (genesis fields with a distinct merkle root) at difficulty 1. */
export function benchHeader(jobIndex = 0): Uint8Array {
  return encodeHeader({
    version: 0x20000000,
    prevHash: '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054',
    merkleRoot: '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
    time: 1_700_000_000 + jobIndex,
    bits: 0x1d00ffff,
    nonce: 0,
  });
}
/** Difficulty-1 target (bits 0x1d00ffff). */
export const BENCH_TARGET = bitsToTarget(0x1d00ffff);

/** Slice size (nonces) for a phase, from the phase and what the previous one measured. */
export type SliceSizer = (phase: PhaseInfo, previous: PhaseSummary | null) => number;

/** Round a slice size to whole workgroups, within the 1-D grid bound. */
export function sliceFor(engine: HashEngine, nonces: number): number {
  const per = noncesPerWorkgroup(engine.opts.launch);
  return Math.max(per, Math.min(engine.maxSliceNonces, Math.round(nonces / per) * per));
}

/** The hash search workload on one device and launch configuration. */
export class HashSearchWorkload implements Workload {
  engine: HashEngine | null = null;
  /** The self-check run in prepare(). */
  checked: SelfCheckReport | null = null;
  /** Shares (candidates) found in the current phase and those the host confirmed. */
  shares = 0;
  sharesVerified = 0;
  /** Candidates the host rejected in any phase (warm-up included): a kernel bug. */
  sharesFailed = 0;
  /** Nonces per slice of the current phase. */
  sliceNonces = 0;
  private readonly top = targetTopWord(BENCH_TARGET);
  private job: SliceJob = { id: 0, header: benchHeader(0), targetTop: this.top };
  private nextBase = 0;
  private drains = 0;

  constructor(
    private readonly ctx: GpuContext,
    readonly launch: LaunchConfig,
    readonly maxInFlight: number,
    private readonly sizeFor: SliceSizer,
    /** Run the known-answer self-check before any timing (default true; autotune trials too). */
    private readonly check = true,
  ) {}

  describe(): WorkloadInfo {
    return { id: 'hash.sha256d', kind: 'hash', workUnit: 'H', unitOfWork: 'slice' };
  }

  /** Build the engine and check the kernel against known answers (throws KernelSelfCheckError). */
  async prepare(): Promise<void> {
    this.engine = await HashEngine.create(this.ctx, { launch: this.launch, resultCapacity: 256, inFlight: this.maxInFlight });
    if (this.check) this.checked = await selfCheck(this.engine);
  }

  beginPhase(phase: PhaseInfo, previous: PhaseSummary | null): void {
    this.sliceNonces = sliceFor(this.engine!, this.sizeFor(phase, previous));
    this.shares = 0;
    this.sharesVerified = 0;
  }

  /** The next slice of the current job (the next job after a full pass over the nonce space). */
  private nextSlice(): Slice {
    if (this.nextBase >= NONCE_SPACE) {
      this.job = { id: this.job.id + 1, header: benchHeader(this.job.id + 1), targetTop: this.top };
      this.nextBase = 0;
    }
    const count = Math.min(this.sliceNonces, NONCE_SPACE - this.nextBase);
    const s = { base: this.nextBase, count, job: this.job };
    this.nextBase += count;
    return s;
  }

  start(): boolean {
    this.engine!.startSlice(this.engine!.takeRescan() ?? this.nextSlice());
    return true;
  }

  async finish(): Promise<UnitDone> {
    const r = await this.engine!.finishOldest();
    if (!r) return { work: 0 };
    for (const n of r.candidates) {
      this.shares++;
      if (meetsTarget(hostDigest(r.slice.job!.header, n), BENCH_TARGET)) this.sharesVerified++;
      else this.sharesFailed++;
    }
    return { work: r.slice.count, endMs: r.doneMs };
  }

  async settle(): Promise<void> {
    await this.engine?.settleInFlight();
  }

  /** Empty the GPU queue (before the energy window opens, and before it closes). */
  async quiesce(): Promise<void> {
    await this.ctx.drain(60_000, this.drains++ % 2 === 0 ? 'GPU queue drain before the energy window' : 'GPU queue drain after the timed phase');
  }

  async teardown(): Promise<void> {
    this.engine?.destroy();
  }
}
