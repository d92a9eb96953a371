/**
 * `searchNonces`: find every nonce in [start, start + count) whose SHA256d header hash meets the
 * target, on the GPU, with every GPU candidate re-checked on the host (full 256-bit target,
 * node:crypto SHA-256 so the check does not share code with the kernels' generator).
 */
import { createHash } from 'node:crypto';
import type { GpuContext } from '../gpu/adapter.js';
import { UsageError } from '../util/errors.js';
import { HashEngine, type EngineStats } from './engine.js';
import { withNonce, bytesToHex, HEADER_BYTES } from './header.js';
import { defaultLaunch, launchLabel, noncesPerInvocation, type LaunchConfig } from './kernels.js';
import { selfCheck, type SelfCheckReport } from './selfcheck.js';
import { digestToBigInt, targetTopWord } from './target.js';

/** 2^32: the size of the nonce space. */
export const NONCE_SPACE = 2 ** 32;

/** Search options. */
export interface SearchOptions {
  /** 80-byte serialised header; its nonce field is ignored. */
  header: Uint8Array;
  start: number;
  count: number;
  target: bigint;
  launch?: LaunchConfig;
  /** Nonces per dispatch (default: 4 Mi for the fast kernels, 1 Mi for ref). */
  sliceNonces?: number;
  /** Result-buffer capacity per dispatch (default: sized from the expected candidate count). */
  resultCapacity?: number;
  inFlight?: number;
  /** Stop scheduling new slices after this long (the scanned range is reported). */
  timeLimitS?: number;
  /** Stop once this many hits are confirmed (the result covers a prefix of the range). */
  maxResults?: number;
}

/** Why a search stopped. */
export type SearchStop = 'done' | 'time-limit' | 'max-results';

/** Search result. */
export interface SearchResult {
  /** Confirmed nonces, ascending. */
  nonces: number[];
  /** Block hashes (display order) of `nonces`. */
  hashes: string[];
  /** Every candidate the GPU reported (top 32 bits ≤ target's), ascending. */
  candidates: number[];
  /** All nonces in [start, scannedEnd) were searched. */
  start: number;
  scannedEnd: number;
  stoppedBy: SearchStop;
  launch: LaunchConfig;
  launchLabel: string;
  targetTop: number;
  engine: EngineStats;
  elapsedS: number;
  compileTimeMs: number;
  /** The known-answer check this kernel + launch configuration passed before the search. */
  selfCheck: SelfCheckReport;
  /** Where the kernel's WGSL came from. */
  kernelSource: string;
}

/** Validate a nonce range: start in [0, 2^32), count ≥ 1, start + count ≤ 2^32 (no wrap). */
export function validateRange(start: number, count: number): void {
  if (!Number.isInteger(start) || start < 0 || start >= NONCE_SPACE) {
    throw new UsageError(`--start ${start}: must be an integer nonce from 0 to ${NONCE_SPACE - 1}`);
  }
  if (!Number.isInteger(count) || count < 1 || count > NONCE_SPACE) {
    throw new UsageError(`--count ${count}: must be an integer from 1 to ${NONCE_SPACE} (2^32)`);
  }
  if (start + count > NONCE_SPACE) {
    throw new UsageError(`--start ${start} --count ${count}: range ends at ${start + count}, past 2^32 (${NONCE_SPACE}); nonces do not wrap, lower --count to at most ${NONCE_SPACE - start}`);
  }
}

/** SHA256d of the header with `nonce` via node:crypto (digest byte order). */
export function hostDigest(header: Uint8Array, nonce: number): Buffer {
  const once = createHash('sha256').update(withNonce(header, nonce)).digest();
  return createHash('sha256').update(once).digest();
}

/** Default result capacity: ~4× the expected candidates of a slice, within [256, 1 Mi]. */
export function defaultCapacity(sliceNonces: number, targetTop: number): number {
  const expected = (sliceNonces * (targetTop + 1)) / NONCE_SPACE;
  return Math.min(1 << 20, Math.max(256, Math.ceil(4 * expected + 64)));
}

/** Hands out consecutive slices of [start, start + count) until the range, the time or the hit budget ends. */
function sliceScheduler(o: SearchOptions, sliceNonces: number, deadlineMs: number, confirmed: readonly number[]) {
  const end = o.start + o.count;
  const state = { nextBase: o.start, stoppedBy: 'done' as SearchStop };
  const next = () => {
    if (state.nextBase >= end) return null;
    if (performance.now() >= deadlineMs) {
      state.stoppedBy = 'time-limit';
      return null;
    }
    if (o.maxResults !== undefined && confirmed.length >= o.maxResults) {
      state.stoppedBy = 'max-results';
      return null;
    }
    const count = Math.min(sliceNonces, end - state.nextBase);
    const s = { base: state.nextBase, count };
    state.nextBase += count;
    return s;
  };
  return { state, next };
}

