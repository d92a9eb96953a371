/**
 * Shipped defaults for market and site inputs, each with its published source and the date the
 * figure refers to; a derived figure shows its arithmetic.
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

/**
 * Who pays the power of a colocation lease by default: the tenant. TeraWulf's Fluidstack halls are
 * "modified gross leases" with a projected 85 % site NOI margin (≈$315 M of ≈$370 M a year): paying
 * the power of ≈250 MW gross would not fit in the remaining 15 % (derived; blockspace.media,
 * 14 Aug 2025).
 */
export const DEFAULT_LEASE_POWER_PAID_BY = {
  value: 'tenant' as 'site' | 'tenant',
  source: 'TeraWulf–Fluidstack "modified gross leases", 85 % site NOI margin: power passed through to the tenant (derived; blockspace.media)',
  date: '2025-08-14',
};

/** The date this table was compiled (the project's "today"). */
export const DEFAULTS_COMPILED = '2026-11-22';

export const DEFAULTS = {
  btcPriceUsd: {
    value: 89_316,
    unit: 'USD/BTC',
    source: 'Braiins Insights API price snapshot (braiins-insights-mcp-server fixture)',
    date: '2025-12-14',
    market: true,
  },
  difficulty: {
    value: 148.2e12,
    unit: 'difficulty',
    source: 'Bitcoin network difficulty, December 2025 level (≈148.2 T)',
    date: '2025-12',
    market: true,
  },
  feesPerBlockBtc: {
    value: 0.016,
    unit: 'BTC/block',
    source: 'Braiins Insights hashrate-stats avg_fees_per_block (≈0.5% of reward)',
    date: '2025-12',
    market: true,
  },
  poolFeeFraction: {
    value: 0.02,
    unit: 'fraction',
    source: 'Braiins cost-to-mine revenue_fees_rate default; FPPS at large pools is 2–4% (viabtc.com/help/pricing, support.spiderpool.com/fees)',
    date: '2025-12',
    market: false,
  },
  uptimeFraction: {
    value: 0.97,
    unit: 'fraction',
    source: 'mining availability 0.90–0.99 with curtailment (Mining-Opportunity-Cost-Calculator -uptimePercent); 0.97 mid-range',
    date: '2025-12',
    market: false,
  },
  difficultyGrowthPerMonth: {
    value: 0.03,
    unit: 'fraction/month',
    source: 'Braiins Insights monthly_avg_hashrate_change_1_year.relative = 0.03 (braiins-insights-mcp-server)',
    date: '2025-12',
    market: true,
  },
  btcPriceGrowthPerMonth: {
    value: 0,
    unit: 'fraction/month',
    source: 'flat price path, as Braiins cost-to-mine yearly_price_change_rate default 0 (braiins-insights-mcp-server)',
    date: '2025-12',
    market: false,
  },
  usdPerMTok: {
    value: 0.18,
    unit: 'USD/Mtok',
    source: 'Together serverless Llama-3.1-8B-Instruct-Turbo, $0.18 per 1M output tokens (pydantic/genai-prices)',
    date: '2025-12',
    market: true,
  },
  utilizationFraction: {
    value: 0.7,
    unit: 'fraction',
    source: 'build-vs-rent / debt-financed break-even utilization ≈70% (aidatacenterguide.com, yobitel)',
    date: '2025-12',
    market: false,
  },
  asicCapexUsdPerTH: {
    value: 17.7,
    unit: 'USD/(TH/s)',
    source: "Riot 10-K: MicroBT order $453.4M for 25.6 EH/s (derived $17.7/TH; sec.gov R14)",
    date: '2024',
    market: true,
  },
  asicDepreciationYears: {
    value: 3,
    unit: 'years',
    source: 'Stronghold 10-Q: miners depreciated over 3 years (5→3, 2022)',
    date: '2022',
    market: false,
  },
  gpuDepreciationYears: {
    value: 5,
    unit: 'years',
    source: 'Amazon 10-K: servers 6→5 years from 2025-01-01; hyperscalers 5–6, Nebius 4 (deepquarry.substack.com, thecuberesearch.com, bizety.com)',
    date: '2025-01-01',
    market: false,
  },
  gpuServerOverheadFactor: {
    value: 1,
    unit: 'ratio',
    source: 'GPU-only power (no host share); an 8×H100 node (10.2 kW) is ≈1.5–1.9× the GPU-only power ML.ENERGY measures: set gpu.serverOverheadFactor',
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
  gpuServerCapexFraction: {
    value: 0.667,
    unit: 'fraction of GPU capex',
    source:
      'derived: all-in cluster capex $47–52k per H100, "$50k average" (Eugene Cheah, "H100 Freakonomics", substack.tech-talk-cto.com) vs $30k for the card (disintermediate.global glossary) = $20k of server, network and storage per GPU = 0.667 × the card',
    date: '2024-10',
    market: true,
  },
  leaseUsdPerKwMonth: {
    value: 121.53,
    unit: 'USD/(kW-IT·month)',
    source:
      'derived: Core Scientific–CoreWeave HPC hosting, ≈$3.5 B over 12 years for 200 MW of critical IT (investing.com, 3 Jun 2024; SEC 8-K exhibit, 22 Oct 2024) = $1.458 M per MW-IT per year; TeraWulf–Fluidstack ($3.7 B / 10 y / 200 MW, blockspace.media, 14 Aug 2025) is $154.17',
    date: '2024-06-03',
    market: true,
  },
  leaseLoadFraction: {
    value: 1,
    unit: 'fraction',
    source: 'upper bound: the whole contracted site power, cooling included, 24 h/day (no published tenant load factor); only used when the site pays the power',
    date: '2026-11-22',
    market: false,
  },
  retrofitCapexUsdPerMW: {
    value: 8_000_000,
    unit: 'USD/MW-IT',
    source: 'TeraWulf: total project cost "$8–$10 million per MW of critical IT load" for the Fluidstack halls at Lake Mariner (GlobeNewswire via investor.wedbush.com, 14 Aug 2025), low end',
    date: '2025-08-14',
    market: true,
  },
  retrofitYears: {
    value: 12,
    unit: 'years',
    source: 'depreciated over the hosting contract term: Core Scientific–CoreWeave 12-year terms (SEC 8-K exhibit, 22 Oct 2024)',
    date: '2024-10-22',
    market: false,
  },
  slaUptimeFraction: {
    value: 0.99982,
    unit: 'fraction',
    source: 'Uptime Institute Tier III data centre: 99.982 % availability (≈1.6 h of downtime a year); AI halls and leases sell firm capacity, not interruptible load',
    date: '2025',
    market: false,
  },
  feesGrowthPerMonth: {
    value: 0,
    unit: 'fraction/month',
    source: 'flat fees per block, as Braiins cost-to-mine keeps avg_tx_fees_coin constant (braiins-insights-mcp-server)',
    date: '2025-12',
    market: false,
  },
  tokenPriceDeclinePerYear: {
    value: 0.07,
    unit: 'fraction/year',
    source:
      'assumed equal to the GPU-hour decline (the hardware cost of serving a fixed model); DeepInfra Llama-3.1-8B fell from $0.055 to $0.05 per Mtok out (cloudprice.net), Together stayed at $0.18',
    date: '2026-06',
    market: true,
  },
  gpuHourPriceDeclinePerYear: {
    value: 0.07,
    unit: 'fraction/year',
    source: 'derived: H100 $2.99/h (Oct 2024, SemiAnalysis via neighborhoodsf) → $2.65/h contract (Jun 2026, SemiAnalysis via theinformationmachine.fyi) = −7 %/year',
    date: '2026-06',
    market: true,
  },
  utilizationRampMonths: {
    value: 0,
    unit: 'months',
    source: 'no ramp: contracted capacity bills from day one (CoreWeave 2024 revenue 96 % contracted, wukong123.substack.com); pass --utilization-ramp-months for an on-demand ramp',
    date: '2025',
    market: false,
  },
  /** Anchor for estimating today's height when none is given: block 840,000 was mined 2024-04-20. */
  halvingAnchorHeight: {
    value: 840_000,
    unit: 'block',
    source: 'block 840,000 (4th halving) mined 2024-04-20 (theblock.co/post/289773)',
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
