/**
 * Site profitability: what each use of a site's power earns, per device and per MW.
 *
 * Pure functions, no I/O. Inputs are plain numbers (their provenance is tracked by the caller,
 * see inputs.ts). Conventions:
 * - Device power `powerW` is IT power at the device (GPU board × server overhead, or ASIC wall).
 * - Site power = IT power × PUE of the hall (mining hall vs AI hall).
 * - "Per MW" means per MW of site power (IT + cooling/overhead): units per MW = 1e6 / (W × PUE).
 * - profit = revenue − energy cost (what mining calculators call profit; its break-even power
 *   price is Braiins' `fiat_break_even_electricity_price`).
 * - margin before capex = profit − fixed opex; margin = margin before capex − depreciation of every
 *   capex the use needs (capex parity): ASICs; GPUs with their server share; the AI-hall retrofit
 *   for uses in the AI hall. A use whose capex is unknown has no margin (null), never a margin
 *   that silently leaves its capex out.
 * - Interruptible uses (ASIC and GPU mining) lose the site's curtailment hours and earn its
 *   curtailment credit; AI uses and leases sell firm capacity (SLA uptime) and are not curtailed.
 * - A measured figure that does not match what a price is for (model, GPU, a software adapter) is
 *   a row with `priced: false` and the reason, never a number.
 */
import { btcPerDay, hashpriceUsdPerPHDay, hashpriceUsdPerTHDay, networkHashrateHps, type ChainState } from './mining.js';
import { asicJPerTH, type AsicSpec } from './asics.js';

const DAYS_PER_YEAR = 365;
const HOURS_PER_YEAR = 8760;

/** Market inputs (prices and chain state). */
export interface MarketParams {
  btcPriceUsd: number;
  difficulty: number;
  subsidyBtc: number;
  feesPerBlockBtc: number;
  poolFeeFraction: number;
  /** Price per million output tokens, USD. */
  usdPerMTok: number;
  /** Contract price per GPU-hour, USD; null when not given (no GPU-hour row). */
  usdPerGpuHour: number | null;
}

/** Capex of one device: its own price, its server share (GPUs) and its straight-line life. */
export interface DeviceCapex {
  /** Purchase price of the device (ASIC, GPU card), USD; null = unknown (no margin). */
  deviceUsd: number | null;
  /** Server, network and storage share per device, USD (0 for an ASIC). */
  serverUsd: number;
  depreciationYears: number;
}

/** Back-compat shape: capex of one device and its life. */
export interface CapexSpec {
  capexUsd: number | null;
  depreciationYears: number;
}

/** An ASIC to compare against, with its capex terms. */
export interface SiteAsic extends CapexSpec {
  spec: AsicSpec;
}

/** Grid curtailment / demand response. */
export interface Curtailment {
  hoursPerYear: number;
  /** Paid per MWh not drawn during curtailment, USD. */
  creditUsdPerMWh: number;
}

/** AI-hall retrofit: capex per MW of IT and its depreciation life. */
export interface Retrofit {
  capexUsdPerMW: number;
  years: number;
}

/** Site inputs. */
export interface SiteParams {
  powerPriceUsdPerKWh: number;
  /** PUE of the mining hall (≥ 1). */
  miningPue: number;
  /** PUE of the AI hall (≥ 1). */
  aiPue: number;
  /** Site power capacity, MW (for site totals). */
  powerCapacityMW: number;
  /** Mining availability (maintenance, failures), outside curtailment. */
  uptimeFraction: number;
  /** Inference utilization: fraction of time the GPU serves paid tokens / is rented. */
  utilizationFraction: number;
  fixedOpexUsdPerMWYear: number;
  /** The site's GPU: capex terms and server overhead (default for figures that carry none). */
  gpu: CapexSpec & { serverOverheadFactor: number; serverCapexUsd?: number | null };
  asics: SiteAsic[];
  curtailment?: Curtailment | null;
  /** Retrofit of the AI hall; null/absent = none (no retrofit depreciation on AI uses). */
  retrofit?: Retrofit | null;
  /** Uptime the AI uses sell (for notes and the curtailment check). */
  slaUptimeFraction?: number | null;
}

