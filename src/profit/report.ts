/**
 * The profit report: the snapshot comparison, the decision (verdict), optional projection and
 * sensitivity grids, and every input with its provenance. This is what `joulebench profit --json` prints and what
 * `joulebench run` can embed (as Measurement details, kind "profit").
 */
import { pricedRows, siteComparison, type Comparison, type ComparisonRow, type PricedRow } from './model.js';
import { decide, type Decision } from './decision.js';
import type { RankRules } from './options.js';
import { DAYS_PER_MONTH, projectMonths, type Projection } from './projection.js';
import { FINANCE_DAYS_PER_MONTH, horizonYearsOf, withProject } from './project-finance.js';
import { verdictSensitivity, type VerdictSensitivity } from './flips.js';
import { axisAround, inferenceGrid, miningGrid, powerPriceAxis, type SensitivityGrid } from './sensitivity.js';
import { InputError, type PriceTargets, type ResolvedInputs } from './inputs.js';
import { DEFAULT_OPEX } from './defaults.js';
import type { Sourced } from './provenance.js';

/**
 * Report format version (bump the major on breaking changes). 2.0: unpriced rows, capex in every
 * margin, decision. 2.1: cost of capital (capital charge, NPV, IRR, discounted payback per row and
 * use), opex per use kind, the switch as a project, the split, and what flips the verdict. 2.2:
 * capex on its schedule (row project: capexScheduleUsdPerMW, operatingUsdPerMW, dated
 * flowsUsdPerMW instead of cashFlowsUsdPerMW; perMW.interestDuringConstructionUsd), a hurdle rate
 * per use kind (row discountRate), the current use on its decision basis (decision.uses[].keep),
 * the power left unused as an option ('idle'), decision.everyUseDestroysValue, and
 * sensitivityOfVerdict.marginOfUseId.
 */
export const PROFIT_REPORT_VERSION = '2.2';

