/**
 * The stop handshake of src/infer/run-beacon.ts, across real threads: a stop requested while a
 * run is in flight waits for that run to end (bounded) and no run starts after it; requested
 * between runs it returns at once; a run that never ends makes it give up at its bound. The
 * "runner" is a worker thread that marks a run and holds it for a set time (Atomics.wait), as
 * onnxruntime's run() holds the decode worker.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RunBeacon } from '../../src/infer/run-beacon.js';

/** A worker that enters a run on the beacon's buffer (same layout as RunBeacon), holds it `holdMs`, then leaves. */
function holdRun(buffer: SharedArrayBuffer, holdMs: number): Promise<void> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const flags = new Int32Array(workerData.buffer, 0, 2);
    Atomics.store(flags, 0, 1);
    parentPort.postMessage('in');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
    Atomics.store(flags, 0, 0);
    Atomics.notify(flags, 0);
  `;
  const w = new Worker(code, { eval: true, workerData: { buffer, holdMs } });
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  });
}

describe('RunBeacon stop handshake', () => {
  it('between runs: returns at once, and the next run does not start', () => {
    const b = new RunBeacon();
    const t0 = performance.now();
    expect(b.requestStop(5000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(b.enter(3, 1)).toBe(false);
    expect(b.inFlight()).toBeNull();
  });

  it('during a run: waits for it to end', async () => {
    const b = new RunBeacon();
    await holdRun(b.buffer, 300);
    expect(b.inFlight()).not.toBeNull();
    const t0 = performance.now();
    expect(b.requestStop(10_000)).toBe(true);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThan(50);
    expect(waited).toBeLessThan(9000);
    expect(b.inFlight()).toBeNull();
    expect(b.enter(0, 1)).toBe(false);
  });

  it('a run that outlasts the bound: gives up at the bound', async () => {
    const b = new RunBeacon();
    await holdRun(b.buffer, 3000);
    const t0 = performance.now();
    expect(b.requestStop(200)).toBe(false);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(2500);
  });
});
