/**
 * CSV exporter of `joulebench report`: one line per (result file × measurement × metric), plus one per
 * per-MW figure of the profit model, in long ("tidy") form so a spreadsheet pivot or pandas can
 * rebuild any table. Raw numbers (no SI prefixes), RFC 4180 quoting, "\n" line ends.
 */
import { basename } from 'node:path';
import { deviceLabel, extractProfit, notSteadyReason, type AdapterLike, type LoadedResult } from './rows.js';
import { energyBasis } from '../power/energy-basis.js';

/** Column order of the CSV (the header line). */
export const CSV_COLUMNS = [
  'file',
  'host',
  'started_at',
  'run_complete',
  'device',
  'software_adapter',
  'backend',
  'driver',
  'ep',
  'model',
  'measurement',
  'kind',
  'status',
  'metric',
  'value',
  'unit',
  'higher_is_better',
  'n',
  'rel_stdev',
  'ci95_low',
  'ci95_high',
  'energy_measured',
  'energy_basis',
  'energy_scope',
  'energy_meter',
  'energy_method',
  'tool_version',
  'git_sha',
  'note',
] as const;

/** Quote a field when it needs it (RFC 4180). */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type CsvRecord = Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>;

/** The columns every line of one measurement shares (file, run, device, energy record). */
function commonColumns(path: string, doc: LoadedResult['doc'], m: LoadedResult['doc']['measurements'][number]): CsvRecord {
  const adapter = (m.adapter ?? doc.environment.adapter ?? null) as AdapterLike | null;
  const e = m.energy;
  const basis = energyBasis(e);
  return {
    file: basename(path),
    host: doc.environment.hostname,
    started_at: doc.startedAt,
    run_complete: doc.complete,
    device: deviceLabel(adapter, doc.environment.cpu.model),
    software_adapter: adapter ? adapter.isSoftware : null,
    backend: adapter?.backend ?? null,
    driver: adapter?.driver ?? null,
    ep: typeof m.params.ep === 'string' ? m.params.ep : null,
    model: typeof m.params.model === 'string' ? m.params.model : null,
    measurement: m.id,
    kind: m.kind,
    status: m.status,
    metric: null,
    value: null,
    unit: null,
    higher_is_better: null,
    n: null,
    rel_stdev: null,
    ci95_low: null,
    ci95_high: null,
    // Declared watts are never "measured" (1.0 files stored them as measured: true, scope declared).
    energy_measured: e ? basis.kind === 'metered' : null,
    energy_basis: e ? basis.kind : null,
    energy_scope: basis.scope,
    energy_meter: basis.meter,
    energy_method: e ? (basis.kind !== 'none' ? (basis.method ?? '') + (basis.kind === 'declared' && !/not measured/.test(basis.method ?? '') ? ' (declared, not measured)' : '') : `not measured: ${e.measured ? 'no joules' : e.reason}`) : null,
    tool_version: doc.tool.version,
    git_sha: doc.git.sha,
    note: null,
  };
}

/** One line per metric of the measurement. */
function metricRecords(m: LoadedResult['doc']['measurements'][number], common: CsvRecord): CsvRecord[] {
  const recordBasis = energyBasis(m.energy).kind;
  return Object.entries(m.metrics).map(([name, met]) => ({
    ...common,
    metric: name,
    value: met.value,
    unit: met.unit,
    higher_is_better: met.higherIsBetter,
    n: met.summary?.n ?? met.samples?.length ?? null,
    rel_stdev: met.summary?.relStdev ?? null,
    ci95_low: met.summary?.ci95Low ?? null,
    ci95_high: met.summary?.ci95High ?? null,
    note: met.value === null ? met.reason ?? 'not measured' : perJouleDeclared(met.unit, met.energyBasis, recordBasis) ? 'from declared watts, not measured' : notSteadyReason(met) ? `not steady: ${notSteadyReason(met)}` : null,
  }));
}

/** The per-MW figures of a profit measurement: margins before and after capex, payback and both break-even prices. */
const PER_MW_FIELDS = [
  ['revenueUsdPerDay', 'USD/day/MW', true],
  ['profitUsdPerDay', 'USD/day/MW', true],
  ['cashUsdPerDay', 'USD/day/MW', true],
  ['capexUsd', 'USD/MW', false],
  ['marginUsdPerDay', 'USD/day/MW', true],
  ['paybackDays', 'days', false],
  ['breakEvenUsdPerKWh', 'USD/kWh', true],
  ['breakEvenAllInUsdPerKWh', 'USD/kWh', true],
] as const;

/** One line per per-MW figure of each use; a row not priced is one line (its revenue, empty, with the reason). */
function profitRecords(m: LoadedResult['doc']['measurements'][number], common: CsvRecord): CsvRecord[] {
  const p = extractProfit(m);
  const out: CsvRecord[] = [];
  for (const u of p?.rows ?? []) {
    for (const [field, unit, higher] of PER_MW_FIELDS) {
      // Unknown capex figures are left out.
      if (!u.priced && field !== 'revenueUsdPerDay') continue;
      if (u.priced && u[field] === null && field !== 'revenueUsdPerDay' && field !== 'profitUsdPerDay' && field !== 'breakEvenUsdPerKWh') continue;
      out.push({
        ...common,
        metric: `perMw.${u.use}.${field}`,
        value: u[field],
        unit,
        higher_is_better: higher,
        note: `${u.label}${p!.site ? ` at site ${p!.site}` : ''}${p!.powerPriceUsdPerKWh !== null ? ` (${p!.powerPriceUsdPerKWh} USD/kWh)` : ''}${u.priced ? '' : `: not priced: ${u.notPricedReason}`}`,
      });
    }
  }
  return out;
}

/** CSV text for the loaded results (sorted like buildRows: start time, then file name). */
export function renderCsv(results: readonly LoadedResult[]): string {
  const sorted = [...results].sort((a, b) => a.doc.startedAt.localeCompare(b.doc.startedAt) || basename(a.path).localeCompare(basename(b.path)));
  const lines: string[] = [CSV_COLUMNS.join(',')];
  const push = (rec: CsvRecord) => lines.push(CSV_COLUMNS.map((c) => csvField(rec[c])).join(','));
  for (const { path, doc } of sorted) {
    for (const m of doc.measurements) {
      const common = commonColumns(path, doc, m);
      metricRecords(m, common).forEach(push);
      if (m.kind === 'profit') profitRecords(m, common).forEach(push);
      if (!Object.keys(m.metrics).length && m.kind !== 'profit') push({ ...common, note: m.reason ?? 'no metrics' });
    }
  }
  return lines.join('\n') + '\n';
}

/** Is this a per-joule figure made from declared watts (1.1: energyBasis; 1.0: the record's basis)? */
function perJouleDeclared(unit: string, metricBasis: string | undefined, recordBasis: string): boolean {
  if (!/\/J$/.test(unit)) return false;
  return metricBasis === 'declared' || (metricBasis === undefined && recordBasis === 'declared');
}
