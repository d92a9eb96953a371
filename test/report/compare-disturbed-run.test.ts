// Without host telemetry, a run far from the others is not set aside on its value alone (it might
// be a real intermittent slowness of its program); only a round whose two runs are both grossly
// slow on their own sides is (the machine was disturbed for both programs). Values of a real failing
// A/B run on a shared CI VM: eight interleaved rounds of one program at ≈ 9.3 MH/s (±2 %), round 1's
// baseline at half speed.
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/stats/compare.js';
import { GROSS_Z, qnScale } from '../../src/stats/disturbance.js';

const base = [4.67, 9.31, 8.78, 9.3, 9.2, 9.07, 9.57, 9.58].map((x) => x * 1e6);
const cand = [9.19, 9.2, 9.54, 9.4, 9.24, 9.29, 9.45, 9.4].map((x) => x * 1e6);
const opts = { paired: true, alpha: 0.01 };

describe('disturbed runs without telemetry', () => {
  it('one half-speed baseline run, identical code: not set aside, not SAME nor FASTER (UNKNOWN, saying why)', () => {
    const r = compareRuns({ values: base }, { values: cand }, true, opts);
    expect(r.setAsideBaseline + r.setAsideCandidate).toBe(0);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.gross).toMatchObject({ unit: 'round', of: 8, candidateWorse: [], candidateBetter: [1] });
    expect(r.reason).toMatch(/^candidate \+9\d\.\d\d % against the baseline in round 1 \(1 of 8; .*neither FASTER nor SAME/);
    // The test ran on rounds 2–8 (by hand, Python: geometric means 9.25489 and 9.35932 MH/s).
    expect(r.centerBaseline! / 1e6).toBeCloseTo(9.25489, 4);
    expect(r.centerCandidate! / 1e6).toBeCloseTo(9.35932, 4);
  });

  it('the same runs with the candidate at 0.8×: SLOWER on the other rounds (a slow baseline round can only hide a regression)', () => {
    const r = compareRuns({ values: base }, { values: cand.map((x) => x * 0.8) }, true, opts);
    expect(r.verdict).toBe('SLOWER');
    expect(r.verdictDetail).toBeNull();
    expect(r.relChange!).toBeCloseTo(0.8 * (9.35932 / 9.25489) - 1, 4);
  });

  it('both runs of round 1 at half speed: that round set aside as disturbed (evidence from both sides)', () => {
    const c = [...cand];
    c[0] = 4.6e6;
    const r = compareRuns({ values: base }, { values: c }, true, opts);
    expect(r).toMatchObject({ setAsideBaseline: 1, setAsideCandidate: 1, nBaseline: 8 });
    expect(r.reason).toMatch(/^1 round\(s\) set aside as disturbed \(round 1: both runs grossly slow on their own sides\); /);
    // The test ran on rounds 2–8 (7 rounds at alpha 0.01: CI [−3.0 %, +5.4 %], no verdict either way).
    expect(r.centerBaseline! / 1e6).toBeCloseTo(9.25489, 4);
    expect(r.centerCandidate! / 1e6).toBeCloseTo(9.35932, 4);
    expect(r.verdict).toBe('UNKNOWN');
  });

  it('fewer than 8 rounds, or half of them off: no gross deviation is judged', () => {
    const five = compareRuns({ values: base.slice(0, 5) }, { values: cand.slice(0, 5) }, true, opts);
    expect(five.gross).toBeNull();
    const half = cand.map((x, i) => (i % 2 ? x * 0.5 : x));
    const r = compareRuns({ values: base.slice(1).concat(9.3e6) }, { values: half }, true, opts);
    expect(r.gross).toMatchObject({ candidateWorse: [], candidateBetter: [] });
    expect(r.verdictDetail).toBeNull();
  });

  it('unpaired runs: a slow baseline run is left out of the test and blocks SAME', () => {
    const r = compareRuns({ values: base }, { values: cand }, true, { alpha: 0.01 });
    expect(r.gross).toMatchObject({ unit: 'run', candidateWorse: [], candidateBetter: [1] });
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.reason).toMatch(/^baseline run 1 \(1 of 8\) at -49\.\d\d % from the baseline's other runs/);
  });

  it('Qn by hand: 2.2219 · 0.669 · the 10th smallest of the 28 pairwise gaps of 8 values', () => {
    // Values 0..7: gaps 1 (7 times), 2 (6 times): the 10th smallest is 2.
    expect(qnScale([0, 1, 2, 3, 4, 5, 6, 7])).toBeCloseTo(2.2219 * 0.669 * 2, 12);
    // The half-speed round's robust z is far beyond the threshold, the others' far below.
    const logs = base.map((x, i) => Math.log(cand[i]! / x));
    const s = qnScale(logs);
    const med = [...logs].sort((p, q) => p - q);
    const m = (med[3]! + med[4]!) / 2;
    expect((logs[0]! - m) / s).toBeGreaterThan(2 * GROSS_Z); // 19.3
    for (const v of logs.slice(1)) expect(Math.abs(v - m) / s).toBeLessThan(3);
  });
});
