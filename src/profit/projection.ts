/**
 * Projection over N months: difficulty grows by a fixed fraction per month, the subsidy halves at
 * its block height (1,050,000, then 1,260,000, ...) reached at 10-minute blocks from a start
 * height, and the BTC price follows a flat, growth-rate or explicit path. Fees per block stay
 * constant. Each month is priced with siteComparison() at that month's difficulty, mean subsidy
 * over the month's blocks and price, so projections and the snapshot share one model.
 */
import { BLOCKS_PER_DAY, meanSubsidyBtc, nextHalvingHeight } from './subsidy.js';
import { siteComparison, type ComparisonInput, type MarketParams } from './model.js';
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
  /** ISO date of the start (for labels only); optional. */
  startDateIso?: string;
}

/** One option in one month. */
export interface ProjectionCell {
  id: string;
  btc: number | null;
  revenueUsd: number;
  energyCostUsd: number;
  profitUsd: number;
  marginUsd: number;
  cumulativeMarginUsd: number;
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
  hashpriceUsdPerPHDay: number;
  perMW: ProjectionCell[];
}

/** Projection result. */
export interface Projection {
  months: ProjectionMonth[];
  /** Heights of halvings that fall inside the projected window. */
  halvingsInWindow: number[];
  /** Per option: cumulative margin per MW over the window. */
  totalsPerMW: { id: string; btc: number | null; revenueUsd: number; energyCostUsd: number; profitUsd: number; marginUsd: number }[];
}

function addMonthsIso(iso: string, m: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  const ms = d.getTime() + m * DAYS_PER_MONTH * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Project `base` (the snapshot inputs) over `spec.months` months. */
export function projectMonths(base: ComparisonInput, spec: ProjectionSpec): Projection {
  if (!Number.isInteger(spec.months) || spec.months < 1) throw new RangeError(`months must be an integer ≥ 1, got ${spec.months}`);
  const blocksPerMonth = BLOCKS_PER_DAY * DAYS_PER_MONTH;
  const months: ProjectionMonth[] = [];
  const cumulative = new Map<string, number>();
  const totals = new Map<string, Projection['totalsPerMW'][number]>();
  const halvings: number[] = [];
  for (let m = 0; m < spec.months; m++) {
    const h0 = spec.startHeightBlocks + m * blocksPerMonth;
    const h1 = h0 + blocksPerMonth;
    const hStart = Math.floor(h0);
    const nh = nextHalvingHeight(hStart);
    if (nh <= h1 && !halvings.includes(nh)) halvings.push(nh);
    const subsidy = meanSubsidyBtc(hStart, blocksPerMonth);
    const difficulty = base.market.difficulty * Math.pow(1 + spec.difficultyGrowthPerMonth, m);
    const price =
      'pathUsd' in spec.btcPrice
        ? (spec.btcPrice.pathUsd[Math.min(m, spec.btcPrice.pathUsd.length - 1)] ?? base.market.btcPriceUsd)
        : base.market.btcPriceUsd * Math.pow(1 + spec.btcPrice.growthPerMonth, m);
    const market: MarketParams = { ...base.market, difficulty, subsidyBtc: subsidy, btcPriceUsd: price };
    const cmp = siteComparison({ ...base, market });
    const perMW: ProjectionCell[] = cmp.rows.map((r) => {
      const d = DAYS_PER_MONTH;
      const marginUsd = r.perMW.marginUsdPerDay * d;
      const cum = (cumulative.get(r.id) ?? 0) + marginUsd;
      cumulative.set(r.id, cum);
      const cell: ProjectionCell = {
        id: r.id,
        btc: r.perMW.btcPerDay === null ? null : r.perMW.btcPerDay * d,
        revenueUsd: r.perMW.revenueUsdPerDay * d,
        energyCostUsd: r.perMW.energyCostUsdPerDay * d,
        profitUsd: r.perMW.profitUsdPerDay * d,
        marginUsd,
        cumulativeMarginUsd: cum,
      };
      const t = totals.get(r.id) ?? { id: r.id, btc: cell.btc === null ? null : 0, revenueUsd: 0, energyCostUsd: 0, profitUsd: 0, marginUsd: 0 };
      t.btc = t.btc === null || cell.btc === null ? null : t.btc + cell.btc;
      t.revenueUsd += cell.revenueUsd;
      t.energyCostUsd += cell.energyCostUsd;
      t.profitUsd += cell.profitUsd;
      t.marginUsd += cell.marginUsd;
      totals.set(r.id, t);
      return cell;
    });
    months.push({
      month: m,
      startDateIso: spec.startDateIso ? addMonthsIso(spec.startDateIso, m) : null,
      startHeightBlocks: hStart,
      endHeightBlocks: Math.floor(h1),
      meanSubsidyBtc: subsidy,
      difficulty,
      btcPriceUsd: price,
      hashpriceUsdPerPHDay: hashpriceUsdPerPHDay({ difficulty, subsidyBtc: subsidy, feesPerBlockBtc: market.feesPerBlockBtc }, price),
      perMW,
    });
  }
  return { months, halvingsInWindow: halvings, totalsPerMW: [...totals.values()] };
}
