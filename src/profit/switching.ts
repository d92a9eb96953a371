/**
 * Switching as a project, and the best split of the site's MW between uses. Pure.
 *
 * Switch project (per MW of site power), from the current use to the best one:
 *   t = 0: the best use's capex, less the resale of the current use's ASIC fleet (sold at the switch);
 *   construction: the hall is rebuilt, neither use earns (the current use's cash, good or bad, stops);
 *   then the best use's monthly cash. Payback = the month its cumulative gain over staying (the
 *   current use's cash, no new capex; a miner losing money on its energy is off, as its operator
 *   would have it) repays the net capex. The NPV gain discounts switching minus
 *   staying over the best use's horizon (its project's years, residual included).
 *
 * Split: x_i MW of use i, Σ x_i ≤ site MW, Σ capex_i · x_i ≤ budget, maximising Σ x_i · value_i
 * (value = margin per MW-day after capital charge; for the current use, whose capex is sunk, its
 * margin before capex less the capital charge on the resale it forgoes by keeping the fleet). A
 * linear programme with two constraints has an optimum with at most two uses at a vertex, so
 * every single use and every pair with both constraints tight is tried (a small exhaustive search).
 */
import { capitalRecoveryFactor, npv } from './finance.js';
import { FINANCE_DAYS_PER_MONTH } from './project-finance.js';
import type { PricedRow } from './model-types.js';

/** The switch from the current use to the best one, as a project. */
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

/** Monthly operating cash per MW (calendar months from today), or null for today's every month. */
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

/** The switch project from `current` to `best` (see the module comment). */
export function switchProject(best: PricedRow, current: PricedRow, opts: { discountRate: number; asicResaleFraction: number; monthly: MonthlyCash }): SwitchProject | null {
  const p = best.project;
  if (!p || best.perMW.capexUsd === null) return null;
  const resale = asicResaleUsdPerMW(current, opts.asicResaleFraction);
  const capex = best.perMW.capexUsd;
  const months = p.constructionMonths + Math.round(p.lifeYears * 12);
  const cashOf = (r: PricedRow, snapUsdPerDay: number) => {
    const m = opts.monthly(r.id);
    const snap = snapUsdPerDay * FINANCE_DAYS_PER_MONTH;
    return (k: number) => (m === null ? snap : (m[Math.min(k, m.length - 1)] ?? snap));
  };
  const bestCash = cashOf(best, best.perMW.cashUsdPerDay);
  const curCash = cashOf(current, stayingCashUsdPerMWDay(current));
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
  const sw = p.cashFlowsUsdPerMW.map((x, t) => (t === 0 ? x + resale : x) - stay[t]!);
  return {
    fromUseId: current.id,
    toUseId: best.id,
    constructionMonths: p.constructionMonths,
    capexUsdPerMW: capex,
    asicResaleUsdPerMW: resale,
    paybackMonths: payback,
    npvGainUsdPerMW: npv(opts.discountRate, sw),
    basis: p.basis,
  };
}

/** MW of one use in the split. */
export interface SplitPart {
  id: string;
  mw: number;
  capexUsd: number;
  /** Value per day of these MW (margin after capital charge; the current use: see the module comment). */
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

interface Candidate {
  id: string;
  valuePerMWDay: number;
  capexPerMW: number;
}

function evaluate(xs: Array<[Candidate, number]>, capacityMW: number, budget: number | null): Split {
  const parts = xs.filter(([, mw]) => mw > 1e-9).map(([c, mw]) => ({ id: c.id, mw, capexUsd: mw * c.capexPerMW, valueUsdPerDay: mw * c.valuePerMWDay }));
  const used = parts.reduce((s, p) => s + p.mw, 0);
  return { parts, idleMW: Math.max(0, capacityMW - used), capexUsd: parts.reduce((s, p) => s + p.capexUsd, 0), valueUsdPerDay: parts.reduce((s, p) => s + p.valueUsdPerDay, 0), capexBudgetUsd: budget };
}

/**
 * Best split of `capacityMW` between the priced uses (with capex known) under `budgetUsd` (null =
 * no budget). The current use needs no new capex. Uses that lose money take no MW.
 */
export function bestSplit(rows: readonly PricedRow[], current: PricedRow | null, opts: { capacityMW: number; budgetUsd: number | null; discountRate: number; asicResaleFraction: number }): Split {
  const cands: Candidate[] = [];
  for (const r of rows) {
    if (r.perMW.capexUsd === null || r.perMW.marginAfterCapitalChargeUsdPerDay === null) continue;
    if (current && r.id === current.id) {
      const resale = asicResaleUsdPerMW(r, opts.asicResaleFraction);
      const keepCharge = resale > 0 ? (resale * capitalRecoveryFactor(opts.discountRate, r.perMW.capexLives.deviceYears)) / 365 : 0;
      cands.push({ id: r.id, valuePerMWDay: r.perMW.cashUsdPerDay - keepCharge, capexPerMW: 0 });
    } else cands.push({ id: r.id, valuePerMWDay: r.perMW.marginAfterCapitalChargeUsdPerDay, capexPerMW: r.perMW.capexUsd });
  }
  const good = cands.filter((c) => c.valuePerMWDay > 0);
  const cap = opts.capacityMW;
  const B = opts.budgetUsd;
  const fit = (c: Candidate) => (B === null || c.capexPerMW <= 0 ? cap : Math.min(cap, B / c.capexPerMW));
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
