// A unit that reports its own time (device timestamps) is a sample on that time, the first one too.
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/core/loop.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

describe('core loop: units timed by their own clock', () => {
  it('uses each unit’s timeS, counts the first unit, and stops once they sum to the limit', async () => {
    const clock = new VirtualClock(5_000); // the phase starts late on the loop clock: irrelevant to the rate
    const w = new FakeWorkload(clock, [100, 200, 100, 400].map((ms) => ({ work: 1000, ms })), 1, true);
    const p = await runPhase(w, { phase: { kind: 'timed', name: 'timed' }, stop: afterTimed(0.8), clock });
    // By hand: 0.1 + 0.2 + 0.1 + 0.4 = 0.8 s after the 4th unit; 4000 items → 5000 items/s.
    expect(p.samples).toEqual([10000, 5000, 10000, 2500]);
    expect(p.rate).toBeCloseTo(5000, 9);
    expect(p.work).toBe(4000);
    expect(p.allWork).toBe(4000);
    expect(p.stoppedBy).toBe('time-limit');
  });
});