/** Re-check one slice's GPU candidates on the host; a candidate the kernel got wrong is a kernel bug. */
function checkSliceCandidates(
  o: SearchOptions,
  targetTop: number,
  r: { slice: { base: number; count: number }; candidates: readonly number[] },
  candidates: number[],
  confirmed: number[],
): void {
  for (const n of r.candidates) {
    if (n < r.slice.base || n >= r.slice.base + r.slice.count) {
      throw new Error(`kernel reported nonce ${n} outside its slice [${r.slice.base}, ${r.slice.base + r.slice.count})`);
    }
    const h = digestToBigInt(hostDigest(o.header, n));
    // The GPU filter is exact on the top word; a candidate failing it is a kernel bug, not noise.
    if (Number(h >> 224n) > targetTop) throw new Error(`kernel reported nonce ${n} whose hash top word exceeds the target's: kernel bug`);
    candidates.push(n);
    if (h <= o.target) confirmed.push(n);
  }
}

/** Sort the hits, refuse duplicates (overlapping slices), and cut the answer to `maxResults`. */
function settleHits(o: SearchOptions, candidates: number[], confirmed: number[], scanned: { nextBase: number; stoppedBy: SearchStop }) {
  candidates.sort((a, b) => a - b);
  confirmed.sort((a, b) => a - b);
  for (let i = 1; i < candidates.length; i++) {
    if (candidates[i] === candidates[i - 1]) throw new Error(`nonce ${candidates[i]} reported twice: slices overlap`);
  }
  let scannedEnd = scanned.nextBase;
  let nonces = confirmed;
  let stoppedBy = scanned.stoppedBy;
  if (o.maxResults !== undefined && confirmed.length > o.maxResults) {
    nonces = confirmed.slice(0, o.maxResults);
    scannedEnd = nonces[nonces.length - 1]! + 1;
    stoppedBy = 'max-results';
  }
  return { nonces, scannedEnd, stoppedBy, candidatesInRange: candidates.filter((n) => n < scannedEnd) };
}

/** Search [start, start + count) for nonces whose SHA256d meets `target`. */
export async function searchNonces(ctx: GpuContext, o: SearchOptions): Promise<SearchResult> {
  if (o.header.length !== HEADER_BYTES) throw new UsageError(`header: ${o.header.length} bytes; must be ${HEADER_BYTES}`);
  validateRange(o.start, o.count);
  if (o.target < 0n || o.target >= 1n << 256n) throw new UsageError('target: must be a 256-bit value');
  const launch = o.launch ?? defaultLaunch('x1');
  const targetTop = targetTopWord(o.target);
  const slice0 = o.sliceNonces ?? (launch.variant === 'ref' ? 1 << 20 : 1 << 22);
  const resultCapacity = o.resultCapacity ?? defaultCapacity(slice0, targetTop);
  const engine = await HashEngine.create(ctx, { launch, resultCapacity, inFlight: o.inFlight ?? 3 });
  const t0 = performance.now();
  try {
    // The kernel + launch configuration must find known nonces before its answers are trusted.
    const selfChecked = await selfCheck(engine);
    engine.resetStats();
    engine.setJob(o.header, targetTop);
    // Slice size: a multiple of the nonces per invocation, within the 1-D grid bound.
    const per = noncesPerInvocation(launch);
    const sliceNonces = Math.max(per, Math.min(engine.maxSliceNonces, Math.floor(slice0 / per) * per));
    const candidates: number[] = [];
    const confirmed: number[] = [];
    // The time limit counts from the end of the self-check: it bounds the search, not the set-up.
    const deadlineMs = o.timeLimitS !== undefined ? performance.now() + o.timeLimitS * 1000 : Infinity;
    const slices = sliceScheduler(o, sliceNonces, deadlineMs, confirmed);
    await engine.run(slices.next, (r) => checkSliceCandidates(o, targetTop, r, candidates, confirmed));
    const hits = settleHits(o, candidates, confirmed, slices.state);
    return {
      nonces: hits.nonces,
      hashes: hits.nonces.map((n) => bytesToHex(Uint8Array.from(hostDigest(o.header, n)).reverse())),
      candidates: hits.candidatesInRange,
      start: o.start,
      scannedEnd: hits.scannedEnd,
      stoppedBy: hits.stoppedBy,
      launch,
      launchLabel: launchLabel(launch),
      targetTop,
      engine: { ...engine.stats },
      elapsedS: (performance.now() - t0) / 1000,
      compileTimeMs: engine.compileTimeMs,
      selfCheck: selfChecked,
      kernelSource: engine.source.origin,
    };
  } finally {
    engine.destroy();
  }
}