/** How each headline output is derived (formula and the inputs it uses). */
export const DERIVATIONS: Record<string, { formula: string; from: string[] }> = {
  btcPerDay: { formula: 'H·86400·(S+F)/(D·2^32)·(1−poolFee)·uptime·(1−curtailedHours/8760)', from: ['hashesPerSecond', 'subsidyBtc', 'feesPerBlockBtc', 'difficulty', 'poolFeeFraction', 'uptimeFraction', 'curtailmentHoursPerYear'] },
  revenueUsdPerDay: {
    formula: 'mining: btcPerDay·btcPrice + curtailment credit; inference: tokens/s·86400·utilization·$/Mtok/1e6; rental: $/GPU-h·24·utilization; lease: (1000/aiPue) kW·$/kW-month·12/365',
    from: ['btcPerDay', 'btcPriceUsd', 'curtailmentCreditUsdPerMWh', 'tokensPerSecond', 'utilizationFraction', 'usdPerMTok', 'usdPerGpuHour', 'leaseUsdPerKwMonth', 'aiPue'],
  },
  energyCostUsdPerDay: { formula: 'W·PUE/1000·24·duty·$/kWh (duty = uptime × uncurtailed share for mining, 1 for GPUs in the AI hall, load fraction for a lease the site pays the power of, 0 when the tenant pays)', from: ['hashPowerW|inferPowerW|gpuPowerW', 'miningPue|aiPue', 'uptimeFraction', 'leaseLoadFraction', 'powerPriceUsdPerKWh'] },
  profitUsdPerDay: { formula: 'revenue − energy cost', from: ['revenueUsdPerDay', 'energyCostUsdPerDay'] },
  cashUsdPerDay: { formula: 'margin before capex = revenue − energy cost − fixed opex share', from: ['profitUsdPerDay', 'fixedOpexUsdPerMWYear'] },
  capexUsd: { formula: 'device + server share (GPUs) + AI-hall retrofit share (retrofit $/MW-IT × device IT W / 1e6; lease: retrofit / aiPue per MW of site power)', from: ['asic:*:capexUsd', 'gpuCapexUsd', 'gpuServerCapexUsd', 'retrofitCapexUsdPerMW', 'aiPue'] },
  marginUsdPerDay: { formula: 'margin before capex − (device + server)/(device years·365) − retrofit/(retrofit years·365)', from: ['cashUsdPerDay', 'capexUsd', 'gpuDepreciationYears|asicDepreciationYears', 'retrofitYears'] },
  breakEvenUsdPerKWh: { formula: 'energy only: revenue / kWh per day (profit = 0)', from: ['revenueUsdPerDay', 'energyKWhPerDay'] },
  breakEvenAllInUsdPerKWh: { formula: 'with capex: (revenue − depreciation − fixed opex) / kWh per day (margin = 0)', from: ['revenueUsdPerDay', 'marginUsdPerDay', 'energyKWhPerDay'] },
  hashpriceUsdPerPHDay: { formula: '1e15·86400/(D·2^32)·(S+F)·btcPrice (gross: no pool fee, full uptime)', from: ['difficulty', 'subsidyBtc', 'feesPerBlockBtc', 'btcPriceUsd'] },
  networkHashrateHps: { formula: 'D·2^32/600', from: ['difficulty'] },
  paybackDays: { formula: 'capex / margin before capex per day', from: ['capexUsd', 'cashUsdPerDay'] },
  capitalChargeUsdPerDay: {
    formula:
      'Σ over capex parts of (value when the use starts earning − resale·(1+r)^−n) × CRF(r, n) / 365, CRF(r, n) = r(1+r)^n/((1+r)^n − 1), straight-line at r = 0; r = the use kind\'s hurdle rate; the retrofit (over its years) paid in c monthly installments through construction is worth retrofit × (1/c) Σ_{k=1..c} (1+r)^((c−k)/12) at commissioning (its interest during construction); devices + server (over the device life) are paid at commissioning',
    from: ['capexUsd', 'discountRate', 'discountRate:<kind>', 'constructionMonths', 'gpuDepreciationYears|asicDepreciationYears', 'retrofitYears', 'gpuResaleFraction'],
  },
  marginAfterCapitalChargeUsdPerDay: { formula: 'margin before capex − capital charge (an equivalent annual annuity: ranks the uses)', from: ['cashUsdPerDay', 'capitalChargeUsdPerDay'] },
  npvUsdPerMW: {
    formula:
      'Σ CF_i/(1+r)^(t_i), t_i in years: capex paid on its schedule (the retrofit at the end of each construction month, devices at commissioning; all at t = 0 without construction), operating cash of year t at its end (none during construction), + the straight-line value of longer-lived parts and GPU resale at the horizon (construction + the shortest major asset life); r = the use kind\'s hurdle rate',
    from: ['cashUsdPerDay', 'capexUsd', 'discountRate', 'discountRate:<kind>', 'constructionMonths', 'gpuResaleFraction'],
  },
  irr: { formula: 'r such that NPV(r) = 0 over the same cash flows', from: ['npvUsdPerMW'] },
  discountedPaybackYears: { formula: 'first T with Σ_{t≤T} CF_t/(1+r)^t ≥ 0 over operating cash (no residual), interpolated within the year', from: ['npvUsdPerMW'] },
  decision: {
    formula:
      'options: each new use at its margin per MW-day after capital charge (with --months: projected NPV × CRF(r, years)/365); the current use kept one more year, capex sunk: staying cash − (S0·(1+r) − S1)/365, S0 = ASIC resale today, S1 = S0·(1 − resale decline); the power left unused: energy resold − site fixed opex. Verdict = the first of those with NPV ≥ 0 (else the first), by that margin, within the capex budget; switching payback = (capex − S0) / (the new use\'s margin before capex − staying cash); the switch as a project = best use capex on its schedule − S0, construction months with no revenue, then the gain over staying; mining parity BTC price P* = P + (margin_rival − margin_mining)/(BTC per MW-day × (1 − revenue opex share)), at today\'s difficulty',
    from: ['marginAfterCapitalChargeUsdPerDay', 'cashUsdPerDay', 'capexUsd', 'btcPriceUsd', 'asicResaleFraction', 'asicResaleDeclinePerYear', 'discountRate:<kind>', 'constructionMonths', 'capexBudgetUsd', 'powerSaleUsdPerKWh'],
  },
};

