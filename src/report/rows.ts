/**
 * Merge result documents (from one or many machines) into report rows: the model behind every
 * `joulebench report` exporter (markdown.ts, csv.ts, html.ts). Pure: documents in, rows out.
 *
 * One run row per (result file × inference measurement): hashing figures repeat on each row of a
 * file when it holds several models. Rows keep device, driver, EP, model preset, energy
 * method/scope and tool version; a software adapter is labelled as such (its timings are CPU timings).
 */
import { basename } from 'node:path';
import type { Energy, Measurement, ResultDoc } from './schema.js';
import { headlineOf } from './headline.js';

/** Adapter fields the labels need (schema's adapterIdentitySchema shape). */
export interface AdapterLike {
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  backend: string;
  driver: string | null;
  isSoftware: boolean;
}

/** A metric as the tables show it. */
export interface Figure {
  value: number;
  unit: string;
  /** Samples behind the value (0 when a single window). */
  n: number;
  /** 95 % CI half-width relative to the value, as its headline definition computes it (headline.ts). */
  relCi95: number | null;
  method: string;
  /** Which statistic the value is (headline.ts), e.g. "total nonces / timed span". */
  statistic?: string;
}

/** A figure that is absent and why (e.g. "energy not measured: …"). */
export interface MissingFigure {
  value: null;
  reason: string;
}

/** Energy of one measurement, reduced to what rows show. */
export interface EnergyLabel {
  measured: boolean;
  /** "gpu-board", "wall", "declared", … or null when not measured. */
  scope: string | null;
  meter: string | null;
  /** The full method, or the reason it was not measured. */
  text: string;
}

/** One per-MW use of the site (GPU mining / GPU inference / reference ASIC). */
export interface PerMwRow {
  /** Stable key, e.g. "gpu-mining", "asic:s21". */
  use: string;
  /** Kind of use when the profit model says ("gpu-mining", "gpu-inference-tokens", "asic-mining", ...). */
  kind: string | null;
  /** Display name, e.g. "GPU mining (SHA256d)". */
  label: string;
  revenueUsdPerDay: number | null;
  profitUsdPerDay: number | null;
  breakEvenUsdPerKWh: number | null;
  /** Site energy per MW-day, kWh (the slope of profit against power price), when given. */
  energyKWhPerDay: number | null;
}

/** The site profitability block of a run (from the `profit` measurement). */
export interface ProfitBlock {
  measurementId: string;
  site: string | null;
  /** Power price the profit figures were computed at, USD/kWh. */
  powerPriceUsdPerKWh: number | null;
  rows: PerMwRow[];
}

/** One row of the comparison tables. */
export interface RunRow {
  /** 1-based position in the merged list (used for notes). */
  ref: number;
  file: string;
  host: string;
  startedAt: string;
  complete: boolean;
  incompleteReason: string | null;
  device: string;
  isSoftware: boolean | null;
  backend: string | null;
  driver: string | null;
  ep: string | null;
  model: string | null;
  toolVersion: string;
  gitSha: string | null;
  hashesPerSecond: Figure | MissingFigure | null;
  hashesPerJoule: Figure | MissingFigure | null;
  prefillTokensPerSecond: Figure | MissingFigure | null;
  decodeTokensPerSecond: Figure | MissingFigure | null;
  tokensPerJoule: Figure | MissingFigure | null;
  hashEnergy: EnergyLabel | null;
  inferEnergy: EnergyLabel | null;
  profit: ProfitBlock | null;
  /** Statuses of measurements that did not complete, and document warnings. */
  notes: string[];
}

/** A result document with the path it came from. */
export interface LoadedResult {
  path: string;
  doc: ResultDoc;
}

