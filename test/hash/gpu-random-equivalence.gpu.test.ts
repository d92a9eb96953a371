// For random headers and easy targets, the set of nonces the WGSL search returns over >= 2^16
// nonces equals the host reference set exactly (node:crypto SHA256d over every nonce), for every
// kernel; the GPU's candidate set equals the host's top-word filter set too (so a kernel that
// missed a candidate, or reported a wrong one, fails here rather than being masked by the host
// re-check).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withNonce } from '../../src/hash/header.js';
import type { LaunchConfig } from '../../src/hash/kernels.js';
import { searchNonces } from '../../src/hash/search.js';
import { bitsToTarget, digestToBigInt, zeroBitsTarget } from '../../src/hash/target.js';
import { SEED, seededBytes, useGpu } from '../helpers.js';

function hostSets(header: Uint8Array, start: number, count: number, target: bigint) {
  const top = Number(target >> 224n);
  const hits: number[] = [];
  const candidates: number[] = [];
  for (let n = start; n < start + count; n++) {
    const d = createHash('sha256').update(createHash('sha256').update(withNonce(header, n)).digest()).digest();
    const v = digestToBigInt(d);
    if (Number(v >> 224n) <= top) candidates.push(n);
    if (v <= target) hits.push(n);
  }
  return { hits, candidates };
}

const LAUNCHES: LaunchConfig[] = [
  { variant: 'ref', workgroupSize: 64, valuesPerInvocation: 1 },
  { variant: 'x1', workgroupSize: 256, valuesPerInvocation: 4 },
  { variant: 'x2', workgroupSize: 64, valuesPerInvocation: 5 },
  { variant: 'x4', workgroupSize: 128, valuesPerInvocation: 2 },
];

// A zero-bits target and a compact one whose top word is not of the form 2^k - 1.
const TARGETS: Array<{ name: string; target: bigint }> = [
  { name: '10 zero bits', target: zeroBitsTarget(10) },
  { name: 'bits 0x1f2bcdef', target: bitsToTarget(0x1f2bcdef) },
];

const gpu = useGpu();

describe('WGSL result set equals the host reference set', () => {
  const header = seededBytes(SEED, 80);
  const why = `random header, seed ${SEED} (replay: JOULEBENCH_TEST_SEED=${SEED})`;
  // Unaligned start, count >= 2^16 and not a multiple of any workgroup's nonce count.
  const start = 1_000_003;
  const count = (1 << 16) + 333;
  const refs = TARGETS.map((t) => ({ ...t, ...hostSets(header, start, count, t.target) }));

  it('the host reference sets are non-trivial', () => {
    for (const r of refs) expect(r.hits.length, `${r.name}, ${why}`).toBeGreaterThan(10);
  });

  for (const launch of LAUNCHES) {
    for (const [i, t] of TARGETS.entries()) {
      it(`${launch.variant} wg=${launch.workgroupSize} npi=${launch.valuesPerInvocation}, ${t.name}`, async () => {
        const ctx = await gpu();
        // Small slices so the range spans many dispatches (checks slice boundaries: no gap, no overlap).
        const r = await searchNonces(ctx, { header, start, count, target: t.target, launch, sliceNonces: 12_288 });
        expect(r.nonces, why).toEqual(refs[i]!.hits);
        expect(r.candidates, why).toEqual(refs[i]!.candidates);
        expect(r.engine.dispatches).toBeGreaterThan(3);
        expect(ctx.uncapturedErrors).toEqual([]);
      });
    }
  }

  it('the top of the nonce space: [2^32 - 70000, 2^32) without wrapping', async () => {
    const ctx = await gpu();
    const s = 2 ** 32 - 70_000;
    const ref = hostSets(header, s, 70_000, zeroBitsTarget(9));
    const r = await searchNonces(ctx, { header, start: s, count: 70_000, target: zeroBitsTarget(9), launch: { variant: 'x4', workgroupSize: 64, valuesPerInvocation: 4 } });
    expect(r.nonces, why).toEqual(ref.hits);
    expect(r.scannedEnd).toBe(2 ** 32);
  });
});
