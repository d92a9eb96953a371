import { describe, expect, it } from 'vitest';
import { StoppingState } from '../src/stats/stopping.js';

describe('stopping rule', () => {
  it('waits for min samples and min time, then stops as converged', () => {
    const s = new StoppingState({ minSamples: 3, minTimeS: 1, maxRelNoise: 0.05, maxSamples: 100, timeoutS: 60 });
    // 0.25 s per sample: 3 samples = 0.75 s < 1 s, so the 4th sample (1.0 s) is the first that can stop.
    expect(s.add(100, 0.25, 0.25)).toBeNull();
    expect(s.add(101, 0.25, 0.5)).toBeNull();
    expect(s.add(100, 0.25, 0.75)).toBeNull();
    expect(s.add(99, 0.25, 1.0)).toBe('converged');
    expect(s.stoppedBy).toBe('converged');
    expect(s.totalTimeS).toBe(1);
  });
  it('keeps going while noise is above the bound, until max samples', () => {
    const s = new StoppingState({ minSamples: 2, minTimeS: 0, maxRelNoise: 0.01, maxSamples: 4, timeoutS: 60 });
    expect(s.add(1, 0.1, 0.1)).toBeNull();
    expect(s.add(3, 0.1, 0.2)).toBeNull();
    expect(s.add(1, 0.1, 0.3)).toBeNull();
    expect(s.add(3, 0.1, 0.4)).toBe('max-samples');
  });
  it('stops on the wall-time bound and records it', () => {
    const s = new StoppingState({ minSamples: 100, minTimeS: 0, maxRelNoise: 0, maxSamples: 1000, timeoutS: 2 });
    expect(s.add(5, 0.5, 0.5)).toBeNull();
    expect(s.add(5, 0.5, 2.5)).toBe('timeout');
  });
  it('rejects a malformed rule', () => {
    expect(() => new StoppingState({ minSamples: -1 })).toThrow(/minSamples/);
  });
});
