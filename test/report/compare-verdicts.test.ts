import { describe, expect, it } from 'vitest';
import { applyHolm, compareRuns, runsToSettle } from '../../src/stats/compare.js';
import { normalSamples } from '../fixtures/results/synthetic.js';

// Run-level verdicts on seeded synthetic run values (no timing): each value is one run's figure.
const runs = (n: number, mean: number, relSd: number, seed: number) => ({ values: normalSamples(n, mean, relSd, seed) });

describe('run-level verdicts', () => {
  it('10 % slowdown, 8 runs a side at 1 % noise → SLOWER (throughput falls, higher is better)', () => {
    const r = compareRuns(runs(8, 1000, 0.01, 1), runs(8, 900, 0.01, 2), true);
    expect(r.verdict).toBe('SLOWER');
    expect(r.relChange!).toBeCloseTo(-0.1, 1);
    expect(r.ciHigh!).toBeLessThan(-0.01);
    expect(r.reason).toMatch(/^90 % CI \[/);
  });
  it('a duration that rises (lower is better) → SLOWER; speed-ups → FASTER in both directions', () => {
    expect(compareRuns(runs(8, 50, 0.01, 3), runs(8, 55, 0.01, 4), false).verdict).toBe('SLOWER');
    expect(compareRuns(runs(8, 1000, 0.01, 5), runs(8, 1100, 0.01, 6), true).verdict).toBe('FASTER');
    expect(compareRuns(runs(8, 50, 0.01, 7), runs(8, 45, 0.01, 8), false).verdict).toBe('FASTER');
  });
  it('equal distributions with low noise → SAME (whole CI within ±5 %)', () => {
    const r = compareRuns(runs(8, 1000, 0.01, 9), runs(8, 1000, 0.01, 10), true);
    expect(r.verdict).toBe('SAME');
    expect(r.ciLow!).toBeGreaterThan(-0.05);
    expect(r.ciHigh!).toBeLessThan(0.05);
  });
  it('a clear 20 % slowdown with 3 runs a side → UNKNOWN saying 5 runs a side are needed', () => {
    const r = compareRuns(runs(3, 1000, 0.01, 11), runs(3, 800, 0.01, 12), true);
    expect(r.ciHigh!).toBeLessThan(-0.1);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.reason).toMatch(/need ≥ 5 runs a side for SLOWER/);
    expect(r.needRuns).toBe(5);
  });
  // With one run a side no verdict is ever FASTER/SLOWER: a rule (run-to-run spread is unknown), so
  // its "0 % false alarms" is this branch, not a measured rate; here a clear 10 % change stays UNKNOWN.
  it('one run a side → UNKNOWN by rule, even for a clear change, with a batch-means interval from the within-run samples', () => {
    const a = normalSamples(50, 1000, 0.02, 13);
    const b = normalSamples(50, 900, 0.02, 14);
    const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
    const r = compareRuns({ values: [mean(a)], samples: a }, { values: [mean(b)], samples: b }, true);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.method).toBe('batch-means-within-run');
    expect(r.ciHigh!).toBeLessThan(-0.05);
    expect(r.reason).toMatch(/1 run a side: within-run 90 % CI .* leaves out run-to-run variation; need ≥ 5 runs a side/);
  });
  it('one run a side without samples → UNKNOWN with no interval', () => {
    const r = compareRuns({ values: [1000] }, { values: [900] }, true);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.ciLow).toBeNull();
    expect(r.relChange!).toBeCloseTo(-0.1, 12);
  });
  it('too noisy to tell (20 % noise, same mean) → UNKNOWN with an estimate of the runs needed', () => {
    const r = compareRuns(runs(6, 1000, 0.2, 101), runs(6, 1000, 0.2, 202), true);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.reason).toMatch(/neither a significant change beyond ±3\.5 % nor within ±5\.0 %/);
    expect(r.needRuns!).toBeGreaterThan(6);
  });
  it('the noise threshold and tolerance are configurable', () => {
    // A clear (significant) 3 % slowdown: inside the default 3.5 % threshold and the ±5 % band → SAME;
    // with a 1 % threshold it is SLOWER; with a 10 % threshold and a ±2 % band, neither → UNKNOWN.
    const a = runs(8, 1000, 0.005, 17);
    const b = runs(8, 970, 0.005, 18);
    expect(compareRuns(a, b, true).verdict).toBe('SAME');
    expect(compareRuns(a, b, true, { noiseThreshold: 0.01 }).verdict).toBe('SLOWER');
    expect(compareRuns(a, b, true, { noiseThreshold: 0.1, tolerance: 0.02 }).verdict).toBe('UNKNOWN');
  });
  it('Holm over a family demotes a directional verdict that is significant alone but not jointly', () => {
    // 5 runs a side. `clear`: a 20 % drop with 1 % spread, t p far below 0.05/6 (Holm's first step
    // over 6 gated metrics). `weaker`: a ≈ 7 % drop with one high run, t p between 0.05/5 (the
    // second step) and 0.05: SLOWER alone, demoted jointly.
    const clear = compareRuns({ values: [100, 101, 102, 103, 104] }, { values: [80, 81, 82, 83, 84] }, true);
    const weaker = compareRuns({ values: [100, 101, 102, 103, 104] }, { values: [90, 92, 94, 96, 103] }, true);
    expect(clear.verdict).toBe('SLOWER');
    expect(clear.pValue!).toBeLessThan(0.05 / 6);
    expect(weaker.pValue!).toBeGreaterThan(0.05 / 5);
    expect(weaker.pValue!).toBeLessThan(0.05);
    const same = () => compareRuns({ values: [100, 101, 102, 103, 104] }, { values: [100, 101, 102, 103, 104] }, true);
    const family = [clear, weaker, same(), same(), same(), same()];
    expect(weaker.verdict).toBe('SLOWER');
    expect(applyHolm(family, 0.05)).toEqual([1]);
    expect(clear.verdict).toBe('SLOWER');
    expect(weaker.verdict).toBe('UNKNOWN');
    expect(weaker.reason).toMatch(/not significant after Holm over 6 gated metrics/);
  });
  it('estimates the runs that would settle an UNKNOWN from the interval shrinking as 1/√n', () => {
    // Estimate 0, half-width 0.1 at n = 5: SAME needs half-width < log(1.05) = 0.04879 → n = ⌈5·(0.1/0.04879)²⌉ = ⌈21.004⌉ = 22.
    expect(runsToSettle(5, 0, 0.1, Math.log(1.01), Math.log(1.05), 5)).toBe(22);
    // An estimate exactly at the floor cannot be settled by more runs.
    expect(runsToSettle(5, Math.log(1.01), 0.1, Math.log(1.01), Math.log(1.01), 5)).toBeNull();
  });
  it('rejects non-positive run values (log scale)', () => {
    expect(() => compareRuns({ values: [1, 0] }, { values: [1, 2] }, true)).toThrow(/> 0/);
  });
});
