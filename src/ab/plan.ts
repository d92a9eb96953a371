/**
 * The run plan of an interleaved A/B comparison (pure): randomized multiple interleaved trials
 * (Abedi & Brecht, "Conducting repeatable experiments in highly variable cloud computing
 * environments", ICPE 2017): every round runs the baseline and the candidate once each, in an
 * order drawn afresh per round from a seeded PRNG, so slow drifts of the machine (load, heat,
 * neighbours) hit both sides alike and the order is reproducible from the stored seed.
 */
import { mulberry32 } from '../util/random.js';

/** A side of the comparison. */
export type Side = 'baseline' | 'candidate';

/** One planned run. */
export interface PlannedRun {
  /** 0 for warm-up (priming) runs, else 1..rounds. */
  round: number;
  side: Side;
  /** Position in the whole sequence (0-based). */
  index: number;
  /** Priming run: untimed warm-up, kept but never compared. */
  warmup: boolean;
}

/** The seeded order: `warmupRuns` priming runs per side (alternating), then the rounds. */
export function planRuns(rounds: number, seed: number, warmupRuns = 1): { order: Side[][]; runs: PlannedRun[] } {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be an integer ≥ 1, got ${rounds}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new RangeError(`warmupRuns must be an integer ≥ 0, got ${warmupRuns}`);
  const next = mulberry32(seed);
  const runs: PlannedRun[] = [];
  for (let w = 0; w < warmupRuns; w++) {
    for (const side of ['baseline', 'candidate'] as const) runs.push({ round: 0, side, index: runs.length, warmup: true });
  }
  const order: Side[][] = [];
  for (let r = 1; r <= rounds; r++) {
    // One draw per round: its top bit picks the order (mulberry32's high bits are its best).
    const pair: Side[] = next() >>> 31 ? ['candidate', 'baseline'] : ['baseline', 'candidate'];
    order.push(pair);
    for (const side of pair) runs.push({ round: r, side, index: runs.length, warmup: false });
  }
  return { order, runs };
}

/**
 * Substitute the placeholders of a benchmark command: {out} (result file; required), {side},
 * {round}, {dir} (the checkout). Values are single-quoted for /bin/sh.
 */
export function benchCommand(template: string, values: { out: string; side: Side; round: number; dir: string }): string {
  if (!template.includes('{out}')) throw new RangeError("the benchmark command must contain {out} (where the run writes its result file)");
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return template
    .replace(/\{out\}/g, q(values.out))
    .replace(/\{side\}/g, values.side)
    .replace(/\{round\}/g, String(values.round))
    .replace(/\{dir\}/g, q(values.dir));
}
