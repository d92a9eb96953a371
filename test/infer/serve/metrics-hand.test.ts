/**
 * Level figures (src/infer/serve/metrics.ts) against values computed by hand from a four-request
 * trace (the continuous trace of serve-scheduler-trace.test.ts), numpy's linear percentiles worked
 * out on paper: for sorted x and p, h = (n − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] − x[⌊h⌋]).
 */
import { describe, expect, it } from 'vitest';
import { levelFigures, type RequestRecord } from '../../../src/infer/serve/metrics.js';

const rec = (id: number, arrivalMs: number, admittedMs: number, tokenMs: number[], promptTokens = 4): RequestRecord => ({
  id, slot: 0, arrivalMs, admittedMs, firstTokenMs: tokenMs[0]!, doneMs: tokenMs.at(-1)!, promptTokens, outputTokens: tokenMs.length, tokenMs,
});

const TRACE = [rec(0, 0, 0, [10, 25, 40]), rec(1, 2, 10, [20, 25]), rec(2, 3, 25, [35]), rec(3, 50, 50, [60, 65])];

describe('level figures against a hand-computed trace', () => {
  const f = levelFigures(TRACE, 0.065, { ttftMs: 20, tpotMs: 10 });

  it('counts, duration-based throughput', () => {
    expect(f).toMatchObject({ completedRequests: 4, unfinishedRequests: 0, promptTokens: 16, outputTokens: 8, durationS: 0.065 });
    expect(f.outputTokensPerSecond).toBeCloseTo(8 / 0.065, 9); // 123.077
    expect(f.requestsPerSecond).toBeCloseTo(4 / 0.065, 9);
  });

  it('TTFT from the scheduled arrival: 10, 18, 32, 10 ms', () => {
    // sorted 10, 10, 18, 32: p50 h=1.5 → 14; p90 h=2.7 → 18 + 0.7·14 = 27.8; p99 h=2.97 → 31.58
    expect(f.ttftMs!.p50).toBeCloseTo(14, 12);
    expect(f.ttftMs!.p90).toBeCloseTo(27.8, 12);
    expect(f.ttftMs!.p99).toBeCloseTo(31.58, 12);
  });

  it('TPOT per request (one-token R2 left out): 15, 5, 5 ms', () => {
    // sorted 5, 5, 15: p50 5; p90 h=1.8 → 13; p99 h=1.98 → 14.8
    expect(f.tpotMs!.p50).toBeCloseTo(5, 12);
    expect(f.tpotMs!.p90).toBeCloseTo(13, 12);
    expect(f.tpotMs!.p99).toBeCloseTo(14.8, 12);
  });

  it('ITL pooled over requests: 15, 15, 5, 5 ms', () => {
    // sorted 5, 5, 15, 15: p50 h=1.5 → 10; p90 h=2.7 → 15; p99 → 15
    expect(f.itlMs).toEqual({ p50: 10, p90: 15, p99: 15 });
  });

  it('E2EL and queue time from the scheduled arrival', () => {
    // E2EL 40, 23, 32, 15 → sorted 15, 23, 32, 40: p50 27.5; queue 0, 8, 22, 0 → sorted 0, 0, 8, 22: p50 4
    expect(f.e2elMs!.p50).toBeCloseTo(27.5, 12);
    expect(f.queueMs!.p50).toBeCloseTo(4, 12);
  });

  it('goodput: requests meeting TTFT ≤ 20 and TPOT ≤ 10 per second (R1, R3; R0 misses TPOT, R2 TTFT)', () => {
    expect(f.goodRequests).toBe(2);
    expect(f.goodputRequestsPerSecond).toBeCloseTo(2 / 0.065, 9);
  });

  it('a one-token request meets any TPOT target (vLLM counts its TPOT as 0); no SLO → no goodput', () => {
    expect(levelFigures([rec(0, 0, 0, [5])], 0.005, { ttftMs: null, tpotMs: 0.001 }).goodRequests).toBe(1);
    const none = levelFigures(TRACE, 0.065, { ttftMs: null, tpotMs: null });
    expect([none.goodRequests, none.goodputRequestsPerSecond]).toEqual([null, null]);
  });

  it('unfinished requests stay out of the latency figures and the goodput, and are counted', () => {
    const cut: RequestRecord = { id: 9, slot: null, arrivalMs: 1, admittedMs: null, firstTokenMs: null, doneMs: null, promptTokens: 4, outputTokens: 2, tokenMs: [] };
    const g = levelFigures([...TRACE, cut], 0.07, { ttftMs: 1000, tpotMs: 1000 });
    expect(g).toMatchObject({ completedRequests: 4, unfinishedRequests: 1, outputTokens: 8, goodRequests: 4 });
    expect(g.ttftMs).toEqual(f.ttftMs);
  });
});
