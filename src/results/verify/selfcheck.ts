/**
 * Re-derive the kernel self-check record (`details.selfCheck` of a hash measurement) with
 * node:crypto: the known-answer search is over the Bitcoin genesis block header (block 0, as
 * published on https://en.bitcoin.it/wiki/Genesis_block), so its answers — how many nonces of the
 * range hash at or below each target, and which nonce just misses it — can be recomputed here
 * without any of the project's SHA-256 code or its constants.
 */
import { createHash } from 'node:crypto';
import { close, fieldPath, type Findings } from './findings.js';

/** The genesis block header, 80 bytes (version, prev hash, merkle root, time, bits, nonce 2083236893). */
const GENESIS_HEADER_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

/**
 * Top 32 bits of SHA256d(header with `nonce`) read as a little-endian 256-bit number (how Bitcoin
 * compares a hash with its target): bytes 28..31 of the digest, little-endian.
 */
function topWord(header: Buffer, nonce: number): number {
  header.writeUInt32LE(nonce >>> 0, 76);
  const h = createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
  return h.readUInt32LE(28);
}

const cache = new Map<string, Uint32Array>();

/** Top words of every nonce of [start, start + count) of the genesis header (cached). */
function topWords(start: number, count: number): Uint32Array {
  const key = `${start}+${count}`;
  let out = cache.get(key);
  if (!out) {
    const header = Buffer.from(GENESIS_HEADER_HEX, 'hex');
    out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = topWord(header, start + i);
    cache.set(key, out);
  }
  return out;
}

/** What one target of the search must give: hits at or below it, and its nearest miss. */
function answers(words: Uint32Array, start: number, targetTop: number): { hits: number; nearMiss: number | null; nearMissBy: number | null } {
  let hits = 0;
  let best: number | null = null;
  let bestWord = Infinity;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w <= targetTop) hits++;
    else if (w < bestWord) {
      bestWord = w;
      best = start + i;
    }
  }
  return { hits, nearMiss: best, nearMissBy: best === null ? null : bestWord - targetTop };
}

/** The nonce range the record names (`nonces [a, b)` in its method), or null. */
function rangeOf(rec: Record<string, unknown>): { start: number; count: number } | null {
  const m = typeof rec.method === 'string' ? /nonces \[(\d+), (\d+)\)/.exec(rec.method) : null;
  if (!m) return null;
  const start = Number(m[1]);
  const count = Number(m[2]) - start;
  if (!(count > 0 && count <= 1 << 20) || typeof rec.nonces !== 'number' || rec.nonces !== count) return null;
  return { start, count };
}

/**
 * Check a hash measurement's self-check record: present, passed, over the genesis header range
 * it names, each case's hit count and near miss as node:crypto computes them, and at least one
 * case whose near miss is exactly one above the target (the case that catches a kernel whose
 * comparison was compiled away).
 */
export function checkSelfCheck(details: Record<string, unknown> | undefined, base: Array<string | number>, f: Findings): void {
  const rec = details?.selfCheck as Record<string, unknown> | undefined;
  const at = (...p: Array<string | number>) => fieldPath(...base, 'details', 'selfCheck', ...p);
  if (!rec || typeof rec !== 'object') {
    f.warn(at(), 'no kernel self-check record: the kernel was not shown to find known nonces before it was timed (files before the self-check existed)');
    return;
  }
  if (!f.check(rec.passed === true, at('passed'), () => `${JSON.stringify(rec.passed)}: a hash figure needs a passed self-check`)) return;
  const range = rangeOf(rec);
  if (!range) {
    f.warn(at('method'), 'the self-check record does not name its genesis-header nonce range (or its nonce count disagrees): its answers cannot be re-derived');
    return;
  }
  const cases = Array.isArray(rec.cases) ? (rec.cases as Array<Record<string, unknown>>) : [];
  f.check(cases.length >= 2, at('cases'), () => `${cases.length} target(s): the self-check searches at least two (a near miss and a hit)`);
  const words = topWords(range.start, range.count);
  cases.forEach((c, i) => {
    const target = typeof c.targetTop === 'string' ? Number.parseInt(c.targetTop, 16) : Number.NaN;
    if (!f.check(Number.isInteger(target) && target >= 0, at('cases', i, 'targetTop'), () => `${JSON.stringify(c.targetTop)} is not a hex target word`)) return;
    const want = answers(words, range.start, target);
    f.check(c.hits === want.hits, at('cases', i, 'hits'), () => `${JSON.stringify(c.hits)}, but node:crypto finds ${want.hits} nonce(s) of [${range.start}, ${range.start + range.count}) at or below target ${String(c.targetTop)}`);
    f.check(c.nearMiss === want.nearMiss, at('cases', i, 'nearMiss'), () => `${JSON.stringify(c.nearMiss)}, but the nearest miss of target ${String(c.targetTop)} is nonce ${want.nearMiss}`);
    f.check(typeof c.nearMissBy === 'number' && want.nearMissBy !== null && close(c.nearMissBy, want.nearMissBy, 0), at('cases', i, 'nearMissBy'), () => `${JSON.stringify(c.nearMissBy)}, but node:crypto gives ${want.nearMissBy}`);
  });
  f.checkWarn(cases.some((c) => c.nearMissBy === 1), at('cases'), () => 'no case places a nonce exactly one above its target: a kernel whose comparison always fails could pass');
}
