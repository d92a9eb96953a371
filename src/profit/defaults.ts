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
    source:
      'assumption, not a measured trend: no like-for-like H100 price series shows a steady decline. The SemiAnalysis 1-year contract index rose from $1.70 (Oct 2025) to $2.35 (Mar 2026) and ≈$2.65 (Jun 2026) (neighborhoodsf.com; theinformationmachine.fyi); the aimultiple on-demand H100 median was roughly flat over the year to May 2026 (≈$2.95, aimultiple.com/gpu-index); RBC\'s cross-provider H100 average fell 22 % in 2025 to date (FT Alphaville). 7 %/year is a mild decline inside that range for a GPU a newer generation outclasses during its 5-year life; set --gpu-hour-price-decline-per-year (0 = flat)',
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
  discountRate: {
    value: 0.1,
    unit: 'fraction/year',
    source:
      'nominal pre-tax cost of capital: secured project debt of miners converting to AI halls costs 6.125–9.25 % (Cipher Black Pearl 6.125 % due 2031, 8-K Feb 2026; TeraWulf WULF Compute 7.75 % due 2030, Oct 2025; Applied Digital APLD ComputeCo 9.25 % due 2030, Nov 2025); 10 % = the top of that range, a floor for equity-funded merchant uses (merchant GPU rental and ASIC mining carry more risk)',
    date: '2026-02',
    market: false,
  },
  constructionMonths: {
    value: 12,
    unit: 'months',
    source: 'Core Scientific–CoreWeave: final ≈120 MW option exercised Oct 2024, works from H2 2025, live H2 2026 (Core Scientific releases and 10-Q summaries, 2024–2025): about 12 months from works to revenue for an AI-hall conversion',
    date: '2025',
    market: false,
  },
  asicResaleFraction: {
    value: 0.34,
    unit: 'fraction of ASIC capex',
    source:
      'derived: resale tracks hashprice; Hashrate Index (Luxor) quoted the newest tier (<25 J/TH) at $20/TH in Jul 2023, down 66 % from $60/TH a year earlier (coindesk.com, 26 Jul 2023): a fleet sold at the switch fetches ≈ 1 − 0.66 = 0.34 of its price, one year on at that rate',
    date: '2023-07-26',
    market: true,
  },
  asicResaleDeclinePerYear: {
    value: 0.66,
    unit: 'fraction/year',
    source:
      'Hashrate Index (Luxor): the newest ASIC tier (<25 J/TH) fell from ≈$60/TH to $20/TH between Jul 2022 and Jul 2023, −66 % in a year (coindesk.com, 26 Jul 2023), the same figure the resale fraction comes from: a fleet kept one more year is then worth 0.34 of its resale today',
    date: '2023-07-26',
    market: true,
  },
  gpuResaleFraction: {
    value: 0.2,
    unit: 'fraction of GPU card capex',
    source: 'residual value 20–40 % of the card at the end of a 36–60-month useful life (disintermediate.global GPU glossary), low end for a 5-year life; used H100s traded at $15–28k against $25–40k new (computeforecast.com, Silicon Data listings)',
    date: '2025',
    market: true,
  },
  networkStorageShareOfCriticalIT: {
    value: 0.15,
    unit: 'fraction of critical IT',
    source:
      'assumption: critical IT in AI-hall leases (Core Scientific–CoreWeave) counts network and storage with the GPU servers; no published power share was found, so the cost share is used: CoreWeave clusters ≈ 85 % GPU nodes, 10 % networking, 5 % storage and ancillary by cost (CoreWeave investor-meeting notes, wukong123.substack.com): network + storage = 10 % + 5 % = 15 % of critical IT',
    date: '2025',
    market: false,
  },
  hostOverheadHgx: {
    value: 10_200 / (8 * 700),
    unit: 'ratio (server W / GPU W)',
    source:
      'derived: NVIDIA DGX H100 (8× H100 SXM on an HGX board) 10.2 kW maximum system power (supercluster.blog, NVIDIA DGX H100 datasheet) over 8 × 700 W, the H100 SXM maximum TDP (huggingface.co/hardware/h100) = 1.8214: 1,275 W of server per 700 W GPU, both maxima, so it multiplies a rated (TDP) GPU power; on a measured GPU power the host is taken to scale with the GPU load',
    date: '2023',
    market: false,
  },
  hostWPerGpuPcieServer: {
    value: 87.5,
    unit: 'W per GPU',
    source: 'derived: 8 PCIe cards per dual-socket server, 2 × 350 W CPU TDP (Intel Xeon Platinum 8480+, Intel ARK) = 87.5 W of host per card; memory, fans and NICs not counted (a lower bound)',
    date: '2023',
    market: false,
  },
  hostWPerGpuWorkstation: {
    value: 125,
    unit: 'W per GPU',
    source: 'derived: one card per desktop host, processor base power 125 W (Intel Core i9-14900K, Intel ARK); board, memory and fans not counted (a lower bound)',
    date: '2023-10',
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

/** Use kinds that carry their own opex (site file `opex:` block, --opex-fixed / --opex-revenue-fraction). */
export const OPEX_KINDS = ['asic-mining', 'gpu-mining', 'gpu-inference', 'gpu-rental', 'hosting-lease'] as const;
/** A use kind for opex. */
export type OpexKind = (typeof OPEX_KINDS)[number];

/** Opex of one use kind: fixed per MW of site power per year, and a share of its sales revenue. */
export interface OpexDefault {
  fixedUsdPerMWYear: DefaultFigure;
  revenueFraction: DefaultFigure;
}

const NO_FIXED = (why: string): DefaultFigure => ({ value: 0, unit: 'USD/(MW·year)', source: why, date: DEFAULTS_COMPILED, market: false });

/**
 * Shipped opex per use kind. Only the lease has a published figure; the others are 0 with the
 * reason, shown in the inputs table, so a user who knows their staff and support costs sets them.
 */
export const DEFAULT_OPEX: Record<OpexKind, OpexDefault> = {
  'hosting-lease': {
    fixedUsdPerMWYear: NO_FIXED('none: the lease opex is published as a share of revenue (an NOI margin)'),
    revenueFraction: {
      value: 0.15,
      unit: 'fraction of revenue',
      source: 'TeraWulf–Fluidstack HPC leases: projected site NOI margin ≈85 % (≈$315 M of ≈$370 M a year; blockspace.media, 14 Aug 2025); Cipher–Fluidstack 80–85 % (Blockworks via mexc.co): opex = 1 − 0.85',
      date: '2025-08-14',
      market: false,
    },
  },
  'gpu-rental': {
    fixedUsdPerMWYear: NO_FIXED('none published per MW for a GPU cloud: set opex.gpu-rental.fixedUsdPerMWYear (staff, support, software)'),
    revenueFraction: {
      value: 0,
      unit: 'fraction of revenue',
      source:
        "none that excludes power and facilities: CoreWeave's 2024 cost of revenue ($493 M of $1,915 M = 25.7 %, discountingcashflows.com) includes the data-centre power and rent this model charges separately (energy, retrofit); set opex.gpu-rental.revenueFraction",
      date: '2024',
      market: false,
    },
  },
  'gpu-inference': {
    fixedUsdPerMWYear: NO_FIXED('none published per MW for a token API: set opex.gpu-inference.fixedUsdPerMWYear (staff, support, software)'),
    revenueFraction: {
      value: 0,
      unit: 'fraction of revenue',
      source: "none that excludes power and facilities (CoreWeave's 25.7 % cost of revenue in 2024 includes them; discountingcashflows.com); set opex.gpu-inference.revenueFraction",
      date: '2024',
      market: false,
    },
  },
  'asic-mining': {
    fixedUsdPerMWYear: NO_FIXED('no published per-MW staff and maintenance cost for mining; electricity is 70–80 % of a miner\'s operating cost (hashlabs.io): set opex.asic-mining.fixedUsdPerMWYear'),
    revenueFraction: { value: 0, unit: 'fraction of revenue', source: 'none: the pool fee (poolFeeFraction) is the only revenue share a miner pays', date: DEFAULTS_COMPILED, market: false },
  },
  'gpu-mining': {
    fixedUsdPerMWYear: NO_FIXED('no published per-MW staff and maintenance cost for GPU mining: set opex.gpu-mining.fixedUsdPerMWYear'),
    revenueFraction: { value: 0, unit: 'fraction of revenue', source: 'none: the pool fee (poolFeeFraction) is the only revenue share a miner pays', date: DEFAULTS_COMPILED, market: false },
  },
};

/** A token price for one public model of the ladder. */
export interface TokenPriceDefault {
  model: string;
  parameters: number;
  usdPerMTok: number;
  source: string;
  date: string;
}

/**
 * Token prices for a ladder of public models (≈1B, 3B, 8B, 70B), as the shipped sites carry them
 * (`inference.tokenPrices`): a measured model is priced at the rung of its own model.
 */
export const TOKEN_PRICE_LADDER: readonly TokenPriceDefault[] = [
  {
    model: 'Llama-3.2-1B-Instruct',
    parameters: 1.24e9,
    usdPerMTok: 0.1,
    source: 'Fireworks serverless, "less than 4B parameters" $0.10 per 1M tokens, input = output (docs.fireworks.ai/serverless/pricing); 1.24 B parameters (Meta model card)',
    date: '2026',
  },
  {
    model: 'Llama-3.2-3B-Instruct',
    parameters: 3.21e9,
    usdPerMTok: 0.1,
    source: 'Fireworks serverless, "less than 4B parameters" $0.10 per 1M tokens, input = output (docs.fireworks.ai/serverless/pricing); 3.21 B parameters (Meta model card)',
    date: '2026',
  },
  {
    model: 'Llama-3.1-8B-Instruct',
    parameters: 8.03e9,
    usdPerMTok: 0.18,
    source: 'Together serverless Meta-Llama-3.1-8B-Instruct-Turbo, $0.18 per 1M tokens, input = output (pydantic/genai-prices prices/providers/together.yml); 8.03 B parameters (Meta model card)',
    date: '2025-12',
  },
  {
    model: 'Llama-3.1-70B-Instruct',
    parameters: 70.6e9,
    usdPerMTok: 0.88,
    source: 'Together serverless Meta-Llama-3.1-70B-Instruct-Turbo, $0.88 per 1M tokens, input = output (pydantic/genai-prices prices/providers/together.yml); 70.6 B parameters (Meta model card)',
    date: '2025-12',
  },
];
