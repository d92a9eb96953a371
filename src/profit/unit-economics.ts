/**
 * Economics of one device (or one MW, or the site), per day, in three phases: energy (with the
 * operator's dispatch of an interruptible use), opex (fixed by site power held, and a share of
 * sales revenue), capital (straight-line depreciation for the accounts; the capital charge,
 * capex × CRF(r, life) net of discounted resale, for the ranking). Pure.
 */
import { capitalChargeUsdPerYear } from './finance.js';
import { retrofitAtCommissioningUsd, wholeMonths } from './capex-schedule.js';
import type { CapexSpec, DeviceCapex, OpexTerms, SiteParams, UnitEconomics } from './model-types.js';

/** Days in the model's year (the capital charge and the annual cash flows count 365). */
export const DAYS_PER_YEAR = 365;

/** One device's inputs to unitEconomics(). */
export interface UnitInput {
  powerW: number;
  pue: number;
  dutyFraction: number;
  /** Sales revenue per day (before any curtailment credit). */
  revenueUsdPerDay: number;
  curtailmentCreditUsdPerDay?: number;
  btcPerDay: number | null;
  btcPriceUsd: number | null;
  capex: CapexSpec | DeviceCapex;
  /** Retrofit share of this unit and its life (AI hall). */
  retrofit?: { usd: number; years: number } | null;
  /** Energy the site does not pay (lease with tenant-paid power). */
  energyPaidByTenant?: boolean;
  /** This use's opex (its kind's terms); default none. */
  opex?: OpexTerms | null;
  /** Whole months the use is built before it earns (AI hall): its retrofit is paid monthly and carries interest until then; its devices are paid at commissioning. */
  constructionMonths?: number;
  /** This use's discount rate (its hurdle rate), fraction per year; default the site's. */
  discountRate?: number;
  /** Operator dispatch of an interruptible use: hourly price shape (mean 1) and the sale price of energy not drawn. */
  dispatch?: { priceShape: readonly number[]; saleUsdPerKWh: number | null } | null;
}

/** The site terms unitEconomics() reads. */
export type UnitSite = Pick<SiteParams, 'powerPriceUsdPerKWh' | 'fixedOpexUsdPerMWYear' | 'discountRate'>;

function deviceCapexOf(c: CapexSpec | DeviceCapex): DeviceCapex {
  return 'deviceUsd' in c ? c : { deviceUsd: c.capexUsd, serverUsd: 0, depreciationYears: c.depreciationYears };
}

interface EnergyPhase {
  energyKWhPerDay: number;
  energyCostUsdPerDay: number;
  salesUsdPerDay: number;
  btcPerDay: number | null;
  powerSaleUsdPerDay: number;
  dispatch: UnitEconomics['dispatch'];
}

/**
 * Energy and sales after dispatch. Always on: the device draws its power for its duty. Operator:
 * in each hour of the price shape (equal weights) it runs only when its revenue per kWh beats the
 * hour's price and the sale price (max(p_h, s)); an hour off earns max(0, s − p_h) per kWh not
 * drawn (energy bought under the contract and resold; without a sale price it is not bought).
 * A negative hour (day-ahead prices go below 0: Nordic SE1 has them) sells nothing — energy is
 * not bought to be resold when the market pays to take it — so the miner runs in it (its revenue
 * beats any negative price) and its energy cost for that hour is negative: it is paid to draw.
 */
function energyPhase(u: UnitInput, priceUsdPerKWh: number): EnergyPhase {
  const sitePowerW = u.powerW * u.pue;
  const fullKWh = u.energyPaidByTenant ? 0 : (sitePowerW / 1000) * 24 * u.dutyFraction;
  const base = { energyKWhPerDay: fullKWh, energyCostUsdPerDay: fullKWh * priceUsdPerKWh, salesUsdPerDay: u.revenueUsdPerDay, btcPerDay: u.btcPerDay, powerSaleUsdPerDay: 0, dispatch: null };
  if (!u.dispatch || fullKWh <= 0) return base;
  const shape = u.dispatch.priceShape.length ? u.dispatch.priceShape : [1];
  const sale = u.dispatch.saleUsdPerKWh;
  const revPerKWh = u.revenueUsdPerDay / fullKWh;
  let on = 0;
  let costPerKWh = 0;
  let salePerKWh = 0;
  for (const w of shape) {
    const p = priceUsdPerKWh * w;
    const resale = sale !== null && p >= 0 ? sale : null;
    if (revPerKWh >= Math.max(p, resale ?? -Infinity)) {
      on++;
      costPerKWh += p;
    } else if (resale !== null) salePerKWh += Math.max(0, resale - p);
  }
  const n = shape.length;
  const f = on / n;
  const basis = `${n === 1 ? 'period' : `${n} hourly prices`}: runs when revenue per kWh beats ${sale === null ? 'the power price' : `the power price and the $${sale}/kWh sale price`}`;
  return {
    energyKWhPerDay: fullKWh * f,
    energyCostUsdPerDay: (fullKWh * costPerKWh) / n,
    salesUsdPerDay: u.revenueUsdPerDay * f,
    btcPerDay: u.btcPerDay === null ? null : u.btcPerDay * f,
    powerSaleUsdPerDay: (fullKWh * salePerKWh) / n,
    dispatch: { onFraction: f, powerSaleUsdPerDay: (fullKWh * salePerKWh) / n, basis },
  };
}

