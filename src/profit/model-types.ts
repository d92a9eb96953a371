/**
 * Types of the site profitability model (src/profit/model.ts): market and site inputs, device
 * figures, per-unit economics and comparison rows. Units are in the names (usdPerKWh, powerW, ...).
 */
import type { ChainState } from './mining.js';
import type { AsicSpec } from './asics.js';
import type { OpexKind } from './defaults.js';
import type { DatedFlow } from './finance.js';
import type { CapexPayment } from './capex-schedule.js';

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
  /** Resale value of the device at the end of its life, USD (GPU cards); default 0. */
  resaleUsd?: number;
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
  /** Cost of capital, fraction per year, for the capital charge (capex × CRF): the rate of every use kind without its own; default 0 (straight-line). */
  discountRate?: number;
  /**
   * Hurdle rate per use kind (asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease),
   * fraction per year: a use is charged the rate of its own risk (Damodaran: the hurdle rate is
   * higher for riskier projects), e.g. merchant GPU rental above a contracted lease.
   */
  discountRateByKind?: Partial<Record<OpexKind, number>>;
  /** Opex per use kind (fixed per MW of site power per year, share of sales revenue); default none. */
  opex?: Partial<Record<OpexKind, OpexTerms>>;
  /** Network and storage power as a share of the AI hall's critical IT (GPU rows in the AI hall); default 0. */
  networkStorageShare?: number;
  /** The lease's own retrofit (default: `retrofit`): a tenant that funds its fit-out needs less. */
  leaseRetrofit?: Retrofit | null;
  /**
   * How interruptible uses run: 'always-on' (the snapshot default) or 'operator': off in any hour
   * (profile) or period when their revenue is below the power cost (or the sale price).
   */
  dispatch?: 'always-on' | 'operator';
  /** Hourly power price shape (typical day, week or year), scaled so its mean is powerPriceUsdPerKWh; null = flat. */
  powerPriceProfile?: readonly number[] | null;
  /** Price the site gets for energy its miners do not draw (resold under its contract), USD/kWh; null = the energy is simply not bought. */
  powerSaleUsdPerKWh?: number | null;
  /** Months an AI-hall use is built before it earns (capex spent, no revenue), for its project; default 0. */
  constructionMonths?: number;
}

/** Opex of one use: fixed per MW of site power per year, and a share of sales revenue. */
export interface OpexTerms {
  fixedUsdPerMWYear: number;
  revenueFraction: number;
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
  /** Host power per device added after the factor, W (PCIe servers, workstations); default 0. */
  hostWPerDevice?: number;
  /** What the host overhead is ("HGX 8-GPU server: host ×1.821"; "software adapter: none"), for the basis. */
  hostOverheadBasis?: string;
  /** Not a GPU (a software adapter, the CPU): no host or hall overhead is added to its power. */
  notAGpu?: boolean;
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
  /** Fixed opex: the site's and the use kind's, by site power held. */
  fixedOpexUsdPerDay: number;
  /** Opex charged as a share of sales revenue (the use kind's revenueFraction). */
  revenueOpexUsdPerDay: number;
  /** revenue − energy − fixed opex − revenue opex: the margin before capex. */
  cashUsdPerDay: number;
  /** Capex: device + server share + AI-hall retrofit share; null when the device price is unknown. */
  capexUsd: number | null;
  capexParts: { deviceUsd: number | null; serverUsd: number; retrofitUsd: number };
  /** Lives of the capex parts, years (device + server share; retrofit). */
  capexLives: { deviceYears: number; retrofitYears: number };
  /** Resale of the devices at the end of their life (GPU cards), USD. */
  resaleUsd: number;
  /** Interest during construction on the retrofit, paid monthly through construction, to commissioning (the devices are paid at commissioning: none), USD. */
  interestDuringConstructionUsd: number;
  /** Straight-line depreciation (accounting), no resale. */
  depreciationUsdPerDay: number | null;
  /** Capital charge: Σ over parts of (value at commissioning − resale discounted) × CRF(r, life) / 365 (the retrofit with its interest during construction, the devices as paid at commissioning); straight-line at r = 0. */
  capitalChargeUsdPerDay: number | null;
  /** cash − capital charge: the equivalent annual margin that ranks the uses; null when capex is unknown. */
  marginAfterCapitalChargeUsdPerDay: number | null;
  /** cash − depreciation; null when capex is unknown. */
  marginUsdPerDay: number | null;
  marginUsdPerYear: number | null;
  /** Power price at which profit = 0 (energy only; Infinity when the site pays no energy). */
  breakEvenUsdPerKWh: number;
  /** Power price at which margin = 0 (after depreciation and fixed opex); may be negative; null without capex. */
  breakEvenAllInUsdPerKWh: number | null;
  /** Power price at which the margin after capital charge = 0 (always-on energy); null without capex. */
  breakEvenAfterCapitalChargeUsdPerKWh: number | null;
  /** BTC price at which profit = 0 (mining only). */
  breakEvenBtcPriceUsd: number | null;
  /** BTC price at which margin = 0 (mining only, with capex). */
  breakEvenAllInBtcPriceUsd: number | null;
  /** capex / (margin before capex); null when capex unknown or never paid back. */
  paybackDays: number | null;
  /** Operator dispatch of an interruptible use: share of its hours on, and what the energy not drawn earned. */
  dispatch: { onFraction: number; powerSaleUsdPerDay: number; basis: string } | null;
}

