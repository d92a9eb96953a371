/**
 * Known-answer self-check of a SHA256d search kernel: before a kernel + launch configuration is
 * timed (`hash bench`, autotune, `run`) or trusted (`hash search`), it must find exactly the
 * nonces a host reference finds in a fixed range, at two targets placed on a known nonce's hash:
 * one just below it (that nonce is a near miss, one above the target's top word) and one equal to
 * it (that nonce must be a hit: the comparison is inclusive).
 *
 * Why: a kernel whose comparison never succeeds lets the compiler drop the whole hash as dead
 * code and then "hashes" at an absurd rate (285 MH/s was seen on a software adapter), and a
 * corrupted job word silently misses every nonce; at difficulty 1 a short bench expects far fewer
 * than one share, so the share re-check alone cannot notice either.
 *
 * The reference answers come from node:crypto SHA-256 (no code shared with the kernels or their
 * generator) on the genesis block header (Bitcoin block 0; header and nonce 2083236893 as published on
 * en.bitcoin.it "Genesis block"), over a range around its nonce. The range is split into three
 * slices of unaligned size so slice bases, the `count` mask and every vector lane are exercised.
 */
import type { HashEngine, Slice } from './engine.js';
import { parseHeaderHex } from './header.js';
import { launchLabel } from './kernels.js';

/** The genesis block header, serialised (80 bytes as 160 hex characters). */
export const GENESIS_HEADER_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';
/** The genesis block's nonce. */
export const GENESIS_NONCE = 2083236893;

/** First nonce of the self-check range (unaligned to any workgroup). */
export const SELF_CHECK_START = GENESIS_NONCE - 6151;
/** Nonces in the self-check range. */
export const SELF_CHECK_COUNT = 12_289;
/**
 * Slice sizes the range is dispatched in: not multiples of 4 (each slice ends inside a vector and
 * a workgroup, so the `count` mask matters), summing to SELF_CHECK_COUNT, and placed so that the
 * known hits fall in every lane of a vec4 and a vec2 (lane = offset within the slice mod lanes):
 * checked by test/hash/selfcheck-plan.test.ts.
 */
export const SELF_CHECK_SLICES: readonly number[] = [4097, 2405, 5787];

/** One target of the known-answer search. */
export interface KnownAnswerCase {
  /** Top 32 bits of the target (what the kernels compare against). */
  targetTop: number;
  /** Nonces whose hash's top word is ≤ targetTop, ascending. */
  expected: number[];
  /** The nonce with the smallest top word above targetTop (a near miss). */
  nearMiss: number;
  /** Its top word minus targetTop (1 = just above the target). */
  nearMissBy: number;
}

/** The known-answer search: one header, one range, two targets. */
export interface KnownAnswerPlan {
  header: Uint8Array;
  start: number;
  count: number;
  cases: KnownAnswerCase[];
}

/**
 * The known answers, found once with node:crypto over the whole range and checked by
 * test/hash/selfcheck-plan.test.ts: rank the range's nonces by hash top word (the top 32 bits of
 * the hash read as a little-endian 256-bit number); nonce 2083237554 has the fifth smallest,
 * 0x000cf26e. Target A = that minus one (2083237554 misses by exactly one), target B = that
 * (2083237554 hits at equality). The genesis nonce itself (top word 0) is a hit of both.
 */
export const KNOWN_ANSWERS: readonly KnownAnswerCase[] = [
  { targetTop: 0x000cf26d, expected: [2083234527, 2083235279, 2083236893, 2083237639], nearMiss: 2083237554, nearMissBy: 1 },
  { targetTop: 0x000cf26e, expected: [2083234527, 2083235279, 2083236893, 2083237554, 2083237639], nearMiss: 2083233380, nearMissBy: 301292 },
];

let plan: KnownAnswerPlan | null = null;

