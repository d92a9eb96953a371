// A full candidate buffer re-scans its slice instead of losing candidates: with a result buffer
// of 3 slots and a 1-in-16 candidate rate, every dispatch overflows and must be split.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDevice, type GpuContext } from '../src/gpu/adapter.js';
import { withNonce } from '../src/hash/header.js';
import { searchNonces } from '../src/hash/search.js';
import { digestToBigInt, zeroBitsTarget } from '../src/hash/target.js';

// Opened lazily inside each test (not in beforeAll) so that without an adapter every test
// FAILS with NoAdapterError rather than being reported as skipped.
let ctxP: Promise<GpuContext> | null = null;
const gpu = (): Promise<GpuContext> => (ctxP ??= openDevice(process.env.JOULEBENCH_TEST_ADAPTER));
afterAll(async () => {
  if (ctxP) (await ctxP.catch(() => null))?.close();
});

describe('result-buffer overflow', () => {
  for (const variant of ['ref', 'x1', 'x4'] as const) {
    it(`${variant}: tiny buffer, same result set as the host, with re-scans`, async () => {
      const ctx = await gpu();
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
