/**
 * What the publishable report shows, computed once for every exporter (Markdown, HTML): the
 * headline (best H/J, best tok/J, J/TH next to the reference ASIC, the per-MW verdicts), the
 * efficiency tables sorted by efficiency with ranks, short device names with footnotes, and the
 * per-MW uses with one row per site use (an ASIC or a lease is the same row in every run at the
 * same site, price and date) and one row per measured use. Pure: rows in, view out.
 */
import { REFERENCE_ASICS, asicJPerTH } from '../profit/asics.js';
import { shortGpuName } from '../profit/match.js';
import { energyText, valueOf, type Figure, type MissingFigure, type PerMwRow, type RunRow } from './rows.js';

/** A device footnote: the short name used in tables, the full identity below them. */
export interface DeviceNote {
  n: number;
  short: string;
  full: string;
  isSoftware: boolean;
}

/** One row of the hashing table. */
export interface HashEntry {
  /** 1-based rank by H/J (null: no per-joule figure). */
  rank: number | null;
  row: RunRow;
  device: DeviceNote;
  hashesPerSecond: Figure | MissingFigure | null;
  powerW: number | null;
  hashesPerJoule: Figure | MissingFigure | null;
  /** 1e12 / (H/J). */
  jPerTH: number | null;
  energy: string;
  declared: boolean;
}

/** One row of the inference table (the serving figure when the result has one, else batch-1 decode). */
export interface InferEntry {
  rank: number | null;
  row: RunRow;
  device: DeviceNote;
  model: string;
  serving: string;
  tokensPerSecond: Figure | MissingFigure | null;
  prefillTokensPerSecond: Figure | MissingFigure | null;
  powerW: number | null;
  tokensPerJoule: Figure | MissingFigure | null;
  jPerToken: number | null;
  energy: string;
  declared: boolean;
}

/** A per-MW use: a site use shared by runs, or a measured use of one run. */
export interface UseEntry {
  key: string;
  u: PerMwRow;
  /** Refs of the runs it appears in. */
  runs: number[];
  /** True for a site use (ASIC, lease, rental at rated power): the same in every run of its context. */
  shared: boolean;
  /** "Boden @ $0.093/kWh, as of 2026-11-22". */
  context: string;
  powerPriceUsdPerKWh: number | null;
  /** The run's device for measured uses. */
  device: DeviceNote | null;
}

/** A verdict line and the runs it comes from. */
export interface VerdictEntry {
  context: string;
  headline: string;
  runs: number[];
  repriced: boolean;
}

/** The reference ASIC the headline and the scatter compare against. */
export interface AsicRef {
  label: string;
  jPerTH: number;
  hashesPerJoule: number;
  source: string;
}

/** The report view. */
export interface ReportView {
  devices: DeviceNote[];
  hashing: HashEntry[];
  inference: InferEntry[];
  uses: UseEntry[];
  verdicts: VerdictEntry[];
  asic: AsicRef;
  bestHash: HashEntry | null;
  bestInfer: InferEntry | null;
  /** Power prices of the profit blocks (for the power-price axis and markers). */
  sitePrices: number[];
}

/** "llvmpipe", "RTX 3060", "CPU". */
export function shortDevice(r: RunRow): string {
  if (r.device.startsWith('CPU ') && r.isSoftware === null) return 'CPU';
  return shortGpuName(r.device.replace(/ \[software\]$/, ''));
}

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** Footnote marker: superscript digits. */
export function sup(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUP[Number(d)])
    .join('');
}

function deviceIndex(rows: readonly RunRow[]): { list: DeviceNote[]; of: (r: RunRow) => DeviceNote } {
  const byFull = new Map<string, DeviceNote>();
  const fullOf = (r: RunRow) => `${r.device}${r.driver ? `, driver ${r.driver}` : ''}${r.backend ? `, ${r.backend}` : ''}`;
  for (const r of rows) {
    const full = fullOf(r);
    if (!byFull.has(full)) byFull.set(full, { n: byFull.size + 1, short: shortDevice(r), full, isSoftware: Boolean(r.isSoftware) });
  }
  return { list: [...byFull.values()], of: (r) => byFull.get(fullOf(r))! };
}

function rankBy<T extends { rank: number | null }>(entries: T[], value: (e: T) => number | null): T[] {
  const withV = entries.filter((e) => value(e) !== null).sort((a, b) => value(b)! - value(a)!);
  withV.forEach((e, i) => (e.rank = i + 1));
  return [...withV, ...entries.filter((e) => value(e) === null)];
}

function asicRef(rows: readonly RunRow[]): AsicRef {
  for (const r of rows) {
    for (const u of r.profit?.rows ?? []) {
      if (u.kind === 'asic-mining' && u.efficiency && u.efficiency.unit === 'J/TH' && u.efficiency.value > 0) {
        return { label: u.label.replace(/ \(reference ASIC\)$/, ''), jPerTH: u.efficiency.value, hashesPerJoule: 1e12 / u.efficiency.value, source: 'nameplate, from the profit model' };
      }
    }
  }
  const a = REFERENCE_ASICS[0]!;
  return { label: a.model, jPerTH: asicJPerTH(a), hashesPerJoule: 1e12 / asicJPerTH(a), source: `nameplate (${a.source}, ${a.date})` };
}

/** Site uses are the same in every run priced at the same site, price and date. */
function isShared(u: PerMwRow): boolean {
  if (u.kind === 'asic-mining' || u.kind === 'hosting-lease' || u.kind === 'reference-asic') return true;
  return Boolean(u.basis && /^(site|nameplate|contract)/.test(u.basis));
}

