/**
 * github-action-benchmark export (`compare --export-gha-benchmark <file>`): the JSON its custom tools
 * read, an array of { name, unit, value, range?, extra? } (see the action's README, "custom" tools,
 * and style-anchors.md §4b). The action takes ONE direction per file (`tool: customBiggerIsBetter` or
 * `customSmallerIsBetter`), so metrics are split by higherIsBetter: bigger-is-better ones go to the
 * main file, smaller-is-better ones to a second file when asked for (never mixed, which would make
 * the action alert on improvements).
 */
import { z } from 'zod';
import type { ResultDoc } from './schema.js';
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

/**
 * Entries for the metrics of `doc` whose direction matches `biggerIsBetter`. Names are
 * "<measurement id> <metric>" (stable across runs, so the action's history lines up); the device,
 * sample count and relative stdev go to `extra`; `range` is the 95 % CI half-width when known.
 */
export function ghaEntries(doc: ResultDoc, biggerIsBetter: boolean): GhaExport {
  const entries: GhaEntry[] = [];
  const skipped: string[] = [];
  const device = deviceLabel(doc.environment.adapter ?? null, doc.environment.cpu.model);
  for (const m of doc.measurements) {
    for (const [name, met] of Object.entries(m.metrics)) {
      if (met.higherIsBetter !== biggerIsBetter) continue;
      // Per-joule figures from declared watts are a different series from metered ones (issue 11).
      const declared = /\/J$/.test(met.unit) && (met.energyBasis === 'declared' || (met.energyBasis === undefined && energyBasis(m.energy).kind === 'declared'));
      const key = `${m.id} ${name}${declared ? ' (declared watts)' : ''}`;
      if (met.value === null) {
        skipped.push(`${key}: ${met.reason ?? 'no value'}`);
        continue;
      }
      const s = met.summary;
      const extra = [
        `device: ${device}`,
        s ? `n=${s.n}, rel. stdev ${(s.relStdev * 100).toFixed(2)}%` : 'single measurement',
        m.status !== 'complete' ? `status: ${m.status}` : null,
        declared ? 'energy: declared watts, not measured' : null,
      ]
        .filter(Boolean)
        .join('\n');
      entries.push({
        name: key,
        unit: met.unit,
        value: met.value,
        ...(s && s.ci95HalfWidth !== null ? { range: `± ${sig.format(s.ci95HalfWidth)}` } : {}),
        extra,
      });
    }
  }
  return { entries: entries.map((e) => ghaEntrySchema.parse(e)), skipped };
}

/** Serialise entries as the action reads them (pretty JSON, trailing newline). */
export function serializeGha(entries: GhaEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}