/** The known-answer plan: the genesis header, the range and KNOWN_ANSWERS. */
export function knownAnswerPlan(): KnownAnswerPlan {
  plan ??= { header: parseHeaderHex(GENESIS_HEADER_HEX), start: SELF_CHECK_START, count: SELF_CHECK_COUNT, cases: KNOWN_ANSWERS.map((c) => ({ ...c, expected: [...c.expected] })) };
  return plan;
}

/** What a passed self-check covered (recorded with the measurement). */
export interface SelfCheckReport {
  passed: true;
  /** What was searched, in words. */
  method: string;
  /** Nonces searched per target. */
  nonces: number;
  /** Targets (top words, hex) and the hits each must give. */
  cases: Array<{ targetTop: string; hits: number; nearMiss: number; nearMissBy: number }>;
  timeMs: number;
}

/** A kernel failed its known-answer search: it must not be timed or trusted. */
export class KernelSelfCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelSelfCheckError';
  }
}

const hex32 = (x: number): string => `0x${(x >>> 0).toString(16).padStart(8, '0')}`;
const list = (xs: number[]): string => (xs.length > 8 ? `[${xs.slice(0, 8).join(', ')}, … ${xs.length} in all]` : `[${xs.join(', ')}]`);

/** Run the candidates of one target through the engine (three slices), ascending. */
async function searchCase(engine: HashEngine, p: KnownAnswerPlan, targetTop: number): Promise<number[]> {
  engine.setJob(p.header, targetTop);
  const slices: Slice[] = [];
  let base = p.start;
  for (const n of SELF_CHECK_SLICES) {
    slices.push({ base, count: n });
    base += n;
  }
  const got: number[] = [];
  await engine.run(
    () => slices.shift() ?? null,
    (r) => {
      for (const n of r.candidates) {
        if (n < r.slice.base || n >= r.slice.base + r.slice.count) throw new KernelSelfCheckError(`kernel self-check failed: ${launchLabel(engine.opts.launch)} reported nonce ${n} outside its slice [${r.slice.base}, ${r.slice.base + r.slice.count})`);
        got.push(n);
      }
    },
  );
  return got.sort((a, b) => a - b);
}

/**
 * Run the known-answer search on `engine` (its pipeline, buffers and launch configuration, i.e.
 * exactly what will be timed). Leaves the engine's job set to the check header: set the real job
 * afterwards. Throws KernelSelfCheckError (one line) on any difference from the host reference.
 */
export async function selfCheck(engine: HashEngine): Promise<SelfCheckReport> {
  const t0 = performance.now();
  const p = knownAnswerPlan();
  for (const c of p.cases) {
    const got = await searchCase(engine, p, c.targetTop);
    if (got.length === c.expected.length && got.every((n, i) => n === c.expected[i])) continue;
    const missed = c.expected.filter((n) => !got.includes(n));
    const extra = got.filter((n) => !c.expected.includes(n));
    const what = [
      missed.length ? `missed ${list(missed)}` : '',
      extra.length ? `reported ${list(extra)} which ${extra.includes(c.nearMiss) ? `include the near miss ${c.nearMiss} (${c.nearMissBy} above the target)` : 'do not meet the target'}` : '',
      !missed.length && !extra.length ? `reported duplicates ${list(got)}` : '',
    ].filter(Boolean).join(' and ');
    throw new KernelSelfCheckError(
      `kernel self-check failed: ${launchLabel(engine.opts.launch)} (${engine.source.origin}) ${what} in the known-answer search of genesis-header nonces [${p.start}, ${p.start + p.count}) at target top ${hex32(c.targetTop)} (expected ${list(c.expected)}); refusing to time or trust a kernel that does not find known nonces`,
    );
  }
  return {
    passed: true,
    method: `known-answer search before timing: genesis header, nonces [${p.start}, ${p.start + p.count}) in 3 unaligned slices, each target's exact candidate set vs node:crypto`,
    nonces: p.count,
    cases: p.cases.map((c) => ({ targetTop: hex32(c.targetTop), hits: c.expected.length, nearMiss: c.nearMiss, nearMissBy: c.nearMissBy })),
    timeMs: performance.now() - t0,
  };
}
