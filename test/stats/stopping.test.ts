import { describe, expect, it } from 'vitest';
import { hashStoppingRule, StoppingState } from '../../src/stats/stopping.js';
import { summarize } from '../../src/stats/summary.js';
import { seededNormal as normal, seededRandom } from '../helpers.js';

describe('stopping rule (95 % CI of the rate by batch means)', () => {
  it('steady slices: stops by target-ci once the target has held over 20 % more samples after the minimum', () => {
    const s = new StoppingState({ minTimeS: 2, timeLimitS: 20, targetRelCi: 0.01, minSamples: 10 });
    const rnd = seededRandom(3);
    let why = null;
    let n = 0;
    while (!why) {
      why = s.add(1000 * (1 + 0.002 * normal(rnd)), 0.2);
      n++;
    }
    expect(why).toBe('target-ci');
    expect(s.stoppedBy).toBe('target-ci');
    expect(n).toBe(12); // met at 10 samples (10 × 0.2 s = the 2 s minimum), held to 12
    expect(s.interval!.relHalfWidth).toBeLessThanOrEqual(0.01);
  });
  it('autocorrelated slices (AR(1), r = 0.7): the stopped rate is within the ±1 % target of the truth ≈ 95 % of the time, an i.i.d. interval far less', () => {
    const seed = 11;
    const rnd = seededRandom(seed);
    const runs = 100;
    let missBm = 0;
    let missIid = 0;
    let longer = 0;
    for (let k = 0; k < runs; k++) {
      const s = new StoppingState({ minTimeS: 1, timeLimitS: 60, targetRelCi: 0.01 });
      let e = (0.015 / Math.sqrt(1 - 0.49)) * normal(rnd);
      let why = null;
      let iid: { at: number; mean: number } | null = null;
      while (!why) {
        e = 0.7 * e + 0.015 * normal(rnd);
        why = s.add(1000 * (1 + e), 0.2);
        const sum = summarize(s.samples);
        if (!iid && s.samples.length >= 10 && sum.ci95HalfWidth / sum.mean <= 0.01) iid = { at: s.totalTimeS, mean: sum.mean };
      }
      const mean = summarize(s.samples).mean;
      if (Math.abs(mean / 1000 - 1) > 0.01) missBm++;
      if (iid && Math.abs(iid.mean / 1000 - 1) > 0.01) missIid++;
      if (iid && s.totalTimeS > 2 * iid.at) longer++;
    }
    // The variance of the mean is ≈ (1 + r)/(1 − r) ≈ 5.7× the i.i.d. one.
    expect(missBm / runs, `seed ${seed}`).toBeLessThanOrEqual(0.1);
    expect(missIid / runs, `seed ${seed}`).toBeGreaterThan(0.25);
    expect(longer / runs, `seed ${seed}`).toBeGreaterThan(0.8);
  });
  it('a zero target always runs to the time limit; the sample cap still applies', () => {
    const s = new StoppingState({ minTimeS: 0, timeLimitS: 1, targetRelCi: 0 });
    const whys = [1, 2, 3, 4, 5].map(() => s.add(5, 0.2));
    expect(whys).toEqual([null, null, null, null, 'time-limit']);
    const capped = new StoppingState({ minTimeS: 0, timeLimitS: 100, targetRelCi: 0, maxSamples: 3 });
    expect([1, 2, 3].map(() => capped.add(1, 0.1))).toEqual([null, null, 'max-samples']);
  });
  it('hash defaults: --seconds is the limit, the minimum is min(seconds, 5 s), target 1 %', () => {
    expect(hashStoppingRule({ seconds: 20 })).toMatchObject({ timeLimitS: 20, minTimeS: 5, targetRelCi: 0.01 });
    expect(hashStoppingRule({ seconds: 2 })).toMatchObject({ timeLimitS: 2, minTimeS: 2 });
    expect(hashStoppingRule({ seconds: 10, minSeconds: 3, targetRelCi: 0.005 })).toMatchObject({ minTimeS: 3, targetRelCi: 0.005 });
  });
  it('rejects a malformed rule', () => {
    expect(() => new StoppingState({ minSamples: -1 })).toThrow(/minSamples/);
    expect(() => new StoppingState({ minTimeS: 5, timeLimitS: 2 })).toThrow(/exceeds timeLimitS/);
    expect(() => new StoppingState().add(1, 0)).toThrow(/duration/);
  });
});