/** What every comparison row carries. */
export interface RowCommon {
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
  /** The use's discount rate (its kind's hurdle rate, else the site's), fraction per year: its capital charge, NPV and IRR hurdle. */
  discountRate: number;
  perUnit: UnitEconomics;
  perMW: UnitEconomics;
  /** Whole site: perMW × powerCapacityMW. */
  site: UnitEconomics;
  /** Margin per MW-day after capital charge (equivalent annual annuity): what ranks the uses. */
  marginAfterCapitalChargeUsdPerMWDay: number | null;
  /** NPV per MW of the use as a project (see `project`); null when capex is unknown. */
  npvUsdPerMW: number | null;
  /** IRR of the same cash flows; null when they have none. */
  irr: number | null;
  /** Years until the discounted operating cash repays the capex; null when it never does in the horizon. */
  discountedPaybackYears: number | null;
  /** The use as a project: annual cash flows per MW and how they were made (src/profit/project-finance.ts). */
  project: ProjectCashFlows | null;
}

/** A use as a project, per MW of site power (dated cash flows, t = 0 today; src/profit/project-finance.ts). */
export interface ProjectCashFlows {
  discountRate: number;
  /** Years of cash flows: construction plus the shortest major asset life, rounded up. */
  horizonYears: number;
  /** The shortest major asset life, years: how long the use runs after construction. */
  lifeYears: number;
  /** Whole months the use is built before it earns. */
  constructionMonths: number;
  /** Capex payments: the retrofit in monthly installments through construction, the devices at commissioning (month = constructionMonths); all today without construction. */
  capexScheduleUsdPerMW: CapexPayment[];
  /** Operating cash (margin before capex) of year t, booked at its end: index t = 1..horizonYears (index 0 is 0). */
  operatingUsdPerMW: number[];
  /** Remaining straight-line value of longer-lived parts and GPU resale at the horizon. */
  residualUsdPerMW: number;
  /** Every cash flow with its date (capex paid out negative, operating years, the residual at the horizon): NPV = Σ usd × (1 + r)^−tYears. */
  flowsUsdPerMW: DatedFlow[];
  /** 'snapshot' (today's cash every month) or 'projection' (the projected months, continued to the horizon). */
  basis: 'snapshot' | 'projection';
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

/**
 * The site's power left unused (every device sold or never bought): what a MW still earns or pays
 * per day. The verdict's floor: no use is worth choosing if it does worse than this.
 */
export interface IdleOption {
  /** Price the site gets for energy it does not draw, USD/kWh (null: it cannot sell it). */
  powerSaleUsdPerKWh: number | null;
  /** The energy resold, per MW of site power per day: 24 MWh × (sale − hour's price) in hours that pay and are priced ≥ 0. */
  powerSaleUsdPerMWDay: number;
  /** The site's own fixed opex, which idle MW still pay, per MW-day. */
  fixedOpexUsdPerMWDay: number;
  /** sale − fixed opex, per MW-day. */
  cashUsdPerMWDay: number;
}

/** Result of siteComparison(). */
export interface Comparison {
  chain: ChainState;
  btcPriceUsd: number;
  hashpriceUsdPerTHDay: number;
  hashpriceUsdPerPHDay: number;
  networkHashrateHps: number;
  rows: ComparisonRow[];
  /** The power left unused: the verdict's floor. */
  idle: IdleOption;
}
