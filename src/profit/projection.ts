/**
 * Projection over N months that moves both sides. Mining: difficulty grows by a fixed fraction per
 * month, the subsidy halves at its block height (1,050,000, then 1,260,000, ...) reached at
 * 10-minute blocks from a start height (with the estimated date), fees per block grow (flat by
 * default), and the BTC price follows a flat, growth-rate or explicit path. AI: the token price
 * and the GPU-hour price decline per year, and utilization may ramp up linearly over the first
 * months. Lease prices are contract prices and stay. Each month is priced with siteComparison() at
 * that month's inputs, so projections and the snapshot share one model (depreciation included on
 * every side).
 *
 * Miners behave like operators in a projection: in any month (or hour, with the site's hourly
 * price profile) whose revenue is below the power cost (or the sale price of the energy), they are
 * off, and that energy is saved (or sold at --power-sale-usd-per-kwh). Firm AI load and the lease
 * run every hour.
 */
import { BLOCKS_PER_DAY, meanSubsidyBtc, nextHalvingHeight } from './subsidy.js';
import { pricedRows, siteComparison, type ComparisonInput, type MarketParams } from './model.js';
import { hashpriceUsdPerPHDay } from './mining.js';

/** Average Gregorian month, days. */
export const DAYS_PER_MONTH = 365.25 / 12;

/** Projection settings. */
export interface ProjectionSpec {
  months: number;
  /** Block height at the start of month 0. */
  startHeightBlocks: number;
  /** Difficulty growth per month as a fraction (0.03 = +3%/month); compounding. */
  difficultyGrowthPerMonth: number;
  /** BTC price: either a growth rate per month from market.btcPriceUsd, or a path (USD per month; last value repeats). */
  btcPrice: { growthPerMonth: number } | { pathUsd: number[] };
  /** ISO date of the start (for labels and the halving date estimate); optional. */
  startDateIso?: string;
  /** Fees per block growth per month (0.01 = +1 %/month); default 0. */
  feesGrowthPerMonth?: number;
  /** Token price decline per year (0.07 = −7 %/year), compounding monthly; default 0. */
  tokenPriceDeclinePerYear?: number;
  /** GPU-hour price decline per year; default 0. */
  gpuHourPriceDeclinePerYear?: number;
  /** Utilization reaches its target linearly over this many months (month m: target × min(1, (m+1)/N)); 0 = none. */
  utilizationRampMonths?: number;
  /** Miners run whatever the price ('always-on'), or like operators ('operator', the default). */
  dispatch?: 'always-on' | 'operator';
}

/** One option in one month. */
export interface ProjectionCell {
  id: string;
  btc: number | null;
  revenueUsd: number;
  energyCostUsd: number;
  profitUsd: number;
  /** Margin before capex (revenue − energy − opex): the month's operating cash. */
  cashUsd: number;
  /** After capex (depreciation); null when the use's capex is unknown. */
  marginUsd: number | null;
  cumulativeMarginUsd: number | null;
  /** Share of the month an interruptible use ran (operator dispatch); null for firm uses. */
  onFraction: number | null;
}

/** One month, per MW of site power. */
export interface ProjectionMonth {
  month: number;
  startDateIso: string | null;
  startHeightBlocks: number;
  endHeightBlocks: number;
  meanSubsidyBtc: number;
  difficulty: number;
  btcPriceUsd: number;
  feesPerBlockBtc: number;
  usdPerMTok: number;
  usdPerGpuHour: number | null;
  utilizationFraction: number;
  hashpriceUsdPerPHDay: number;
  perMW: ProjectionCell[];
}

/** Projection result. */
export interface Projection {
  months: ProjectionMonth[];
  /** Heights of halvings that fall inside the projected window. */
  halvingsInWindow: number[];
  /** The same halvings with their estimated dates (10-minute blocks from the start height and date). */
  halvings: { height: number; estimatedDateIso: string | null }[];
  /** Per option: cumulative margin per MW over the window. */
  totalsPerMW: { id: string; btc: number | null; revenueUsd: number; energyCostUsd: number; profitUsd: number; cashUsd: number; marginUsd: number | null }[];
  /** The use with the highest cumulative margin over the window (priced uses with a margin). */
  bestUseId: string | null;
}

