/**
 * Resolve every input of the profit model from, in order of precedence: a command-line flag, a
 * measured figure (result file), the site file, a shipped default. Each resolved number keeps its
 * provenance. Measured figures are priced only when they measured what the prices are for
 * (pricing.ts). Pure: the CLI reads the files and passes their contents in.
 */
import { DEFAULT_LEASE_POWER_PAID_BY, DEFAULTS, DEFAULTS_COMPILED, daysBetween, estimateHeightOn, type DefaultName } from './defaults.js';
import { findAsic, REFERENCE_ASICS, type AsicSpec } from './asics.js';
import { blockSubsidyBtc } from './subsidy.js';
import { sourced, type Provenance, type Sourced } from './provenance.js';
import { sameGpu, shortGpuName, type MeasuredDevice, type MeasuredModel, type PricedModel } from './match.js';
import { deviceLabel, energyLabel, hashPricing, inferPricing, modelLabel, rentalPricing, servingLabel, type ServingInfo } from './pricing.js';
import type { ProfileNumber, SiteProfile } from './profile.js';
import type { ComparisonInput, DeviceCapex, FigureCommon, HashFigure, InferFigure, LeaseTerms, Pricing, RentalFigure, SiteAsic } from './model.js';

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
  currentUseId: string | null;
  warnings: string[];
}

/** Thrown for inputs that cannot be resolved (missing power, unknown ASIC); the CLI maps it to exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Model named by the shipped default token price. */
export const DEFAULT_PRICE_MODEL: PricedModel = { name: 'Llama-3.1-8B-Instruct', parameters: 8.03e9 };

class Resolver {
  readonly warnings: string[] = [];
  readonly inputs: Record<string, Sourced<number | string | null>> = {};
  readonly file: string;
  constructor(
    readonly req: ResolveRequest,
  ) {
    this.file = req.profileFile ?? '(site)';
  }

