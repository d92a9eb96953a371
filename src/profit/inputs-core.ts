/**
 * Types and the resolver shared by the phases of input resolution (inputs.ts): flags, measured
 * figures, the request, the resolved result, and the flag > measured > site > default picker that
 * records every number with its provenance. Pure.
 */
import { DEFAULTS, DEFAULTS_COMPILED, daysBetween, type DefaultFigure, type DefaultName, type OpexKind } from './defaults.js';
import type { AsicSpec } from './asics.js';
import { sourced, type Provenance, type Sourced } from './provenance.js';
import type { MeasuredDevice, MeasuredModel, PricedModel } from './match.js';
import type { ServingInfo } from './pricing.js';
import type { ProfileNumber, SiteProfile } from './profile.js';
import type { ComparisonInput } from './model.js';

/** Explicit overrides (CLI flags). Undefined = not given. */
export interface ProfitFlags {
  btcPrice?: number;
  difficulty?: number;
  feesPerBlock?: number;
  subsidy?: number;
  height?: number;
  poolFee?: number;
  hashrate?: number;
  watts?: number;
  powerPrice?: number;
  tokensPerSecond?: number;
  usdPerMtok?: number;
  usdPerGpuHour?: number;
  utilization?: number;
  uptime?: number;
  pue?: number;
  capacityMw?: number;
  difficultyGrowth?: number;
  btcPriceGrowth?: number;
  feesGrowth?: number;
  tokenPriceDeclinePerYear?: number;
  gpuHourPriceDeclinePerYear?: number;
  utilizationRampMonths?: number;
  /** Reference ASIC ids, or ['none']. */
  asic?: string[];
  /** The model --usd-per-mtok prices, and its parameter count. */
  priceModel?: string;
  priceModelParams?: number;
  /** The GPU --usd-per-gpu-hour and --gpu-capex-usd are for. */
  priceGpu?: string;
  gpuCapexUsd?: number;
  /** Price measured rows whose model or GPU does not match their price (loudly labelled). */
  priceAnyway?: boolean;
  /** The use the site runs today (default: the reference ASIC). */
  currentUse?: string;
  leaseUsdPerKwMonth?: number;
  leaseLoadFraction?: number;
  leasePowerPaidBy?: 'site' | 'tenant';
  retrofitCapexUsdPerMw?: number;
  retrofitYears?: number;
  curtailmentHours?: number;
  curtailmentCredit?: number;
  /** Cost of capital, fraction per year (capital charge, NPV, IRR): every use kind without its own --discount-rate-kind (it replaces the site file's rates). */
  discountRate?: number;
  /** Hurdle rate per use kind, fraction per year (--discount-rate-kind kind=f). */
  discountRateKind?: Partial<Record<OpexKind, number>>;
  /** Capex the owner can spend on the site, USD: the verdict picks the best use it allows. */
  capexBudgetUsd?: number;
  /** Fixed opex per use kind, USD per MW of site power per year (--opex-fixed kind=usd). */
  opexFixed?: Partial<Record<OpexKind, number>>;
  /** Opex per use kind as a share of its sales revenue (--opex-revenue-fraction kind=f). */
  opexRevenueFraction?: Partial<Record<OpexKind, number>>;
  /** Price of the energy curtailed miners do not draw, resold, USD/kWh. */
  powerSaleUsdPerKwh?: number;
  /** Months an AI-hall use is built before it earns. */
  constructionMonths?: number;
  /** The lease's own retrofit capex per MW of IT (default: the AI-hall retrofit). */
  leaseRetrofitCapexUsdPerMw?: number;
  /** Resale of a GPU card at the end of its life, fraction of its price. */
  gpuResaleFraction?: number;
  /** Resale of the ASIC fleet at the switch, fraction of its capex. */
  asicResaleFraction?: number;
  /** Fall of the ASIC fleet's resale over the coming year, fraction (the cost of keeping it). */
  asicResaleDeclinePerYear?: number;
}

/** A figure measured by joulebench and read from a result file. */
export interface MeasuredRate {
  value: number;
  /** JSON path of the value in the result file. */
  path: string;
  /** Average power over the measurement, W; null when energy was not measured. */
  powerW: number | null;
  powerPath: string | null;
  /** Why energy is missing (from the result), when powerW is null. */
  energyReason: string | null;
  /** What the measured power covers (results schema energy.scope: gpu-board, cpu-package, wall, declared). */
  scope?: string | null;
  /** How the energy was obtained (src/power/energy-basis.ts). */
  energyKind?: 'metered' | 'declared' | 'none';
  meter?: string | null;
  /** Where it was measured; absent = unknown. */
  device?: MeasuredDevice;
}

/** An inference figure: also the model and how it was served. */
export interface MeasuredInferRate extends MeasuredRate {
  model?: MeasuredModel | null;
  serving?: ServingInfo | null;
}

/** What a result file contributed. */
export interface MeasuredInputs {
  file: string;
  hash: MeasuredRate | null;
  infer: MeasuredInferRate | null;
  /** Name of the software adapter (e.g. llvmpipe) the figures were measured on; null/absent for hardware. */
  softwareAdapter?: string | null;
}

