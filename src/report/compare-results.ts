/**
 * Compare two result documents metric by metric (issue 7, `joulebench compare`).
 * Measurements are matched by id and metrics by name; each pair gets a verdict from
 * src/stats/compare.ts. Metrics present on one side only are listed, never dropped silently.
 */
import { compareSamples, type CompareOptions, type MetricComparison, type Verdict } from '../stats/compare.js';
import type { Energy, Measurement, ResultDoc } from './schema.js';
import { deviceLabel } from './rows.js';
import { energyBasisMismatch } from '../power/energy-basis.js';

/** One compared metric. */
export interface MetricRow extends MetricComparison {
  measurementId: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
}

/** Everything `compare` prints or exports. */
export interface ComparisonReport {
  baseline: { label: string; device: string; toolVersion: string; gitSha: string | null; startedAt: string; complete: boolean };
  candidate: { label: string; device: string; toolVersion: string; gitSha: string | null; startedAt: string; complete: boolean };
  noiseThreshold: number;
  alpha: number;
  minSamples: number;
  rows: MetricRow[];
  /** "measurement.metric" present only in the baseline / only in the candidate. */
  onlyBaseline: string[];
  onlyCandidate: string[];
  counts: Record<Verdict, number>;
  warnings: string[];
}

function side(doc: ResultDoc, label: string): ComparisonReport['baseline'] {
  return {
    label,
    device: deviceLabel(doc.environment.adapter ?? null, doc.environment.cpu.model),
    toolVersion: doc.tool.version,
    gitSha: doc.git.sha,
    startedAt: doc.startedAt,
    complete: doc.complete,
  };
}

/** Compare `candidate` against `baseline`. Rows come in baseline order, then candidate-only metrics are listed. */
export function compareResults(
  baseline: ResultDoc,
  candidate: ResultDoc,
  labels: { baseline: string; candidate: string },
  options: CompareOptions = {},
): ComparisonReport {
  const noiseThreshold = options.noiseThreshold ?? 0.02;
  const alpha = options.alpha ?? 0.05;
  const minSamples = options.minSamples ?? 5;
  const rows: MetricRow[] = [];
  const onlyBaseline: string[] = [];
  const onlyCandidate: string[] = [];
  const warnings: string[] = [];
  const candById = new Map(candidate.measurements.map((m) => [m.id, m]));
  const baseIds = new Set(baseline.measurements.map((m) => m.id));
  for (const bm of baseline.measurements) {
    const cm = candById.get(bm.id);
    for (const [name, bmet] of Object.entries(bm.metrics)) {
      const cmet = cm?.metrics[name];
      if (!cmet) {
        onlyBaseline.push(`${bm.id}.${name}`);
        continue;
      }
      if (cmet.unit !== bmet.unit || cmet.higherIsBetter !== bmet.higherIsBetter) {
        warnings.push(`${bm.id}.${name}: unit or direction differs (${bmet.unit} vs ${cmet.unit}); not compared`);
        rows.push({
          ...compareSamples(undefined, undefined, bmet.higherIsBetter, { noiseThreshold, alpha, minSamples }),
          reason: `unit or direction differs (${bmet.unit} vs ${cmet.unit})`,
          measurementId: bm.id,
          metric: name,
          unit: bmet.unit,
          higherIsBetter: bmet.higherIsBetter,
        });
        continue;
      }
      // Per-joule figures on different energy bases (declared vs metered, another meter or scope)
      // are different quantities: listed, never reported as a change.
      const basisDiff = /\/J$/.test(bmet.unit) ? energyBasisMismatch(perJouleEnergy(bm, name), perJouleEnergy(cm!, name)) : null;
      if (basisDiff) {
        warnings.push(`${bm.id}.${name}: ${basisDiff}; not compared`);
        rows.push({
          ...compareSamples(undefined, undefined, bmet.higherIsBetter, { noiseThreshold, alpha, minSamples }),
          meanBaseline: bmet.value,
          meanCandidate: cmet.value,
          reason: basisDiff,
          measurementId: bm.id,
          metric: name,
          unit: bmet.unit,
          higherIsBetter: bmet.higherIsBetter,
        });
        continue;
      }
      const cmp = compareSamples(bmet.samples, cmet.samples, bmet.higherIsBetter, { noiseThreshold, alpha, minSamples });
      // Without samples keep the point values visible (the verdict stays UNKNOWN).
      if (cmp.meanBaseline === null && bmet.value !== null) cmp.meanBaseline = bmet.value;
      if (cmp.meanCandidate === null && cmet.value !== null) cmp.meanCandidate = cmet.value;
      if (cmp.relChange === null && cmp.meanBaseline !== null && cmp.meanCandidate !== null && cmp.meanBaseline !== 0) {
        cmp.relChange = cmp.meanCandidate / cmp.meanBaseline - 1;
      }
      rows.push({ ...cmp, measurementId: bm.id, metric: name, unit: bmet.unit, higherIsBetter: bmet.higherIsBetter });
    }
  }
  for (const cm of candidate.measurements) {
    const bm = baseIds.has(cm.id) ? baseline.measurements.find((m) => m.id === cm.id) : undefined;
    for (const name of Object.keys(cm.metrics)) if (!bm?.metrics[name]) onlyCandidate.push(`${cm.id}.${name}`);
  }
  const b = side(baseline, labels.baseline);
  const c = side(candidate, labels.candidate);
  if (b.device !== c.device) warnings.push(`different devices: baseline ran on ${b.device}, candidate on ${c.device}`);
  if (!baseline.complete) warnings.push(`baseline is an incomplete run${baseline.incompleteReason ? ` (${baseline.incompleteReason})` : ''}`);
  if (!candidate.complete) warnings.push(`candidate is an incomplete run${candidate.incompleteReason ? ` (${candidate.incompleteReason})` : ''}`);
  const counts: Record<Verdict, number> = { SAME: 0, FASTER: 0, SLOWER: 0, UNKNOWN: 0 };
  for (const r of rows) counts[r.verdict]++;
  return { baseline: b, candidate: c, noiseThreshold, alpha, minSamples, rows, onlyBaseline, onlyCandidate, counts, warnings };
}

/** The energy record a per-joule metric was made from (infer prefill figures: details.energyPrefill). */
function perJouleEnergy(m: Measurement, metric: string): Energy | undefined {
  if (metric === 'prefillTokensPerJoule' && m.details && typeof m.details.energyPrefill === 'object') return m.details.energyPrefill as Energy;
  return m.energy;
}
