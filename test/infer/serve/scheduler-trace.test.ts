/**
 * The scheduler against hand-computed traces (fake clock, fake engine: prefill 10 ms, decode step
 * 5 ms). Requests: R0 at 0 ms (3 output tokens), R1 at 2 ms (2), R2 at 3 ms (1), R3 at 50 ms (2).
 */
import { describe, expect, it } from 'vitest';
import { runLevel, type ScheduledRequest } from '../../../src/infer/serve/scheduler.js';
import { FakeClock, FakeEngine } from '../../fixtures/fake-serve.js';

const REQS: ScheduledRequest[] = [
  { id: 0, arrivalMs: 0, promptTokens: 4, outputTokens: 3 },
  { id: 1, arrivalMs: 2, promptTokens: 4, outputTokens: 2 },
  { id: 2, arrivalMs: 3, promptTokens: 4, outputTokens: 1 },
  { id: 3, arrivalMs: 50, promptTokens: 4, outputTokens: 2 },
];
const COST = { prefillMs: () => 10, stepMs: () => 5 };
const pick = (r: { slot: number | null; admittedMs: number | null; firstTokenMs: number | null; doneMs: number | null; tokenMs: number[] }) => [r.slot, r.admittedMs, r.firstTokenMs, r.doneMs, r.tokenMs];

