/**
 * github-action-benchmark export (`compare --export-gha-benchmark <file>`): the JSON its custom tools
 * read, an array of { name, unit, value, range?, extra? } (the action's README, "custom" tools). The
 * action takes ONE direction per file (`tool: customBiggerIsBetter` or `customSmallerIsBetter`), so
 * metrics are split by higherIsBetter: bigger-is-better ones go to the main file, smaller-is-better
 * ones to a second file when asked for (never mixed, which would make the action alert on
 * improvements).
 *
 * Values are the headline figures (src/results/headline.ts): one run → its figure with its within-run
 * 95 % CI; several runs → the geometric mean of the runs ± 95 % CI. `extra` names the statistic and
 * carries `compare`'s verdict, since the action itself only divides two values.
 */
import { z } from 'zod';
import { verdictLabel, type ComparisonReport } from './compare-results.js';
import { aggregateRuns, headlineOf } from '../results/headline.js';
import type { RunFile } from './compare-results.js';
import { deviceLabel } from './rows.js';
import { energyBasis } from '../power/energy-basis.js';

/** One entry of the action's custom-tool JSON (the action validates the same shape with zod). */
export const ghaEntrySchema = z.object({
  name: z.string().min(1),
  unit: z.string(),
  value: z.number().finite(),
  range: z.string().optional(),
  extra: z.string().optional(),
});

export type GhaEntry = z.infer<typeof ghaEntrySchema>;

/** Entries of one direction, plus the metrics left out and why. */
export interface GhaExport {
  entries: GhaEntry[];
  skipped: string[];
}

const sig = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false });

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} %`;
}

/**
 * Entries for the metrics of the candidate runs whose direction matches `biggerIsBetter`. Names are
 * "<measurement id> <metric>" (stable across runs, so the action's history lines up). With
 * `comparison`, each entry's `extra` carries the verdict and the change with its interval.
 */
export function ghaEntries(runs: readonly RunFile[], biggerIsBetter: boolean, comparison?: ComparisonReport): GhaExport {
  const entries: GhaEntry[] = [];
  const skipped: string[] = [];
  const devices = [...new Set(runs.map((r) => deviceLabel(r.doc.environment.adapter ?? null, r.doc.environment.cpu.model)))];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const m of run.doc.measurements) {
      for (const [name, met] of Object.entries(m.metrics)) {
        if (met.higherIsBetter !== biggerIsBetter) continue;
        // Per-joule figures from declared watts are a different series from metered ones (issue 11).
        const declared = /\/J$/.test(met.unit) && (met.energyBasis === 'declared' || (met.energyBasis === undefined && energyBasis(m.energy).kind === 'declared'));
        const key = `${m.id} ${name}${declared ? ' (declared watts)' : ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const cells = runs.map((r) => {
          const mm = r.doc.measurements.find((x) => x.id === m.id);
          return mm && mm.status === 'complete' ? { meas: mm, met: mm.metrics[name] } : null;
        });
        const ok = cells.filter((c): c is NonNullable<typeof c> => !!c?.met && c.met.value !== null && c.met.value > 0);
        if (!ok.length) {
          skipped.push(`${key}: ${met.reason ?? 'no value in any run'}`);
          continue;
        }
        let value: number;
        let range: string | undefined;
        let statistic: string;
        const one = headlineOf(ok[0]!.meas, name, ok[0]!.met!);
        if (ok.length === 1) {
          value = one.value!;
          statistic = `${one.statistic}${one.ci95HalfWidth !== null ? `; range = ${one.intervalMethod}` : ''}`;
          if (one.ci95HalfWidth !== null) range = `± ${sig.format(one.ci95HalfWidth)}`;
        } else {
          const agg = aggregateRuns(ok.map((c) => c.met!.value!));
          value = agg.value;
          statistic = `${one.statistic}; ${agg.statistic}`;
          if (agg.low !== null && agg.high !== null) range = `± ${sig.format((agg.high - agg.low) / 2)}`;
        }
        const row = comparison?.rows.find((r) => r.measurementId === m.id && r.metric === name);
        const verdict = row
          ? `compare: ${verdictLabel(row)}${row.relChange !== null && row.verdict !== 'REFUSED' ? ` ${pct(row.relChange)}` : ''}${row.ciLow !== null && row.ciHigh !== null && row.verdict !== 'REFUSED' ? ` (${Math.round(row.ciLevel * 100)} % CI ${pct(row.ciLow)} … ${pct(row.ciHigh)})` : ''}`
          : null;
        const outliers = ok.length === 1 && one.outliers ? `${one.outliers} outlier sample(s) labelled, kept` : null;
        const extra = [
          `statistic: ${statistic}`,
          `device: ${devices.join(', ')}`,
          verdict,
          outliers,
          ok.length < runs.length ? `${runs.length - ok.length} run(s) without a value` : null,
          declared ? 'energy: declared watts, not measured' : null,
        ]
          .filter(Boolean)
          .join('\n');
        entries.push({ name: key, unit: met.unit, value, ...(range ? { range } : {}), extra });
      }
    }
  }
  return { entries: entries.map((e) => ghaEntrySchema.parse(e)), skipped };
}

/** Serialise entries as the action reads them (pretty JSON, trailing newline). */
export function serializeGha(entries: GhaEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}
