/**
 * Open-loop arrivals (src/infer/serve/arrivals.ts) against the Poisson process they claim to be
 * (seeded, so the verdicts are fixed): exponential gaps by a Kolmogorov–Smirnov test against
 * F(x) = 1 − e^(−λx), counts in a window with mean and variance λT, and the same seed giving the
 * same schedule.
 */
import { describe, expect, it } from 'vitest';
import { burstArrivalsMs, parseQpsList, poissonArrivalsMs, uniform01 } from '../../../src/infer/serve/arrivals.js';
import { levelSeed, scheduleLevel } from '../../../src/infer/serve/levels.js';

describe('Poisson arrivals', () => {
  it('gaps are exponential with mean 1/λ (KS distance below the 1 % critical value 1.63/√n)', () => {
    const rate = 4;
    const t = poissonArrivalsMs(rate, 2500, uniform01(2024));
    const gapsS = t.map((x, i) => (x - (i ? t[i - 1]! : 0)) / 1000).sort((a, b) => a - b);
    const n = gapsS.length;
    expect(n).toBeGreaterThan(9000);
    let d = 0;
    gapsS.forEach((g, i) => {
      const F = 1 - Math.exp(-rate * g);
      d = Math.max(d, Math.abs((i + 1) / n - F), Math.abs(F - i / n));
    });
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    const meanS = gapsS.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(meanS - 1 / rate)).toBeLessThan(4 * (1 / rate) / Math.sqrt(n)); // 4 standard errors
  });

  it('the count in a window of T s has mean and variance λT (Poisson), over 400 seeds', () => {
    const rate = 3;
    const T = 5;
    const counts = Array.from({ length: 400 }, (_, s) => poissonArrivalsMs(rate, T, uniform01(s + 1)).length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1);
    // λT = 15; the mean of 400 counts has sd √(15/400) ≈ 0.19; the variance's sd ≈ 15·√(2/399) ≈ 1.06 (plus the excess-kurtosis term 15/400)
    expect(Math.abs(mean - 15)).toBeLessThan(4 * 0.19);
    expect(Math.abs(variance - 15)).toBeLessThan(4 * 1.1);
  });

  it('every arrival is inside [0, T) and in order; inf releases every request at t = 0', () => {
    const t = poissonArrivalsMs(50, 2, uniform01(7));
    expect(t.every((x, i) => x >= 0 && x < 2000 && (i === 0 || x >= t[i - 1]!))).toBe(true);
    expect(burstArrivalsMs(3)).toEqual([0, 0, 0]);
  });

  it('seeded: the same seed and rate give the same schedule, whatever the order of levels', () => {
    const spec = { kind: 'range', lo: 8, hi: 64 } as const;
    const a = scheduleLevel({ qps: 2, durationS: 10, burstRequests: 0, seed: 99, prompt: spec, gen: spec, maxContext: null });
    const b = scheduleLevel({ qps: 2, durationS: 10, burstRequests: 0, seed: 99, prompt: spec, gen: spec, maxContext: null });
    expect(a).toEqual(b);
    expect(levelSeed(99, 2, 1)).not.toBe(levelSeed(99, 4, 1));
    expect(levelSeed(99, 2, 1)).not.toBe(levelSeed(99, 2, 2));
  });

  it('--qps parses rates and inf, ascending with inf last; bad lists are one-line usage errors', () => {
    expect(parseQpsList('inf, 4,0.5')).toEqual([0.5, 4, 'inf']);
    for (const bad of ['', '2,,4', '0', '-1', 'fast', '2,2', '1e9']) expect(() => parseQpsList(bad), bad).toThrow(/--qps/);
  });
});
