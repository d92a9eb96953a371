/**
 * Merge result documents (from one or many machines) into report rows: the model behind every
 * `joulebench report` exporter (markdown.ts, csv.ts, html.ts). Pure: documents in, rows out.
 *
 * One run row per (result file × inference measurement): hashing figures repeat on each row of a
 * file when it holds several models. Rows keep device, driver, EP, model preset, energy
 * method/scope and tool version; a software adapter is labelled as such (its timings are CPU timings).
 */
import { basename } from 'node:path';
import type { Energy, Measurement, ResultDoc } from '../results/schema.js';
import { energyBasis, energyJoules } from '../power/energy-basis.js';
import { servingInfoOf, servingLabel } from '../profit/pricing.js';
import { energyWindowsOf, type EnergyWindow } from './power-trace-svg.js';
import { headlineOf } from '../results/headline.js';
import { disturbedHostLine, notSteadyReason } from './run-notes.js';
import { sweepViewOf, type SweepView } from './sweep-view.js';
import { loadViewOf, type LoadView } from './load-view.js';

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
  /** Per-joule figure made from declared watts (never a measurement): shown labelled "declared". */
  declared?: boolean;
  /** Which statistic the value is (headline.ts), e.g. "total nonces / timed span". */
  statistic?: string;
  /** Set when the metric's timed samples were still trending (steadyState.steady false): the reason. */
  notSteady?: string;
}

/** A figure that is absent and why (e.g. "energy not measured: …"). */
export interface MissingFigure {
  value: null;
  reason: string;
}

/** Energy of one measurement, reduced to what rows show. */
export interface EnergyLabel {
  /** True when the record holds joules (metered or declared). */
  measured: boolean;
  /** metered, declared (not measured) or none (src/power/energy-basis.ts). */
  kind: 'metered' | 'declared' | 'none';
  /** Average power over the window, W, when there is one. */
  avgPowerW: number | null;
  /** Declared watts (joules = declared W × time): not measured. */
  declared?: boolean;
  /** "gpu-board", "wall", "declared", … or null when not measured. */
  scope: string | null;
  meter: string | null;
  /** The full method, or the reason it was not measured. */
  text: string;
}

/** One per-MW use of the site (reference ASIC / GPU mining / GPU inference / GPU rental / hosting lease). */
export interface PerMwRow {
  /** Stable key, e.g. "gpu-mining", "asic:s21". */
  use: string;
  /** Kind of use when the profit model says ("gpu-mining", "gpu-inference-tokens", "asic-mining", ...). */
  kind: string | null;
  /** Display name, e.g. "GPU mining (SHA256d)". */
  label: string;
  /** False for a measured figure its price is not for (no money figures, see notPricedReason). */
  priced: boolean;
  notPricedReason: string | null;
  /** Set when --price-anyway priced a row that does not match its price. */
  pricedAnyway: string | null;
  /** How the row's figures were obtained ("measured (nvml, gpu-board)", "declared, not measured", "nameplate", ...). */
  basis: string | null;
  /** J/TH or J/token, when the model gives one. */
  efficiency: { value: number; unit: string } | null;
  revenueUsdPerDay: number | null;
  profitUsdPerDay: number | null;
  /** Margin before capex (revenue − energy − fixed opex). */
  cashUsdPerDay: number | null;
  /** Capex per MW (device + server + retrofit share). */
  capexUsd: number | null;
  /** Margin after capex (depreciation); null in older results or when capex is unknown. */
  marginUsdPerDay: number | null;
  paybackDays: number | null;
  breakEvenUsdPerKWh: number | null;
  breakEvenAllInUsdPerKWh: number | null;
  /** Site energy per MW-day, kWh (the slope of profit against power price), when given. */
  energyKWhPerDay: number | null;
}

/** The verdict of a profit block (src/profit/decision.ts), when the result holds one. */
export interface DecisionLabel {
  headline: string;
  bestUseId: string | null;
  currentUseId: string | null;
}

