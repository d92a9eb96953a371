/**
 * Each use as a project, per MW of site power: its dated cash flows over its horizon, then NPV,
 * IRR and discounted payback (src/profit/finance.ts). Pure.
 *
 * - Capex on its real schedule (src/profit/capex-schedule.ts): an AI-hall use's retrofit is paid in
 *   equal monthly installments through its construction months, its GPUs and servers at
 *   commissioning; a use with no construction (the mining hall, or 0 months) pays everything today.
 * - Construction: an AI-hall use earns nothing for `constructionMonths` (whole months).
 * - Horizon: construction plus the use's shortest major asset life (parts with capex), in months;
 *   the cash flows run to the end of the year that contains it.
 * - Operating cash: the margin before capex (revenue − energy − opex) of each month in service
 *   (a month = 365/12 days), today's (snapshot) or the projected month's (projection; the last
 *   month repeated past its end), booked at the end of the year it is earned in (the annual
 *   end-of-year convention of issue 22).
 * - At the horizon each part is worth its straight-line value to its resale (GPU cards: resale at
 *   the end of their life; longer-lived parts: the remaining share of their cost).
 * - Discounted payback counts capex and operating cash only (no residual): when the capex is repaid
 *   by running the use, from today.
 */
import { discountedPaybackDated, irrDated, npvDated, type DatedFlow } from './finance.js';
import { capexSchedule, wholeMonths } from './capex-schedule.js';
import type { PricedRow, ProjectCashFlows } from './model-types.js';

/** Days in a finance month: a year of 365 days, as the capital charge counts it. */
export const FINANCE_DAYS_PER_MONTH = 365 / 12;

/** Finance terms of the projects. */
export interface ProjectTerms {
  discountRate: number;
  /** Months an AI-hall use is built before it earns. */
  constructionMonths: number;
}

/** Shortest life among the parts that cost something (the lease: its retrofit; an ASIC: its own). */
export function horizonYearsOf(row: PricedRow): number {
  const e = row.perMW;
  const dev = (e.capexParts.deviceUsd ?? 0) + e.capexParts.serverUsd;
  const lives = [...(dev > 0 ? [e.capexLives.deviceYears] : []), ...(e.capexParts.retrofitUsd > 0 ? [e.capexLives.retrofitYears] : [])];
  if (lives.length) return Math.min(...lives);
  return row.kind === 'hosting-lease' ? e.capexLives.retrofitYears : e.capexLives.deviceYears;
}

/** Value at `years` in service of a part of cost C, life L and resale S, straight-line from C to S. */
function valueAt(costUsd: number, lifeYears: number, resaleUsd: number, years: number): number {
  if (!(costUsd > 0)) return 0;
  const f = Math.min(1, years / lifeYears);
  return resaleUsd + (costUsd - resaleUsd) * (1 - f);
}

/** Cash flows of a use: the project and its flows without the residual (for the payback). */
function cashFlowsOf(row: PricedRow, terms: ProjectTerms, monthlyCashUsdPerMW: readonly number[] | null): { project: ProjectCashFlows; operating: DatedFlow[] } | null {
  const e = row.perMW;
  if (e.capexUsd === null) return null;
  const c = row.hall === 'ai' ? wholeMonths(terms.constructionMonths) : 0;
  const lifeYears = horizonYearsOf(row);
  const endMonth = c + Math.round(lifeYears * 12);
  const years = Math.max(1, Math.ceil(endMonth / 12));
  const snapshot = e.cashUsdPerDay * FINANCE_DAYS_PER_MONTH;
  const monthly = (m: number) => (monthlyCashUsdPerMW === null ? snapshot : (monthlyCashUsdPerMW[Math.min(m, monthlyCashUsdPerMW.length - 1)] ?? snapshot));
  const dev = (e.capexParts.deviceUsd ?? 0) + e.capexParts.serverUsd;
  const schedule = capexSchedule({ retrofitUsd: e.capexParts.retrofitUsd, devicesUsd: dev }, c);
  const op = new Array<number>(years + 1).fill(0);
  for (let m = c; m < endMonth; m++) op[Math.floor(m / 12) + 1]! += monthly(m);
  const residual = valueAt(dev, e.capexLives.deviceYears, Math.min(e.resaleUsd, dev), lifeYears) + valueAt(e.capexParts.retrofitUsd, e.capexLives.retrofitYears, 0, lifeYears);
  const operating: DatedFlow[] = [
    ...schedule.map((p) => ({ tYears: p.month / 12, usd: -p.usd })),
    ...op.flatMap((usd, t) => (t > 0 && usd !== 0 ? [{ tYears: t, usd, earnedFromYears: Math.max(c, 12 * (t - 1)) / 12 }] : [])),
  ];
  const flows = residual > 0 ? [...operating, { tYears: years, usd: residual }] : operating;
  const basis = monthlyCashUsdPerMW === null ? 'snapshot' : 'projection';
  return {
    project: { discountRate: terms.discountRate, horizonYears: years, lifeYears, constructionMonths: c, capexScheduleUsdPerMW: schedule, operatingUsdPerMW: op, residualUsdPerMW: residual, flowsUsdPerMW: flows, basis },
    operating,
  };
}

/**
 * Cash flows of a use (per MW) from its monthly operating cash in calendar months from today
 * (`monthlyCashUsdPerMW[m]`; null = today's cash every month). Null when capex is unknown.
 */
export function projectOf(row: PricedRow, terms: ProjectTerms, monthlyCashUsdPerMW: readonly number[] | null = null): ProjectCashFlows | null {
  return cashFlowsOf(row, terms, monthlyCashUsdPerMW)?.project ?? null;
}

/**
 * NPV, IRR and discounted payback of a row's project, set on the row (returns a new row). `npvOnly`
 * leaves IRR and payback null (the sensitivity sweeps rank on NPV alone, thousands of times).
 */
export function withProject(row: PricedRow, terms: ProjectTerms, monthlyCashUsdPerMW: readonly number[] | null = null, npvOnly = false): PricedRow {
  const p = cashFlowsOf(row, terms, monthlyCashUsdPerMW);
  if (!p) return { ...row, npvUsdPerMW: null, irr: null, discountedPaybackYears: null, project: null };
  const cf = p.project.flowsUsdPerMW;
  const npv = npvDated(terms.discountRate, cf);
  if (npvOnly) return { ...row, npvUsdPerMW: npv, irr: null, discountedPaybackYears: null, project: p.project };
  return { ...row, npvUsdPerMW: npv, irr: irrDated(cf), discountedPaybackYears: discountedPaybackDated(terms.discountRate, p.operating), project: p.project };
}
