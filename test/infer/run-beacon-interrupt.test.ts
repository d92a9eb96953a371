/**
 * An interruption passed through src/infer/run-beacon.ts: the watcher's side records the signal
 * in shared memory and the runner's side (another RunBeacon on the same buffer, as the decode
 * worker builds it) reads it as an AbortSignal's `aborted`/`reason`, which src/util/interrupt.ts
 * understands. The whole path through a real worker is test/infer/bench-interrupt.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RunBeacon } from '../../src/infer/run-beacon.js';
import { InterruptedError, interruptionOf, throwIfInterrupted } from '../../src/util/interrupt.js';

describe('RunBeacon interruption', () => {
  it('not interrupted: not aborted, no reason, nothing thrown', () => {
    const runner = new RunBeacon(new RunBeacon().buffer);
    const s = runner.interruptSignal();
    expect(s.aborted).toBe(false);
    expect(s.reason).toBeUndefined();
    expect(interruptionOf(s)).toBeNull();
    expect(() => throwIfInterrupted(s)).not.toThrow();
  });

  it('the signal the watcher saw, read on the runner side; the first one kept', () => {
    const watcher = new RunBeacon();
    const runner = new RunBeacon(watcher.buffer);
    const s = runner.interruptSignal();
    watcher.interrupt('SIGTERM');
    watcher.interrupt('SIGINT'); // a second signal does not rename the first
    expect(s.aborted).toBe(true);
    expect(s.reason).toBeInstanceOf(InterruptedError);
    expect(interruptionOf(s)).toBe('SIGTERM');
    expect(() => throwIfInterrupted(s)).toThrow(/interrupted by SIGTERM/);
    // The stop flag is separate: an interruption lets the run in progress and the phase's end run.
    expect(runner.stopRequested).toBe(false);
    expect(runner.enter(0, 1)).toBe(true);
  });
});
