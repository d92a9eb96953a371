/**
 * Switching as a project, and the best split of the site's MW between options. Pure.
 *
 * Switch project (per MW of site power), from the current use to the best new one:
 *   the best use's capex on its schedule (src/profit/capex-schedule.ts), less the resale of the
 *   current use's ASIC fleet (sold at the switch, today); construction: the hall is rebuilt,
 *   neither use earns (the current use's cash, good or bad, stops); then the best use's monthly
 *   cash. Payback = the month its cumulative gain over staying (the current use's cash, no new
 *   capex; a miner losing money on its energy is off, as its operator would have it) repays the
 *   net capex. The NPV gain is the best use's NPV at its own rate, plus the resale, less staying's
 *   cash over the same horizon at the current use's rate (each stream at its own risk: value
 *   additivity, Brealey, Myers & Allen ch. 7).
 * Selling (the best option is to leave the power unused): the fleet's resale today, no capex; the
 *   NPV gain is the idle year's NPV less keeping's (src/profit/options.ts).
 *
 * Split: x_i MW of option i, Σ x_i ≤ site MW, Σ capex_i · x_i ≤ budget, maximising Σ x_i · value_i
 * (value = the option's rank per MW-day: after capital charge for a new use, after the opportunity
 * cost for the current one, whose capex is sunk). Options that destroy value take no MW. A linear
 * programme with two constraints has an optimum with at most two options at a vertex, so every
 * single option and every pair with both constraints tight is tried (a small exhaustive search).
 */
import { npv, npvDated } from './finance.js';
import { FINANCE_DAYS_PER_MONTH } from './project-finance.js';
import type { PricedRow } from './model-types.js';

/** The switch from the current use to the best option, as a project. */
export interface SwitchProject {
  fromUseId: string;
  toUseId: string;
  constructionMonths: number;
  capexUsdPerMW: number;
  /** Resale of the current use's ASIC fleet at the switch. */
  asicResaleUsdPerMW: number;
  /** Months from the switch until the cumulative gain repays the net capex; null when it never does within the horizon. */
  paybackMonths: number | null;
  /** NPV of switching minus staying, per MW. */
  npvGainUsdPerMW: number | null;
  basis: 'snapshot' | 'projection';
}

/** Monthly operating cash per MW (calendar months from today, finance months), or null for today's every month. */
export type MonthlyCash = (id: string) => readonly number[] | null;

/** Resale of the current use's devices at the switch, per MW (ASIC fleets only). */
export function asicResaleUsdPerMW(current: PricedRow, fraction: number): number {
  return current.kind === 'asic-mining' ? (current.perMW.capexUsd ?? 0) * fraction : 0;
}

/**
 * Today's cash per MW-day of staying with the current use. An interruptible use (a miner) that
 * loses money on its energy is switched off by its operator, as in a projection (issue 22 item 3):
 * it then pays only its fixed opex, not its energy at a loss for the whole horizon.
 */
export function stayingCashUsdPerMWDay(current: PricedRow): number {
  const e = current.perMW;
  if (!current.interruptible) return e.cashUsdPerDay;
  return Math.max(0, e.cashUsdPerDay + e.fixedOpexUsdPerDay) - e.fixedOpexUsdPerDay;
}

/** A use's cash in finance month k: from its projected series (the last month repeated), or today's. */
export function monthlyCashOf(id: string, snapshotUsdPerDay: number, monthly: MonthlyCash): (k: number) => number {
  const m = monthly(id);
  const snap = snapshotUsdPerDay * FINANCE_DAYS_PER_MONTH;
  return (k: number) => (m === null ? snap : (m[Math.min(k, m.length - 1)] ?? snap));
}