/** Whether a figure may be priced, and why not. */
export interface Pricing {
  priced: boolean;
  /** Why the figure is not priced (or, with `pricedAnyway`, why it should not have been). */
  reason: string | null;
  /** True when `--price-anyway` overrode the reason. */
  pricedAnyway?: boolean;
}

/** What every device figure may carry besides its rate. */
export interface FigureCommon {
  /** Device power while working, W (before server overhead). */
  powerW: number;
  /**
   * Server overhead for this figure's power, overriding `site.gpu.serverOverheadFactor` (1 when
   * the power was measured at the wall, which already includes the server).
   */
  serverOverheadFactor?: number;
  /** Capex of this device; default: the site's GPU. */
  capex?: DeviceCapex;
  /** Default: priced. */
  pricing?: Pricing;
  /** Short device name for the label ("RTX 3060"), null for a figure stated by flags. */
  device?: string | null;
  /** How the figure was obtained, for the basis column ("measured (nvml)", "declared, not measured"). */
  basis?: string;
  notes?: string[];
}

/** A measured (or stated) mining figure. */
export interface HashFigure extends FigureCommon {
  hashesPerSecond: number;
}

/** A measured (or stated) inference figure. */
export interface InferFigure extends FigureCommon {
  tokensPerSecond: number;
  /** Short model name for the label. */
  model?: string | null;
}

/** A GPU rented by the hour. */
export interface RentalFigure extends FigureCommon {
  /** The GPU the price rents. */
  gpu: string | null;
}

/** A colocation lease of the AI hall (use "hosting-lease"). */
export interface LeaseTerms {
  /** Lease price per kW of IT per month, USD. */
  usdPerKwMonth: number;
  /** Average draw as a fraction of the site power (only billed when the site pays the power). */
  loadFraction: number;
  powerPaidBy: 'site' | 'tenant';
}

/** What a device does with its power. */
export type OptionKind = 'gpu-mining' | 'gpu-inference-tokens' | 'gpu-rental' | 'asic-mining' | 'hosting-lease';

/** Economics of one device (or one MW, or the site), per day unless named otherwise. */
export interface UnitEconomics {
  /** Device IT power, W. */
  powerW: number;
  /** Site power per device incl. PUE, W. */
  sitePowerW: number;
  /** Fraction of the day the device draws `powerW`. */
  dutyFraction: number;
  btcPerDay: number | null;
  /** Sales (BTC, tokens, GPU-hours, lease) + curtailment credit. */
  revenueUsdPerDay: number;
  /** Curtailment credit included in the revenue. */
  curtailmentCreditUsdPerDay: number;
  /** Energy the site pays for (0 for a lease whose tenant pays the power). */
  energyKWhPerDay: number;
  energyCostUsdPerDay: number;
  /** revenue − energy cost. */
  profitUsdPerDay: number;
  profitUsdPerYear: number;
  fixedOpexUsdPerDay: number;
  /** revenue − energy − fixed opex: the margin before capex. */
  cashUsdPerDay: number;
  /** Capex: device + server share + AI-hall retrofit share; null when the device price is unknown. */
  capexUsd: number | null;
  capexParts: { deviceUsd: number | null; serverUsd: number; retrofitUsd: number };
  depreciationUsdPerDay: number | null;
  /** cash − depreciation; null when capex is unknown. */
  marginUsdPerDay: number | null;
  marginUsdPerYear: number | null;
  /** Power price at which profit = 0 (energy only; Infinity when the site pays no energy). */
  breakEvenUsdPerKWh: number;
  /** Power price at which margin = 0 (after depreciation and fixed opex); may be negative; null without capex. */
  breakEvenAllInUsdPerKWh: number | null;
  /** BTC price at which profit = 0 (mining only). */
  breakEvenBtcPriceUsd: number | null;
  /** BTC price at which margin = 0 (mining only, with capex). */
  breakEvenAllInBtcPriceUsd: number | null;
  /** capex / (margin before capex); null when capex unknown or never paid back. */
  paybackDays: number | null;
}