/** Everything the resolver needs. */
export interface ResolveRequest {
  flags: ProfitFlags;
  profile: SiteProfile | null;
  profileFile: string | null;
  measured: MeasuredInputs | null;
  /** ISO date for "today" (default freshness and height estimate). */
  todayIso: string;
  /**
   * A measured figure that could be priced but has no power: 'error' (the CLI asks for --watts,
   * the default) or 'unpriced' (a row that says so: `run` and `report --site`).
   */
  missingPower?: 'error' | 'unpriced';
}

/** What each price is for (like with like). Null fields: the price names nothing (it is the user's statement about the measured device). */
export interface PriceTargets {
  usdPerMTok: PricedModel | null;
  usdPerGpuHour: string | null;
  gpuCapex: string | null;
}

/** Resolved inputs: the model input plus every number with its provenance. */
export interface ResolvedInputs {
  comparison: ComparisonInput;
  /** Every input by name, with unit and provenance (numbers; a few choices are strings). */
  inputs: Record<string, Sourced<number | string | null>>;
  heightBlocks: Sourced<number>;
  difficultyGrowthPerMonth: Sourced<number>;
  btcPriceGrowthPerMonth: Sourced<number>;
  feesGrowthPerMonth: Sourced<number>;
  tokenPriceDeclinePerYear: Sourced<number>;
  gpuHourPriceDeclinePerYear: Sourced<number>;
  utilizationRampMonths: Sourced<number>;
  asics: AsicSpec[];
  priceTargets: PriceTargets;
  /** Token prices by model (the site's ladder, or the one price): a measured model takes its rung. */
  tokenPrices: TokenPrice[];
  /** Project terms beyond the comparison: budget, resale at the switch. */
  finance: FinanceInputs;
  currentUseId: string | null;
  warnings: string[];
}

/** A token price and the model it is for. */
export interface TokenPrice {
  model: PricedModel;
  usdPerMTok: number;
}

/** Finance inputs the decision needs (the comparison carries the discount rate and construction). */
export interface FinanceInputs {
  /** The rate of every use kind without its own. */
  discountRate: number;
  /** Hurdle rates of the kinds that have their own. */
  discountRateByKind: Partial<Record<OpexKind, number>>;
  capexBudgetUsd: number | null;
  /** Resale of the ASIC fleet at the switch, as a fraction of its capex. */
  asicResaleFraction: number;
  /** Fall of that resale over the coming year (keeping the fleet forgoes the resale now and its fall). */
  asicResaleDeclinePerYear: number;
  constructionMonths: number;
}

/** Thrown for inputs that cannot be resolved (missing power, unknown ASIC); the CLI maps it to exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}


/** flag > measured > site > default, recording every input with its provenance. */
export class Resolver {
  readonly warnings: string[] = [];
  readonly inputs: Record<string, Sourced<number | string | null>> = {};
  readonly file: string;
  constructor(
    readonly req: ResolveRequest,
  ) {
    this.file = req.profileFile ?? '(site)';
  }

  fromDefault(name: DefaultName): Sourced<number> {
    return this.fromFigure(name, DEFAULTS[name]);
  }

  /** A shipped default figure (warned about when a stale market figure). */
  fromFigure(name: string, d: DefaultFigure): Sourced<number> {
    if (d.market) {
      const age = daysBetween(d.date, this.req.todayIso);
      if (age > 30) this.warnings.push(`${name} = ${d.value} ${d.unit} is a shipped default from ${d.date} (${age} days old); pass the current figure as a flag or in the site file`);
    }
    return sourced(d.value, d.unit, { kind: 'default', source: d.source, date: d.date });
  }

  fromSite(n: ProfileNumber, unit: string, field: string): Sourced<number> {
    const p: Provenance = { kind: 'site', file: this.file, field };
    if (n.source) p.source = n.source;
    if (n.date) p.date = n.date;
    return sourced(n.value, unit, p);
  }

  /** flag > site > default (or a fallback). Records the input. */
  pick(name: string, unit: string, flagVal: number | undefined, flagName: string, siteNum: ProfileNumber | undefined, siteField: string, fallback: (() => Sourced<number>) | DefaultName | DefaultFigure): Sourced<number> {
    let s: Sourced<number>;
    if (flagVal !== undefined) s = sourced(flagVal, unit, { kind: 'flag', flag: flagName });
    else if (siteNum) s = this.fromSite(siteNum, unit, siteField);
    else if (typeof fallback === 'function') s = fallback();
    else if (typeof fallback === 'object') s = this.fromFigure(name, fallback);
    else s = this.fromDefault(fallback);
    this.inputs[name] = s;
    return s;
  }

  deviceLevel(v: number, unit: string, what: string) {
    return () => sourced(v, unit, { kind: 'default', source: `no site file: device-level figure like a mining calculator (${what})`, date: DEFAULTS_COMPILED });
  }
}
