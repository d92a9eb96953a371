/**
 * How many interleaved rounds an A/B comparison needs (pure): the power of the paired verdict
 * (src/stats/compare.ts) to call a regression of a given size, and the fewest rounds that reach a
 * target power, from the run-to-run noise measured in a first batch of rounds.
 *
 * That two-stage design (size the experiment from the variance seen in its own first stage) is
 * Stein's ("A two-sample test for a linear hypothesis whose power is independent of the
 * variance", Ann. Math. Statist. 16(3), 1945); re-estimating the size from an internal pilot and
 * testing on all the data is Wittes & Brittain ("The role of internal pilot studies in increasing
 * the efficiency of clinical trials", Stat. Med. 9(1–2), 1990). The decision to add rounds looks
 * only at the spread of the first rounds' ratios, never at their mean (for normal data the two are
 * independent). The final test pools all rounds, which can lift its false-alarm rate a little above
 * α when many rounds are added (a first stage that underestimated the spread is not diluted; Kieser
 * & Friede, Stat. Med. 19(7), 2000). Simulated for the configurations that ship, with the same
 * first rounds for both designs (bench/out/verdict-simulations.json, 5,000 trials each): at α 0.05
 * over 3 gated metrics, any SLOWER 5.3 % (8 rounds) → 5.5 % (sized) at 10 % round spread and 5.7 %
 * → 5.1 % at 25 %; the lift stays within 2 points (paired 99 % interval,
 * test/verdict-simulations-ab-*.test.ts).
 *
 * Power of the verdict SLOWER for a true log change of −δ with per-round log-ratio sd σ, after n
 * rounds, at one-sided level α, noise threshold τ:
 *   P(significant) = 1 − F_nct(t_{1−α, n−1}; n − 1, δ√n/σ)   (noncentral t, exact for normal data)
 *   P(estimate beyond τ) = Φ((δ − log(1+τ))·√n/σ)
 * and the power is their product (the two events go together, so the product is a lower bound).
 */
import { jStat } from './jstat.js';

/** What sizing needs to know about one metric and the gate. */
export interface PowerInput {
  /** Sample sd of the per-round log ratios (MetricComparison.spreadLog). */
  spreadLog: number;
  /** Size of the regression to detect, relative (0.2 = 20 % worse). */
  detectRel: number;
  /** Whether higher values are better (a regression is then a ratio of 1 − detectRel). */
  higherIsBetter: boolean;
  /** One-sided error rate of the test (already divided for multiplicity when needed). */
  alpha: number;
  /** Noise threshold τ: a verdict needs the estimate beyond ±τ (relative). */
  noiseThreshold: number;
}

/** The log size δ > 0 of a regression of `detectRel` (ratio 1 − r when higher is better, else 1 + r). */
export function regressionLog(detectRel: number, higherIsBetter: boolean): number {
  return higherIsBetter ? -Math.log1p(-detectRel) : Math.log1p(detectRel);
}

function check(p: PowerInput): void {
  if (!(p.spreadLog >= 0 && Number.isFinite(p.spreadLog))) throw new RangeError(`spreadLog must be finite and ≥ 0, got ${p.spreadLog}`);
  if (!(p.detectRel > 0 && p.detectRel < 1)) throw new RangeError(`detectRel must be in (0, 1), got ${p.detectRel}`);
  if (!(p.alpha > 0 && p.alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${p.alpha}`);
  if (!(regressionLog(p.detectRel, p.higherIsBetter) > Math.log1p(p.noiseThreshold))) {
    throw new RangeError(`a ${(p.detectRel * 100).toFixed(1)} % change is within the ${(p.noiseThreshold * 100).toFixed(1)} % noise threshold: it can never be called`);
  }
}

/** Probability that n paired rounds call a true regression of `detectRel` SLOWER (see the module note). */
export function pairedPower(n: number, p: PowerInput): number {
  check(p);
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`rounds must be an integer ≥ 2, got ${n}`);
  const delta = regressionLog(p.detectRel, p.higherIsBetter);
  if (p.spreadLog === 0) return 1;
  const tc = jStat.studentt.inv(1 - p.alpha, n - 1);
  const ncp = (delta * Math.sqrt(n)) / p.spreadLog;
  const significant = 1 - jStat.noncentralt.cdf(tc, n - 1, ncp);
  const beyond = jStat.normal.cdf(((delta - Math.log1p(p.noiseThreshold)) * Math.sqrt(n)) / p.spreadLog, 0, 1);
  return Math.min(1, Math.max(0, significant * beyond));
}

/** The rounds a comparison should have, and the power they give. */
export interface RoundsPlan {
  /** Fewest rounds in [minRounds, maxRounds] reaching the power, or maxRounds when none does. */
  rounds: number;
  /** Power at `rounds`. */
  power: number;
  /** True when even maxRounds falls short of the target power. */
  capped: boolean;
}

/** Fewest rounds (≥ minRounds, ≤ maxRounds) whose power reaches `power`. */
export function roundsToDetect(p: PowerInput & { power: number; minRounds: number; maxRounds: number }): RoundsPlan {
  check(p);
  if (!(p.power > 0 && p.power < 1)) throw new RangeError(`power must be in (0, 1), got ${p.power}`);
  if (!(Number.isInteger(p.minRounds) && p.minRounds >= 2 && Number.isInteger(p.maxRounds) && p.maxRounds >= p.minRounds)) {
    throw new RangeError(`need integers 2 ≤ minRounds ≤ maxRounds, got ${p.minRounds}, ${p.maxRounds}`);
  }
  // Power grows with n (ncp ∝ √n, the critical t falls): bisect for the first n that reaches it.
  const atMax = pairedPower(p.maxRounds, p);
  if (atMax < p.power) return { rounds: p.maxRounds, power: atMax, capped: true };
  let lo = p.minRounds;
  let hi = p.maxRounds;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (pairedPower(mid, p) >= p.power) hi = mid;
    else lo = mid + 1;
  }
  return { rounds: lo, power: pairedPower(lo, p), capped: false };
}
