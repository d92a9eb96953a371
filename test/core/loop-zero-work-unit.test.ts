// A unit without work (a slice sent back for re-scan) makes no sample; its time joins the next one's.
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/core/loop.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

describe('core loop: a unit that reports no work', () => {
  it('adds no sample and its time is part of the next sample’s interval', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }, { work: 0, ms: 100 }, { work: 1000, ms: 100 }], 1);
    const p = await runPhase(w, { phase: { kind: 'timed', name: 'timed' }, stop: afterTimed(0.3), clock });
    // By hand: 100 ms reference, the empty unit done at 200, the next at 300 → 1000 items / 0.2 s;
    // then 0.1 s samples until the durations sum to 0.3 s.
    expect(p.samples.map(Math.round)).toEqual([5000, 10000]);
    expect(p.units).toBe(4);
    expect(p.rate).toBeCloseTo(2000 / 0.3, 9);
  });
});
