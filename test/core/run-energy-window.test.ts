// The timed phase runs inside one energy window, long enough for the meter, queue emptied at both edges.
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/core/run.js';
import { afterTimed } from '../../src/core/stopping.js';
import { FakeMonitor, FakeWorkload, VirtualClock } from './fakes.js';

describe('core run: energy window and idle baseline', () => {
  it('orders baseline, prepare, quiesce, begin, units, quiesce, end, teardown and extends the phase to the window', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 1);
    const monitor = new FakeMonitor(w.log, clock, { minS: 2, periodS: null, basis: '--min-window 2 s' });
    const r = await runBenchmark({
      workload: w,
      // The caller's 1 s, raised to what the window needs (the hash bench's rule).
      stop: (win) => afterTimed(Math.max(1, win.targetS)),
      energy: { monitor, windowName: 'fake.window', notMeasured: 'unused', idleBaselineS: 3 },
      clock,
    });
    // By hand: target = 2 s + 5 ms = 2.005 s. Units of 0.1 s: unit 0 is the reference, the 21st
    // sample brings the timed span to 2.1 s ≥ 2.005. The window opened at 0 and closed at 2.2 s:
    // 100 W × 2.2 s = 220 J for 22 units × 1000 items → 100 items/J.
    expect(r.window).toEqual({ requiredS: 2, targetS: 2.005, maxS: 300, rule: '--min-window 2 s' });
    expect(r.timed.samples.length).toBe(21);
    const units = w.log.filter((l) => l.startsWith('unit:'));
    expect(w.log).toEqual(['idle:3', 'prepare', 'phase:timed', 'quiesce', 'begin:fake.window', ...units, 'quiesce', 'end:fake.window', 'teardown']);
    expect(r.energy.measured && r.energy.energyJ).toBeCloseTo(220, 9);
    expect(r.timed.allWork / (r.energy.measured ? r.energy.energyJ : NaN)).toBeCloseTo(100, 9);
    expect(r.status).toBe('complete');
  });

  it('closes the window and tears down when a unit fails inside it', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1000, ms: 100 }], 2);
    const monitor = new FakeMonitor(w.log, clock);
    w.onFinish = (i) => {
      if (i === 3) throw new Error('device lost');
    };
    await expect(runBenchmark({ workload: w, stop: () => afterTimed(10), energy: { monitor, windowName: 'win', notMeasured: '' }, clock })).rejects.toThrow('device lost');
    expect(w.log.slice(-3)).toEqual(['settle', 'end:win', 'teardown']);
  });

  it('without a monitor records why energy was not measured', async () => {
    const clock = new VirtualClock();
    const w = new FakeWorkload(clock, [{ work: 1, ms: 10 }], 1);
    const r = await runBenchmark({ workload: w, stop: () => afterTimed(0.1), energy: { monitor: null, windowName: 'x', notMeasured: 'no power meter' }, clock });
    expect(r.energy).toEqual({ measured: false, reason: 'no power meter' });
    expect(r.window.targetS).toBe(0);
  });
});
