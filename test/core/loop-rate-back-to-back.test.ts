// The loop's rate over a pipelined workload equals work / time worked out by hand from the script.
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/core/loop.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

describe('core loop: back-to-back samples of a pipelined workload', () => {
  it('times each unit from the previous completion, the first only as the reference, and keeps drained units', async () => {
    const clock = new VirtualClock();
    // Device times 100, 200, 100, 400, 200 ms, then 200 ms each; 1000 items per unit; 2 in flight.
    const ms = [100, 200, 100, 400, 200];
    const w = new FakeWorkload(clock, ms.map((m) => ({ work: 1000, ms: m })), 2);
    const p = await runPhase(w, { phase: { kind: 'timed', name: 'timed' }, stop: afterTimed(0.9), clock });
    // By hand: completions at 100 (reference), 300, 400, 800, 1000 ms → samples of 0.2, 0.1, 0.4,
    // 0.2 s = 0.9 s: the criterion stops there; unit 5 (started at 800, done at 1200) was in flight
    // and is kept: 5 samples over 1.1 s, 5000 items timed, 6000 done.
    expect(p.samples.map((s) => Math.round(s))).toEqual([5000, 10000, 2500, 5000, 5000]);
    expect(p.durationsS.reduce((a, b) => a + b, 0)).toBeCloseTo(1.1, 12);
    expect(p.timedS).toBeCloseTo(1.1, 12);
    expect(p.work).toBe(5000);
    expect(p.allWork).toBe(6000);
    expect(p.rate!).toBeCloseTo(5000 / 1.1, 9);
    expect(p.drained).toBe(1);
    expect(p.units).toBe(6);
    expect(p.stoppedBy).toBe('time-limit');
    expect(p.elapsedS).toBeCloseTo(1.2, 12);
    expect(p.details.map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
