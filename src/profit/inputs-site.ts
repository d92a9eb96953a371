/**
 * Input resolution, market and site phase: chain and prices, the token-price ladder, the site's
 * power and halls, ASICs, the lease, opex per use kind, and the cost of capital. Pure.
 */
import { DEFAULT_LEASE_POWER_PAID_BY, DEFAULT_OPEX, DEFAULTS, DEFAULTS_COMPILED, estimateHeightOn, OPEX_KINDS, type OpexKind } from './defaults.js';
import { findAsic, REFERENCE_ASICS, type AsicSpec } from './asics.js';
import { blockSubsidyBtc } from './subsidy.js';
import { sourced, type Provenance, type Sourced } from './provenance.js';
import { modelKey, modelMismatch, type PricedModel } from './match.js';
import { InputError, Resolver, type FinanceInputs, type PriceTargets, type TokenPrice } from './inputs-core.js';
import type { LeaseTerms, OpexTerms, SiteAsic } from './model.js';
import type { SiteProfile } from './profile.js';

/** Model named by the shipped default token price. */
export const DEFAULT_PRICE_MODEL: PricedModel = { name: 'Llama-3.1-8B-Instruct', parameters: 8.03e9 };

/** Market inputs: prices, chain state, the projection's growth and decline rates. */
export function resolveMarket(R: Resolver) {
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
  const tokens = resolveTokenPrice(R);
  const usdPerMTok = tokens.usdPerMTok;
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
  return { btcPrice, difficulty, fees, poolFee, height, subsidy, usdPerMTok, tokens, usdPerGpuHour, dGrowth, pGrowth, fGrowth, tokDecline, gpuDecline, ramp };
}

/** Site inputs: power price, PUEs, capacity, uptime, utilization, GPU terms, curtailment, retrofit. */
export function resolveSite(R: Resolver) {
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
  // Network and storage are part of an AI hall's critical IT; device-level figures have no hall.
  const share = R.pick('networkStorageShareOfCriticalIT', 'fraction of critical IT', undefined, '', gpu?.networkStorageShareOfCriticalIT, 'gpu.networkStorageShareOfCriticalIT', noSite ? R.deviceLevel(0, 'fraction of critical IT', 'no AI hall: GPU and host only') : 'networkStorageShareOfCriticalIT');
  let leaseRetrofit: { capexUsdPerMW: number; years: number } | null = null;
  if (flags.leaseRetrofitCapexUsdPerMw !== undefined || h?.leaseRetrofitCapexUsdPerMW) {
    if (!retrofit) throw new InputError('--lease-retrofit-capex-usd-per-mw needs a lease: pass --lease-usd-per-kw-month <USD> or --site <file>');
    const cap = R.pick('leaseRetrofitCapexUsdPerMW', 'USD/MW-IT', flags.leaseRetrofitCapexUsdPerMw, '--lease-retrofit-capex-usd-per-mw', h?.leaseRetrofitCapexUsdPerMW, 'hosting.leaseRetrofitCapexUsdPerMW', 'retrofitCapexUsdPerMW');
    leaseRetrofit = { capexUsdPerMW: cap.value, years: retrofit.years };
  }
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
    leaseRetrofit,
    slaUptimeFraction: sla?.value ?? null,
    networkStorageShare: share.value,
  };
}

/** What each price is for: the token price's model, the GPU-hour price's and the GPU capex's GPU. */
export function resolveTargets(R: Resolver, tokenModel: PricedModel | null): PriceTargets {
  const { flags, profile } = R.req;
  const usdPerMTok = tokenModel;
  if (flags.priceModelParams !== undefined && !flags.priceModel) throw new InputError('--price-model-params needs --price-model <name>: the count belongs to a named model');
  const siteGpu = profile?.gpu?.name ?? null;
  const usdPerGpuHour = flags.priceGpu ?? profile?.inference?.usdPerGpuHour?.gpu ?? siteGpu;
  const gpuCapex = flags.gpuCapexUsd !== undefined ? (flags.priceGpu ?? null) : profile?.gpu?.capexUsd ? siteGpu : null;
  return { usdPerMTok, usdPerGpuHour, gpuCapex };
}