describe('scheduler: hand-computed traces', () => {
  it('continuous (max batch 2): joins between steps, prefill first, the lowest free slot reused', async () => {
    const clock = new FakeClock();
    const e = new FakeEngine('continuous', clock, COST);
    const run = await runLevel(e, { maxBatch: 2, clock, requests: REQS, cutAfterMs: null });
    // t=0 R0 joins slot 0 (prefill to 10); R1 and R2 arrived meanwhile: R1 joins slot 1 (10→20);
    // step [0,1] 20→25 ends R1 (slot 1 frees); R2 joins slot 1 (25→35) and is done at its first
    // token; step [0] 35→40 ends R0; idle until R3 at 50: slot 0, prefill 50→60, step 60→65.
    expect(run.records.map(pick)).toEqual([
      [0, 0, 10, 40, [10, 25, 40]],
      [1, 10, 20, 25, [20, 25]],
      [1, 25, 35, 35, [35]],
      [0, 50, 60, 65, [60, 65]],
    ]);
    expect(e.calls.filter((c) => c.op !== 'clear')).toEqual([
      { op: 'join', slots: [0], ids: [0], at: 0 },
      { op: 'join', slots: [1], ids: [1], at: 10 },
      { op: 'step', slots: [0, 1], at: 20 },
      { op: 'leave', slot: 1, at: 25 },
      { op: 'join', slots: [1], ids: [2], at: 25 },
      { op: 'leave', slot: 1, at: 35 },
      { op: 'step', slots: [0], at: 35 },
      { op: 'leave', slot: 0, at: 40 },
      { op: 'join', slots: [0], ids: [3], at: 50 },
      { op: 'step', slots: [0], at: 60 },
      { op: 'leave', slot: 0, at: 65 },
    ]);
    expect(run).toMatchObject({ durationS: 0.065, cut: false, decodeSteps: 3, stepSequences: 4, idleRowSteps: 0, prefills: 4, prefillS: 0.04, decodeS: 0.015 });
  });

  it('boundary (max batch 2): a batch starts only when the last one ended; finished rows keep being computed', async () => {
    const clock = new FakeClock();
    const e = new FakeEngine('boundary', clock, COST);
    const run = await runLevel(e, { maxBatch: 2, clock, requests: REQS, cutAfterMs: null });
    // R0 alone 0→10, steps 10→15→20; R1 and R2 wait for the boundary at 20, prefilled together
    // 20→30 (R2 done at its first token), step 30→35 computes R2's row for nothing and ends R1;
    // R3 at 50.
    expect(run.records.map(pick)).toEqual([
      [0, 0, 10, 20, [10, 15, 20]],
      [0, 20, 30, 35, [30, 35]],
      [1, 20, 30, 30, [30]],
      [0, 50, 60, 65, [60, 65]],
    ]);
    expect(e.calls.filter((c) => c.op === 'startBatch' || c.op === 'step')).toEqual([
      { op: 'startBatch', slots: [0], ids: [0], at: 0 },
      { op: 'step', slots: [0], at: 10 },
      { op: 'step', slots: [0], at: 15 },
      { op: 'startBatch', slots: [0, 1], ids: [1, 2], at: 20 },
      { op: 'step', slots: [0, 1], at: 30 },
      { op: 'startBatch', slots: [0], ids: [3], at: 50 },
      { op: 'step', slots: [0], at: 60 },
    ]);
    expect(run).toMatchObject({ durationS: 0.065, decodeSteps: 4, stepSequences: 5, idleRowSteps: 1, prefills: 4, prefillS: 0.03, decodeS: 0.02 });
  });

  it('open loop: a request that finds every slot busy waits in FIFO order, its wait inside TTFT', async () => {
    const clock = new FakeClock();
    const e = new FakeEngine('continuous', clock, COST);
    const burst = [0, 1, 2].map((id) => ({ id, arrivalMs: 0, promptTokens: 4, outputTokens: 2 }));
    const run = await runLevel(e, { maxBatch: 1, clock, requests: burst, cutAfterMs: null });
    // One slot: each request is prefill 10 + one step 5 = 15 ms, served in arrival order.
    expect(run.records.map((r) => [r.admittedMs, r.firstTokenMs, r.doneMs])).toEqual([
      [0, 10, 15],
      [15, 25, 30],
      [30, 40, 45],
    ]);
  });

  it('requests waiting together join together: one prefill for as many as there are free slots, FIFO', async () => {
    const clock = new FakeClock();
    const e = new FakeEngine('continuous', clock, { prefillMs: (reqs) => 6 + 2 * reqs.length, stepMs: () => 5 });
    const burst = [0, 1, 2, 3].map((id) => ({ id, arrivalMs: 0, promptTokens: 4, outputTokens: 2 }));
    const run = await runLevel(e, { maxBatch: 3, clock, requests: burst, cutAfterMs: null });
    // R0-R2 prefilled together (6 + 2·3 = 12 ms), one step 12→17 ends all three; R3 alone 17→25, step 25→30.
    expect(e.calls.filter((c) => c.op === 'join')).toEqual([
      { op: 'join', slots: [0, 1, 2], ids: [0, 1, 2], at: 0 },
      { op: 'join', slots: [0], ids: [3], at: 17 },
    ]);
    expect(run.records.map((r) => [r.slot, r.firstTokenMs, r.doneMs])).toEqual([
      [0, 12, 17],
      [1, 12, 17],
      [2, 12, 17],
      [0, 25, 30],
    ]);
  });

  it('a level past its cut stops with the unfinished requests recorded as such', async () => {
    const clock = new FakeClock();
    const e = new FakeEngine('continuous', clock, COST);
    const burst = [0, 1, 2].map((id) => ({ id, arrivalMs: 0, promptTokens: 4, outputTokens: 2 }));
    const run = await runLevel(e, { maxBatch: 1, clock, requests: burst, cutAfterMs: 20 });
    expect(run.cut).toBe(true);
    // At 15 R0 is done and R1 joins (15→25, first token) and steps to 30, past the cut (20): the
    // loop stops at its next turn; R2 was never admitted.
    expect(run.records.map((r) => [r.doneMs, r.tokenMs.length])).toEqual([
      [15, 2],
      [30, 2],
      [null, 0],
    ]);
    expect(run.durationS).toBe(0.03);
    expect(e.calls.at(-1)).toEqual({ op: 'clear', at: 30 });
  });
});