/** The report. */
export interface ProfitReport {
  reportVersion: string;
  asOf: string;
  site: { name: string; file: string } | null;
  /** The verdict line (also `decision.headline`). */
  headline: string;
  decision: Decision;
  /** The row the per-device headline figures describe (null when nothing is priced). */
  primary: string | null;
  btcPerDay: number | null;
  revenueUsdPerDay: number | null;
  energyCostUsdPerDay: number | null;
  profitUsdPerDay: number | null;
  marginUsdPerDay: number | null;
  breakEvenUsdPerKWh: number | null;
  breakEvenBtcPriceUsd: number | null;
  paybackDays: number | null;
  hashpriceUsdPerTHDay: number;
  hashpriceUsdPerPHDay: number;
  networkHashrateHps: number;
  subsidyBtc: number;
  /** Headline figures over --days at today's inputs (flat, no growth). */
  period: { days: number; btc: number | null; revenueUsd: number | null; energyCostUsd: number | null; profitUsd: number | null; marginUsd: number | null };
  rows: ComparisonRow[];
  /** What each price is for (model, GPU): measured rows are priced only when they match. */
  priceTargets: PriceTargets;
  projection: Projection | null;
  sensitivity: SensitivityGrid[] | null;
  /** What flips the verdict: tornado, flip points, break-evens, rental grid (at today's inputs). */
  sensitivityOfVerdict: VerdictSensitivity | null;
  inputs: Record<string, Sourced<number | string | null>>;
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
  /** Compute what flips the verdict (default true). */
  flips?: boolean;
}

const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

function projectionOf(r: ResolvedInputs, o: ReportOptions, months = o.months): Projection | null {
  if (months <= 0) return null;
  // The projection prices each month at the exact subsidy of its blocks (stepping at halving
  // heights from the start height). A subsidy set by hand has no height, so the projection
  // would silently disagree with the snapshot: refuse instead.
  const sub = r.inputs.subsidyBtc?.provenance;
  if (sub && sub.kind === 'flag') {
    throw new InputError(`${sub.flag} cannot be combined with --months: the projection steps the subsidy at halving heights; pass --height <n> instead`);
  }
  return projectMonths(r.comparison, {
    months,
    startHeightBlocks: r.heightBlocks.value,
    difficultyGrowthPerMonth: r.difficultyGrowthPerMonth.value,
    btcPrice: o.btcPricePathUsd?.length ? { pathUsd: o.btcPricePathUsd } : { growthPerMonth: r.btcPriceGrowthPerMonth.value },
    startDateIso: o.asOf,
    feesGrowthPerMonth: r.feesGrowthPerMonth.value,
    tokenPriceDeclinePerYear: r.tokenPriceDeclinePerYear.value,
    gpuHourPriceDeclinePerYear: r.gpuHourPriceDeclinePerYear.value,
    utilizationRampMonths: r.utilizationRampMonths.value,
  });
}

function sensitivityOf(r: ResolvedInputs, rows: PricedRow[]): SensitivityGrid[] {
  const pp = powerPriceAxis(r.comparison.site.powerPriceUsdPerKWh);
  const out: SensitivityGrid[] = [];
  for (const row of rows) {
    if (row.kind === 'gpu-mining' || row.kind === 'asic-mining') out.push(miningGrid(r.comparison, row.id, pp, axisAround(r.comparison.market.btcPriceUsd)));
  }
  if (rows.some((x) => x.kind === 'gpu-inference-tokens')) out.push(inferenceGrid(r.comparison, pp, axisAround(r.comparison.market.usdPerMTok, [0.25, 0.5, 1, 2, 4])));
  return out;
}

