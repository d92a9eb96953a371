// The sampler vets each counter reading with CounterUnwrapper.peek() before recording it with
// update(), then compares later readings against the vetted value. The two must be the same number
// to the last bit: when they differed by one ulp after a wrap, re-reading the unchanged counter
// looked like the counter going back ("moved by -0.000 J") and failed a RAPL window (seen under load).
import { describe, expect, it } from 'vitest';
import { CounterUnwrapper } from '../../src/power/integrate.js';
import { seededRandom } from '../helpers.js';

describe('CounterUnwrapper.peek', () => {
  it('predicts update() exactly, through thousands of wraps of a RAPL-sized range (seeded)', () => {
    const seed = 7;
    const rnd = seededRandom(seed);
    const rangeJ = 262_143.32885; // max_energy_range_uj of a real package zone, in J
    const u = new CounterUnwrapper(rangeJ);
    let wraps = 0;
    let last = -1;
    for (let i = 0; i < 100_000; i++) {
      const raw = Math.floor(rnd() * rangeJ * 1e6) / 1e6;
      if (raw < last) wraps++;
      last = raw;
      const predicted = u.peek(raw);
      expect(u.update(raw), `reading ${i}, seed ${seed}`).toBe(predicted);
      expect(u.peek(raw), `re-read ${i}, seed ${seed}`).toBe(predicted);
    }
    expect(u.wraps).toBe(wraps);
  });
});
