// Power traces are stored with at most 2,000 points (issue 11): LTTB keeps the first and last
// points and a lone spike, and returns short traces unchanged.
import { describe, expect, it } from 'vitest';
import { downsampleLttb } from '../../src/power/integrate.js';
import { seededRandom } from '../helpers.js';

describe('LTTB downsampling of power traces', () => {
  it('keeps ≤ max points, the ends, sorted times, and a one-sample spike', () => {
    const rnd = seededRandom(5);
    const pts: Array<[number, number]> = Array.from({ length: 20_000 }, (_, i) => [i * 2, 100 + rnd() * 5]);
    pts[12_345]![1] = 900;
    const out = downsampleLttb(pts, 2000);
    expect(out).toHaveLength(2000);
    expect(out[0]).toEqual(pts[0]);
    expect(out.at(-1)).toEqual(pts.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
    expect(out.some(([t, w]) => t === 12_345 * 2 && w === 900)).toBe(true);
  });

  it('returns a trace that already fits unchanged', () => {
    const pts: Array<[number, number]> = [[0, 1], [1, 2], [2, 3]];
    expect(downsampleLttb(pts, 2000)).toEqual(pts);
  });
});