/** The switch project from `current` to the new use `best` (see the module comment). */
export function switchProject(best: PricedRow, current: PricedRow, opts: { asicResaleFraction: number; monthly: MonthlyCash }): SwitchProject | null {
  const p = best.project;
  if (!p || best.perMW.capexUsd === null) return null;
  const resale = asicResaleUsdPerMW(current, opts.asicResaleFraction);
  const capex = best.perMW.capexUsd;
  const months = p.constructionMonths + Math.round(p.lifeYears * 12);
  const bestCash = monthlyCashOf(best.id, best.perMW.cashUsdPerDay, opts.monthly);
  const curCash = monthlyCashOf(current.id, stayingCashUsdPerMWDay(current), opts.monthly);
  let cum = resale - capex;
  let payback: number | null = cum >= 0 ? 0 : null;
  const stay = new Array<number>(p.horizonYears + 1).fill(0);
  for (let k = 0; k < months; k++) {
    const gain = (k >= p.constructionMonths ? bestCash(k) : 0) - curCash(k);
    stay[Math.floor(k / 12) + 1]! += curCash(k);
    if (payback === null) {
      if (cum + gain >= 0 && gain > 0) payback = k + -cum / gain;
      cum += gain;
    }
  }
  // Switching minus staying: the best use's dated flows at its rate and the fleet sold today, less staying's year-end cash at the current use's rate.
  const npvGain = npvDated(best.discountRate, p.flowsUsdPerMW) + resale - npv(current.discountRate, stay);
  return { fromUseId: current.id, toUseId: best.id, constructionMonths: p.constructionMonths, capexUsdPerMW: capex, asicResaleUsdPerMW: resale, paybackMonths: payback, npvGainUsdPerMW: npvGain, basis: p.basis };
}

/** Selling the current use and leaving the power unused: the resale today, the NPV gain of the idle year over keeping's. */
export function sellProject(current: { id: string; npvUsdPerMW: number | null; resaleNowUsdPerMW: number }, idle: { id: string; npvUsdPerMW: number | null }, basis: 'snapshot' | 'projection'): SwitchProject {
  const gain = idle.npvUsdPerMW === null || current.npvUsdPerMW === null ? null : idle.npvUsdPerMW - current.npvUsdPerMW;
  return { fromUseId: current.id, toUseId: idle.id, constructionMonths: 0, capexUsdPerMW: 0, asicResaleUsdPerMW: current.resaleNowUsdPerMW, paybackMonths: 0, npvGainUsdPerMW: gain, basis };
}

/** MW of one option in the split. */
export interface SplitPart {
  id: string;
  mw: number;
  capexUsd: number;
  /** Value per day of these MW (the option's rank per MW-day × MW). */
  valueUsdPerDay: number;
}

/** The best split of the site's MW under the capex budget. */
export interface Split {
  parts: SplitPart[];
  idleMW: number;
  capexUsd: number;
  valueUsdPerDay: number;
  capexBudgetUsd: number | null;
}

/** An option the split may give MW to: its value per MW-day and the new capex per MW it needs. */
export interface SplitCandidate {
  id: string;
  valuePerMWDay: number;
  capexPerMW: number;
}

function evaluate(xs: Array<[SplitCandidate, number]>, capacityMW: number, budget: number | null): Split {
  const parts = xs.filter(([, mw]) => mw > 1e-9).map(([c, mw]) => ({ id: c.id, mw, capexUsd: mw * c.capexPerMW, valueUsdPerDay: mw * c.valuePerMWDay }));
  const used = parts.reduce((s, p) => s + p.mw, 0);
  return { parts, idleMW: Math.max(0, capacityMW - used), capexUsd: parts.reduce((s, p) => s + p.capexUsd, 0), valueUsdPerDay: parts.reduce((s, p) => s + p.valueUsdPerDay, 0), capexBudgetUsd: budget };
}

/**
 * Best split of `capacityMW` between the candidates under `budgetUsd` (null = no budget). The
 * candidates are the options that create value (the caller's choice); those with no value per
 * MW-day above 0 take no MW.
 */
export function bestSplit(cands: readonly SplitCandidate[], opts: { capacityMW: number; budgetUsd: number | null }): Split {
  const good = cands.filter((c) => c.valuePerMWDay > 0);
  const cap = opts.capacityMW;
  const B = opts.budgetUsd;
  const fit = (c: SplitCandidate) => (B === null || c.capexPerMW <= 0 ? cap : Math.min(cap, B / c.capexPerMW));
  let best = evaluate([], cap, B);
  const consider = (s: Split) => {
    if (s.valueUsdPerDay > best.valueUsdPerDay + 1e-9) best = s;
  };
  for (const c of good) consider(evaluate([[c, fit(c)]], cap, B));
  if (B !== null) {
    for (const a of good) {
      for (const b of good) {
        if (a === b || a.capexPerMW === b.capexPerMW) continue;
        // x_a + x_b = cap and c_a x_a + c_b x_b = B.
        const xa = (B - b.capexPerMW * cap) / (a.capexPerMW - b.capexPerMW);
        const xb = cap - xa;
        if (xa >= 0 && xb >= 0) consider(evaluate([[a, xa], [b, xb]], cap, B));
      }
    }
  }
  return best;
}
