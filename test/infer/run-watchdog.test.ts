/**
 * The decode worker's runs are bounded from the main thread (src/infer/decode-host.ts): the runner
 * marks each run() on a shared beacon and RunWatchdog reports a run in flight past the bound,
 * once, naming it as DecoderRunner does. The beacon is marked here by the test (as the worker
 * would); the watchdog's clock is the test's.
 */
import { describe, expect, it } from 'vitest';
import { RunWatchdog } from '../../src/infer/decode-host.js';
import { RunBeacon } from '../../src/infer/run-beacon.js';

describe('RunWatchdog', () => {
  it('reports a run in flight longer than the bound, once, with the run named', () => {
    const b = new RunBeacon();
    expect(b.enter(64, 1)).toBe(true);
    const later = Date.now() + 5001;
    const messages: string[] = [];
    const w = new RunWatchdog(b, 5000, (m) => messages.push(m), () => later);
    expect(w.check()).toBe(true);
    expect(messages).toEqual(['onnxruntime run() of 1 token(s) per sequence at past length 64 did not finish within 5000 ms']);
    expect(w.check()).toBe(false);
    expect(messages).toHaveLength(1);
  });

  it('stays quiet between runs and while a run is within the bound', () => {
    let fired = 0;
    const b = new RunBeacon();
    const w = new RunWatchdog(b, 5000, () => fired++, () => Date.now() + 60_000);
    expect(w.check()).toBe(false); // nothing in flight, however late
    b.enter(10, 128);
    const young = new RunWatchdog(b, 5000, () => fired++);
    expect(young.check()).toBe(false);
    b.leave();
    expect(w.check()).toBe(false);
    expect(fired).toBe(0);
  });

  it('checks on its own timer once started, and stops', async () => {
    const b = new RunBeacon();
    b.enter(0, 16);
    const messages: string[] = [];
    const w = new RunWatchdog(b, 40, (m) => messages.push(m));
    w.start();
    await new Promise((r) => setTimeout(r, 300));
    w.stop();
    expect(messages).toEqual(['onnxruntime run() of 16 token(s) per sequence at past length 0 did not finish within 40 ms']);
  });
});
