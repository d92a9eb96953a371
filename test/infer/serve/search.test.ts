/**
 * The sustainable figure and the bisection (src/infer/serve/search.ts, src/infer/serve/result.ts
 * sustainableOf) on hand-made level outcomes: targets TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99.
 */
import { describe, expect, it } from 'vitest';
import { bracketOf, levelVerdict, nextProbeQps, type LevelOutcome } from '../../../src/infer/serve/search.js';

const SLO = { ttftMs: 2000, tpotMs: 200 };
const lvl = (offeredQps: number | 'inf', ttft: number, tpot: number, extra: Partial<LevelOutcome> = {}): LevelOutcome => ({ offeredQps, completedRequests: 10, unfinishedRequests: 0, ttftP99Ms: ttft, tpotP99Ms: tpot, requestsPerSecond: offeredQps === 'inf' ? 8 : offeredQps, ...extra });

describe('sustainable rate: highest offered rate within both p99 targets', () => {
  it('a level passes only with both p99s within their targets, every request done, and a finite rate', () => {
    expect(levelVerdict(lvl(2, 2000, 200), SLO).ok).toBe(true);
    expect(levelVerdict(lvl(2, 2000.1, 20), SLO)).toMatchObject({ ok: false, why: 'p99 TTFT 2000 ms > 2000 ms' });
    expect(levelVerdict(lvl(2, 20, 250), SLO)).toMatchObject({ ok: false, why: 'p99 TPOT 250 ms > 200 ms' });
    expect(levelVerdict(lvl(2, 20, 20, { unfinishedRequests: 3 }), SLO).ok).toBe(false);
    expect(levelVerdict(lvl('inf', 20, 20), SLO).ok).toBe(false);
    expect(levelVerdict(lvl(2, 20, 20, { completedRequests: 0 }), SLO).ok).toBe(false);
  });

  it('bracket: highest pass, lowest failing rate above it, the burst completion rate as the cap', () => {
    const levels = [lvl(1, 100, 50), lvl(4, 3000, 50), lvl(2, 500, 80), lvl(8, 9000, 50), lvl('inf', 30000, 60)];
    expect(bracketOf(levels, SLO)).toEqual({ passQps: 2, failQps: 4, serviceRate: 8 });
  });

  it('bisection probes the middle of the bracket, then of the narrowed one, and stops within 5 %', () => {
    const levels = [lvl(2, 500, 80), lvl('inf', 30000, 60, { requestsPerSecond: 6 })];
    expect(nextProbeQps(levels, SLO)).toBe(4); // (2 + 6) / 2
    levels.push(lvl(4, 2500, 90));
    expect(nextProbeQps(levels, SLO)).toBe(3); // (2 + 4) / 2: 4 failed
    levels.push(lvl(3, 1500, 90));
    expect(nextProbeQps(levels, SLO)).toBe(3.5);
    levels.push(lvl(3.5, 1900, 90));
    expect(nextProbeQps(levels, SLO)).toBe(3.75);
    levels.push(lvl(3.75, 2100, 90));
    // bracket [3.5, 3.75]: 6.7 % of 3.75 → one more (3.63 rounded to 3 digits); then [3.5, 3.63] is 3.6 % → stop
    expect(nextProbeQps(levels, SLO)).toBe(3.63);
    levels.push(lvl(3.63, 2200, 90));
    expect(nextProbeQps(levels, SLO)).toBeNull();
  });

  it('no probe without a target, without an upper bound, or when nothing is above the highest pass', () => {
    expect(nextProbeQps([lvl(2, 500, 80), lvl(8, 9000, 50)], { ttftMs: null, tpotMs: null })).toBeNull();
    expect(nextProbeQps([lvl(1, 100, 50), lvl(2, 500, 80)], SLO)).toBeNull(); // every listed rate passed, no inf
    expect(nextProbeQps([lvl(2, 500, 80), lvl('inf', 9e4, 50, { requestsPerSecond: 1.5 })], SLO)).toBeNull(); // service rate below the pass
  });

  it('nothing passing: the search starts from 0 up to the lowest failing rate', () => {
    expect(nextProbeQps([lvl(4, 5000, 50)], SLO)).toBe(2);
  });
});
