// Warm-up runs until the rate stops rising; the timed phase starts with the settled rate in hand.
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/core/run.js';
import { afterTimed, untilSettled } from '../../src/core/stopping.js';
import { FakeWorkload, VirtualClock } from './fakes.js';

// Settled: the last sample is no more than 2 % above the one before (a test rule, simpler than the real one).
const settled = (r: readonly number[]) => r.length >= 2 && r.at(-1)! <= r.at(-2)! * 1.02;

describe('core run: warm-up until the rate stops rising', () => {
  it('ends warm-up at the first flat pair and hands the timed phase the recent rate', async () => {
    const clock = new VirtualClock();
    // Units get faster: 400, 300, 200, 100 ms, then 100 ms each (1000 items each, own clock).
    const w = new FakeWorkload(clock, [400, 300, 200, 100].map((ms) => ({ work: 1000, ms })), 1, true);
    const r = await runBenchmark({ workload: w, warmup: [{ name: 'settle', stop: () => untilSettled(settled, 10) }], stop: () => afterTimed(0.5), clock });
    // By hand: rates 2500, 3333, 5000, 10000, 10000 → flat at the 5th sample.
    const [wu] = r.warmup;
    expect(wu!.stoppedBy).toBe('settled');
    expect(wu!.samples.length).toBe(5);
    // The timed phase saw the median of the last 3 warm-up rates (5000, 10000, 10000).
    expect(w.phases.map((p) => p.phase.name)).toEqual(['settle', 'timed']);
    expect(w.phases[1]!.previous!.recentRate).toBe(10000);
    expect(r.timed.samples).toEqual([10000, 10000, 10000, 10000, 10000]);
  });

  it('stops at the bound when the rate keeps rising', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [500, 400, 300, 200, 100, 50].map((ms) => ({ work: 1000, ms })), 1, true);
    const r = await runBenchmark({ workload: w, warmup: [{ name: 'settle', stop: () => untilSettled(settled, 1) }], stop: () => afterTimed(0.1), clock });
    // By hand: 0.5 + 0.4 + 0.3 = 1.2 s ≥ 1 s after the 3rd unit, still rising.
    expect(r.warmup[0]!.stoppedBy).toBe('bound');
    expect(r.warmup[0]!.samples.length).toBe(3);
  });
});