interface CapitalPhase {
  capexUsd: number | null;
  capexParts: UnitEconomics['capexParts'];
  capexLives: UnitEconomics['capexLives'];
  resaleUsd: number;
  interestDuringConstructionUsd: number;
  depreciationUsdPerDay: number | null;
  capitalChargeUsdPerDay: number | null;
}

/**
 * Capex, straight-line depreciation and the capital charge at the use's discount rate, each part
 * valued when the use starts earning (src/profit/capex-schedule.ts): the retrofit, paid monthly
 * through construction, with its interest during construction; the devices (GPUs and servers,
 * ASICs) as paid, at commissioning, with none. So the charge per day in service agrees in sign
 * with the project's NPV.
 */
function capitalPhase(u: UnitInput, r: number): CapitalPhase {
  const dc = deviceCapexOf(u.capex);
  const retrofitUsd = u.retrofit?.usd ?? 0;
  const retrofitYears = u.retrofit?.years ?? 1;
  const resaleUsd = dc.resaleUsd ?? 0;
  const known = dc.deviceUsd !== null;
  const devUsd = (dc.deviceUsd ?? 0) + dc.serverUsd;
  const straight = devUsd / (dc.depreciationYears * DAYS_PER_YEAR) + (retrofitUsd > 0 ? retrofitUsd / (retrofitYears * DAYS_PER_YEAR) : 0);
  const retrofitAtStart = retrofitAtCommissioningUsd(retrofitUsd, r, wholeMonths(u.constructionMonths ?? 0));
  const charge =
    capitalChargeUsdPerYear(r, [
      { usd: devUsd, years: dc.depreciationYears, salvageUsd: resaleUsd },
      { usd: retrofitAtStart, years: retrofitYears },
    ]) / DAYS_PER_YEAR;
  return {
    capexUsd: known ? devUsd + retrofitUsd : null,
    capexParts: { deviceUsd: dc.deviceUsd, serverUsd: dc.serverUsd, retrofitUsd },
    capexLives: { deviceYears: dc.depreciationYears, retrofitYears },
    resaleUsd,
    interestDuringConstructionUsd: retrofitAtStart - retrofitUsd,
    depreciationUsdPerDay: known ? straight : null,
    capitalChargeUsdPerDay: known ? charge : null,
  };
}

