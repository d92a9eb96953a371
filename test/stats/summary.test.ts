import { describe, expect, it } from 'vitest';
import { summarize, percentileSorted, mad } from '../../src/stats/summary.js';

// Hand-computed for [2,4,4,4,5,5,7,9]: mean 5, Σ(x−5)² = 32 → sd = √(32/7);
// median 4.5; |x−4.5| sorted = .5×5, 2.5, 2.5, 4.5 → MAD .5; type-7 p5: h = 7·.05 = .35 → 2 + .35·2 = 2.7,
// p95: h = 6.65 → 7 + .65·2 = 8.3; t(.975, 7) = 2.364624 → CI half = 2.364624·√(32/7)/√8 = 1.787488 (√(32/7)/√8 = 0.755929).
describe('summarize', () => {
  const s = summarize([5, 2, 9, 4, 4, 4, 7, 5]);
  it('matches hand-computed mean, sd, median, MAD, percentiles and CI', () => {
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.median).toBe(4.5);
    expect(s.mad).toBe(0.5);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.p5).toBeCloseTo(2.7, 12);
    expect(s.p95).toBeCloseTo(8.3, 12);
    expect(s.relStdev).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(s.ci95HalfWidth).toBeCloseTo(1.787488, 5);
    expect(s.ci95Low).toBeCloseTo(5 - 1.787488, 5);
    expect(s.ci95High).toBeCloseTo(5 + 1.787488, 5);
  });
  it('has an undefined (infinite) CI and zero sd for one sample', () => {
    const one = summarize([3]);
    expect(one.sd).toBe(0);
    expect(one.ci95HalfWidth).toBe(Infinity);
    expect(one.median).toBe(3);
  });
  it('rejects empty and non-finite input', () => {
    expect(() => summarize([])).toThrow(/zero samples/);
    expect(() => summarize([1, NaN])).toThrow(/non-finite/);
  });
  it('percentile interpolates linearly and MAD is unscaled', () => {
    expect(percentileSorted([10, 20], 0.25)).toBe(12.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });
});
