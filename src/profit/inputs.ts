/**
 * Resolve every input of the profit model from, in order of precedence: a command-line flag, a
 * measured figure (result file), the site file, a shipped default. Each resolved number keeps its
 * provenance. Measured figures are priced only when they measured what the prices are for
 * (pricing.ts). Pure: the CLI reads the files and passes their contents in.
 *
 * Phases: market (inputs-site.ts resolveMarket, with the token-price ladder), site, finance and
 * opex, ASICs, devices (inputs-devices.ts), lease; then the comparison input.
 */
import { InputError, Resolver, type ResolvedInputs, type ResolveRequest } from './inputs-core.js';
import { resolveAsics, resolveFinance, resolveLease, resolveMarket, resolveOpex, resolveSite, resolveTargets } from './inputs-site.js';
import { resolveDevices } from './inputs-devices.js';
import type { ComparisonInput } from './model.js';

export * from './inputs-core.js';
export { DEFAULT_PRICE_MODEL, tokenLadderOf } from './inputs-site.js';

/** Warn when the grid curtails more than the AI uses' SLA allows (firm load needs backup). */
function slaWarning(R: Resolver, site: ReturnType<typeof resolveSite>, hasAi: boolean): void {
  if (!site.curtailment || site.curtailment.hoursPerYear <= 0 || !R.req.profile || !hasAi) return;
  const sla = site.slaUptimeFraction ?? 1;
  const allowed = (1 - sla) * 8760;
  if (site.curtailment.hoursPerYear > allowed) {
    R.warnings.push(
      `the grid curtails this site ${site.curtailment.hoursPerYear} h/year, more than the AI uses' SLA allows (${allowed.toFixed(1)} h/year at ${(sla * 100).toPrecision(5)} %): firm AI load needs backup power or a firm supply contract, not priced here`,
    );
  }
}

/** Resolve all inputs. Throws InputError naming the flag or field to fix. */
export function resolveProfitInputs(req: ResolveRequest): ResolvedInputs {
  const { flags } = req;
  const R = new Resolver(req);
  const market = resolveMarket(R);
  const site = resolveSite(R);
  const fin = resolveFinance(R, site.retrofit !== null);
  const opex = resolveOpex(R);
  const targets = resolveTargets(R, market.tokens.model);
  const asics = resolveAsics(R);
  const devices = resolveDevices(R, site, targets, market.tokens.ladder, fin.gpuResaleFraction);
  const lease = resolveLease(R);
  if (!devices.hash && !devices.infer && !devices.rental && !asics.siteAsics.length && !lease) {
    throw new InputError('nothing to price: pass --hashrate and --watts, --tokens-per-second and --watts, --results <result.json>, --site <file>, or keep a reference --asic');
  }
  slaWarning(R, site, Boolean(devices.infer || devices.rental || lease));
  const comparison: ComparisonInput = {
    hash: devices.hash,
    infer: devices.infer,
    rental: devices.rental,
    lease,
    site: {
      ...site,
      asics: asics.siteAsics,
      discountRate: fin.finance.discountRate,
      discountRateByKind: fin.finance.discountRateByKind,
      constructionMonths: fin.finance.constructionMonths,
      opex,
      powerPriceProfile: fin.powerPriceProfile,
      powerSaleUsdPerKWh: fin.powerSaleUsdPerKWh,
    },
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
    tokenPrices: market.tokens.ladder,
    finance: fin.finance,
    currentUseId: flags.currentUse ?? null,
    warnings: R.warnings,
  };
}