/** Device label: adapter name, software adapters marked; no adapter → the CPU. */
export function deviceLabel(adapter: AdapterLike | null | undefined, cpuModel: string): string {
  if (!adapter) return `CPU ${cpuModel} (no WebGPU adapter)`;
  const name = adapter.name || adapter.description || [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return adapter.isSoftware ? `${name} [software]` : name;
}

function figure(meas: Measurement | undefined, name: string): Figure | MissingFigure | null {
  const m = meas?.metrics[name];
  if (!meas || !m) return null;
  if (m.value === null) return { value: null, reason: m.reason ?? 'not measured' };
  const h = headlineOf(meas, name, m);
  return { value: m.value, unit: m.unit, n: h.n, relCi95: h.relCi95, method: m.method, statistic: h.statistic };
}

function energyLabel(e: Energy | undefined): EnergyLabel | null {
  if (!e) return null;
  if (!e.measured) return { measured: false, scope: null, meter: null, text: `not measured: ${e.reason}` };
  return { measured: true, scope: e.scope, meter: e.meter, text: e.method + (e.complete ? '' : ` (incomplete: ${e.incompleteReason ?? 'meter stopped'})`) };
}

/** Short energy column text: "gpu-board/nvml", "declared", "not measured"; two kinds → "hash …; infer …". */
export function energyShort(row: Pick<RunRow, 'hashEnergy' | 'inferEnergy'>): string {
  const one = (e: EnergyLabel | null) => (e === null ? null : !e.measured ? 'not measured' : e.scope === e.meter ? String(e.scope) : `${e.scope}/${e.meter}`);
  const h = one(row.hashEnergy);
  const i = one(row.inferEnergy);
  if (h === null && i === null) return '—';
  if (h === null || i === null || h === i) return (h ?? i)!;
  return `hash ${h}; infer ${i}`;
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function str(x: unknown): string | null {
  return typeof x === 'string' && x.length ? x : null;
}

const USE_LABELS: Record<string, string> = {
  'gpu-mining': 'GPU mining',
  'gpu-inference': 'GPU inference',
  'gpu-inference-tokens': 'GPU inference',
  'reference-asic': 'Reference ASIC',
  'asic-mining': 'Reference ASIC',
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function perMwRow(key: string | null, o: Record<string, unknown>): PerMwRow | null {
  // src/profit's ComparisonRow nests the per-MW economics under `perMW`; flat rows carry them directly.
  const e = isObj(o.perMW) ? o.perMW : isObj(o.perMw) ? o.perMw : o;
  const revenue = num(e.revenueUsdPerDay);
  const profit = num(e.profitUsdPerDay);
  const be = num(e.breakEvenUsdPerKWh);
  if (revenue === null && profit === null && be === null) return null;
  const use = str(o.id) ?? str(o.use) ?? key ?? str(o.label) ?? str(o.name) ?? 'use';
  const kind = str(o.kind);
  const label = str(o.label) ?? str(o.name) ?? USE_LABELS[kind ?? use] ?? use;
  return { use, kind, label, revenueUsdPerDay: revenue, profitUsdPerDay: profit, breakEvenUsdPerKWh: be, energyKWhPerDay: num(e.energyKWhPerDay) };
}

function rowsIn(c: unknown): PerMwRow[] {
  if (Array.isArray(c)) return c.flatMap((x) => (isObj(x) ? [perMwRow(null, x)] : [])).filter((r): r is PerMwRow => r !== null);
  if (isObj(c)) return Object.entries(c).flatMap(([k, v]) => (isObj(v) ? [perMwRow(k, v)] : [])).filter((r): r is PerMwRow => r !== null);
  return [];
}

/** Breadth-first search (depth ≤ 3) for the first value under `key`. */
function findKey(root: unknown, key: string): unknown {
  let level: unknown[] = [root];
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (!isObj(node)) continue;
      if (key in node && node[key] !== undefined && node[key] !== null) return node[key];
      next.push(...Object.values(node).filter(isObj));
    }
    level = next;
  }
  return undefined;
}

/**
 * Per-MW rows from a profit measurement's `details`. The profit engine (src/profit/model.ts) owns the
 * shape: its `Comparison.rows[]` carry `{ id, kind, label, perMW: { revenueUsdPerDay,
 * profitUsdPerDay, breakEvenUsdPerKWh, energyKWhPerDay } }`. This reader also accepts flat rows, or
 * an object keyed by use, found under details.rows / details.perMw / details.comparison.rows (any
 * depth ≤ 3), and returns null when there is none (the report then says so instead of guessing).
 */
export function extractProfit(m: Measurement): ProfitBlock | null {
  const d = m.details ?? {};
  let rows: PerMwRow[] = [];
  let level: unknown[] = [d];
  for (let depth = 0; depth < 4 && !rows.length && level.length; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (!isObj(node)) continue;
      for (const k of ['perMw', 'perMW', 'rows', 'uses']) {
        if (!rows.length) rows = rowsIn(node[k]);
      }
      if (rows.length) break;
      next.push(...Object.values(node).filter(isObj));
    }
    level = next;
  }
  if (!rows.length) return null;
  const site = findKey(d, 'site');
  const siteName = typeof site === 'string' ? site : isObj(site) ? str(site.name) ?? str(site.id) : null;
  // src/profit/measurement.ts puts the price in params; its details.inputs hold it as { value, unit, provenance }.
  const found = findKey(d, 'powerPriceUsdPerKWh');
  const price = num(m.params.powerPriceUsdPerKWh) ?? num(found) ?? (isObj(found) ? num(found.value) : null);
  return { measurementId: m.id, site: siteName ?? str(m.params.site) ?? str(m.params.profile), powerPriceUsdPerKWh: price, rows };
}

