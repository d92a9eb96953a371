/**
 * One comparison row per use of the site's power: a reference ASIC, GPU mining, GPU inference
 * (per token), GPU rental (per GPU-hour) and the colocation lease. Each row prices one device
 * with unitEconomics() and scales it to a MW of site power and to the whole site. Pure.
 */
import { btcPerDay, type ChainState } from './mining.js';
import { asicJPerTH } from './asics.js';
import type { OpexKind } from './defaults.js';
import { DAYS_PER_YEAR, scaleUnit, unitEconomics, type UnitInput } from './unit-economics.js';
import type {
  DeviceCapex,
  FigureCommon,
  HashFigure,
  IdleOption,
  InferFigure,
  LeaseTerms,
  MarketParams,
  OptionKind,
  PricedRow,
  RentalFigure,
  RowCommon,
  SiteAsic,
  SiteParams,
  UnitEconomics,
  UnpricedRow,
  ComparisonRow,
} from './model-types.js';

const HOURS_PER_YEAR = 8760;

/** What every row builder needs. */
export interface Ctx {
  site: SiteParams;
  market: MarketParams;
  chain: ChainState;
}

type RowHead = Omit<RowCommon, 'notes'> & { notes: string[] };

/** Opex kind of a row kind (the per-token row is "gpu-inference" in the opex table). */
export function opexKindOf(kind: OptionKind): OpexKind {
  return kind === 'gpu-inference-tokens' ? 'gpu-inference' : kind;
}

/** The discount rate of a use kind: its own hurdle rate (site.discountRateByKind), else the site's. */
export function rateOf(site: Pick<SiteParams, 'discountRate' | 'discountRateByKind'>, kind: OptionKind): number {
  return site.discountRateByKind?.[opexKindOf(kind)] ?? site.discountRate ?? 0;
}

function pricedRow(head: RowHead, perUnit: UnitEconomics, site: SiteParams, pricedAnyway: string | null): PricedRow {
  const unitsPerMW = 1e6 / perUnit.sitePowerW;
  const perMW = scaleUnit(perUnit, unitsPerMW);
  return {
    ...head,
    priced: true,
    notPricedReason: null,
    pricedAnyway,
    unitsPerMW,
    discountRate: rateOf(site, head.kind),
    perUnit,
    perMW,
    site: scaleUnit(perMW, site.powerCapacityMW),
    marginAfterCapitalChargeUsdPerMWDay: perMW.marginAfterCapitalChargeUsdPerDay,
    // Filled by the project-finance phase of siteComparison().
    npvUsdPerMW: null,
    irr: null,
    discountedPaybackYears: null,
    project: null,
  };
}

