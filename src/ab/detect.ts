/**
 * `joulebench ab --detect <percent>` (pure): after the first rounds, size the A/B comparison from
 * the noise those rounds show, so that a regression of the given size is called SLOWER with the
 * given power. Each gated metric compared paired by round gives its per-round log-ratio spread
 * (src/stats/compare.ts); the rounds are those the noisiest metric needs (src/stats/sample-size.ts),
 * at the strictest Holm level α/m (m gated metrics), never fewer than already run and never more
 * than `maxRounds`. The decision reads only the spread, never the estimated change (see the
 * two-stage note in sample-size.ts for what that does to the false-alarm rate).
 */
import type { ComparisonReport } from '../report/compare-results.js';
import { roundsToDetect } from '../stats/sample-size.js';
import type { AbExtension } from './driver.js';

/** What `--detect` asks for. */
export interface DetectOptions {
  /** Regression size to detect, relative (0.2 = 20 % worse). */
  detectRel: number;
  /** Target probability of calling it SLOWER. */
  power: number;
  /** Rounds already run (the first stage). */
  firstRounds: number;
  /** Upper bound on the rounds in all (≥ firstRounds; `ab` refuses less). */
  maxRounds: number;
}

function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** The rounds in all, and a line saying why, from the comparison of the first rounds. */
export function detectRounds(report: ComparisonReport, o: DetectOptions): AbExtension {
  const gated = report.rows.filter((r) => r.gated && r.verdict !== 'REFUSED');
  const sized = gated.filter((r) => r.spreadLog !== null);
  const head = `--detect ${pct(o.detectRel)}`;
  if (!sized.length) {
    const why = !report.pairing.paired ? report.pairing.why : gated.length ? 'no gated metric has a value in every round' : 'no gated metric in both sides';
    return { rounds: o.firstRounds, note: `${head}: cannot size the comparison after ${o.firstRounds} rounds (${why}); no rounds added` };
  }
  const alpha = report.alpha / Math.max(1, gated.length);
  const perMetric = sized.map((r) => ({
    key: `${r.measurementId}.${r.metric}`,
    spreadLog: r.spreadLog!,
    plan: roundsToDetect({
      spreadLog: r.spreadLog!,
      detectRel: o.detectRel,
      higherIsBetter: r.higherIsBetter,
      alpha,
      noiseThreshold: report.noiseThreshold,
      power: o.power,
      // Never fewer than run already, nor than a verdict needs (--min-runs), nor more than allowed
      // (`ab` refuses --min-runs or --rounds above --max-rounds).
      minRounds: Math.min(Math.max(2, o.firstRounds, report.minRuns), Math.max(o.maxRounds, o.firstRounds)),
      maxRounds: Math.max(o.maxRounds, o.firstRounds),
    }),
  }));
  const worst = perMetric.reduce((w, m) => (m.plan.rounds > w.plan.rounds || (m.plan.rounds === w.plan.rounds && m.plan.power < w.plan.power) ? m : w));
  const rounds = Math.max(o.firstRounds, worst.plan.rounds);
  const spread = `${worst.key} varies by ${pct(Math.expm1(worst.spreadLog))} round to round (sd of the log ratios over ${o.firstRounds} rounds)`;
  const level = `one-sided alpha ${+alpha.toPrecision(3)}${gated.length > 1 ? ` (${report.alpha}/${gated.length} gated metrics)` : ''}`;
  const note =
    rounds === o.firstRounds
      ? `${head}: ${spread}; ${o.firstRounds} rounds give ${pct(worst.plan.power)} power for it at ${level}${worst.plan.power < o.power ? ` (below ${o.power * 100} %, and --max-rounds ${o.maxRounds} allows no more)` : ''}: no rounds added`
      : worst.plan.capped
        ? `${head}: ${spread}; ${o.power * 100} % power at ${level} needs more than --max-rounds ${o.maxRounds}: running ${rounds - o.firstRounds} more (${rounds} in all, ${pct(worst.plan.power)} power)`
        : `${head}: ${spread}; ${o.power * 100} % power at ${level} needs ${rounds} rounds: running ${rounds - o.firstRounds} more`;
  return { rounds, note };
}
