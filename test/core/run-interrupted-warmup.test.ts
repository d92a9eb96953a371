// An interruption during warm-up is thrown: nothing was timed, so there is no partial result.
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/core/run.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeWorkload, InterruptedError, VirtualClock } from './fakes.js';

describe('core run: interrupted warm-up', () => {
  it('throws InterruptedError, runs no timed phase and still tears down', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 1);
    const ac = new AbortController();
    w.onFinish = (i) => {
      if (i === 2) ac.abort(new InterruptedError('SIGINT'));
    };
    const run = runBenchmark({ workload: w, warmup: [{ name: 'settle', stop: () => afterTimed(10) }], stop: () => afterTimed(1), clock, signal: ac.signal });
    await expect(run).rejects.toThrow('interrupted by SIGINT during warm-up (settle), before anything was timed');
    expect(w.log).not.toContain('phase:timed');
    expect(w.log.at(-1)).toBe('teardown');
  });
});