function contextOf(r: RunRow): string {
  const p = r.profit!;
  const price = p.powerPriceUsdPerKWh === null ? null : `$${Number(p.powerPriceUsdPerKWh.toPrecision(3))}/kWh`;
  return [p.site, price ? `@ ${price}` : null, p.asOf ? `as of ${p.asOf}` : null].filter(Boolean).join(' ').replace(' as of', ', as of') || 'site';
}

/** Unique profit blocks (a file with several inference rows repeats its profit block). */
export function profitRuns(rows: readonly RunRow[]): RunRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (!r.profit) return false;
    const k = `${r.file}|${r.profit.measurementId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function usesOf(runs: RunRow[], dev: (r: RunRow) => DeviceNote): { uses: UseEntry[]; verdicts: VerdictEntry[] } {
  const uses = new Map<string, UseEntry>();
  const verdicts = new Map<string, VerdictEntry>();
  for (const r of runs) {
    const p = r.profit!;
    const context = contextOf(r);
    for (const u of p.rows) {
      const shared = isShared(u);
      const key = shared ? `${context}|${u.use}|${u.revenueUsdPerDay?.toFixed(2)}|${u.marginUsdPerDay?.toFixed(2)}` : `#${r.ref}|${u.use}`;
      const e = uses.get(key);
      if (e) e.runs.push(r.ref);
      else uses.set(key, { key, u, runs: [r.ref], shared, context, powerPriceUsdPerKWh: p.powerPriceUsdPerKWh, device: shared ? null : dev(r) });
    }
    if (p.decision) {
      const k = `${context}|${p.decision.headline}`;
      const v = verdicts.get(k);
      if (v) v.runs.push(r.ref);
      else verdicts.set(k, { context, headline: p.decision.headline, runs: [r.ref], repriced: p.repriced !== null });
    }
  }
  // Site uses first (the site's own choice), then measured uses; each group best margin first.
  const score = (e: UseEntry) => e.u.marginUsdPerDay ?? e.u.profitUsdPerDay ?? -Infinity;
  const list = [...uses.values()].sort((a, b) => Number(b.shared) - Number(a.shared) || Number(b.u.priced) - Number(a.u.priced) || score(b) - score(a));
  return { uses: list, verdicts: [...verdicts.values()] };
}

/** Build the view from report rows. */
export function buildView(rows: readonly RunRow[]): ReportView {
  const dev = deviceIndex(rows);
  // One hashing row per file (a file with several models repeats its hash figure on each row).
  const seenHash = new Set<string>();
  const hashing = rankBy(
    rows
      .filter((r) => r.hashesPerSecond !== null && !seenHash.has(r.file) && seenHash.add(r.file))
      .map((r): HashEntry => {
        const hpj = valueOf(r.hashesPerJoule);
        return {
          rank: null,
          row: r,
          device: dev.of(r),
          hashesPerSecond: r.hashesPerSecond,
          powerW: r.hashEnergy?.avgPowerW ?? null,
          hashesPerJoule: r.hashesPerJoule,
          jPerTH: hpj && hpj > 0 ? 1e12 / hpj : null,
          energy: energyText(r.hashEnergy),
          declared: r.hashEnergy?.kind === 'declared',
        };
      }),
    (e) => valueOf(e.hashesPerJoule),
  );
  const inference = rankBy(
    rows
      .filter((r) => r.decodeTokensPerSecond !== null || r.servedTokensPerSecond !== null)
      .map((r): InferEntry => {
        const tpj = r.servedTokensPerSecond ? r.servedTokensPerJoule : r.tokensPerJoule;
        const v = valueOf(tpj);
        return {
          rank: null,
          row: r,
          device: dev.of(r),
          model: r.model ?? '—',
          serving: r.serving ?? 'batch-1 decode, not a served figure',
          tokensPerSecond: r.servedTokensPerSecond ?? r.decodeTokensPerSecond,
          prefillTokensPerSecond: r.prefillTokensPerSecond,
          // The serving batch's own decode-window power when the row shows the serving figure.
          powerW: (r.servedTokensPerSecond ? r.servedPowerW : null) ?? r.inferEnergy?.avgPowerW ?? null,
          tokensPerJoule: tpj,
          jPerToken: v && v > 0 ? 1 / v : null,
          energy: energyText(r.inferEnergy),
          declared: r.inferEnergy?.kind === 'declared',
        };
      }),
    (e) => valueOf(e.tokensPerJoule),
  );
  const runs = profitRuns(rows);
  const { uses, verdicts } = usesOf(runs, dev.of);
  return {
    devices: dev.list,
    hashing,
    inference,
    uses,
    verdicts,
    asic: asicRef(rows),
    bestHash: hashing.find((h) => h.rank === 1) ?? null,
    bestInfer: inference.find((h) => h.rank === 1) ?? null,
    sitePrices: [...new Set(runs.map((r) => r.profit!.powerPriceUsdPerKWh).filter((p): p is number => p !== null))],
  };
}

/** "× 103,000 the ASIC's energy per hash", "0.8 × …": how far a J/TH is from the ASIC's. */
export function vsAsic(jPerTH: number, asic: AsicRef): string {
  const k = jPerTH / asic.jPerTH;
  const f = k >= 100 ? Math.round(k).toLocaleString('en-US') : Number(k.toPrecision(2)).toString();
  return `${f}× the ${asic.label}'s ${Number(asic.jPerTH.toPrecision(3))} J/TH`;
}

/** A power-price axis over the range that matters: 0 to the larger of $0.15 and twice the highest site price, in $0.05 steps. */
export function powerPriceRange(sitePrices: readonly number[]): number {
  const top = Math.max(0.15, ...sitePrices.map((p) => 2 * p));
  return Number((Math.ceil(top / 0.05 - 1e-9) * 0.05).toFixed(2));
}