interface RowCommon {
  id: string;
  kind: OptionKind;
  label: string;
  hall: 'mining' | 'ai';
  /** How the row's figures were obtained ("measured (nvml)", "declared, not measured", "site file", "nameplate"). */
  basis: string;
  /** Efficiency in the row's native unit: J/TH for mining, J/token for inference. */
  efficiency: { value: number; unit: 'J/TH' | 'J/token' } | null;
  /** Interruptible (curtailable) use. */
  interruptible: boolean;
  notes: string[];
}

/** A priced use. */
export interface PricedRow extends RowCommon {
  priced: true;
  notPricedReason: null;
  /** Set when --price-anyway priced a row that does not match its price (the reason it did not). */
  pricedAnyway: string | null;
  /** Devices per MW of site power. */
  unitsPerMW: number;
  perUnit: UnitEconomics;
  perMW: UnitEconomics;
  /** Whole site: perMW × powerCapacityMW. */
  site: UnitEconomics;
}

/** A measured figure that its price is not for: kept, with the reason, and no money figures. */
export interface UnpricedRow extends RowCommon {
  priced: false;
  notPricedReason: string;
  /** Device IT power, W, when known. */
  powerW: number | null;
}

/** One comparison row: a way to use the site's power. */
export type ComparisonRow = PricedRow | UnpricedRow;

/** Input to siteComparison(). */
export interface ComparisonInput {
  hash: HashFigure | null;
  infer: InferFigure | null;
  /** GPU rental row (needs market.usdPerGpuHour). */
  rental?: RentalFigure | null;
  lease?: LeaseTerms | null;
  site: SiteParams;
  market: MarketParams;
}

/** Result of siteComparison(). */
export interface Comparison {
  chain: ChainState;
  btcPriceUsd: number;
  hashpriceUsdPerTHDay: number;
  hashpriceUsdPerPHDay: number;
  networkHashrateHps: number;
  rows: ComparisonRow[];
}

interface UnitInput {
  powerW: number;
  pue: number;
  dutyFraction: number;
  /** Sales revenue per day (before any curtailment credit). */
  revenueUsdPerDay: number;
  curtailmentCreditUsdPerDay?: number;
  btcPerDay: number | null;
  btcPriceUsd: number | null;
  capex: CapexSpec | DeviceCapex;
  /** Retrofit share of this unit and its life (AI hall). */
  retrofit?: { usd: number; years: number } | null;
  /** Energy the site does not pay (lease with tenant-paid power). */
  energyPaidByTenant?: boolean;
}

function deviceCapexOf(c: CapexSpec | DeviceCapex): DeviceCapex {
  return 'deviceUsd' in c ? c : { deviceUsd: c.capexUsd, serverUsd: 0, depreciationYears: c.depreciationYears };
}

