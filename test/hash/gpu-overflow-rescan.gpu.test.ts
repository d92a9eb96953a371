// A full candidate buffer re-scans its slice instead of losing candidates: with a result buffer
// of 3 slots and a 1-in-16 candidate rate, every dispatch overflows and must be split.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withNonce } from '../../src/hash/header.js';
import { searchNonces } from '../../src/hash/search.js';
import { digestToBigInt, zeroBitsTarget } from '../../src/hash/target.js';
import { SEED, seededBytes, useGpu } from '../helpers.js';

const gpu = useGpu();

describe('result-buffer overflow', () => {
  for (const [i, variant] of (['ref', 'x1', 'x4'] as const).entries()) {
    it(`${variant}: tiny buffer, same result set as the host, with re-scans`, async () => {
      const ctx = await gpu();
      const seed = (SEED + i) >>> 0;
      const header = seededBytes(seed, 80);
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
      expect(expected.length, `seed ${seed}`).toBeGreaterThan(500);
      expect(r.nonces, `seed ${seed} (replay: JOULEBENCH_TEST_SEED=${SEED})`).toEqual(expected);
      expect(r.engine.overflows).toBeGreaterThan(0);
      expect(r.engine.rescanDispatches).toBeGreaterThan(r.engine.overflows);
    });
  }
});
