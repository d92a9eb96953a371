import { describe, expect, it } from 'vitest';
import { compareSamples } from '../src/stats/compare.js';
import { normalSamples } from './fixtures/results/synthetic.js';

// Synthetic, seeded samples (no timing): 30 samples with 0.5 % relative noise unless stated.
const base = normalSamples(30, 1000, 0.005, 1);

describe('compare verdicts (issue 7)', () => {
  it('10 % slowdown with low noise → SLOWER (throughput falls, higher is better)', () => {
    const r = compareSamples(base, normalSamples(30, 900, 0.005, 2), true);
    expect(r.verdict).toBe('SLOWER');
    expect(r.relChange!).toBeCloseTo(-0.1, 2);
    expect(r.pValue!).toBeLessThan(0.05);
    expect(r.ciHigh!).toBeLessThan(-0.02);
  });
  it('10 % slowdown of a duration (lower is better) → SLOWER', () => {
    const r = compareSamples(base, normalSamples(30, 1100, 0.005, 3), false);
    expect(r.verdict).toBe('SLOWER');
    expect(r.ciLow!).toBeGreaterThan(0.02);
  });
  it('10 % speed-up → FASTER in both directions of metric', () => {
    expect(compareSamples(base, normalSamples(30, 1100, 0.005, 4), true).verdict).toBe('FASTER');
    expect(compareSamples(base, normalSamples(30, 900, 0.005, 5), false).verdict).toBe('FASTER');
  });
  it('equal distributions → SAME (whole CI inside ±2 %)', () => {
    const r = compareSamples(base, normalSamples(30, 1000, 0.005, 6), true);
    expect(r.verdict).toBe('SAME');
    expect(r.ciLow!).toBeGreaterThan(-0.02);
    expect(r.ciHigh!).toBeLessThan(0.02);
  });
  it('3 samples → UNKNOWN', () => {
    const r = compareSamples(base.slice(0, 3), normalSamples(3, 900, 0.005, 7), true);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.reason).toMatch(/too few samples \(3 baseline, 3 candidate; need ≥ 5 each\)/);
  });
  it('no samples → UNKNOWN', () => {
    expect(compareSamples(undefined, base, true).verdict).toBe('UNKNOWN');
    expect(compareSamples(base, [], true).reason).toMatch(/no samples/);
  });
  it('a 1 % change that is significant stays SAME (under the 2 % noise threshold)', () => {
    const r = compareSamples(base, normalSamples(30, 990, 0.002, 8), true);
    expect(r.pValue!).toBeLessThan(0.05);
    expect(r.verdict).toBe('SAME');
  });
  it('too noisy to tell (±20 % noise, same mean) → UNKNOWN, not SAME', () => {
    const r = compareSamples(normalSamples(6, 1000, 0.2, 9), normalSamples(6, 1000, 0.2, 10), true);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.reason).toMatch(/inconclusive/);
  });
  it('the noise threshold is configurable', () => {
    const cand = normalSamples(30, 950, 0.005, 11);
    expect(compareSamples(base, cand, true).verdict).toBe('SLOWER');
    expect(compareSamples(base, cand, true, { noiseThreshold: 0.1 }).verdict).toBe('SAME');
  });
});
