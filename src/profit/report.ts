/**
 * The profit report: the snapshot comparison, optional projection and sensitivity grids, and
 * every input with its provenance. This is what `joulebench profit --json` prints and what
 * `joulebench run` can embed (as Measurement details, kind "profit").
 */
import { siteComparison, type Comparison, type ComparisonRow } from './model.js';
import { projectMonths, type Projection } from './projection.js';
import { axisAround, inferenceGrid, miningGrid, powerPriceAxis, type SensitivityGrid } from './sensitivity.js';
import { InputError, type ResolvedInputs } from './inputs.js';
import type { Sourced } from './provenance.js';

/** Report format version (bump the major on breaking changes). */
export const PROFIT_REPORT_VERSION = '1.0';

/** How each headline output is derived (formula and the inputs it uses). */
export const DERIVATIONS: Record<string, { formula: string; from: string[] }> = {
  btcPerDay: { formula: 'H·86400·(S+F)/(D·2^32)·(1−poolFee)·uptime', from: ['hashesPerSecond', 'subsidyBtc', 'feesPerBlockBtc', 'difficulty', 'poolFeeFraction', 'uptimeFraction'] },
  revenueUsdPerDay: { formula: 'mining: btcPerDay·btcPrice; inference: tokens/s·86400·utilization·$/Mtok/1e6', from: ['btcPerDay', 'btcPriceUsd', 'tokensPerSecond', 'utilizationFraction', 'usdPerMTok'] },
  energyCostUsdPerDay: { formula: 'W·PUE/1000·24·duty·$/kWh (duty = uptime for mining, 1 for inference)', from: ['hashPowerW|inferPowerW', 'miningPue|aiPue', 'uptimeFraction', 'powerPriceUsdPerKWh'] },
  profitUsdPerDay: { formula: 'revenue − energy cost', from: ['revenueUsdPerDay', 'energyCostUsdPerDay'] },
  breakEvenUsdPerKWh: { formula: 'revenue / kWh per day (profit = 0)', from: ['revenueUsdPerDay', 'energyKWhPerDay'] },
  hashpriceUsdPerPHDay: { formula: '1e15·86400/(D·2^32)·(S+F)·btcPrice (gross: no pool fee, full uptime)', from: ['difficulty', 'subsidyBtc', 'feesPerBlockBtc', 'btcPriceUsd'] },
  networkHashrateHps: { formula: 'D·2^32/600', from: ['difficulty'] },
  marginUsdPerDay: { formula: 'profit − capex/(years·365) − fixed opex share', from: ['profitUsdPerDay', 'capexUsd', 'depreciationYears', 'fixedOpexUsdPerMWYear'] },
  paybackDays: { formula: 'capex / (profit − fixed opex) per day', from: ['capexUsd', 'profitUsdPerDay', 'fixedOpexUsdPerMWYear'] },
};

/** The report. */
export interface ProfitReport {
  reportVersion: string;
  asOf: string;
  site: { name: string; file: string } | null;
  /** The row the headline figures describe. */
  primary: string;
  btcPerDay: number | null;
  revenueUsdPerDay: number;
  energyCostUsdPerDay: number;
  profitUsdPerDay: number;
  marginUsdPerDay: number;
  breakEvenUsdPerKWh: number | null;
  breakEvenBtcPriceUsd: number | null;
  paybackDays: number | null;
  hashpriceUsdPerTHDay: number;
  hashpriceUsdPerPHDay: number;
  networkHashrateHps: number;
  subsidyBtc: number;
  /** Headline figures over --days at today's inputs (flat, no growth). */
  period: { days: number; btc: number | null; revenueUsd: number; energyCostUsd: number; profitUsd: number; marginUsd: number };
  rows: ComparisonRow[];
  projection: Projection | null;
  sensitivity: SensitivityGrid[] | null;
  inputs: Record<string, Sourced<number | null>>;
  derivations: typeof DERIVATIONS;
  warnings: string[];
}

/** Options for buildProfitReport. */
export interface ReportOptions {
  asOf: string;
  site: { name: string; file: string } | null;
  days: number;
  /** Months to project; 0 = none. */
  months: number;
  /** Explicit BTC price per month for the projection (last value repeats); overrides the growth rate. */
  btcPricePathUsd?: number[];
  sensitivity: boolean;
}

const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