  fromDefault(name: DefaultName): Sourced<number> {
    const d = DEFAULTS[name];
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
  pick(name: string, unit: string, flagVal: number | undefined, flagName: string, siteNum: ProfileNumber | undefined, siteField: string, fallback: (() => Sourced<number>) | DefaultName): Sourced<number> {
    let s: Sourced<number>;
    if (flagVal !== undefined) s = sourced(flagVal, unit, { kind: 'flag', flag: flagName });
    else if (siteNum) s = this.fromSite(siteNum, unit, siteField);
    else if (typeof fallback === 'function') s = fallback();
    else s = this.fromDefault(fallback);
    this.inputs[name] = s;
    return s;
  }

  deviceLevel(v: number, unit: string, what: string) {
    return () => sourced(v, unit, { kind: 'default', source: `no site file: device-level figure like a mining calculator (${what})`, date: DEFAULTS_COMPILED });
  }
}

/** Resolve all inputs. Throws InputError naming the flag or field to fix. */
export function resolveProfitInputs(req: ResolveRequest): ResolvedInputs {
  const { flags, profile } = req;
  const R = new Resolver(req);
  const market = resolveMarket(R);
  const site = resolveSite(R);
  const targets = resolveTargets(R);
  const asics = resolveAsics(R);
  const devices = resolveDevices(R, site, targets);
  const lease = resolveLease(R);
  if (!devices.hash && !devices.infer && !devices.rental && !asics.siteAsics.length && !lease) {
    throw new InputError('nothing to price: pass --hashrate and --watts, --tokens-per-second and --watts, --results <result.json>, --site <file>, or keep a reference --asic');
  }
  if (site.curtailment && site.curtailment.hoursPerYear > 0 && profile) {
    const sla = site.slaUptimeFraction ?? 1;
    const allowed = (1 - sla) * 8760;
    if (site.curtailment.hoursPerYear > allowed && (devices.infer || devices.rental || lease)) {
      R.warnings.push(
        `the grid curtails this site ${site.curtailment.hoursPerYear} h/year, more than the AI uses' SLA allows (${allowed.toFixed(1)} h/year at ${(sla * 100).toPrecision(5)} %): firm AI load needs backup power or a firm supply contract, not priced here`,
      );
    }
  }
  const comparison: ComparisonInput = {
    hash: devices.hash,
    infer: devices.infer,
    rental: devices.rental,
    lease,
    site: { ...site, asics: asics.siteAsics },
    market: {
      btcPriceUsd: market.btcPrice.value,
      difficulty: market.difficulty.value,
      subsidyBtc: market.subsidy.value,
      feesPerBlockBtc: market.fees.value,
      poolFeeFraction: market.poolFee.value,
      usdPerMTok: market.usdPerMTok.value,
      usdPerGpuHour: market.usdPerGpuHour?.value ?? null,
    },
  };
  return {
    comparison,
    inputs: R.inputs,
    heightBlocks: market.height,
    difficultyGrowthPerMonth: market.dGrowth,
    btcPriceGrowthPerMonth: market.pGrowth,
    feesGrowthPerMonth: market.fGrowth,
    tokenPriceDeclinePerYear: market.tokDecline,
    gpuHourPriceDeclinePerYear: market.gpuDecline,
    utilizationRampMonths: market.ramp,
    asics: asics.specs,
    priceTargets: targets,
    currentUseId: flags.currentUse ?? null,
    warnings: R.warnings,
  };
}

function resolveMarket(R: Resolver) {
  const { flags, profile, todayIso } = R.req;
  const m = profile?.market;
  const btcPrice = R.pick('btcPriceUsd', 'USD/BTC', flags.btcPrice, '--btc-price', m?.btcPriceUsd, 'market.btcPriceUsd', 'btcPriceUsd');
  const difficulty = R.pick('difficulty', 'difficulty', flags.difficulty, '--difficulty', m?.difficulty, 'market.difficulty', 'difficulty');
  const fees = R.pick('feesPerBlockBtc', 'BTC/block', flags.feesPerBlock, '--fees-per-block', m?.feesPerBlockBtc, 'market.feesPerBlockBtc', 'feesPerBlockBtc');
  const poolFee = R.pick('poolFeeFraction', 'fraction', flags.poolFee, '--pool-fee', m?.poolFeeFraction, 'market.poolFeeFraction', 'poolFeeFraction');
  const height = R.pick('heightBlocks', 'block', flags.height, '--height', m?.heightBlocks, 'market.heightBlocks', () =>
    sourced(estimateHeightOn(todayIso), 'block', {
      kind: 'derived',
      from: ['halvingAnchorHeight'],
      note: `estimated for ${todayIso}: block 840,000 on 2024-04-20 + 144 blocks/day; pass --height for the real tip`,
    }),
  );
  const subsidy =
    flags.subsidy !== undefined
      ? sourced(flags.subsidy, 'BTC/block', { kind: 'flag', flag: '--subsidy' })
      : sourced(blockSubsidyBtc(height.value), 'BTC/block', { kind: 'derived', from: ['heightBlocks'], note: 'Bitcoin Core GetBlockSubsidy' });
  R.inputs.subsidyBtc = subsidy;
  const usdPerMTok = R.pick('usdPerMTok', 'USD/Mtok', flags.usdPerMtok, '--usd-per-mtok', profile?.inference?.usdPerMTok, 'inference.usdPerMTok', 'usdPerMTok');
  let usdPerGpuHour: Sourced<number> | null = null;
  if (flags.usdPerGpuHour !== undefined) usdPerGpuHour = sourced(flags.usdPerGpuHour, 'USD/GPU-hour', { kind: 'flag', flag: '--usd-per-gpu-hour' });
  else if (profile?.inference?.usdPerGpuHour) usdPerGpuHour = R.fromSite(profile.inference.usdPerGpuHour, 'USD/GPU-hour', 'inference.usdPerGpuHour');
  if (usdPerGpuHour) R.inputs.usdPerGpuHour = usdPerGpuHour;
  const dGrowth = R.pick('difficultyGrowthPerMonth', 'fraction/month', flags.difficultyGrowth, '--difficulty-growth', m?.difficultyGrowthPerMonth, 'market.difficultyGrowthPerMonth', 'difficultyGrowthPerMonth');
  const pGrowth = R.pick('btcPriceGrowthPerMonth', 'fraction/month', flags.btcPriceGrowth, '--btc-price-growth', m?.btcPriceGrowthPerMonth, 'market.btcPriceGrowthPerMonth', 'btcPriceGrowthPerMonth');
  const fGrowth = R.pick('feesGrowthPerMonth', 'fraction/month', flags.feesGrowth, '--fees-growth', m?.feesGrowthPerMonth, 'market.feesGrowthPerMonth', 'feesGrowthPerMonth');
  const tokDecline = R.pick('tokenPriceDeclinePerYear', 'fraction/year', flags.tokenPriceDeclinePerYear, '--token-price-decline-per-year', m?.tokenPriceDeclinePerYear, 'market.tokenPriceDeclinePerYear', 'tokenPriceDeclinePerYear');
  const gpuDecline = R.pick('gpuHourPriceDeclinePerYear', 'fraction/year', flags.gpuHourPriceDeclinePerYear, '--gpu-hour-price-decline-per-year', m?.gpuHourPriceDeclinePerYear, 'market.gpuHourPriceDeclinePerYear', 'gpuHourPriceDeclinePerYear');
  const ramp = R.pick('utilizationRampMonths', 'months', flags.utilizationRampMonths, '--utilization-ramp-months', profile?.inference?.utilizationRampMonths, 'inference.utilizationRampMonths', 'utilizationRampMonths');
  return { btcPrice, difficulty, fees, poolFee, height, subsidy, usdPerMTok, usdPerGpuHour, dGrowth, pGrowth, fGrowth, tokDecline, gpuDecline, ramp };
}

function resolveSite(R: Resolver) {
  const { flags, profile } = R.req;
  const noSite = profile === null;
  const powerPrice = R.pick('powerPriceUsdPerKWh', 'USD/kWh', flags.powerPrice, '--power-price', profile?.powerPriceUsdPerKWh, 'powerPriceUsdPerKWh', () => {
    throw new InputError('power price unknown: pass --power-price <USD/kWh> or --site <file> with powerPriceUsdPerKWh');
  });
  const miningPue = R.pick('miningPue', 'ratio', flags.pue, '--pue', profile?.pue.mining, 'pue.mining', R.deviceLevel(1, 'ratio', 'PUE 1'));
  const aiPue = R.pick('aiPue', 'ratio', flags.pue, '--pue', profile?.pue.ai, 'pue.ai', R.deviceLevel(1, 'ratio', 'PUE 1'));
  const capacity = R.pick('powerCapacityMW', 'MW', flags.capacityMw, '--capacity-mw', profile?.powerCapacityMW, 'powerCapacityMW', R.deviceLevel(1, 'MW', 'site totals for 1 MW'));
  const uptime = R.pick('uptimeFraction', 'fraction', flags.uptime, '--uptime', profile?.uptimeFraction, 'uptimeFraction', noSite ? R.deviceLevel(1, 'fraction', 'uptime 100%') : 'uptimeFraction');
  const util = R.pick('utilizationFraction', 'fraction', flags.utilization, '--utilization', profile?.inference?.utilizationFraction, 'inference.utilizationFraction', 'utilizationFraction');
  const opex = R.pick('fixedOpexUsdPerMWYear', 'USD/(MW·year)', undefined, '', profile?.fixedOpexUsdPerMWYear, 'fixedOpexUsdPerMWYear', 'fixedOpexUsdPerMWYear');
  const gpu = profile?.gpu;
  const gpuDep = R.pick('gpuDepreciationYears', 'years', undefined, '', gpu?.depreciationYears, 'gpu.depreciationYears', 'gpuDepreciationYears');
  const overhead = R.pick('gpuServerOverheadFactor', 'ratio', undefined, '', gpu?.serverOverheadFactor, 'gpu.serverOverheadFactor', 'gpuServerOverheadFactor');
  // Curtailment: flags > site; none by default.
  const c = profile?.curtailment;
  let curtailment: { hoursPerYear: number; creditUsdPerMWh: number } | null = null;
  if (flags.curtailmentHours !== undefined || c) {
    const h = R.pick('curtailmentHoursPerYear', 'h/year', flags.curtailmentHours, '--curtailment-hours', c?.hoursPerYear, 'curtailment.hoursPerYear', () => sourced(0, 'h/year', { kind: 'default', source: 'none', date: DEFAULTS_COMPILED }));
    const cr = R.pick('curtailmentCreditUsdPerMWh', 'USD/MWh', flags.curtailmentCredit, '--curtailment-credit', c?.creditUsdPerMWh, 'curtailment.creditUsdPerMWh', () =>
      sourced(0, 'USD/MWh', { kind: 'default', source: 'no credit assumed: pass --curtailment-credit <USD/MWh>', date: DEFAULTS_COMPILED }),
    );
    curtailment = { hoursPerYear: h.value, creditUsdPerMWh: cr.value };
  } else if (flags.curtailmentCredit !== undefined) {
    throw new InputError('--curtailment-credit needs --curtailment-hours <h/year> (or a curtailment block in the site file): the credit is paid for those hours');
  }
  // The AI-hall retrofit applies with a site (device-level figures have no hall) or when asked for.
  let retrofit: { capexUsdPerMW: number; years: number } | null = null;
  const h = profile?.hosting;
  const leaseAsked = flags.leaseUsdPerKwMonth !== undefined;
  if (profile || flags.retrofitCapexUsdPerMw !== undefined || leaseAsked) {
    const cap = R.pick('retrofitCapexUsdPerMW', 'USD/MW-IT', flags.retrofitCapexUsdPerMw, '--retrofit-capex-usd-per-mw', h?.retrofitCapexUsdPerMW, 'hosting.retrofitCapexUsdPerMW', 'retrofitCapexUsdPerMW');
    const yrs = R.pick('retrofitYears', 'years', flags.retrofitYears, '--retrofit-years', h?.retrofitYears, 'hosting.retrofitYears', 'retrofitYears');
    retrofit = { capexUsdPerMW: cap.value, years: yrs.value };
  } else if (flags.retrofitYears !== undefined) {
    throw new InputError('--retrofit-years needs --retrofit-capex-usd-per-mw <USD> (or --site <file>): there is no retrofit to depreciate');
  }
  const sla = profile ? R.pick('slaUptimeFraction', 'fraction', undefined, '', profile.slaUptimeFraction, 'slaUptimeFraction', 'slaUptimeFraction') : null;
  return {
    powerPriceUsdPerKWh: powerPrice.value,
    miningPue: miningPue.value,
    aiPue: aiPue.value,
    powerCapacityMW: capacity.value,
    uptimeFraction: uptime.value,
    utilizationFraction: util.value,
    fixedOpexUsdPerMWYear: opex.value,
    gpu: { capexUsd: null as number | null, serverCapexUsd: null as number | null, depreciationYears: gpuDep.value, serverOverheadFactor: overhead.value },
    curtailment,
    retrofit,
    slaUptimeFraction: sla?.value ?? null,
  };
}

function resolveTargets(R: Resolver): PriceTargets {
  const { flags, profile } = R.req;
  const tp = profile?.inference?.usdPerMTok;
  let usdPerMTok: PricedModel | null;
  if (flags.priceModel) usdPerMTok = { name: flags.priceModel, parameters: flags.priceModelParams ?? null };
  else if (tp?.model) usdPerMTok = { name: tp.model, parameters: tp.modelParameters ?? null };
  else if (flags.usdPerMtok !== undefined) usdPerMTok = null;
  else usdPerMTok = DEFAULT_PRICE_MODEL;
  if (flags.priceModelParams !== undefined && !flags.priceModel) throw new InputError('--price-model-params needs --price-model <name>: the count belongs to a named model');
  const siteGpu = profile?.gpu?.name ?? null;
  const usdPerGpuHour = flags.priceGpu ?? profile?.inference?.usdPerGpuHour?.gpu ?? siteGpu;
  const gpuCapex = flags.gpuCapexUsd !== undefined ? (flags.priceGpu ?? null) : profile?.gpu?.capexUsd ? siteGpu : null;
  return { usdPerMTok, usdPerGpuHour, gpuCapex };
}

function resolveAsics(R: Resolver): { specs: AsicSpec[]; siteAsics: SiteAsic[] } {
  const { flags, profile } = R.req;
  let ids: string[];
  if (flags.asic && flags.asic.length) {
    if (flags.asic.includes('none') && flags.asic.length > 1) {
      throw new InputError(`--asic ${flags.asic.join(' ')}: 'none' cannot be combined with ASIC ids; pass either --asic none or the ids`);
    }
    ids = flags.asic.includes('none') ? [] : flags.asic;
  } else if (profile?.asic) ids = [profile.asic.model];
  else ids = ['antminer-s21', 'whatsminer-m60'];
  const specs: AsicSpec[] = ids.map((id) => {
    const a = findAsic(id);
    if (!a) throw new InputError(`--asic '${id}': unknown model; one of: ${REFERENCE_ASICS.map((x) => x.id).join(', ')}, none`);
    return a;
  });
  if (!specs.length) return { specs, siteAsics: [] };
  const dep = R.pick('asicDepreciationYears', 'years', undefined, '', profile?.asic?.depreciationYears, 'asic.depreciationYears', 'asicDepreciationYears');
  // The default $/TH is resolved (listed as an input, and warned about when stale) only when some
  // ASIC actually takes its capex from it.
  let perTH: Sourced<number> | null = null;
  const siteAsics = specs.map((a) => {
    let capex: Sourced<number>;
    if (profile?.asic?.capexUsd && profile.asic.model === a.id) capex = R.fromSite(profile.asic.capexUsd, 'USD', 'asic.capexUsd');
    else {
      perTH ??= R.pick('asicCapexUsdPerTH', 'USD/(TH/s)', undefined, '', undefined, '', 'asicCapexUsdPerTH');
      capex = sourced(perTH.value * a.hashrateTHs, 'USD', { kind: 'derived', from: ['asicCapexUsdPerTH', `${a.id} hashrate`] });
    }
    R.inputs[`asic:${a.id}:capexUsd`] = capex;
    return { spec: a, capexUsd: capex.value, depreciationYears: dep.value };
  });
  return { specs, siteAsics };
}

function resolveLease(R: Resolver): LeaseTerms | null {
  const { flags, profile } = R.req;
  const h = profile?.hosting;
  const asked = flags.leaseUsdPerKwMonth !== undefined || flags.leasePowerPaidBy !== undefined || flags.leaseLoadFraction !== undefined;
  if (!profile && !asked) return null;
  if (!profile && flags.leaseUsdPerKwMonth === undefined) throw new InputError('lease flags without a lease price: pass --lease-usd-per-kw-month <USD> (or --site <file>)');
  const price = R.pick('leaseUsdPerKwMonth', 'USD/(kW-IT·month)', flags.leaseUsdPerKwMonth, '--lease-usd-per-kw-month', h?.leaseUsdPerKwMonth, 'hosting.leaseUsdPerKwMonth', 'leaseUsdPerKwMonth');
  let paidBy: Sourced<string>;
  if (flags.leasePowerPaidBy) paidBy = sourced(flags.leasePowerPaidBy, 'choice', { kind: 'flag', flag: '--lease-power-paid-by' });
  else if (h?.powerPaidBy) {
    const p: Provenance = { kind: 'site', file: R.file, field: 'hosting.powerPaidBy' };
    if (h.powerPaidBy.source) p.source = h.powerPaidBy.source;
    if (h.powerPaidBy.date) p.date = h.powerPaidBy.date;
    paidBy = sourced(h.powerPaidBy.value, 'choice', p);
  } else paidBy = sourced(DEFAULT_LEASE_POWER_PAID_BY.value, 'choice', { kind: 'default', source: DEFAULT_LEASE_POWER_PAID_BY.source, date: DEFAULT_LEASE_POWER_PAID_BY.date });
  R.inputs.leasePowerPaidBy = paidBy;
  const who = paidBy.value as 'site' | 'tenant';
  let load = 1;
  if (who === 'site') load = R.pick('leaseLoadFraction', 'fraction', flags.leaseLoadFraction, '--lease-load-fraction', h?.loadFraction, 'hosting.loadFraction', 'leaseLoadFraction').value;
  else if (flags.leaseLoadFraction !== undefined) {
    throw new InputError('--lease-load-fraction only applies when the site pays the power: add --lease-power-paid-by site (the tenant pays it now)');
  }
  return { usdPerKwMonth: price.value, loadFraction: load, powerPaidBy: who };
}

interface Devices {
  hash: HashFigure | null;
  infer: InferFigure | null;
  rental: RentalFigure | null;
}

type SiteOut = ReturnType<typeof resolveSite>;

/** What the per-figure resolution needs. */
interface DeviceCtx {
  R: Resolver;
  site: SiteOut;
  targets: PriceTargets;
  anyway: boolean;
  siteGpu: string | null;
  siteCapex: DeviceCapex | null;
  sitePowerW: Sourced<number> | null;
}

/** Capex for a figure on device `d` (undefined = stated by flags: the user's own device). */
function capexFor(ctx: DeviceCtx, d: MeasuredDevice | undefined, p: Pricing): { capex: DeviceCapex; note: string | null } {
  const none = (why: string) => ({ capex: { deviceUsd: null, serverUsd: 0, depreciationYears: ctx.site.gpu.depreciationYears }, note: why });
  const { siteCapex, targets } = ctx;
  if (!siteCapex) return none(`capex unknown: no margin after capex (pass --gpu-capex-usd <USD>${ctx.R.req.profile ? ' or set gpu.capexUsd' : ''})`);
  if (!d || p.pricedAnyway || !targets.gpuCapex) return { capex: siteCapex, note: null };
  if (d.kind === 'gpu' && sameGpu(d.name, targets.gpuCapex)) return { capex: siteCapex, note: null };
  return none(`capex unknown: the GPU capex is for ${targets.gpuCapex}, not ${deviceLabel(d)} (pass --gpu-capex-usd <USD> --price-gpu '<name>')`);
}

/**
 * Power of a figure: measured, --watts, or the site GPU's rated power (only for the site's own GPU
 * or a flag-stated figure). Null when there is none and the figure is not priced anyway (or the
 * request wants unpriced rows); otherwise an InputError asking for --watts.
 */
function powerFor(ctx: DeviceCtx, what: 'hash' | 'infer', m: MeasuredRate | null, d: MeasuredDevice | undefined, pricing: Pricing): { power: Sourced<number>; basis: string } | null {
  const { flags, measured } = ctx.R.req;
  if (m && m.powerW !== null && m.powerPath && measured) {
    // Declared watts stored in a result (--watts) keep their own provenance: never "measured".
    const prov = m.energyKind === 'declared' ? { kind: 'declared' as const, file: measured.file, path: m.powerPath } : { kind: 'measured' as const, file: measured.file, path: m.powerPath };
    return { power: sourced(m.powerW, 'W', prov), basis: energyLabel(m.energyKind, m.meter, m.scope) };
  }
  if (flags.watts !== undefined) return { power: sourced(flags.watts, 'W', { kind: 'flag', flag: '--watts' }), basis: 'stated (--watts), not measured' };
  const own = !m || (d?.kind === 'gpu' && ctx.siteGpu !== null && sameGpu(d.name, ctx.siteGpu));
  if (ctx.sitePowerW && own) return { power: ctx.sitePowerW, basis: 'site rated power, not measured' };
  if (!pricing.priced || ctx.R.req.missingPower === 'unpriced') return null;
  const why = m?.energyReason ? `the result's ${what} energy was not measured (${m.energyReason})` : `no power figure for the ${what} rate`;
  throw new InputError(`${why}: per-joule and per-MW figures need power; pass --watts <W> or set gpu.powerW in the site file`);
}

/** One device figure (hash or inference) with its rate, power, capex and pricing verdict. */
interface ResolvedFigure {
  rate: number;
  m: MeasuredRate | null;
  figure: FigureCommon;
  /** Energy basis of the power alone (for the rental row). */
  energyBasis: string | undefined;
  device: MeasuredDevice | undefined;
}

function resolveFigure(ctx: DeviceCtx, what: 'hash' | 'infer'): ResolvedFigure | null {
  const { R, site, targets, anyway } = ctx;
  const { flags, measured } = R.req;
  const flagRate = what === 'hash' ? flags.hashrate : flags.tokensPerSecond;
  const m = flagRate === undefined ? ((what === 'hash' ? measured?.hash : measured?.infer) ?? null) : null;
  if (flagRate === undefined && !m) return null;
  const [name, unit, flag] = what === 'hash' ? ['hashesPerSecond', 'H/s', '--hashrate'] : ['tokensPerSecond', 'tokens/s', '--tokens-per-second'];
  const rate = flagRate !== undefined ? sourced(flagRate, unit, { kind: 'flag', flag }) : sourced(m!.value, unit, { kind: 'measured', file: measured!.file, path: m!.path });
  R.inputs[name] = rate;
  const d = m ? (m.device ?? { kind: 'unknown' as const }) : undefined;
  const mi = what === 'infer' ? (m as MeasuredInferRate | null) : null;
  const pricing: Pricing = !m ? { priced: true, reason: null } : what === 'hash' ? hashPricing(d, anyway) : inferPricing(d, mi!.model, targets.usdPerMTok, targets.gpuCapex, anyway, mi!.serving);
  const pw = powerFor(ctx, what, m, d, pricing);
  if (pw) R.inputs[`${what}PowerW`] = pw.power;
  if (m && pw && m.energyReason && pw.power.provenance.kind !== 'measured' && pw.power.provenance.kind !== 'declared') R.warnings.push(`${what}: energy not measured in ${measured?.file} (${m.energyReason}); using ${pw.power.value} W (${pw.basis})`);
  const atWall = Boolean(pw && m?.scope === 'wall' && pw.power.provenance.kind === 'measured');
  if (atWall) R.inputs[`${what}ServerOverheadFactor`] = wallOverhead();
  const c = capexFor(ctx, d, pricing);
  const final: Pricing = pw ? pricing : { priced: false, reason: pricing.reason ?? `energy not measured (${m?.energyReason ?? 'no power'}): pass --watts <W> or a meter` };
  const notes = c.note && final.priced ? [c.note] : [];
  if (what === 'infer' && !m && targets.usdPerMTok) notes.push(`token price for ${targets.usdPerMTok.name}: the stated tokens/s are taken to be that model's`);
  const serving = mi ? servingLabel(mi.serving) : null;
  return {
    rate: rate.value,
    m,
    device: d,
    energyBasis: pw?.basis,
    figure: {
      powerW: pw?.power.value ?? 0,
      serverOverheadFactor: atWall ? 1 : site.gpu.serverOverheadFactor,
      capex: c.capex,
      pricing: final,
      device: deviceLabel(d),
      basis: [serving, pw?.basis ?? 'energy not measured'].filter(Boolean).join('; '),
      notes,
    },
  };
}

/**
 * Measured or stated device figures, each with its power, capex and pricing verdict; the rental
 * row from the matching measured GPU, a flag-stated figure, or the site's rated GPU power.
 */
function resolveDevices(R: Resolver, site: SiteOut, targets: PriceTargets): Devices {
  const { flags, profile } = R.req;
  const gpu = profile?.gpu;
  const cap = resolveGpuCapex(R);
  site.gpu.capexUsd = cap.site?.deviceUsd ?? null;
  site.gpu.serverCapexUsd = cap.site?.serverUsd ?? null;
  const ctx: DeviceCtx = {
    R,
    site,
    targets,
    anyway: Boolean(flags.priceAnyway),
    siteGpu: gpu?.name ?? null,
    siteCapex: cap.site,
    sitePowerW: gpu?.powerW ? R.fromSite(gpu.powerW, 'W', 'gpu.powerW') : null,
  };
  const h = resolveFigure(ctx, 'hash');
  const i = resolveFigure(ctx, 'infer');
  const hash: HashFigure | null = h ? { ...h.figure, hashesPerSecond: h.rate } : null;
  const infer: InferFigure | null = i ? { ...i.figure, tokensPerSecond: i.rate, model: modelLabel((i.m as MeasuredInferRate | null)?.model) } : null;
  // Both figures measured at the wall: one overhead input says so, not one per figure.
  const used = [hash, infer].filter((f): f is HashFigure | InferFigure => f !== null);
  if (used.length && used.every((f) => f.serverOverheadFactor === 1) && (R.inputs.hashServerOverheadFactor || R.inputs.inferServerOverheadFactor)) {
    R.inputs.gpuServerOverheadFactor = wallOverhead();
    delete R.inputs.hashServerOverheadFactor;
    delete R.inputs.inferServerOverheadFactor;
  }
  const rental = resolveRental(R, site, targets, cap.site, {
    hash,
    infer,
    mh: h?.m ?? null,
    mi: (i?.m as MeasuredInferRate | null) ?? null,
    sitePowerW: ctx.sitePowerW,
    anyway: ctx.anyway,
    energyBasis: { hash: h?.energyBasis, infer: i?.energyBasis },
  });
  return { hash, infer, rental };
}

function wallOverhead(): Sourced<number> {
  return sourced(1, 'ratio', {
    kind: 'derived',
    from: ['energy.scope'],
    note: 'power measured at the wall (scope wall) already includes the whole server, so no server overhead is added',
  });
}

/** The site's GPU capex (card + server share) and the GPU it is for. */
function resolveGpuCapex(R: Resolver): { site: DeviceCapex | null } {
  const { flags, profile } = R.req;
  const gpu = profile?.gpu;
  let card: Sourced<number> | null = null;
  if (flags.gpuCapexUsd !== undefined) card = sourced(flags.gpuCapexUsd, 'USD', { kind: 'flag', flag: '--gpu-capex-usd' });
  else if (gpu?.capexUsd) card = R.fromSite(gpu.capexUsd, 'USD', 'gpu.capexUsd');
  if (!card) return { site: null };
  R.inputs.gpuCapexUsd = card;
  let server: Sourced<number>;
  if (gpu?.serverCapexUsd && flags.gpuCapexUsd === undefined) server = R.fromSite(gpu.serverCapexUsd, 'USD', 'gpu.serverCapexUsd');
  else {
    const f = R.fromDefault('gpuServerCapexFraction');
    R.inputs.gpuServerCapexFraction = f;
    server = sourced(card.value * f.value, 'USD', { kind: 'derived', from: ['gpuCapexUsd', 'gpuServerCapexFraction'] });
  }
  R.inputs.gpuServerCapexUsd = server;
  return { site: { deviceUsd: card.value, serverUsd: server.value, depreciationYears: (R.inputs.gpuDepreciationYears?.value as number) ?? DEFAULTS.gpuDepreciationYears.value } };
}

function resolveRental(
  R: Resolver,
  site: SiteOut,
  targets: PriceTargets,
  siteCapex: DeviceCapex | null,
  x: { hash: HashFigure | null; infer: InferFigure | null; mh: MeasuredRate | null; mi: MeasuredInferRate | null; sitePowerW: Sourced<number> | null; anyway: boolean; energyBasis: { hash?: string; infer?: string } },
): RentalFigure | null {
  const { flags, profile } = R.req;
  if (!R.inputs.usdPerGpuHour) return null;
  const rentalGpu = targets.usdPerGpuHour;
  const capex: DeviceCapex = siteCapex ?? { deviceUsd: null, serverUsd: 0, depreciationYears: site.gpu.depreciationYears };
  const capexNote = siteCapex ? [] : [`capex unknown: no margin after capex (pass --gpu-capex-usd <USD>${profile ? ' or set gpu.capexUsd' : ''})`];
  // 1. A measured GPU figure with power: rent that GPU when it is the one the price is for.
  const measuredFig =
    (x.mi && x.infer && x.infer.powerW > 0 ? { m: x.mi, f: x.infer, basis: x.energyBasis.infer } : null) ?? (x.mh && x.hash && x.hash.powerW > 0 ? { m: x.mh, f: x.hash, basis: x.energyBasis.hash } : null);
  if (measuredFig) {
    const d = measuredFig.m.device ?? { kind: 'unknown' as const };
    const pricing = rentalPricing(d, rentalGpu, x.anyway);
    if (pricing.priced) {
      return { gpu: rentalGpu, powerW: measuredFig.f.powerW, serverOverheadFactor: measuredFig.f.serverOverheadFactor, capex, pricing, device: deviceLabel(d), basis: measuredFig.basis ?? 'measured', notes: capexNote };
    }
    // Not this GPU: the site's own GPU at its rated power still prices the rental, when given.
    if (!x.sitePowerW) return { gpu: rentalGpu, powerW: measuredFig.f.powerW, capex, pricing: { priced: false, reason: `${pricing.reason} (set gpu.powerW to price the site's GPU at its rated power)` }, device: deviceLabel(d), basis: measuredFig.basis ?? 'measured' };
  }
  // 2. A figure stated by flags (the user's own GPU).
  const stated = flags.tokensPerSecond !== undefined ? x.infer : flags.hashrate !== undefined ? x.hash : null;
  if (stated && stated.powerW > 0 && !measuredFig) {
    return { gpu: rentalGpu, powerW: stated.powerW, serverOverheadFactor: stated.serverOverheadFactor, capex, pricing: { priced: true, reason: null }, device: rentalGpu ? shortGpuName(rentalGpu) : null, basis: stated.basis ?? 'stated', notes: capexNote };
  }
  // 3. The site's GPU at its rated power (not measured).
  if (x.sitePowerW && (!rentalGpu || !profile?.gpu?.name || sameGpu(profile.gpu.name, rentalGpu))) {
    R.inputs.gpuPowerW = x.sitePowerW;
    return {
      gpu: rentalGpu,
      powerW: x.sitePowerW.value,
      serverOverheadFactor: site.gpu.serverOverheadFactor,
      capex: targets.gpuCapex && rentalGpu && !sameGpu(targets.gpuCapex, rentalGpu) ? { ...capex, deviceUsd: null } : capex,
      pricing: { priced: true, reason: null },
      device: rentalGpu ? shortGpuName(rentalGpu) : null,
      basis: 'site rated power, not measured',
      notes: capexNote,
    };
  }
  R.warnings.push(`GPU-hour price given but no power figure for ${rentalGpu ?? 'the GPU'}: set gpu.powerW in the site file (or measure it) to price the rental row`);
  return null;
}
