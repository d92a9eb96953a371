// An interruption during the timed phase: the record is 'incomplete' with the samples finished so far.
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/core/run.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeWorkload, InterruptedError, VirtualClock } from './fakes.js';

describe('core run: interrupted timed phase', () => {
  it('stops at the next finished unit, keeps the one in flight and says why', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 2);
    const ac = new AbortController();
    w.onFinish = (i) => {
      if (i === 4) ac.abort(new InterruptedError('SIGINT'));
    };
    const r = await runBenchmark({ workload: w, stop: () => afterTimed(100), clock, signal: ac.signal });
    // By hand: unit 0 is the reference, units 1–4 are samples; the abort comes as unit 4 finishes,
    // when unit 5 is in flight: it finishes and is kept. 5 samples, 0.5 s.
    expect(r.status).toBe('incomplete');
    expect(r.timed.stoppedBy).toBe('interrupted');
    expect(r.timed.samples.length).toBe(5);
    expect(r.timed.drained).toBe(1);
    expect(r.reason).toBe('interrupted by SIGINT 0.50 s into the timed phase: figures from the 5 unit(s) completed by then, not from the full phase');
    expect(w.log.at(-1)).toBe('teardown');
  });

  it('throws the interruption when no timed sample finished (nothing to keep)', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 1);
    const ac = new AbortController();
    w.onFinish = () => ac.abort(new InterruptedError('SIGTERM'));
    const run = runBenchmark({ workload: w, stop: () => afterTimed(100), clock, signal: ac.signal });
    await expect(run).rejects.toThrow(InterruptedError);
    await expect(run).rejects.toThrow('interrupted by SIGTERM before the first timed unit completed');
    expect(w.log.at(-1)).toBe('teardown');
  });
});
