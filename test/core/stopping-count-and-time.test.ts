// A fixed count that also fills an energy window (infer bench's prefill test) stops where worked out by hand.
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/core/loop.js';
import { countAndTime } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

async function samplesFor(unitMs: number, o: { minSamples: number; minElapsedS: number; maxElapsedS: number }) {
  const clock = new VirtualClock();
  const w = new FakeWorkload(clock, [{ work: 64, ms: unitMs }], 1, true);
  const p = await runPhase(w, { phase: { kind: 'timed', name: 'pp' }, stop: countAndTime(o), clock });
  return { n: p.samples.length, why: p.stoppedBy };
}

describe('core stopping: at least N samples and T seconds, capped at a max time', () => {
  it('stops at the count when the count takes longer than the window: 5 units of 0.3 s for ≥ 5 and ≥ 1 s', async () => {
    expect(await samplesFor(300, { minSamples: 5, minElapsedS: 1, maxElapsedS: 10 })).toEqual({ n: 5, why: 'min-samples+min-time' });
  });
  it('repeats past the count to fill the window: 10 units of 0.1 s for ≥ 5 and ≥ 1 s', async () => {
    expect(await samplesFor(100, { minSamples: 5, minElapsedS: 1, maxElapsedS: 10 })).toEqual({ n: 10, why: 'min-samples+min-time' });
  });
  it('stops at the max time once the count is in: 5 units of 3 s for a 20 s window capped at 10 s', async () => {
    expect(await samplesFor(3000, { minSamples: 5, minElapsedS: 20, maxElapsedS: 10 })).toEqual({ n: 5, why: 'max-time' });
  });
});