/** The reference ASICs and their capex terms. */
export function resolveAsics(R: Resolver): { specs: AsicSpec[]; siteAsics: SiteAsic[] } {
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

/** The colocation lease of the AI hall, or null when neither a site nor a lease flag asks for one. */
export function resolveLease(R: Resolver): LeaseTerms | null {
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
/** A rung of the token-price ladder and where its price came from. */
interface Rung {
  model: PricedModel;
  price: Sourced<number>;
}

/**
 * The token price: --usd-per-mtok (one price, for --price-model or the site's model), else the
 * rung of the site's ladder (`inference.usdPerMTok` and `inference.tokenPrices`) whose model is
 * the measured one, else its first rung, else the shipped default (Llama-3.1-8B).
 */
export function resolveTokenPrice(R: Resolver): { usdPerMTok: Sourced<number>; model: PricedModel | null; ladder: TokenPrice[] } {
  const { flags, profile, measured } = R.req;
  const inf = profile?.inference;
  const flagModel: PricedModel | null = flags.priceModel ? { name: flags.priceModel, parameters: flags.priceModelParams ?? null } : null;
  const siteModel: PricedModel | null = inf?.usdPerMTok?.model ? { name: inf.usdPerMTok.model, parameters: inf.usdPerMTok.modelParameters ?? null } : null;
  if (flags.usdPerMtok !== undefined) {
    const price = sourced(flags.usdPerMtok, 'USD/Mtok', { kind: 'flag', flag: '--usd-per-mtok' });
    R.inputs.usdPerMTok = price;
    const model = flagModel ?? siteModel;
    return { usdPerMTok: price, model, ladder: model ? [{ model, usdPerMTok: price.value }] : [] };
  }
  const rungs: Rung[] = [];
  if (inf?.usdPerMTok && siteModel) rungs.push({ model: siteModel, price: R.fromSite(inf.usdPerMTok, 'USD/Mtok', 'inference.usdPerMTok') });
  for (const [i, t] of (inf?.tokenPrices ?? []).entries()) {
    if (rungs.some((r) => modelKey(r.model.name) === modelKey(t.model))) continue;
    rungs.push({ model: { name: t.model, parameters: t.modelParameters }, price: R.fromSite(t, 'USD/Mtok', `inference.tokenPrices[${i}]`) });
  }
  if (!rungs.length) rungs.push({ model: DEFAULT_PRICE_MODEL, price: R.fromDefault('usdPerMTok') });
  const mm = measured?.infer?.model ?? null;
  const chosen = (mm && !flagModel ? rungs.find((r) => modelMismatch(mm, r.model) === null) : undefined) ?? rungs[0]!;
  R.inputs.usdPerMTok = chosen.price;
  return { usdPerMTok: chosen.price, model: flagModel ?? chosen.model, ladder: rungs.map((r) => ({ model: r.model, usdPerMTok: r.price.value })) };
}

/** Opex per use kind: --opex-fixed / --opex-revenue-fraction > site `opex:` block > shipped default. */
export function resolveOpex(R: Resolver): Record<OpexKind, OpexTerms> {
  const { flags, profile } = R.req;
  const out = {} as Record<OpexKind, OpexTerms>;
  for (const k of OPEX_KINDS) {
    const site = profile?.opex?.[k];
    const d = DEFAULT_OPEX[k];
    const fixed = R.pick(`opex:${k}:fixedUsdPerMWYear`, 'USD/(MW·year)', flags.opexFixed?.[k], `--opex-fixed ${k}=`, site?.fixedUsdPerMWYear, `opex.${k}.fixedUsdPerMWYear`, d.fixedUsdPerMWYear);
    const frac = R.pick(`opex:${k}:revenueFraction`, 'fraction of revenue', flags.opexRevenueFraction?.[k], `--opex-revenue-fraction ${k}=`, site?.revenueFraction, `opex.${k}.revenueFraction`, d.revenueFraction);
    out[k] = { fixedUsdPerMWYear: fixed.value, revenueFraction: frac.value };
  }
  return out;
}

/**
 * Hurdle rates per use kind: --discount-rate-kind kind=f, else the site's
 * finance.discountRateByKind — unless --discount-rate is given, which sets every kind without its
 * own flag (a flag replaces the site file's rates, as every flag does). Kinds with none take the
 * default rate. Each is listed as an input `discountRate:<kind>`.
 */
function resolveRatesByKind(R: Resolver): Partial<Record<OpexKind, number>> {
  const { flags, profile } = R.req;
  const site = flags.discountRate === undefined ? profile?.finance?.discountRateByKind : undefined;
  const out: Partial<Record<OpexKind, number>> = {};
  for (const k of OPEX_KINDS) {
    const flag = flags.discountRateKind?.[k];
    const s = site?.[k];
    if (flag === undefined && !s) continue;
    out[k] = R.pick(`discountRate:${k}`, 'fraction/year', flag, `--discount-rate-kind ${k}=`, s, `finance.discountRateByKind.${k}`, () => {
      throw new InputError(`discount rate of ${k}: no value`);
    }).value;
  }
  return out;
}

/**
 * Cost of capital and project terms: the discount rate, construction months of an AI-hall use
 * (0 without a hall: device-level figures), the capex budget, resale fractions, the sale price of
 * energy curtailed miners do not draw, and the hourly power price profile.
 */
export function resolveFinance(R: Resolver, hasHall: boolean) {
  const { flags, profile } = R.req;
  const f = profile?.finance;
  const discount = R.pick('discountRate', 'fraction/year', flags.discountRate, '--discount-rate', f?.discountRate, 'finance.discountRate', 'discountRate');
  const byKind = resolveRatesByKind(R);
  const construction = hasHall
    ? R.pick('constructionMonths', 'months', flags.constructionMonths, '--construction-months', f?.constructionMonths, 'finance.constructionMonths', 'constructionMonths').value
    : 0;
  if (!hasHall && flags.constructionMonths !== undefined) throw new InputError('--construction-months needs an AI hall to build: pass --site <file> or --retrofit-capex-usd-per-mw <USD>');
  let budget: number | null = null;
  if (flags.capexBudgetUsd !== undefined) budget = R.pick('capexBudgetUsd', 'USD', flags.capexBudgetUsd, '--capex-budget-usd', undefined, '', () => sourced(0, 'USD', { kind: 'flag', flag: '--capex-budget-usd' })).value;
  else if (f?.capexBudgetUsd) budget = R.pick('capexBudgetUsd', 'USD', undefined, '', f.capexBudgetUsd, 'finance.capexBudgetUsd', () => sourced(0, 'USD', { kind: 'default', source: 'none', date: DEFAULTS_COMPILED })).value;
  const asicResale = R.pick('asicResaleFraction', 'fraction of ASIC capex', flags.asicResaleFraction, '--asic-resale-fraction', f?.asicResaleFraction, 'finance.asicResaleFraction', 'asicResaleFraction');
  const asicDecline = R.pick('asicResaleDeclinePerYear', 'fraction/year', flags.asicResaleDeclinePerYear, '--asic-resale-decline-per-year', f?.asicResaleDeclinePerYear, 'finance.asicResaleDeclinePerYear', 'asicResaleDeclinePerYear');
  const gpuResale = R.pick('gpuResaleFraction', 'fraction of GPU card capex', flags.gpuResaleFraction, '--gpu-resale-fraction', f?.gpuResaleFraction, 'finance.gpuResaleFraction', 'gpuResaleFraction');
  let sale: number | null = null;
  if (flags.powerSaleUsdPerKwh !== undefined || f?.powerSaleUsdPerKWh) {
    sale = R.pick('powerSaleUsdPerKWh', 'USD/kWh', flags.powerSaleUsdPerKwh, '--power-sale-usd-per-kwh', f?.powerSaleUsdPerKWh, 'finance.powerSaleUsdPerKWh', () => sourced(0, 'USD/kWh', { kind: 'default', source: 'none', date: DEFAULTS_COMPILED })).value;
  }
  const pp = profile?.powerPriceProfile;
  if (pp) {
    const p: Provenance = { kind: 'site', file: R.file, field: 'powerPriceProfile.hourlyUsdPerKWh' };
    if (pp.source) p.source = pp.source;
    if (pp.date) p.date = pp.date;
    R.inputs.powerPriceProfile = sourced(null, `${pp.hourlyUsdPerKWh.length} hourly prices, USD/kWh (mean ${(pp.hourlyUsdPerKWh.reduce((a, b) => a + b, 0) / pp.hourlyUsdPerKWh.length).toPrecision(3)}; scaled to powerPriceUsdPerKWh)`, p);
  }
  const finance: FinanceInputs = { discountRate: discount.value, discountRateByKind: byKind, capexBudgetUsd: budget, asicResaleFraction: asicResale.value, asicResaleDeclinePerYear: asicDecline.value, constructionMonths: construction };
  return { finance, gpuResaleFraction: gpuResale.value, powerSaleUsdPerKWh: sale, powerPriceProfile: pp ? pp.hourlyUsdPerKWh : null };
}

/**
 * The token prices a site file carries (`inference.usdPerMTok` and the `inference.tokenPrices`
 * ladder), as model + $/Mtok; the shipped default (Llama-3.1-8B) when it has none. `run` picks its
 * default inference model from these.
 */
export function tokenLadderOf(profile: SiteProfile | null): { name: string; parameters: number | null; usdPerMTok: number }[] {
  const inf = profile?.inference;
  const out: { name: string; parameters: number | null; usdPerMTok: number }[] = [];
  if (inf?.usdPerMTok?.model) out.push({ name: inf.usdPerMTok.model, parameters: inf.usdPerMTok.modelParameters ?? null, usdPerMTok: inf.usdPerMTok.value });
  for (const t of inf?.tokenPrices ?? []) if (!out.some((o) => modelKey(o.name) === modelKey(t.model))) out.push({ name: t.model, parameters: t.modelParameters, usdPerMTok: t.value });
  return out.length ? out : [{ name: DEFAULT_PRICE_MODEL.name, parameters: DEFAULT_PRICE_MODEL.parameters, usdPerMTok: DEFAULTS.usdPerMTok.value }];
}
