// nvbench-style stdrel: on a steady rate it stops at the sample count worked out by hand.
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/core/loop.js';
import { stdrel } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

describe('core stopping: stdrel (min time, min samples, noise target held)', () => {
  it('stops at 30 samples (+2 drained) for a steady 100 ms unit with min 25 samples and a 1 s minimum', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 3);
    const stop = stdrel({ minTimeS: 1, timeLimitS: 100, targetRelCi: 0.01, minSamples: 25 });
    const p = await runPhase(w, { phase: { kind: 'timed', name: 'timed' }, stop, clock });
    // By hand: every sample is 10 000 items/s, so the interval's width is 0 once it is computed:
    // at sample 25 (min samples; the 1 s minimum came at 10). The target must then hold until
    // max(25 + 1, ceil(25 × 1.2)) = 30 samples. Two units were still in flight: 32 samples, 3.2 s.
    expect(p.stoppedBy).toBe('target-ci');
    expect(p.samples.length).toBe(32);
    expect(p.drained).toBe(2);
    expect(p.units).toBe(33);
    expect(p.timedS).toBeCloseTo(3.2, 12);
    expect(p.rate).toBeCloseTo(10000, 9);
  });

  it('with no noise target runs to the time limit: 20 samples of 0.1 s for 2 s', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 1);
    const p = await runPhase(w, { phase: { kind: 'timed', name: 'timed' }, stop: stdrel({ minTimeS: 1, timeLimitS: 2, targetRelCi: 0 }), clock });
    expect(p.stoppedBy).toBe('time-limit');
    expect(p.samples.length).toBe(20);
  });
});