/** Inputs no row or projection of this report uses (left out of the inputs table and the stale-default warnings). */
function unusedInputs(cmp: Comparison, priced: PricedRow[], o: ReportOptions, d: Decision): Set<string> {
  const unused = new Set<string>();
  const has = (k: string) => priced.some((x) => x.kind === k);
  const hasRow = (k: string) => cmp.rows.some((x) => x.kind === k);
  if (o.months === 0) {
    for (const k of ['difficultyGrowthPerMonth', 'btcPriceGrowthPerMonth', 'feesGrowthPerMonth', 'tokenPriceDeclinePerYear', 'gpuHourPriceDeclinePerYear', 'utilizationRampMonths']) unused.add(k);
  }
  if (o.btcPricePathUsd?.length) unused.add('btcPriceGrowthPerMonth');
  if (!hasRow('gpu-inference-tokens')) unused.add('usdPerMTok');
  if (!has('gpu-inference-tokens')) unused.add('tokenPriceDeclinePerYear');
  if (!has('gpu-rental')) unused.add('gpuHourPriceDeclinePerYear');
  if (!hasRow('asic-mining')) unused.add('asicCapexUsdPerTH').add('asicDepreciationYears');
  if (!has('gpu-inference-tokens') && !has('gpu-rental')) unused.add('utilizationFraction').add('utilizationRampMonths');
  if (!priced.some((x) => x.hall === 'ai')) unused.add('retrofitCapexUsdPerMW').add('retrofitYears').add('slaUptimeFraction').add('aiPue');
  if (!priced.some((x) => x.kind === 'gpu-mining' || x.kind === 'gpu-inference-tokens' || x.kind === 'gpu-rental')) {
    unused.add('gpuCapexUsd').add('gpuServerCapexUsd').add('gpuServerCapexFraction').add('gpuDepreciationYears').add('gpuServerOverheadFactor');
  }
  if (!priced.some((x) => x.hall === 'mining')) unused.add('miningPue').add('uptimeFraction').add('curtailmentHoursPerYear').add('curtailmentCreditUsdPerMWh').add('powerPriceProfile').add('powerSaleUsdPerKWh');
  const opexKind = (k: string) => (k === 'gpu-inference' ? 'gpu-inference-tokens' : k);
  for (const k of Object.keys(DEFAULT_OPEX)) {
    if (!priced.some((x) => x.kind === opexKind(k))) unused.add(`opex:${k}:fixedUsdPerMWYear`).add(`opex:${k}:revenueFraction`);
  }
  const aiGpu = priced.some((x) => x.kind === 'gpu-inference-tokens' || x.kind === 'gpu-rental');
  if (!aiGpu) unused.add('networkStorageShareOfCriticalIT');
  if (!priced.some((x) => x.hall === 'ai')) unused.add('constructionMonths');
  if (!priced.some((x) => x.kind === 'gpu-mining' || x.kind === 'gpu-inference-tokens' || x.kind === 'gpu-rental')) unused.add('gpuResaleFraction');
  if (!has('asic-mining') || (!d.switching && !d.split && !d.uses.some((u) => u.keep && u.keep.resaleNowUsdPerMW > 0))) unused.add('asicResaleFraction').add('asicResaleDeclinePerYear');
  for (const k of Object.keys(DEFAULT_OPEX)) if (!priced.some((x) => x.kind === opexKind(k))) unused.add(`discountRate:${k}`);
  if (!has('hosting-lease')) unused.add('leaseRetrofitCapexUsdPerMW');
  return unused;
}

/**
 * With a projection, the verdict runs on projected cash: project each use's months to its horizon
 * (construction + shortest major asset life), and recompute its NPV, IRR and payback from them.
 */
function projectedFinance(r: ResolvedInputs, o: ReportOptions, rows: ComparisonRow[]): { rows: ComparisonRow[]; monthly: ((id: string) => readonly number[] | null) | null } {
  if (o.months <= 0) return { rows, monthly: null };
  const priced = pricedRows(rows);
  const need = Math.max(o.months, ...priced.map((x) => (x.hall === 'ai' ? r.finance.constructionMonths : 0) + Math.round(horizonYearsOf(x) * 12)));
  const proj = projectionOf(r, o, Math.min(600, need))!;
  const series = new Map<string, number[]>();
  for (const mo of proj.months) {
    for (const c of mo.perMW) {
      // Projection months are 365.25/12 days; finance months 365/12 (the capital charge's year).
      const list = series.get(c.id) ?? [];
      list.push((c.cashUsd / DAYS_PER_MONTH) * FINANCE_DAYS_PER_MONTH);
      series.set(c.id, list);
    }
  }
  const monthly = (id: string) => series.get(id) ?? null;
  return { rows: rows.map((x) => (x.priced ? withProject(x, { discountRate: x.discountRate, constructionMonths: r.finance.constructionMonths }, monthly(x.id)) : x)), monthly };
}

