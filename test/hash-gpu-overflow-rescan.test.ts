// A full candidate buffer re-scans its slice instead of losing candidates: with a result buffer
// of 3 slots and a 1-in-16 candidate rate, every dispatch overflows and must be split.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDevice, type GpuContext } from '../src/gpu/adapter.js';
import { withNonce } from '../src/hash/header.js';
import { searchNonces } from '../src/hash/search.js';
import { digestToBigInt, zeroBitsTarget } from '../src/hash/target.js';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await openDevice(process.env.JOULEBENCH_TEST_ADAPTER);
});
afterAll(() => ctx?.close());

describe('result-buffer overflow', () => {
  for (const variant of ['ref', 'x1', 'x4'] as const) {
    it(`${variant}: tiny buffer, same result set as the host, with re-scans`, async () => {
      const header = new Uint8Array(randomBytes(80));
      const target = zeroBitsTarget(4);
      const start = 77;
      const count = 1 << 14;
      const expected: number[] = [];
      for (let n = start; n < start + count; n++) {
        const d = createHash('sha256').update(createHash('sha256').update(withNonce(header, n)).digest()).digest();
        if (digestToBigInt(d) <= target) expected.push(n);
      }
      const r = await searchNonces(ctx, {
        header, start, count, target, resultCapacity: 3, sliceNonces: 4096,
        launch: { variant, workgroupSize: 64, valuesPerInvocation: 1 },
      });
      expect(expected.length).toBeGreaterThan(500);
      expect(r.nonces).toEqual(expected);
      expect(r.engine.overflows).toBeGreaterThan(0);
      expect(r.engine.rescanDispatches).toBeGreaterThan(r.engine.overflows);
    });
  }
});
