// Done-when simulation for `compare` (issue 10), through the real code path (compareRunSets →
// compareRuns → rank tests → Holm), seeded and fast. Each simulated run is a result document whose
// hash rate is total work / total time over 40 autocorrelated slices (AR(1), r = 0.6, 2 % slice
// noise, as one run's 0.2 s slices are) around the run's own level. The levels vary from run to run
// so that the run values' total sd is `runSd` (the "run-to-run sd"). The old compare (Welch on the
// slices of one run a side) said SLOWER ≈ 13 % of the time on such data with identical code.
import { describe, expect, it } from 'vitest';
import { compareRunSets } from '../src/report/compare-results.js';
import { ar1, seededNormal as normal, seededRandom } from './helpers.js';
import { minute, runDoc, runFiles } from './fixtures/results/run-docs.js';

const SLICES = 40;
const PHI = 0.6;
const SLICE_SD = 0.02;
/** Variance of a run's mean from its slices: σ²/(1−φ²)/n·(1+φ)/(1−φ) (AR(1), n ≫ 1). */
const WITHIN_VAR = (SLICE_SD * SLICE_SD) / (1 - PHI * PHI) / SLICES * ((1 + PHI) / (1 - PHI));

/** One run: its level varies so the run value's sd is `runSd`; slices AR(1) around it; value = harmonic mean (equal work per slice). */
function simulatedRun(rnd: () => number, trueRate: number, runSd: number, startedAt: string) {
  const levelSd = Math.sqrt(Math.max(0, runSd * runSd - WITHIN_VAR));
  const level = trueRate * Math.exp(levelSd * normal(rnd));
  const samples = ar1(SLICES, 0, PHI, SLICE_SD, rnd).map((e) => level * (1 + e));
  const value = samples.length / samples.reduce((s, x) => s + 1 / x, 0);
  return runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value, samples }], startedAt);
}

/** Fraction of trials with each verdict; baseline runs all before candidate runs (unpaired). */
function rates(seed: number, trials: number, nPerSide: number, runSd: number, candidateRatio: number) {
  const rnd = seededRandom(seed);
  const count = { SLOWER: 0, FASTER: 0, SAME: 0, UNKNOWN: 0, REFUSED: 0 };
  for (let t = 0; t < trials; t++) {
    const base = Array.from({ length: nPerSide }, (_, i) => simulatedRun(rnd, 1e6, runSd, minute(i)));
    const cand = Array.from({ length: nPerSide }, (_, i) => simulatedRun(rnd, 1e6 * candidateRatio, runSd, minute(100 + i)));
    const r = compareRunSets(runFiles(base, 'b'), runFiles(cand, 'c'), { baseline: 'b', candidate: 'c' });
    count[r.rows[0]!.verdict]++;
  }
  return Object.fromEntries(Object.entries(count).map(([k, v]) => [k, v / trials])) as Record<keyof typeof count, number>;
}

const TRIALS = 1000;

function pctOf(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

// Measured rates are printed ([sim] lines) for the record; the bounds are the targets:
// identical code → false FASTER/SLOWER ≤ 1 % (1, 5 and 8 runs a side); a true 10 % slowdown at
// 5 % run-level noise with 5 runs a side → SLOWER ≥ 90 % (2,000 trials: the rule's rate is ≈ 91 %,
// and 1,000 trials leave ±1 point of chance).
describe('compare on simulated runs (seeded)', () => {
  it('identical code, one run a side (autocorrelated slices, 2 % run-to-run sd): never FASTER/SLOWER', () => {
    const seed = 1001;
    const r = rates(seed, TRIALS, 1, 0.02, 1);
    console.log(`[sim] null, 1 run a side, ${TRIALS} trials: false SLOWER ${pctOf(r.SLOWER)}, FASTER ${pctOf(r.FASTER)}, UNKNOWN ${pctOf(r.UNKNOWN)} (seed ${seed})`);
    expect(r.SLOWER + r.FASTER, `seed ${seed}`).toBeLessThanOrEqual(0.01);
  });
  it('identical code, 8 runs a side at 2 % run-to-run sd: false FASTER/SLOWER ≤ 1 %', () => {
    const seed = 1003;
    const r = rates(seed, 2 * TRIALS, 8, 0.02, 1);
    console.log(`[sim] null, 8 runs a side, ${2 * TRIALS} trials: false SLOWER ${pctOf(r.SLOWER)}, FASTER ${pctOf(r.FASTER)}, SAME ${pctOf(r.SAME)} (seed ${seed})`);
    expect(r.SLOWER + r.FASTER, `seed ${seed}`).toBeLessThanOrEqual(0.01);
  });
  it('identical code, 5 runs a side at 2 % run-to-run sd: false FASTER/SLOWER ≤ 1 %', () => {
    const seed = 1002;
    const r = rates(seed, TRIALS, 5, 0.02, 1);
    console.log(`[sim] null, 5 runs a side, ${TRIALS} trials: false SLOWER ${pctOf(r.SLOWER)}, FASTER ${pctOf(r.FASTER)}, SAME ${pctOf(r.SAME)} (seed ${seed})`);
    expect(r.SLOWER + r.FASTER, `seed ${seed}`).toBeLessThanOrEqual(0.01);
  });
  it('a true 10 % slowdown at 5 % run-level noise: SLOWER ≥ 90 % with 5 runs a side, ≥ 95 % with 8; never FASTER', () => {
    for (const [n, seed, trials, bound] of [
      [5, 1004, 2 * TRIALS, 0.9],
      [8, 1005, TRIALS, 0.95],
    ] as const) {
      const r = rates(seed, trials, n, 0.05, 0.9);
      console.log(`[sim] −10 %, ${n} runs a side, 5 % run sd, ${trials} trials: SLOWER ${pctOf(r.SLOWER)}, FASTER ${pctOf(r.FASTER)}, UNKNOWN ${pctOf(r.UNKNOWN)} (seed ${seed})`);
      expect(r.FASTER, `n = ${n}, seed ${seed}`).toBe(0);
      expect(r.SLOWER, `n = ${n}, seed ${seed}`).toBeGreaterThanOrEqual(bound);
    }
  });
});