/** The verdict's ranking rules from the resolved inputs (the decision and what flips it share them). */
function rankRulesOf(r: ResolvedInputs): RankRules {
  const f = r.finance;
  return { currentUseId: r.currentUseId, discountRate: f.discountRate, capexBudgetUsd: f.capexBudgetUsd, capacityMW: r.comparison.site.powerCapacityMW, asicResaleFraction: f.asicResaleFraction, asicResaleDeclinePerYear: f.asicResaleDeclinePerYear };
}

function decisionOf(r: ResolvedInputs, cmp: Comparison, rows: ComparisonRow[], monthly: ((id: string) => readonly number[] | null) | null): Decision {
  try {
    return decide(rows, { market: { btcPriceUsd: cmp.btcPriceUsd, hashpriceUsdPerPHDay: cmp.hashpriceUsdPerPHDay }, idle: cmp.idle, ...rankRulesOf(r), monthly });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(err.message);
    throw err;
  }
}

/** Build the report from resolved inputs. */
export function buildProfitReport(r: ResolvedInputs, o: ReportOptions): ProfitReport {
  const cmp: Comparison = siteComparison(r.comparison);
  const fin = projectedFinance(r, o, cmp.rows);
  const decision = decisionOf(r, cmp, fin.rows, fin.monthly);
  const priced = pricedRows(fin.rows);
  const primary = priced.find((x) => x.kind === 'gpu-mining') ?? priced.find((x) => x.kind === 'gpu-inference-tokens') ?? priced.find((x) => x.id === decision.bestUseId) ?? priced[0] ?? null;
  const u = primary?.perUnit ?? null;
  const projection = projectionOf(r, o);
  const sensitivity = o.sensitivity ? sensitivityOf(r, priced) : null;
  const flips = o.flips === false ? null : verdictSensitivity(r.comparison, { ...rankRulesOf(r), currentUseId: decision.currentUseId });
  const unused = unusedInputs(cmp, priced, o, decision);
  const warnings = r.warnings.filter((w) => !unused.has(w.split(' ')[0] ?? ''));
  for (const row of cmp.rows) {
    if (row.priced && row.pricedAnyway) warnings.push(`${row.id} PRICED ANYWAY (--price-anyway): ${row.pricedAnyway}`);
  }
  // The inputs table lists what this report used, so it never sources a number nothing depends on.
  const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !unused.has(k)));
  const per = (x: number | null | undefined) => (x === null || x === undefined ? null : x * o.days);
  return {
    reportVersion: PROFIT_REPORT_VERSION,
    asOf: o.asOf,
    site: o.site,
    headline: decision.headline,
    decision,
    primary: primary?.id ?? null,
    btcPerDay: u?.btcPerDay ?? null,
    revenueUsdPerDay: u?.revenueUsdPerDay ?? null,
    energyCostUsdPerDay: u?.energyCostUsdPerDay ?? null,
    profitUsdPerDay: u?.profitUsdPerDay ?? null,
    marginUsdPerDay: u?.marginUsdPerDay ?? null,
    breakEvenUsdPerKWh: u ? finiteOrNull(u.breakEvenUsdPerKWh) : null,
    breakEvenBtcPriceUsd: u ? finiteOrNull(u.breakEvenBtcPriceUsd) : null,
    paybackDays: u?.paybackDays ?? null,
    hashpriceUsdPerTHDay: cmp.hashpriceUsdPerTHDay,
    hashpriceUsdPerPHDay: cmp.hashpriceUsdPerPHDay,
    networkHashrateHps: cmp.networkHashrateHps,
    subsidyBtc: cmp.chain.subsidyBtc,
    period: {
      days: o.days,
      btc: per(u?.btcPerDay),
      revenueUsd: per(u?.revenueUsdPerDay),
      energyCostUsd: per(u?.energyCostUsdPerDay),
      profitUsd: per(u?.profitUsdPerDay),
      marginUsd: per(u?.marginUsdPerDay),
    },
    rows: fin.rows,
    priceTargets: r.priceTargets,
    projection,
    sensitivity,
    sensitivityOfVerdict: flips,
    inputs,
    derivations: DERIVATIONS,
    warnings,
  };
}

/** JSON.stringify replacer: Infinity/NaN (never-break-even, no revenue) become null. */
export function jsonSafe(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
