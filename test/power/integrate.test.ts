import { describe, expect, it } from 'vitest';
import { CounterUnwrapper, estimateUpdatePeriodS, integratePower, pollIntervalFor, powerAt } from '../../src/power/integrate.js';

describe('power integration math', () => {
  it('trapezoid over a linear ramp equals the analytic integral, with interpolated edges', () => {
    // P(t) = 100 + 50 t (t in s), samples every 100 ms from 0 to 2 s; window [0.25 s, 1.75 s].
    const s = Array.from({ length: 21 }, (_, i) => ({ tMs: i * 100, powerW: 100 + 50 * (i / 10) }));
    const r = integratePower(s, 250, 1750);
    const analytic = (t: number) => 100 * t + 25 * t * t;
    expect(r.energyJ).toBeCloseTo(analytic(1.75) - analytic(0.25), 9);
    expect(r.samplesInside).toBe(15);
    expect(r.minPowerW).toBeCloseTo(112.5, 9);
    expect(r.maxPowerW).toBeCloseTo(187.5, 9);
  });

  it('holds the first/last value outside the samples and bounds interpolation error by Σ|ΔP|Δt/2', () => {
    const s = [{ tMs: 1000, powerW: 10 }, { tMs: 2000, powerW: 30 }];
    expect(powerAt(s, 0)).toBe(10);
    expect(powerAt(s, 5000)).toBe(30);
    const r = integratePower(s, 0, 3000);
    // 1 s at 10 W + trapezoid 1 s at mean 20 W + 1 s at 30 W
    expect(r.energyJ).toBeCloseTo(60, 9);
    // The step could sit anywhere in [1 s, 2 s]: integral between 10+30+30=70 and 10+10+30=50 → ±10 J.
    expect(r.interpolationUncertaintyJ).toBeCloseTo(10, 9);
  });

  it('counts a counter wrap once, however often the wrapped value is re-read', () => {
    const u = new CounterUnwrapper(100);
    expect(u.update(70)).toBe(70);
    expect(u.update(95)).toBe(95);
    expect(u.update(10)).toBe(110); // wrapped: 10 + 100
    expect(u.update(10)).toBe(110); // same raw value again: no second wrap
    expect(u.update(40)).toBe(140);
    expect(u.wraps).toBe(1);
    expect(u.wentBackwards).toBe(false);
  });

  it('flags a range-less counter that goes backwards (driver reload) instead of inventing a wrap', () => {
    const u = new CounterUnwrapper(null);
    u.update(5000);
    u.update(12);
    expect(u.wentBackwards).toBe(true);
    expect(u.wraps).toBe(0);
    expect(u.value()).toBe(5012); // monotonic total, but flagged
  });

  it('estimates a sensor update period from value changes and derives a poll interval', () => {
    // Value changes every 20 ms, read every 1 ms.
    const r = Array.from({ length: 200 }, (_, i) => ({ tMs: i, value: Math.floor(i / 20) }));
    expect(estimateUpdatePeriodS(r)).toBeCloseTo(0.02, 9);
    expect(estimateUpdatePeriodS([{ tMs: 0, value: 1 }, { tMs: 1, value: 1 }])).toBeNull();
    expect(pollIntervalFor(0.02, { min: 0.005, max: 0.1, fallback: 0.1 })).toBeCloseTo(0.01, 9);
    expect(pollIntervalFor(null, { min: 0.005, max: 0.1, fallback: 0.1 })).toBe(0.1);
    expect(pollIntervalFor(1, { min: 0.005, max: 0.1, fallback: 0.1 })).toBe(0.1);
  });
});