/** What flips the verdict of a profit block (src/profit/flips.ts): the tornado and the flip points. */
export interface FlipsView {
  bestUseId: string;
  /** The use whose margin the tornado shows (the verdict's, or the best use when the verdict leaves the power unused). */
  marginOfUseId: string;
  /** Labels of the verdict's options by id (the power left unused is no row). */
  useLabels: Record<string, string>;
  /** ± range of the tornado, fraction. */
  rangeFraction: number;
  /** Discount rate of that use (its hurdle rate; the verdict's one rate in reports before 2.2), fraction per year (null in blocks that do not say). */
  discountRate: number | null;
  /** Margin per MW-day after capital charge of the best use at today's inputs. */
  baseUsdPerMWDay: number | null;
  tornado: { label: string; unit: string; low: number; high: number; atLow: number; atHigh: number }[];
  flips: { label: string; unit: string; base: number; value: number; change: number; toUseId: string }[];
}

/** The site profitability block of a run (from the `profit` measurement). */
export interface ProfitBlock {
  measurementId: string;
  site: string | null;
  /** Power price the profit figures were computed at, USD/kWh. */
  powerPriceUsdPerKWh: number | null;
  /** Date the figures were priced at. */
  asOf: string | null;
  decision: DecisionLabel | null;
  /** Set when `report --site` re-priced the stored measurements (site file and date). */
  repriced: { siteFile: string; asOf: string } | null;
  rows: PerMwRow[];
  /** Tornado and flip points, when the block holds them (profit reports 2.1 and later). */
  flips?: FlipsView | null;
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
  /** How the inference figure was served ("batch-1 decode, not a served figure", "served at batch 16 …"). */
  serving: string | null;
  toolVersion: string;
  gitSha: string | null;
  hashesPerSecond: Figure | MissingFigure | null;
  hashesPerJoule: Figure | MissingFigure | null;
  prefillTokensPerSecond: Figure | MissingFigure | null;
  decodeTokensPerSecond: Figure | MissingFigure | null;
  tokensPerJoule: Figure | MissingFigure | null;
  /** The serving figure (details.serving of a batch sweep), when the result has one. */
  servedTokensPerSecond: Figure | null;
  servedTokensPerJoule: Figure | MissingFigure | null;
  /** Average power of the serving batch's decode window, W (null without energy or serving figure). */
  servedPowerW?: number | null;
  /** The run's batch sweep (details.batchSweep), when it has one. */
  batchSweep?: SweepView | null;
  /** The run's load levels (`infer serve` levels[]), when it has them. */
  loadCurve?: LoadView | null;
  hashEnergy: EnergyLabel | null;
  inferEnergy: EnergyLabel | null;
  profit: ProfitBlock | null;
  /** The file's energy windows in time order, with their power traces (for the power-over-time chart). */
  energyWindows?: EnergyWindow[];
  /** Statuses of measurements that did not complete, and document warnings. */
  notes: string[];
  /** The file's first `joulebench verify` failure, when it fails (its rows are marked). */
  verifyProblem?: string | null;
}

/** A result document with the path it came from. */
export interface LoadedResult {
  path: string;
  doc: ResultDoc;
  /** The JSON as parsed (before schema defaults), when kept: what the digest covers. */
  raw?: unknown;
  /** Set when the file fails `joulebench verify` (its first failure): the report marks its rows. */
  verifyProblem?: string | null;
}