/** Build the report from resolved inputs. */
export function buildProfitReport(r: ResolvedInputs, o: ReportOptions): ProfitReport {
  const cmp: Comparison = siteComparison(r.comparison);
  const primary = cmp.rows.find((x) => x.kind === 'gpu-mining') ?? cmp.rows.find((x) => x.kind === 'gpu-inference-tokens') ?? cmp.rows[0];
  if (!primary) throw new RangeError('no comparison rows');
  const u = primary.perUnit;
  let projection: Projection | null = null;
  if (o.months > 0) {
    // The projection prices each month at the exact subsidy of its blocks (stepping at halving
    // heights from the start height). A subsidy set by hand has no height, so the projection
    // would silently disagree with the snapshot: refuse instead.
    const sub = r.inputs.subsidyBtc?.provenance;
    if (sub && sub.kind === 'flag') {
      throw new InputError(`${sub.flag} cannot be combined with --months: the projection steps the subsidy at halving heights; pass --height <n> instead`);
    }
    projection = projectMonths(r.comparison, {
      months: o.months,
      startHeightBlocks: r.heightBlocks.value,
      difficultyGrowthPerMonth: r.difficultyGrowthPerMonth.value,
      btcPrice: o.btcPricePathUsd?.length ? { pathUsd: o.btcPricePathUsd } : { growthPerMonth: r.btcPriceGrowthPerMonth.value },
      startDateIso: o.asOf,
    });
  }
  let sensitivity: SensitivityGrid[] | null = null;
  if (o.sensitivity) {
    const pp = powerPriceAxis(r.comparison.site.powerPriceUsdPerKWh);
    sensitivity = [];
    for (const row of cmp.rows) {
      if (row.kind === 'gpu-mining' || row.kind === 'asic-mining') sensitivity.push(miningGrid(r.comparison, row.id, pp, axisAround(r.comparison.market.btcPriceUsd)));
    }
    if (cmp.rows.some((x) => x.kind === 'gpu-inference-tokens')) {
      sensitivity.push(inferenceGrid(r.comparison, pp, axisAround(r.comparison.market.usdPerMTok, [0.25, 0.5, 1, 2, 4])));
    }
  }
  // Warn about stale defaults only for inputs this report actually uses.
  const unused = new Set<string>();
  if (o.months === 0) unused.add('difficultyGrowthPerMonth').add('btcPriceGrowthPerMonth');
  if (o.btcPricePathUsd?.length) unused.add('btcPriceGrowthPerMonth');
  if (!cmp.rows.some((x) => x.kind === 'gpu-inference-tokens')) unused.add('usdPerMTok');
  if (!cmp.rows.some((x) => x.kind === 'asic-mining')) unused.add('asicCapexUsdPerTH').add('asicDepreciationYears');
  if (!cmp.rows.some((x) => x.hall === 'ai')) unused.add('utilizationFraction');
  const warnings = r.warnings.filter((w) => !unused.has(w.split(' ')[0] ?? ''));
  // The inputs table lists what this report used, so it never sources a number nothing depends on.
  const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !unused.has(k)));
  return {
    reportVersion: PROFIT_REPORT_VERSION,
    asOf: o.asOf,
    site: o.site,
    primary: primary.id,
    btcPerDay: u.btcPerDay,
    revenueUsdPerDay: u.revenueUsdPerDay,
    energyCostUsdPerDay: u.energyCostUsdPerDay,
    profitUsdPerDay: u.profitUsdPerDay,
    marginUsdPerDay: u.marginUsdPerDay,
    breakEvenUsdPerKWh: finiteOrNull(u.breakEvenUsdPerKWh),
    breakEvenBtcPriceUsd: finiteOrNull(u.breakEvenBtcPriceUsd),
    paybackDays: u.paybackDays,
    hashpriceUsdPerTHDay: cmp.hashpriceUsdPerTHDay,
    hashpriceUsdPerPHDay: cmp.hashpriceUsdPerPHDay,
    networkHashrateHps: cmp.networkHashrateHps,
    subsidyBtc: cmp.chain.subsidyBtc,
    period: {
      days: o.days,
      btc: u.btcPerDay === null ? null : u.btcPerDay * o.days,
      revenueUsd: u.revenueUsdPerDay * o.days,
      energyCostUsd: u.energyCostUsdPerDay * o.days,
      profitUsd: u.profitUsdPerDay * o.days,
      marginUsd: u.marginUsdPerDay * o.days,
    },
    rows: cmp.rows,
    projection,
    sensitivity,
    inputs,
    derivations: DERIVATIONS,
    warnings,
  };
}

/** JSON.stringify replacer: Infinity/NaN (never-break-even, no revenue) become null. */
export function jsonSafe(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