/** Economics of one device at a site. Exported for tests and for custom rows. */
export function unitEconomics(u: UnitInput, site: Pick<SiteParams, 'powerPriceUsdPerKWh' | 'fixedOpexUsdPerMWYear'>): UnitEconomics {
  const sitePowerW = u.powerW * u.pue;
  const energyKWhPerDay = u.energyPaidByTenant ? 0 : (sitePowerW / 1000) * 24 * u.dutyFraction;
  const energyCostUsdPerDay = energyKWhPerDay * site.powerPriceUsdPerKWh;
  const credit = u.curtailmentCreditUsdPerDay ?? 0;
  const revenueUsdPerDay = u.revenueUsdPerDay + credit;
  const profitUsdPerDay = revenueUsdPerDay - energyCostUsdPerDay;
  // Fixed opex is charged by site power (capacity held for the device), not by energy drawn.
  const fixedOpexUsdPerDay = ((site.fixedOpexUsdPerMWYear / DAYS_PER_YEAR) * sitePowerW) / 1e6;
  const cashUsdPerDay = profitUsdPerDay - fixedOpexUsdPerDay;
  const dc = deviceCapexOf(u.capex);
  const retrofitUsd = u.retrofit?.usd ?? 0;
  const capexUsd = dc.deviceUsd === null ? null : dc.deviceUsd + dc.serverUsd + retrofitUsd;
  const depreciationUsdPerDay =
    dc.deviceUsd === null
      ? null
      : (dc.deviceUsd + dc.serverUsd) / (dc.depreciationYears * DAYS_PER_YEAR) + (u.retrofit && retrofitUsd > 0 ? retrofitUsd / (u.retrofit.years * DAYS_PER_YEAR) : 0);
  const marginUsdPerDay = depreciationUsdPerDay === null ? null : cashUsdPerDay - depreciationUsdPerDay;
  const perKWh = (x: number) => (energyKWhPerDay > 0 ? x / energyKWhPerDay : Infinity);
  const btc = u.btcPerDay;
  const btcPrice = (cost: number) => (btc === null || u.btcPriceUsd === null ? null : btc > 0 ? (cost - credit) / btc : Infinity);
  return {
    powerW: u.powerW,
    sitePowerW,
    dutyFraction: u.dutyFraction,
    btcPerDay: btc,
    revenueUsdPerDay,
    curtailmentCreditUsdPerDay: credit,
    energyKWhPerDay,
    energyCostUsdPerDay,
    profitUsdPerDay,
    profitUsdPerYear: profitUsdPerDay * DAYS_PER_YEAR,
    fixedOpexUsdPerDay,
    cashUsdPerDay,
    capexUsd,
    capexParts: { deviceUsd: dc.deviceUsd, serverUsd: dc.serverUsd, retrofitUsd },
    depreciationUsdPerDay,
    marginUsdPerDay,
    marginUsdPerYear: marginUsdPerDay === null ? null : marginUsdPerDay * DAYS_PER_YEAR,
    breakEvenUsdPerKWh: perKWh(revenueUsdPerDay),
    breakEvenAllInUsdPerKWh: depreciationUsdPerDay === null ? null : perKWh(revenueUsdPerDay - depreciationUsdPerDay - fixedOpexUsdPerDay),
    breakEvenBtcPriceUsd: btcPrice(energyCostUsdPerDay),
    breakEvenAllInBtcPriceUsd: depreciationUsdPerDay === null ? null : btcPrice(energyCostUsdPerDay + fixedOpexUsdPerDay + depreciationUsdPerDay),
    paybackDays: capexUsd !== null && cashUsdPerDay > 0 ? capexUsd / cashUsdPerDay : null,
  };
}

/** Scale the extensive quantities of a unit by `k` (k devices); intensive ones stay. */
export function scaleUnit(e: UnitEconomics, k: number): UnitEconomics {
  const m = (x: number | null) => (x === null ? null : x * k);
  return {
    ...e,
    powerW: e.powerW * k,
    sitePowerW: e.sitePowerW * k,
    btcPerDay: m(e.btcPerDay),
    revenueUsdPerDay: e.revenueUsdPerDay * k,
    curtailmentCreditUsdPerDay: e.curtailmentCreditUsdPerDay * k,
    energyKWhPerDay: e.energyKWhPerDay * k,
    energyCostUsdPerDay: e.energyCostUsdPerDay * k,
    profitUsdPerDay: e.profitUsdPerDay * k,
    profitUsdPerYear: e.profitUsdPerYear * k,
    fixedOpexUsdPerDay: e.fixedOpexUsdPerDay * k,
    cashUsdPerDay: e.cashUsdPerDay * k,
    capexUsd: m(e.capexUsd),
    capexParts: { deviceUsd: m(e.capexParts.deviceUsd), serverUsd: e.capexParts.serverUsd * k, retrofitUsd: e.capexParts.retrofitUsd * k },
    depreciationUsdPerDay: m(e.depreciationUsdPerDay),
    marginUsdPerDay: m(e.marginUsdPerDay),
    marginUsdPerYear: m(e.marginUsdPerYear),
  };
}

type RowHead = Omit<RowCommon, 'notes'> & { notes: string[] };