/** Device label: adapter name, software adapters marked; no adapter → the CPU. */
export function deviceLabel(adapter: AdapterLike | null | undefined, cpuModel: string): string {
  if (!adapter) return `CPU ${cpuModel} (no WebGPU adapter)`;
  const name = adapter.name || adapter.description || [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return adapter.isSoftware ? `${name} [software]` : name;
}

/**
 * A metric as the tables show it, with the statistic its headline definition names (headline.ts).
 * A per-joule figure made from declared watts is flagged `declared` (1.1 metrics say so in
 * `energyBasis`; 1.0 files only in their energy record).
 */
function figure(meas: Measurement | undefined, name: string): Figure | MissingFigure | null {
  const m = meas?.metrics[name];
  if (!meas || !m) return null;
  if (m.value === null) return { value: null, reason: m.reason ?? 'not measured' };
  const h = headlineOf(meas, name, m);
  const perJoule = /\/J$/.test(m.unit);
  const declared = perJoule && (m.energyBasis === 'declared' || (meas.energy !== undefined && m.energyBasis === undefined && energyBasis(meas.energy).kind === 'declared'));
  const unsteady = notSteadyReason(m);
  return { value: m.value, unit: m.unit, n: h.n, relCi95: h.relCi95, method: m.method, statistic: h.statistic, ...(declared ? { declared: true } : {}), ...(unsteady ? { notSteady: unsteady } : {}) };
}

export { notSteadyReason } from './run-notes.js';

function energyLabel(e: Energy | undefined): EnergyLabel | null {
  if (!e) return null;
  const b = energyBasis(e);
  const r = e as Record<string, unknown>;
  const w = num(r.avgPowerW) ?? (num(r.energyJ) !== null && num(r.timeS) ? (r.energyJ as number) / (r.timeS as number) : null);
  if (b.kind === 'none') return { measured: false, kind: 'none', avgPowerW: null, scope: null, meter: null, text: `not measured: ${e.measured ? 'no energy' : e.reason}` };
  if (b.kind === 'declared') {
    const j = energyJoules(e);
    return { measured: true, kind: 'declared', declared: true, avgPowerW: w, scope: 'declared', meter: 'declared', text: `declared ${j ? `${j.avgPowerW} W` : 'watts'} × window time, not measured` };
  }
  const method = str(r.method) ?? 'metered';
  const incomplete = r.complete === false ? ` (incomplete: ${str(r.incompleteReason) ?? 'meter stopped'})` : '';
  const mismatch = str(r.scopeMismatch) ? ` [${str(r.scopeMismatch)}]` : '';
  return { measured: true, kind: b.kind, avgPowerW: w, scope: b.scope, meter: b.meter, text: method + incomplete + mismatch };
}

/** Energy column text: "declared, not measured", "measured (gpu-board/nvml)", "not measured". */
export function energyText(e: EnergyLabel | null): string {
  if (e === null) return '—';
  if (e.kind === 'declared') return 'declared, not measured';
  if (e.kind === 'none') return 'not measured';
  return `measured (${e.scope === e.meter ? String(e.scope) : `${e.scope}/${e.meter}`})`;
}

/** Short energy column text: "gpu-board/nvml", "declared", "not measured"; two kinds → "hash …; infer …". */
export function energyShort(row: Pick<RunRow, 'hashEnergy' | 'inferEnergy'>): string {
  const one = (e: EnergyLabel | null) => (e === null ? null : e.kind === 'declared' ? 'declared' : !e.measured ? 'not measured' : e.scope === e.meter ? String(e.scope) : `${e.scope}/${e.meter}`);
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
  const unpriced = o.priced === false;
  if (!unpriced && revenue === null && profit === null && be === null) return null;
  const use = str(o.id) ?? str(o.use) ?? key ?? str(o.label) ?? str(o.name) ?? 'use';
  const kind = str(o.kind);
  const label = str(o.label) ?? str(o.name) ?? USE_LABELS[kind ?? use] ?? use;
  const eff = isObj(o.efficiency) && num(o.efficiency.value) !== null && str(o.efficiency.unit) ? { value: num(o.efficiency.value)!, unit: str(o.efficiency.unit)! } : null;
  return {
    use,
    kind,
    label,
    priced: !unpriced,
    notPricedReason: unpriced ? (str(o.notPricedReason) ?? 'not priced') : null,
    pricedAnyway: str(o.pricedAnyway),
    basis: str(o.basis),
    efficiency: eff,
    revenueUsdPerDay: revenue,
    profitUsdPerDay: profit,
    cashUsdPerDay: num(e.cashUsdPerDay),
    capexUsd: num(e.capexUsd),
    marginUsdPerDay: isObj(o.perMW) ? num(e.marginUsdPerDay) : null,
    paybackDays: num(e.paybackDays),
    breakEvenUsdPerKWh: be,
    breakEvenAllInUsdPerKWh: num(e.breakEvenAllInUsdPerKWh),
    energyKWhPerDay: num(e.energyKWhPerDay),
  };
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
  // Reports before 2.0 computed the margin without every use's capex: show none rather than a margin that misleads.
  const major = Number(String(d.reportVersion ?? '1').split('.')[0]);
  if (!(major >= 2)) for (const r of rows) Object.assign(r, { cashUsdPerDay: null, capexUsd: null, marginUsdPerDay: null, paybackDays: null, breakEvenAllInUsdPerKWh: null });
  const site = findKey(d, 'site');
  const siteName = typeof site === 'string' ? site : isObj(site) ? str(site.name) ?? str(site.id) : null;
  // src/profit/measurement.ts puts the price in params; its details.inputs hold it as { value, unit, provenance }.
  const found = findKey(d, 'powerPriceUsdPerKWh');
  const price = num(m.params.powerPriceUsdPerKWh) ?? num(found) ?? (isObj(found) ? num(found.value) : null);
  const dec = isObj(d.decision) ? d.decision : null;
  const decision = dec && str(dec.headline) ? { headline: str(dec.headline)!, bestUseId: str(dec.bestUseId), currentUseId: str(dec.currentUseId) } : null;
  const rp = isObj(m.params.repriced) ? m.params.repriced : null;
  const flips = flipsOf(d, dec);
  const repriced = rp && str(rp.siteFile) && str(rp.asOf) ? { siteFile: str(rp.siteFile)!, asOf: str(rp.asOf)! } : null;
  return {
    measurementId: m.id,
    site: siteName ?? str(m.params.site) ?? str(m.params.profile),
    powerPriceUsdPerKWh: price,
    asOf: str(m.params.asOf) ?? str(d.asOf),
    decision,
    repriced,
    rows,
    flips,
  };
}

/** The tornado and flip points of a profit report's `sensitivityOfVerdict`, or null. */
function flipsOf(d: Record<string, unknown>, dec: Record<string, unknown> | null): FlipsView | null {
  const s = isObj(d.sensitivityOfVerdict) ? d.sensitivityOfVerdict : null;
  if (!s || !str(s.bestUseId) || !Array.isArray(s.tornado)) return null;
  const best = str(s.bestUseId)!;
  const tornado = s.tornado.filter(isObj).flatMap((b) => {
    const [low, high, atLow, atHigh] = [num(b.low), num(b.high), num(b.marginAtLowUsdPerMWDay), num(b.marginAtHighUsdPerMWDay)];
    return low === null || high === null || atLow === null || atHigh === null ? [] : [{ label: str(b.label) ?? str(b.input) ?? 'input', unit: str(b.unit) ?? '', low, high, atLow, atHigh }];
  });
  const flips = (Array.isArray(s.flips) ? s.flips : []).filter(isObj).flatMap((f) => {
    const [base, value, change] = [num(f.base), num(f.value), num(f.change)];
    return base === null || value === null || change === null ? [] : [{ label: str(f.label) ?? str(f.input) ?? 'input', unit: str(f.unit) ?? '', base, value, change, toUseId: str(f.toUseId) ?? '?' }];
  });
  const subject = str(s.marginOfUseId) ?? best;
  const use = Array.isArray(dec?.uses) ? dec.uses.filter(isObj).find((u) => u.id === subject) : undefined;
  return {
    bestUseId: best,
    marginOfUseId: subject,
    useLabels: Object.fromEntries((Array.isArray(dec?.uses) ? dec.uses.filter(isObj) : []).flatMap((u) => (str(u.id) && str(u.label) ? [[str(u.id)!, str(u.label)!]] : []))),
    rangeFraction: num(s.rangeFraction) ?? 0.2,
    discountRate: num(use?.discountRate) ?? num(dec?.discountRate),
    baseUsdPerMWDay: use ? (num(use.decisionMarginUsdPerMWDay) ?? num(use.marginAfterCapitalChargeUsdPerMWDay)) : null,
    tornado,
    flips,
  };
}

/** The serving figure of a batch sweep (details.serving), as figures the tables can show. */
function servedFigures(m: Measurement | undefined): Pick<RunRow, 'servedTokensPerSecond' | 'servedTokensPerJoule' | 'servedPowerW'> {
  const sv = m?.details?.serving;
  if (!isObj(sv) || num(sv.decodeTokensPerSecond) === null) return { servedTokensPerSecond: null, servedTokensPerJoule: null, servedPowerW: null };
  const method = `serving figure (details.serving): ${servingText(m!)}`;
  const tpj = num(sv.tokensPerJoule);
  return {
    servedTokensPerSecond: { value: num(sv.decodeTokensPerSecond)!, unit: 'tokens/s', n: 0, relCi95: null, method },
    servedTokensPerJoule: tpj === null ? { value: null, reason: 'the serving figure carries no energy' } : { value: tpj, unit: 'tokens/J', n: 0, relCi95: null, method },
    servedPowerW: num(sv.avgPowerW),
  };
}

/** How an inference measurement's figure was served: its `details.serving` (batch sweep) or batch-1 decode. */
function servingText(m: Measurement): string {
  const sv = m.details?.serving;
  if (!isObj(sv)) return servingLabel(null);
  return servingLabel(servingInfoOf(sv));
}

function byKind(doc: ResultDoc, kind: Measurement['kind']): Measurement[] {
  return doc.measurements.filter((m) => m.kind === kind);
}

/** Build rows from loaded results: sorted by start time, then file name, for stable output. */
export function buildRows(results: readonly LoadedResult[]): RunRow[] {
  const sorted = [...results].sort((a, b) => a.doc.startedAt.localeCompare(b.doc.startedAt) || basename(a.path).localeCompare(basename(b.path)));
  const rows: RunRow[] = [];
  for (const { path, doc, verifyProblem } of sorted) {
    const hash = byKind(doc, 'hash').find((m) => m.id === 'hash.sha256d') ?? byKind(doc, 'hash')[0];
    const infers = byKind(doc, 'infer');
    const profitM = byKind(doc, 'profit').find((m) => m.id === 'profit.site') ?? byKind(doc, 'profit')[0];
    const profit = profitM ? extractProfit(profitM) : null;
    const notes: string[] = verifyProblem ? [`FAILS VERIFY: ${verifyProblem}`] : [];
    for (const m of doc.measurements) {
      if (m.status !== 'complete') notes.push(`${m.id}: ${m.status}${m.reason ? ` (${m.reason})` : ''}`);
      for (const [name, met] of Object.entries(m.metrics)) {
        const why = notSteadyReason(met);
        if (why) notes.push(`${m.id} ${name} NOT STEADY: ${why}`);
      }
      const host = disturbedHostLine(m);
      if (host) notes.push(`${m.id}: ${host}`);
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
        ...(verifyProblem ? { verifyProblem } : {}),
        device: deviceLabel(adapter, doc.environment.cpu.model),
        isSoftware: adapter ? adapter.isSoftware : null,
        backend: adapter?.backend ?? null,
        driver: adapter?.driver ?? null,
        ep: infer ? str(infer.params.ep) : null,
        model: infer ? str(infer.params.model) ?? infer.id.replace(/^infer\./, '') : null,
        serving: infer ? servingText(infer) : null,
        toolVersion: doc.tool.version,
        gitSha: doc.git.sha,
        hashesPerSecond: figure(hash, 'hashesPerSecond'),
        hashesPerJoule: figure(hash, 'hashesPerJoule'),
        prefillTokensPerSecond: figure(infer, 'prefillTokensPerSecond'),
        decodeTokensPerSecond: figure(infer, 'decodeTokensPerSecond'),
        tokensPerJoule: figure(infer, 'tokensPerJoule'),
        ...servedFigures(infer),
        batchSweep: sweepViewOf(infer),
        loadCurve: loadViewOf(infer),
        hashEnergy: energyLabel(hash?.energy),
        inferEnergy: energyLabel(infer?.energy),
        profit,
        energyWindows: energyWindowsOf(doc),
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