function addMonthsIso(iso: string, m: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  const ms = d.getTime() + m * DAYS_PER_MONTH * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Estimated date of block `h` from a start height and date at 10-minute blocks. */
export function estimateDateOfHeight(startHeight: number, startDateIso: string, h: number): string {
  const ms = Date.parse(`${startDateIso.slice(0, 10)}T00:00:00Z`) + (h - startHeight) * 600_000;
  return new Date(ms).toISOString().slice(0, 10);
}

function monthMarket(base: ComparisonInput, spec: ProjectionSpec, m: number, subsidy: number): { market: MarketParams; utilization: number } {
  const difficulty = base.market.difficulty * Math.pow(1 + spec.difficultyGrowthPerMonth, m);
  const price =
    'pathUsd' in spec.btcPrice
      ? (spec.btcPrice.pathUsd[Math.min(m, spec.btcPrice.pathUsd.length - 1)] ?? base.market.btcPriceUsd)
      : base.market.btcPriceUsd * Math.pow(1 + spec.btcPrice.growthPerMonth, m);
  const years = m / 12;
  const decline = (d: number | undefined) => Math.pow(1 - (d ?? 0), years);
  const ramp = spec.utilizationRampMonths ?? 0;
  const utilization = base.site.utilizationFraction * (ramp > 0 ? Math.min(1, (m + 1) / ramp) : 1);
  const market: MarketParams = {
    ...base.market,
    difficulty,
    subsidyBtc: subsidy,
    btcPriceUsd: price,
    feesPerBlockBtc: base.market.feesPerBlockBtc * Math.pow(1 + (spec.feesGrowthPerMonth ?? 0), m),
    usdPerMTok: base.market.usdPerMTok * decline(spec.tokenPriceDeclinePerYear),
    usdPerGpuHour: base.market.usdPerGpuHour === null ? null : base.market.usdPerGpuHour * decline(spec.gpuHourPriceDeclinePerYear),
  };
  return { market, utilization };
}

/** Project `base` (the snapshot inputs) over `spec.months` months. */
export function projectMonths(base: ComparisonInput, spec: ProjectionSpec): Projection {
  if (!Number.isInteger(spec.months) || spec.months < 1) throw new RangeError(`months must be an integer ≥ 1, got ${spec.months}`);
  const blocksPerMonth = BLOCKS_PER_DAY * DAYS_PER_MONTH;
  const months: ProjectionMonth[] = [];
  const totals = new Map<string, Projection['totalsPerMW'][number]>();
  const halvings: number[] = [];
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  for (let m = 0; m < spec.months; m++) {
    const h0 = spec.startHeightBlocks + m * blocksPerMonth;
    const h1 = h0 + blocksPerMonth;
    const hStart = Math.floor(h0);
    const nh = nextHalvingHeight(hStart);
    if (nh <= h1 && !halvings.includes(nh)) halvings.push(nh);
    const subsidy = meanSubsidyBtc(hStart, blocksPerMonth);
    const { market, utilization } = monthMarket(base, spec, m, subsidy);
    const cmp = siteComparison({ ...base, market, site: { ...base.site, utilizationFraction: utilization, dispatch: spec.dispatch ?? 'operator' } });
    const d = DAYS_PER_MONTH;
    const perMW: ProjectionCell[] = pricedRows(cmp.rows).map((r) => {
      const prev = totals.get(r.id);
      const marginUsd = r.perMW.marginUsdPerDay === null ? null : r.perMW.marginUsdPerDay * d;
      const cell: ProjectionCell = {
        id: r.id,
        btc: r.perMW.btcPerDay === null ? null : r.perMW.btcPerDay * d,
        revenueUsd: r.perMW.revenueUsdPerDay * d,
        energyCostUsd: r.perMW.energyCostUsdPerDay * d,
        profitUsd: r.perMW.profitUsdPerDay * d,
        cashUsd: r.perMW.cashUsdPerDay * d,
        marginUsd,
        cumulativeMarginUsd: add(prev ? prev.marginUsd : 0, marginUsd),
        onFraction: r.interruptible ? (r.perMW.dispatch?.onFraction ?? 1) : null,
      };
      const t = prev ?? { id: r.id, btc: cell.btc === null ? null : 0, revenueUsd: 0, energyCostUsd: 0, profitUsd: 0, cashUsd: 0, marginUsd: 0 };
      t.btc = add(t.btc, cell.btc);
      t.revenueUsd += cell.revenueUsd;
      t.energyCostUsd += cell.energyCostUsd;
      t.profitUsd += cell.profitUsd;
      t.cashUsd += cell.cashUsd;
      t.marginUsd = add(t.marginUsd, cell.marginUsd);
      totals.set(r.id, t);
      return cell;
    });
    months.push({
      month: m,
      startDateIso: spec.startDateIso ? addMonthsIso(spec.startDateIso, m) : null,
      startHeightBlocks: hStart,
      endHeightBlocks: Math.floor(h1),
      meanSubsidyBtc: subsidy,
      difficulty: market.difficulty,
      btcPriceUsd: market.btcPriceUsd,
      feesPerBlockBtc: market.feesPerBlockBtc,
      usdPerMTok: market.usdPerMTok,
      usdPerGpuHour: market.usdPerGpuHour,
      utilizationFraction: utilization,
      hashpriceUsdPerPHDay: hashpriceUsdPerPHDay({ difficulty: market.difficulty, subsidyBtc: subsidy, feesPerBlockBtc: market.feesPerBlockBtc }, market.btcPriceUsd),
      perMW,
    });
  }
  const totalsPerMW = [...totals.values()];
  const ranked = totalsPerMW.filter((t) => t.marginUsd !== null).sort((a, b) => b.marginUsd! - a.marginUsd!);
  return {
    months,
    halvingsInWindow: halvings,
    halvings: halvings.map((height) => ({ height, estimatedDateIso: spec.startDateIso ? estimateDateOfHeight(spec.startHeightBlocks, spec.startDateIso, height) : null })),
    totalsPerMW,
    bestUseId: ranked[0]?.id ?? null,
  };
}