function byKind(doc: ResultDoc, kind: Measurement['kind']): Measurement[] {
  return doc.measurements.filter((m) => m.kind === kind);
}

/** Build rows from loaded results: sorted by start time, then file name, for stable output. */
export function buildRows(results: readonly LoadedResult[]): RunRow[] {
  const sorted = [...results].sort((a, b) => a.doc.startedAt.localeCompare(b.doc.startedAt) || basename(a.path).localeCompare(basename(b.path)));
  const rows: RunRow[] = [];
  for (const { path, doc } of sorted) {
    const hash = byKind(doc, 'hash').find((m) => m.id === 'hash.sha256d') ?? byKind(doc, 'hash')[0];
    const infers = byKind(doc, 'infer');
    const profitM = byKind(doc, 'profit').find((m) => m.id === 'profit.site') ?? byKind(doc, 'profit')[0];
    const profit = profitM ? extractProfit(profitM) : null;
    const notes: string[] = [];
    for (const m of doc.measurements) {
      if (m.status !== 'complete') notes.push(`${m.id}: ${m.status}${m.reason ? ` (${m.reason})` : ''}`);
    }
    if (profitM && !profit && profitM.status === 'complete') notes.push(`${profitM.id}: no per-MW rows in details`);
    for (const w of doc.warnings) notes.push(w);
    for (const infer of infers.length ? infers : [undefined]) {
      const adapter = (hash?.adapter ?? infer?.adapter ?? doc.environment.adapter ?? null) as AdapterLike | null;
      rows.push({
        ref: rows.length + 1,
        file: basename(path),
        host: doc.environment.hostname,
        startedAt: doc.startedAt,
        complete: doc.complete,
        incompleteReason: doc.complete ? null : doc.incompleteReason ?? 'run cut short',
        device: deviceLabel(adapter, doc.environment.cpu.model),
        isSoftware: adapter ? adapter.isSoftware : null,
        backend: adapter?.backend ?? null,
        driver: adapter?.driver ?? null,
        ep: infer ? str(infer.params.ep) : null,
        model: infer ? str(infer.params.model) ?? infer.id.replace(/^infer\./, '') : null,
        toolVersion: doc.tool.version,
        gitSha: doc.git.sha,
        hashesPerSecond: figure(hash, 'hashesPerSecond'),
        hashesPerJoule: figure(hash, 'hashesPerJoule'),
        prefillTokensPerSecond: figure(infer, 'prefillTokensPerSecond'),
        decodeTokensPerSecond: figure(infer, 'decodeTokensPerSecond'),
        tokensPerJoule: figure(infer, 'tokensPerJoule'),
        hashEnergy: energyLabel(hash?.energy),
        inferEnergy: energyLabel(infer?.energy),
        profit,
        notes,
      });
    }
  }
  return rows;
}

/** Value of a figure, or null when absent/not measured. */
export function valueOf(f: Figure | MissingFigure | null): number | null {
  return f && f.value !== null ? f.value : null;
}

const SI: Array<[number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

const sig4 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false });

/**
 * "1.234 GH/s", "2.39k tokens/s", "0.85 tokens/J": 4 significant digits, SI prefix from 1000 up. The
 * prefix joins a symbol unit (H/s, H/J, W) and the number otherwise (a "ktokens" is unreadable).
 */
export function formatQuantity(value: number, unit: string): string {
  const abs = Math.abs(value);
  const symbol = /^[A-Za-z]{1,2}(\/|$)/.test(unit);
  for (const [scale, prefix] of SI) {
    if (abs >= scale) return symbol ? `${sig4.format(value / scale)} ${prefix}${unit}` : `${sig4.format(value / scale)}${prefix} ${unit}`;
  }
  return `${sig4.format(value)} ${unit}`;
}

const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 3, maximumFractionDigits: 4 });

/** Money per day: whole dollars from $100, cents below. */
export function formatUsd(value: number): string {
  return Math.abs(value) >= 100 ? usd0.format(value) : usd2.format(value);
}

const usdSig3 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

/** Power price in USD/kWh: 3–4 decimals, 3 significant digits below one cent. */
export function formatUsdPerKWh(value: number): string {
  return Math.abs(value) < 0.01 && value !== 0 ? usdSig3.format(value) : usd4.format(value);
}