/** Economics of one device at a site. Exported for tests and for custom rows. */
export function unitEconomics(u: UnitInput, site: UnitSite): UnitEconomics {
  const sitePowerW = u.powerW * u.pue;
  const e = energyPhase(u, site.powerPriceUsdPerKWh);
  // A curtailment credit pays for load not drawn when the grid asks: only while the device runs
  // (a miner its operator switched off has no load to curtail). Break-evens (always on) take it whole.
  const fullCredit = u.curtailmentCreditUsdPerDay ?? 0;
  const credit = fullCredit * (e.dispatch ? e.dispatch.onFraction : 1);
  const revenueUsdPerDay = e.salesUsdPerDay + credit + e.powerSaleUsdPerDay;
  const profitUsdPerDay = revenueUsdPerDay - e.energyCostUsdPerDay;
  // Fixed opex is charged by site power (capacity held for the device), not by energy drawn.
  const fixedPerMWYear = site.fixedOpexUsdPerMWYear + (u.opex?.fixedUsdPerMWYear ?? 0);
  const fixedOpexUsdPerDay = ((fixedPerMWYear / DAYS_PER_YEAR) * sitePowerW) / 1e6;
  const revenueOpexUsdPerDay = e.salesUsdPerDay * (u.opex?.revenueFraction ?? 0);
  const cashUsdPerDay = profitUsdPerDay - fixedOpexUsdPerDay - revenueOpexUsdPerDay;
  const c = capitalPhase(u, u.discountRate ?? site.discountRate ?? 0);
  const marginUsdPerDay = c.depreciationUsdPerDay === null ? null : cashUsdPerDay - c.depreciationUsdPerDay;
  const marginAfterCC = c.capitalChargeUsdPerDay === null ? null : cashUsdPerDay - c.capitalChargeUsdPerDay;
  // Break-evens at a flat price, always on: the energy a day at full duty and the sales it brings.
  const fullKWh = u.energyPaidByTenant ? 0 : (sitePowerW / 1000) * 24 * u.dutyFraction;
  const perKWh = (x: number) => (fullKWh > 0 ? x / fullKWh : Infinity);
  const netSales = u.revenueUsdPerDay * (1 - (u.opex?.revenueFraction ?? 0)) + fullCredit;
  const btc = u.btcPerDay;
  const btcPrice = (cost: number) => (btc === null || u.btcPriceUsd === null ? null : btc > 0 ? (cost - fullCredit) / (btc * (1 - (u.opex?.revenueFraction ?? 0))) : Infinity);
  const fullCost = fullKWh * site.powerPriceUsdPerKWh;
  return {
    powerW: u.powerW,
    sitePowerW,
    dutyFraction: u.dutyFraction,
    btcPerDay: e.btcPerDay,
    revenueUsdPerDay,
    curtailmentCreditUsdPerDay: credit,
    energyKWhPerDay: e.energyKWhPerDay,
    energyCostUsdPerDay: e.energyCostUsdPerDay,
    profitUsdPerDay,
    profitUsdPerYear: profitUsdPerDay * DAYS_PER_YEAR,
    fixedOpexUsdPerDay,
    revenueOpexUsdPerDay,
    cashUsdPerDay,
    ...c,
    marginAfterCapitalChargeUsdPerDay: marginAfterCC,
    marginUsdPerDay,
    marginUsdPerYear: marginUsdPerDay === null ? null : marginUsdPerDay * DAYS_PER_YEAR,
    breakEvenUsdPerKWh: perKWh(u.revenueUsdPerDay + fullCredit),
    breakEvenAllInUsdPerKWh: c.depreciationUsdPerDay === null ? null : perKWh(netSales - c.depreciationUsdPerDay - fixedOpexUsdPerDay),
    breakEvenAfterCapitalChargeUsdPerKWh: c.capitalChargeUsdPerDay === null ? null : perKWh(netSales - c.capitalChargeUsdPerDay - fixedOpexUsdPerDay),
    breakEvenBtcPriceUsd: btcPrice(fullCost),
    breakEvenAllInBtcPriceUsd: c.depreciationUsdPerDay === null ? null : btcPrice(fullCost + fixedOpexUsdPerDay + c.depreciationUsdPerDay),
    paybackDays: c.capexUsd !== null && cashUsdPerDay > 0 ? c.capexUsd / cashUsdPerDay : null,
    dispatch: e.dispatch,
  };
}

/** Scale the extensive quantities of a unit by `k` (k devices); intensive ones stay. */
export function scaleUnit(e: UnitEconomics, k: number): UnitEconomics {
  const m = (x: number | null) => (x === null ? null : x * k);
  return {
    ...e,
    powerW: e.powerW * k,
    sitePowerW: e.sitePowerW * k,
    btcPerDay: m(e.btcPerDay),
    revenueUsdPerDay: e.revenueUsdPerDay * k,
    curtailmentCreditUsdPerDay: e.curtailmentCreditUsdPerDay * k,
    energyKWhPerDay: e.energyKWhPerDay * k,
    energyCostUsdPerDay: e.energyCostUsdPerDay * k,
    profitUsdPerDay: e.profitUsdPerDay * k,
    profitUsdPerYear: e.profitUsdPerYear * k,
    fixedOpexUsdPerDay: e.fixedOpexUsdPerDay * k,
    revenueOpexUsdPerDay: e.revenueOpexUsdPerDay * k,
    cashUsdPerDay: e.cashUsdPerDay * k,
    capexUsd: m(e.capexUsd),
    capexParts: { deviceUsd: m(e.capexParts.deviceUsd), serverUsd: e.capexParts.serverUsd * k, retrofitUsd: e.capexParts.retrofitUsd * k },
    resaleUsd: e.resaleUsd * k,
    interestDuringConstructionUsd: e.interestDuringConstructionUsd * k,
    depreciationUsdPerDay: m(e.depreciationUsdPerDay),
    capitalChargeUsdPerDay: m(e.capitalChargeUsdPerDay),
    marginAfterCapitalChargeUsdPerDay: m(e.marginAfterCapitalChargeUsdPerDay),
    marginUsdPerDay: m(e.marginUsdPerDay),
    marginUsdPerYear: m(e.marginUsdPerYear),
    dispatch: e.dispatch ? { ...e.dispatch, powerSaleUsdPerDay: e.dispatch.powerSaleUsdPerDay * k } : null,
  };
}