/** Throw unless `v` is a finite number > 0. */
export function checkPositive(name: string, v: number): void {
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

/** The operator's dispatch of interruptible uses, or null when they run whatever the price. */
export function dispatchOf(site: SiteParams): UnitInput['dispatch'] {
  const profile = site.powerPriceProfile ?? null;
  const sale = site.powerSaleUsdPerKWh ?? null;
  const mode = site.dispatch ?? (profile || sale !== null ? 'operator' : 'always-on');
  if (mode === 'always-on') return null;
  const mean = profile && profile.length ? profile.reduce((a, b) => a + b, 0) / profile.length : 1;
  const priceShape = profile && profile.length && mean > 0 ? profile.map((p) => p / mean) : [1];
  return { priceShape, saleUsdPerKWh: sale };
}

/**
 * A MW of site power left unused: with a sale price, the energy is bought and resold in every hour
 * the sale pays more than the hour's price, as a switched-off miner's energy is (unit-economics.ts;
 * a negative hour sells nothing); the site's fixed opex is paid either way.
 */
export function idleOf(site: SiteParams): IdleOption {
  const sale = site.powerSaleUsdPerKWh ?? null;
  const d = dispatchOf({ ...site, dispatch: 'operator' });
  const shape = d?.priceShape.length ? d.priceShape : [1];
  let perKWh = 0;
  if (sale !== null) for (const w of shape) perKWh += site.powerPriceUsdPerKWh * w >= 0 ? Math.max(0, sale - site.powerPriceUsdPerKWh * w) : 0;
  const powerSaleUsdPerMWDay = (1000 * 24 * perKWh) / shape.length;
  const fixedOpexUsdPerMWDay = site.fixedOpexUsdPerMWYear / DAYS_PER_YEAR;
  return { powerSaleUsdPerKWh: sale, powerSaleUsdPerMWDay, fixedOpexUsdPerMWDay, cashUsdPerMWDay: powerSaleUsdPerMWDay - fixedOpexUsdPerMWDay };
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

/**
 * IT power of a GPU figure: device W × server overhead + host W (the server), then, in the AI hall,
 * grown so network and storage take their share of critical IT. Returns both powers and the basis
 * text for the row.
 */
function itPowerOf(f: FigureCommon, site: SiteParams, hall: 'mining' | 'ai'): { powerW: number; serverW: number; basis: string[]; notes: string[] } {
  const k = f.serverOverheadFactor ?? site.gpu.serverOverheadFactor;
  const host = f.hostWPerDevice ?? 0;
  const serverW = f.powerW * k + host;
  const share = hall === 'ai' && !f.notAGpu ? (site.networkStorageShare ?? 0) : 0;
  const powerW = serverW / (1 - share);
  const basis: string[] = [];
  if (f.hostOverheadBasis) basis.push(f.hostOverheadBasis);
  else if (k !== 1 || host > 0) basis.push(`host${k !== 1 ? ` ×${k}` : ''}${host > 0 ? ` +${host} W` : ''}`);
  if (share > 0) basis.push(`network + storage ${Number((share * 100).toPrecision(3))} % of critical IT`);
  const notes: string[] = [];
  if (k !== 1) notes.push(`GPU power × server overhead ${Number(k.toPrecision(4))}`);
  if (host > 0) notes.push(`+ ${host} W of host per GPU`);
  if (share > 0) notes.push(`network and storage ${Number((share * 100).toPrecision(3))} % of critical IT: ${Number(serverW.toPrecision(4))} W of server → ${Number(powerW.toPrecision(4))} W of IT per GPU`);
  return { powerW, serverW, basis, notes };
}

/** A row label with its device: "GPU rental ($/GPU-h) · H100 SXM". */
export const withDevice = (label: string, device: string | null | undefined) => (device ? `${label} · ${device}` : label);
const joinBasis = (a: string, more: string[]) => [a, ...more].filter(Boolean).join('; ');
// Energy is billed at load power for the whole day whatever the utilization: an upper bound,
// since idle power was not measured (we do not guess it).
const CONSERVATIVE = 'energy billed at load power 24 h/day (idle power not measured)';

/** GPU mining (SHA256d) at the measured hash rate, in the mining hall. */
export function gpuMiningRow(hash: HashFigure, ctx: Ctx): ComparisonRow {
  const { site, market, chain } = ctx;
  const it = itPowerOf(hash, site, 'mining');
  const powerW = it.powerW;
  const jPerTH = powerW > 0 ? (hash.hashesPerSecond > 0 ? powerW / (hash.hashesPerSecond / 1e12) : Infinity) : null;
  const ct = curtailTerms(site);
  const head: RowHead = {
    id: 'gpu-mining',
    kind: 'gpu-mining',
    label: withDevice('GPU mining (SHA256d)', hash.device),
    hall: 'mining',
    basis: joinBasis(hash.basis ?? 'stated', it.basis),
    efficiency: jPerTH === null ? null : { value: jPerTH, unit: 'J/TH' },
    interruptible: true,
    notes: [...it.notes, ...(ct.note ? [ct.note] : []), ...(hash.notes ?? [])],
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
      opex: site.opex?.['gpu-mining'] ?? null,
      discountRate: rateOf(site, 'gpu-mining'),
      dispatch: dispatchOf(site),
    },
    site,
  );
  return pricedRow(head, perUnit, site, anywayOf(hash));
}

/** A GPU in the AI hall selling tokens or GPU-hours: firm load, retrofit share, network and storage. */
export function aiRow(
  id: 'gpu-inference-tokens' | 'gpu-rental',
  f: InferFigure | RentalFigure,
  label: string,
  revenuePerDay: (powerW: number) => number,
  efficiency: (serverW: number) => RowCommon['efficiency'],
  ctx: Ctx,
): ComparisonRow {
  const { site } = ctx;
  const it = itPowerOf(f, site, 'ai');
  const powerW = it.powerW;
  const firm = firmNote(site);
  const head: RowHead = {
    id,
    kind: id,
    label,
    hall: 'ai',
    basis: joinBasis(f.basis ?? 'stated', it.basis),
    efficiency: it.serverW > 0 ? efficiency(it.serverW) : null,
    interruptible: false,
    notes: [CONSERVATIVE, ...it.notes, ...(firm ? [firm] : []), ...(f.notes ?? [])],
  };
  const np = unpriced(head, f, powerW > 0 ? powerW : null);
  if (np) return np;
  checkPositive(`${id} power (W)`, f.powerW);
  const perUnit = unitEconomics(
    {
      powerW,
      pue: site.aiPue,
      dutyFraction: 1,
      revenueUsdPerDay: revenuePerDay(powerW),
      btcPerDay: null,
      btcPriceUsd: null,
      capex: gpuCapexOf(f, site),
      retrofit: retrofitFor(powerW, site),
      opex: site.opex?.[opexKindOf(id)] ?? null,
      discountRate: rateOf(site, id),
      constructionMonths: site.constructionMonths ?? 0,
    },
    site,
  );
  return pricedRow(head, perUnit, site, anywayOf(f));
}

/**
 * The colocation lease, per MW of site power (the unit is 1 MW):
 *   IT kW = 1000 / aiPue; revenue/day = IT kW × lease × 12 / 365;
 *   energy/day = 1000 kW × loadFraction × 24 h × power price when the site pays (0 when the tenant does);
 *   depreciation/day = lease retrofit $/MW-IT × (1 / aiPue) / (retrofit years × 365) (capex per MW of IT);
 *   margin = revenue − energy − opex (a share of revenue and fixed) − depreciation; the capital
 *   charge replaces the depreciation with retrofit × CRF(r, years) for the ranking.
 */
export function leaseRow(lease: LeaseTerms, site: SiteParams): PricedRow {
  const itKW = 1000 / site.aiPue;
  const r = site.leaseRetrofit ?? site.retrofit ?? { capexUsdPerMW: 0, years: 1 };
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
      opex: site.opex?.['hosting-lease'] ?? null,
      discountRate: rateOf(site, 'hosting-lease'),
      constructionMonths: site.constructionMonths ?? 0,
    },
    site,
  );
  const notes = [
    `${Number(itKW.toPrecision(4))} kW of IT per MW of site power (PUE ${site.aiPue}) at $${lease.usdPerKwMonth}/kW-month`,
    lease.powerPaidBy === 'tenant' ? 'the tenant pays the power' : `the site pays the power at ${lease.loadFraction * 100} % load`,
    ...(site.leaseRetrofit ? [`the lease's own retrofit: $${r.capexUsdPerMW.toLocaleString('en-US')}/MW-IT over ${r.years} years`] : []),
    ...(firm ? [firm] : []),
  ];
  return pricedRow(
    { id: 'hosting-lease', kind: 'hosting-lease', label: 'Hosting lease ($/kW-month)', hall: 'ai', basis: 'contract terms', efficiency: null, interruptible: false, notes },
    perUnit,
    site,
    null,
  );
}

/** A reference ASIC at its nameplate figures, in the mining hall. */
export function asicRow(a: SiteAsic, ctx: Ctx): PricedRow {
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
      opex: site.opex?.['asic-mining'] ?? null,
      discountRate: rateOf(site, 'asic-mining'),
      dispatch: dispatchOf(site),
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

