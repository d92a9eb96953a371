/**
 * Shipped defaults for market and site inputs, each with its published source and the date the
 * figure refers to. Sources and arithmetic: /work/shared/reference/economics.md (sections cited).
 *
 * Market figures drift daily. These are the latest ones with a stated source in the research
 * notes, not live data: the CLI warns whenever one is used and says how old it is, so a report
 * never passes off a stale default as today's market.
 */

/** A default number with where it comes from. */
export interface DefaultFigure {
  value: number;
  unit: string;
  /** Publisher / document, enough to find it again. */
  source: string;
  /** ISO date (or year-month) the figure refers to. */
  date: string;
  /** True for market figures that go stale (price, difficulty, fees): the CLI warns on use. */
  market: boolean;
}

/** The date this table was compiled (the project's "today"). */
export const DEFAULTS_COMPILED = '2026-11-22';

export const DEFAULTS = {
  btcPriceUsd: {
    value: 89_316,
    unit: 'USD/BTC',
    source: 'Braiins Insights API price snapshot (braiins-insights-mcp-server fixture), economics.md §1.2',
    date: '2025-12-14',
    market: true,
  },
  difficulty: {
    value: 148.2e12,
    unit: 'difficulty',
    source: 'Bitcoin network difficulty, Dec-2025 anchor in economics.md §0',
    date: '2025-12',
    market: true,
  },
  feesPerBlockBtc: {
    value: 0.016,
    unit: 'BTC/block',
    source: 'Braiins Insights hashrate-stats avg_fees_per_block (≈0.5% of reward), economics.md §2.6',
    date: '2025-12',
    market: true,
  },
  poolFeeFraction: {
    value: 0.02,
    unit: 'fraction',
    source: 'Braiins cost-to-mine revenue_fees_rate default; FPPS at large pools is 2–4% (economics.md §1.5)',
    date: '2025-12',
    market: false,
  },
  uptimeFraction: {
    value: 0.97,
    unit: 'fraction',
    source: 'economics.md §2.6 mining uptime default (range 0.90–0.99 with curtailment)',
    date: '2025-12',
    market: false,
  },
  difficultyGrowthPerMonth: {
    value: 0.03,
    unit: 'fraction/month',
    source: 'Braiins Insights monthly_avg_hashrate_change_1_year.relative = 0.03 (economics.md §2.1)',
    date: '2025-12',
    market: true,
  },
  btcPriceGrowthPerMonth: {
    value: 0,
    unit: 'fraction/month',
    source: 'flat price path, as Braiins cost-to-mine yearly_price_change_rate default 0 (economics.md §6)',
    date: '2025-12',
    market: false,
  },
  usdPerMTok: {
    value: 0.18,
    unit: 'USD/Mtok',
    source: 'Together serverless Llama-3.1-8B-Instruct-Turbo, $0.18 per 1M output tokens (pydantic/genai-prices), economics.md §3.1',
    date: '2025-12',
    market: true,
  },
  utilizationFraction: {
    value: 0.7,
    unit: 'fraction',
    source: 'build-vs-rent / debt-financed break-even utilization ≈70% (aidatacenterguide, yobitel), economics.md §3.3',
    date: '2025-12',
    market: false,
  },
  asicCapexUsdPerTH: {
    value: 17.7,
    unit: 'USD/(TH/s)',
    source: "Riot 10-K: MicroBT order $453.4M for 25.6 EH/s (derived $17.7/TH), economics.md §2.4",
    date: '2024',
    market: true,
  },
  asicDepreciationYears: {
    value: 3,
    unit: 'years',
    source: 'Stronghold 10-Q: miners depreciated over 3 years (5→3, 2022); economics.md §2.6',
    date: '2022',
    market: false,
  },
  gpuDepreciationYears: {
    value: 5,
    unit: 'years',
    source: 'Amazon 10-K: servers 6→5 years from 2025-01-01; hyperscalers 5–6, Nebius 4 (economics.md §3.4)',
    date: '2025-01-01',
    market: false,
  },
  gpuServerOverheadFactor: {
    value: 1,
    unit: 'ratio',
    source: 'GPU-only power (no host share); an 8×H100 node is ≈1.5–1.9× GPU-only power (economics.md §3.6): set gpu.serverOverheadFactor',
    date: '2025-12',
    market: false,
  },
  fixedOpexUsdPerMWYear: {
    value: 0,
    unit: 'USD/(MW·year)',
    source: 'none assumed: no published per-MW opex figure in the research; set fixedOpexUsdPerMWYear',
    date: '2026-11-22',
    market: false,
  },
  /** Anchor for estimating today's height when none is given: block 840,000 was mined 2024-04-20. */
  halvingAnchorHeight: {
    value: 840_000,
    unit: 'block',
    source: 'block 840,000 (4th halving) mined 2024-04-20 (theblock.co/post/289773), economics.md §1.4',
    date: '2024-04-20',
    market: false,
  },
} as const satisfies Record<string, DefaultFigure>;

export type DefaultName = keyof typeof DEFAULTS;

/** Whole days between two ISO dates (b − a), using the first day of a year-month/year. */
export function daysBetween(aIso: string, bIso: string): number {
  const norm = (s: string) => (s.length === 4 ? `${s}-01-01` : s.length === 7 ? `${s}-01` : s);
  return Math.round((Date.parse(norm(bIso)) - Date.parse(norm(aIso))) / 86_400_000);
}

/**
 * Estimated block height on `dateIso` from the 840,000 anchor at 10-minute blocks. Blocks have
 * come slightly faster than 600 s while hashrate grew, so this under-estimates a little; it only
 * matters near a halving, and the CLI marks it as an estimate and takes --height to override.
 */
export function estimateHeightOn(dateIso: string): number {
  const days = daysBetween(DEFAULTS.halvingAnchorHeight.date, dateIso);
  return Math.max(0, Math.round(DEFAULTS.halvingAnchorHeight.value + days * 144));
}
