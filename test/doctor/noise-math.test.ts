import { describe, expect, it } from 'vitest';
import { runToRunCv, smallestDetectable, successiveLogSpread } from '../../src/doctor/noise.js';

/**
 * The doctor's figures against hand computation and SciPy: the power of ab's paired verdict is
 * 1 − F_nct(t_{0.95, n−1}; n − 1, δ√n/σ) × Φ((δ − ln 1.035)√n/σ) with δ = −ln(1 − r), and the
 * smallest r reaching 0.9 was found by bisection in Python with scipy.stats.nct / t / norm (SciPy
 * 1.17), independently of jStat.
 */
describe('doctor noise math', () => {
  const runs = [100, 104, 98, 103, 101];
  it('run-to-run CV: sample sd / mean', () => {
    // mean 101.2; squares 1.44 + 7.84 + 10.24 + 3.24 + 0.04 = 22.8; sd = √(22.8/4) = 2.387467; CV = 0.0235916
    expect(runToRunCv(runs)).toBeCloseTo(Math.sqrt(22.8 / 4) / 101.2, 12);
    expect(runToRunCv(runs)).toBeCloseTo(0.023591573885994706, 12);
  });
  it('round spread: RMS of successive log differences (von Neumann)', () => {
    const d = [Math.log(104 / 100), Math.log(98 / 104), Math.log(103 / 98), Math.log(101 / 103)];
    expect(successiveLogSpread(runs)).toBeCloseTo(Math.sqrt(d.reduce((a, x) => a + x * x, 0) / 4), 14);
    expect(successiveLogSpread(runs)).toBeCloseTo(0.044525574742183646, 12);
    // A steady drift between runs is not noise of one round: 100, 101, 102, ... gives ≈ 1 %, not the CV's 1.6 %.
    expect(successiveLogSpread([100, 101, 102, 103, 104])).toBeLessThan(0.0101);
  });
  it('smallest change ab calls with 90 % power at 8/16/32 rounds (SciPy reference)', () => {
    const cases: Array<[number, number[]]> = [
      [0.02, [0.04253476546866505, 0.03998770235769588, 0.038184270200742325]],
      [0.05, [0.061944130610028, 0.04993783931691022, 0.044712942039032436]],
      [0.1, [0.11073802907257853, 0.07819268739701621, 0.05961814542019181]],
      [0.3, [0.2932027870709471, 0.206998337899651, 0.14883319354507873]],
    ];
    for (const [spreadLog, want] of cases) {
      [8, 16, 32].forEach((rounds, i) => {
        const got = smallestDetectable({ spreadLog, rounds, alpha: 0.05, noiseThreshold: 0.035, power: 0.9 })!;
        expect(Math.abs(got - want[i]!), `spread ${spreadLog}, ${rounds} rounds: ${got} vs ${want[i]}`).toBeLessThan(2e-4);
      });
    }
  });
  it('never below the noise threshold, null beyond 95 %', () => {
    // No spread: any change beyond the 3.5 % threshold is called; the floor is 1 − 1/1.035.
    expect(smallestDetectable({ spreadLog: 0, rounds: 8, alpha: 0.05, noiseThreshold: 0.035, power: 0.9 })).toBeCloseTo(0.035 / 1.035, 6);
    expect(smallestDetectable({ spreadLog: 5, rounds: 8, alpha: 0.05, noiseThreshold: 0.035, power: 0.9 })).toBeNull();
  });
  it('refuses too few runs', () => {
    expect(() => runToRunCv([1])).toThrow(/≥ 2 runs/);
    expect(() => successiveLogSpread([1, -2])).toThrow(/> 0/);
  });
});
