// Slices of different jobs in flight at once (the bench moves to the next job without draining
// the queue): each slice is searched with its own job, including the re-scans of a slice whose
// result buffer overflowed after the next job's constants were already queued. Checked against
// node:crypto on the host.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashEngine, type Slice, type SliceJob } from '../../src/hash/engine.js';
import { withNonce } from '../../src/hash/header.js';
import { digestToBigInt, targetTopWord, zeroBitsTarget } from '../../src/hash/target.js';
import { SEED, seededBytes, useGpu } from '../helpers.js';

const gpu = useGpu();

/** Nonces in [start, start + count) whose SHA256d top word is within the target's (what the kernel reports). */
function hostCandidates(header: Uint8Array, start: number, count: number, top: number): number[] {
  const out: number[] = [];
  for (let n = start; n < start + count; n++) {
    const d = createHash('sha256').update(createHash('sha256').update(withNonce(header, n)).digest()).digest();
    if (Number(digestToBigInt(d) >> 224n) <= top) out.push(n);
  }
  return out;
}

describe('engine: jobs switched with slices in flight', () => {
  it('alternating jobs A, B, A, B, … with three in flight and tiny result buffers: every slice sees its own job', async () => {
    const ctx = await gpu();
    const top = targetTopWord(zeroBitsTarget(5)); // 1 in 32: every slice overflows a 4-slot buffer
    const jobs: SliceJob[] = [0, 1].map((k) => ({ id: k, header: seededBytes((SEED + 101 * k) >>> 0, 80), targetTop: top }));
    const slices: Slice[] = [];
    for (let i = 0; i < 8; i++) slices.push({ base: 1000 + i * 2048, count: 2048, job: jobs[i % 2]! });
    const engine = await HashEngine.create(ctx, { launch: { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 1 }, resultCapacity: 4, inFlight: 3 });
    const got = new Map<string, number[]>();
    try {
      const queue = [...slices];
      await engine.run(
        () => queue.shift() ?? null,
        (r) => {
          const key = `${r.slice.job!.id}`;
          got.set(key, [...(got.get(key) ?? []), ...r.candidates]);
        },
      );
    } finally {
      engine.destroy();
    }
    expect(engine.stats.overflows, `seed ${SEED}`).toBeGreaterThan(0);
    for (const job of jobs) {
      const want = slices.filter((s) => s.job === job).flatMap((s) => hostCandidates(job.header, s.base, s.count, top));
      expect([...(got.get(`${job.id}`) ?? [])].sort((a, b) => a - b), `job ${job.id}, seed ${SEED}`).toEqual(want);
    }
  });
});