function pricedRow(head: RowHead, perUnit: UnitEconomics, site: SiteParams, pricedAnyway: string | null): PricedRow {
  const unitsPerMW = 1e6 / perUnit.sitePowerW;
  const perMW = scaleUnit(perUnit, unitsPerMW);
  return { ...head, priced: true, notPricedReason: null, pricedAnyway, unitsPerMW, perUnit, perMW, site: scaleUnit(perMW, site.powerCapacityMW) };
}

function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a finite number > 0, got ${v}`);
}

/** Row for a figure that may not be priced, or null when it may. */
function unpriced(head: RowHead, f: FigureCommon, powerW: number | null): UnpricedRow | null {
  const p = f.pricing;
  if (!p || p.priced) return null;
  return { ...head, priced: false, notPricedReason: p.reason ?? 'not priced', powerW };
}

function anywayOf(f: FigureCommon): string | null {
  return f.pricing?.pricedAnyway ? (f.pricing.reason ?? 'does not match its price') : null;
}

/** Curtailment terms for interruptible uses: duty and credit per W of site power per day. */
function curtailTerms(site: SiteParams): { duty: number; creditUsdPerSiteWDay: number; note: string | null } {
  const c = site.curtailment;
  const hours = c?.hoursPerYear ?? 0;
  const duty = site.uptimeFraction * (1 - hours / HOURS_PER_YEAR);
  const creditUsdPerSiteWDay = c && hours > 0 ? ((hours / DAYS_PER_YEAR) * c.creditUsdPerMWh) / 1e6 : 0;
  const note = hours > 0 ? `interruptible: off ${hours} h/year for grid curtailment${c!.creditUsdPerMWh > 0 ? `, credited $${c!.creditUsdPerMWh}/MWh not drawn` : ' (no credit)'}` : null;
  return { duty, creditUsdPerSiteWDay, note };
}

function firmNote(site: SiteParams): string | null {
  const sla = site.slaUptimeFraction;
  if (sla === null || sla === undefined) return null;
  return `firm capacity: not curtailed (SLA uptime ${Number((sla * 100).toPrecision(5))} %)`;
}

function gpuCapexOf(f: FigureCommon, site: SiteParams): DeviceCapex {
  if (f.capex) return f.capex;
  return { deviceUsd: site.gpu.capexUsd, serverUsd: site.gpu.serverCapexUsd ?? 0, depreciationYears: site.gpu.depreciationYears };
}

function retrofitFor(powerW: number, site: SiteParams): { usd: number; years: number } | null {
  const r = site.retrofit;
  return r && r.capexUsdPerMW > 0 ? { usd: (r.capexUsdPerMW * powerW) / 1e6, years: r.years } : null;
}

const overheadNote = (k: number) => (k !== 1 ? [`GPU power × server overhead ${k}`] : []);
const withDevice = (label: string, device: string | null | undefined) => (device ? `${label} · ${device}` : label);
// Energy is billed at load power for the whole day whatever the utilization: an upper bound,
// since idle power was not measured (we do not guess it).
const CONSERVATIVE = 'energy billed at load power 24 h/day (idle power not measured)';

function gpuMiningRow(hash: HashFigure, ctx: Ctx): ComparisonRow {
  const { site, market, chain } = ctx;
  const overhead = hash.serverOverheadFactor ?? site.gpu.serverOverheadFactor;
  const powerW = hash.powerW * overhead;
  const jPerTH = powerW > 0 ? (hash.hashesPerSecond > 0 ? powerW / (hash.hashesPerSecond / 1e12) : Infinity) : null;
  const ct = curtailTerms(site);
  const head: RowHead = {
    id: 'gpu-mining',
    kind: 'gpu-mining',
    label: withDevice('GPU mining (SHA256d)', hash.device),
    hall: 'mining',
    basis: hash.basis ?? 'stated',
    efficiency: jPerTH === null ? null : { value: jPerTH, unit: 'J/TH' },
    interruptible: true,
    notes: [...overheadNote(overhead), ...(ct.note ? [ct.note] : []), ...(hash.notes ?? [])],
  };
  const np = unpriced(head, hash, powerW > 0 ? powerW : null);
  if (np) return np;
  checkPositive('GPU hash power (W)', hash.powerW);
  const btc = btcPerDay(hash.hashesPerSecond, chain, { poolFeeFraction: market.poolFeeFraction, uptimeFraction: ct.duty });
  const perUnit = unitEconomics(
    {
      powerW,
      pue: site.miningPue,
      dutyFraction: ct.duty,
      revenueUsdPerDay: btc * market.btcPriceUsd,
      curtailmentCreditUsdPerDay: ct.creditUsdPerSiteWDay * powerW * site.miningPue,
      btcPerDay: btc,
      btcPriceUsd: market.btcPriceUsd,
      capex: gpuCapexOf(hash, site),
    },
    site,
  );
  return pricedRow(head, perUnit, site, anywayOf(hash));
}

function aiRow(id: 'gpu-inference-tokens' | 'gpu-rental', f: InferFigure | RentalFigure, label: string, revenuePerDay: (powerW: number) => number, efficiency: RowCommon['efficiency'], ctx: Ctx): ComparisonRow {
  const { site } = ctx;
  const overhead = f.serverOverheadFactor ?? site.gpu.serverOverheadFactor;
  const powerW = f.powerW * overhead;
  const firm = firmNote(site);
  const head: RowHead = {
    id,
    kind: id,
    label,
    hall: 'ai',
    basis: f.basis ?? 'stated',
    efficiency,
    interruptible: false,
    notes: [CONSERVATIVE, ...overheadNote(overhead), ...(firm ? [firm] : []), ...(f.notes ?? [])],
  };
  const np = unpriced(head, f, powerW > 0 ? powerW : null);
  if (np) return np;
  checkPositive(`${id} power (W)`, f.powerW);
  const perUnit = unitEconomics(
    { powerW, pue: site.aiPue, dutyFraction: 1, revenueUsdPerDay: revenuePerDay(powerW), btcPerDay: null, btcPriceUsd: null, capex: gpuCapexOf(f, site), retrofit: retrofitFor(powerW, site) },
    site,
  );
  return pricedRow(head, perUnit, site, anywayOf(f));
}

/**
 * The colocation lease, per MW of site power (the unit is 1 MW):
 *   IT kW = 1000 / aiPue; revenue/day = IT kW × lease × 12 / 365;
 *   energy/day = 1000 kW × loadFraction × 24 h × power price when the site pays (0 when the tenant does);
 *   depreciation/day = retrofitCapexUsdPerMW × (1 / aiPue) / (retrofitYears × 365) (capex per MW of IT);
 *   margin = revenue − energy − depreciation (− fixed opex, 0 by default).
 */
export function leaseRow(lease: LeaseTerms, site: SiteParams): PricedRow {
  const itKW = 1000 / site.aiPue;
  const r = site.retrofit ?? { capexUsdPerMW: 0, years: 1 };
  const firm = firmNote(site);
  const perUnit = unitEconomics(
    {
      powerW: itKW * 1000,
      pue: site.aiPue,
      dutyFraction: lease.loadFraction,
      revenueUsdPerDay: (itKW * lease.usdPerKwMonth * 12) / DAYS_PER_YEAR,
      btcPerDay: null,
      btcPriceUsd: null,
      capex: { deviceUsd: 0, serverUsd: 0, depreciationYears: 1 },
      retrofit: { usd: r.capexUsdPerMW / site.aiPue, years: r.years },
      energyPaidByTenant: lease.powerPaidBy === 'tenant',
    },
    site,
  );
  const notes = [
    `${Number(itKW.toPrecision(4))} kW of IT per MW of site power (PUE ${site.aiPue}) at $${lease.usdPerKwMonth}/kW-month`,
    lease.powerPaidBy === 'tenant' ? 'the tenant pays the power' : `the site pays the power at ${lease.loadFraction * 100} % load`,
    ...(firm ? [firm] : []),
  ];
  return pricedRow(
    { id: 'hosting-lease', kind: 'hosting-lease', label: 'Hosting lease ($/kW-month)', hall: 'ai', basis: 'contract terms', efficiency: null, interruptible: false, notes },
    perUnit,
    site,
    null,
  );
}

function asicRow(a: SiteAsic, ctx: Ctx): PricedRow {
  const { site, market, chain } = ctx;
  const ct = curtailTerms(site);
  const btc = btcPerDay(a.spec.hashrateTHs * 1e12, chain, { poolFeeFraction: market.poolFeeFraction, uptimeFraction: ct.duty });
  const perUnit = unitEconomics(
    {
      powerW: a.spec.powerW,
      pue: site.miningPue,
      dutyFraction: ct.duty,
      revenueUsdPerDay: btc * market.btcPriceUsd,
      curtailmentCreditUsdPerDay: ct.creditUsdPerSiteWDay * a.spec.powerW * site.miningPue,
      btcPerDay: btc,
      btcPriceUsd: market.btcPriceUsd,
      capex: a,
    },
    site,
  );
  const notes = [`nameplate ${a.spec.hashrateTHs} TH/s at ${a.spec.powerW} W (${a.spec.source}, ${a.spec.date})`, ...(ct.note ? [ct.note] : [])];
  return pricedRow(
    { id: `asic:${a.spec.id}`, kind: 'asic-mining', label: `${a.spec.model} (reference ASIC)`, hall: 'mining', basis: 'nameplate', efficiency: { value: asicJPerTH(a.spec), unit: 'J/TH' }, interruptible: true, notes },
    perUnit,
    site,
    null,
  );
}

interface Ctx {
  site: SiteParams;
  market: MarketParams;
  chain: ChainState;
}

/**
 * Compare the uses of a site's power: each reference ASIC, GPU mining (measured hash rate), GPU
 * inference (serving figure priced per token), GPU rental (per GPU-hour) and a colocation lease of
 * the AI hall. Rows are per device, per MW of site power and for the whole site; a measured figure
 * its price is not for is a row with `priced: false`.
 */
export function siteComparison(input: ComparisonInput): Comparison {
  const { hash, infer, site, market } = input;
  checkPositive('difficulty', market.difficulty);
  if (site.miningPue < 1 || site.aiPue < 1) throw new RangeError('PUE must be ≥ 1');
  const chain: ChainState = { difficulty: market.difficulty, subsidyBtc: market.subsidyBtc, feesPerBlockBtc: market.feesPerBlockBtc };
  const ctx: Ctx = { site, market, chain };
  const rows: ComparisonRow[] = [];
  for (const a of site.asics) rows.push(asicRow(a, ctx));
  if (hash) rows.push(gpuMiningRow(hash, ctx));
  if (infer) {
    const overhead = infer.serverOverheadFactor ?? site.gpu.serverOverheadFactor;
    const jPerToken = infer.powerW > 0 ? (infer.tokensPerSecond > 0 ? (infer.powerW * overhead) / infer.tokensPerSecond : Infinity) : null;
    const label = withDevice('GPU inference ($/Mtok)', [infer.model, infer.device].filter(Boolean).join(' on ') || null);
    rows.push(aiRow('gpu-inference-tokens', infer, label, () => infer.tokensPerSecond * 86_400 * site.utilizationFraction * (market.usdPerMTok / 1e6), jPerToken === null ? null : { value: jPerToken, unit: 'J/token' }, ctx));
  }
  const rental = input.rental;
  if (rental && market.usdPerGpuHour !== null) {
    const price = market.usdPerGpuHour;
    rows.push(aiRow('gpu-rental', rental, withDevice('GPU rental ($/GPU-h)', rental.device ?? rental.gpu), () => price * 24 * site.utilizationFraction, null, ctx));
  }
  if (input.lease) rows.push(leaseRow(input.lease, site));
  return {
    chain,
    btcPriceUsd: market.btcPriceUsd,
    hashpriceUsdPerTHDay: hashpriceUsdPerTHDay(chain, market.btcPriceUsd),
    hashpriceUsdPerPHDay: hashpriceUsdPerPHDay(chain, market.btcPriceUsd),
    networkHashrateHps: networkHashrateHps(market.difficulty),
    rows,
  };
}

/** The priced rows of a comparison. */
export function pricedRows(rows: readonly ComparisonRow[]): PricedRow[] {
  return rows.filter((r): r is PricedRow => r.priced);
}
