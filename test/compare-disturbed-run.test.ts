// One disturbed run must not decide a gate (seen on a shared CI VM: one of 16 runs at half speed,
// every other within ±4 %). With ≥ 8 runs, a run whose log value (its round's log ratio, when
// paired) has a modified z-score > 8 is set aside, said so in the reason; fewer runs, or more than a
// quarter disturbed, set nothing aside.
import { describe, expect, it } from 'vitest';
import { compareRuns, DISTURBED_RUN_Z } from '../src/stats/compare.js';

// Eight interleaved rounds of one program at ≈ 9.3 MH/s (±2 %), round 1's baseline at half speed:
// the values of a real failing A/B run.
const base = [4.67, 9.31, 8.78, 9.3, 9.2, 9.07, 9.57, 9.58].map((x) => x * 1e6);
const cand = [9.19, 9.2, 9.54, 9.4, 9.24, 9.29, 9.45, 9.4].map((x) => x * 1e6);
const opts = { paired: true, alpha: 0.01 };

describe('a disturbed run is set aside', () => {
  it('identical code with one half-speed baseline round: that round set aside, no change found', () => {
    const r = compareRuns({ values: base }, { values: cand }, true, opts);
    expect(r.setAsideBaseline).toBe(1);
    expect(r.setAsideCandidate).toBe(1);
    expect(r.nBaseline).toBe(8);
    expect(r.reason).toMatch(new RegExp(`^1 disturbed round\\(s\\) set aside \\(round 1: ratio modified z > ${DISTURBED_RUN_Z}\\); `));
    expect(['SAME', 'UNKNOWN']).toContain(r.verdict);
    // Rounds 2–8 by hand (Python): geometric means 9.25489 and 9.35932 MH/s.
    expect(r.centerBaseline! / 1e6).toBeCloseTo(9.25489, 4);
    expect(r.centerCandidate! / 1e6).toBeCloseTo(9.35932, 4);
  });

  it('the same runs with the candidate at 0.8×: SLOWER (the half-speed round alone made it UNKNOWN)', () => {
    const r = compareRuns({ values: base }, { values: cand.map((x) => x * 0.8) }, true, opts);
    expect(r.verdict).toBe('SLOWER');
    expect(r.relChange!).toBeCloseTo(0.8 * (9.35932 / 9.25489) - 1, 4);
  });

  it('fewer than 8 runs, or more than a quarter disturbed: nothing set aside', () => {
    const five = compareRuns({ values: base.slice(0, 5) }, { values: cand.slice(0, 5) }, true, opts);
    expect(five.setAsideBaseline + five.setAsideCandidate).toBe(0);
    const many = [...base];
    many[1] = many[2] = many[3] = 4.6e6; // three of eight at half speed: the machine, not a run
    const r = compareRuns({ values: many }, { values: cand }, true, opts);
    expect(r.setAsideBaseline).toBe(0);
    expect(r.reason).not.toMatch(/set aside/);
  });

  it('unpaired runs: the disturbed value set aside on its own side only', () => {
    const r = compareRuns({ values: base }, { values: cand }, true, { alpha: 0.01 });
    expect(r.setAsideBaseline).toBe(1);
    expect(r.setAsideCandidate).toBe(0);
    expect(r.reason).toMatch(/^1 baseline run\(s\) set aside as disturbed \(value modified z > 8\)/);
  });
});
