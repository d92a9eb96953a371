/**
 * The options the verdict ranks, pure: each priced use as a new investment, the current use on
 * its decision basis, and the site's power left unused (src/profit/decision.ts writes the verdict).
 *
 * - A new use is ranked by its margin per MW-day after capital charge (capex × CRF(r, life) at its
 *   own hurdle rate: an equivalent annual annuity), or with a projection by its projected NPV ×
 *   CRF(r, years) / 365. Its NPV says whether it creates value at that rate.
 * - The current use's capex is sunk: what keeping it costs is what the owner gives up by not
 *   selling it — the resale value today S0, with the interest on it, less the resale a year on,
 *   S1 = S0 × (1 − decline) (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 6, "when
 *   to replace an existing machine": compare the cost of keeping the old one one more year with the
 *   equivalent annual cost of the new one; sunk costs are not cash flows, opportunity costs are,
 *   ch. 6.1). Keeping one more year: NPV = −S0 + (cash₁ + S1) / (1 + r); per day, × (1 + r) / 365
 *   = cash − (S0 (1 + r) − S1) / 365, with the cash a miner earns when its operator switches it off
 *   at a loss. Only an ASIC fleet has a resale here (asicResaleFraction); another current use's is
 *   taken as 0 (its cash alone).
 * - The power left unused ("idle"): the fleet sold (its resale belongs to every option but keeping,
 *   so it is charged to keeping instead), the energy resold when the site can sell it, the site's
 *   own fixed opex paid. NPV of one such year at the default rate.
 * - Order: the options that create value (NPV ≥ 0) first, by rank, then the rest by rank, so the
 *   verdict never picks a use that destroys value while one that does not exists (idle, at NPV ≥ 0
 *   without fixed opex, always does). Damodaran: "if there are not enough investments that earn
 *   the hurdle rate, return the cash" (Applied Corporate Finance, First Principles).
 * - With a capex budget, new uses whose capex for the whole site exceeds it are left out (the
 *   current use and idle need none).
 */
import { capitalRecoveryFactor } from './finance.js';
import { fmtUsd } from './format-num.js';
import { asicResaleUsdPerMW, stayingCashUsdPerMWDay, type MonthlyCash } from './switching.js';
import type { ComparisonRow, IdleOption, PricedRow } from './model-types.js';

/** Id of the "power left unused" option. */
export const IDLE_ID = 'idle';

/** How keeping the current use is valued (its capex sunk). */
export interface KeepTerms {
  /** Resale of the fleet today, what keeping it forgoes, per MW. */
  resaleNowUsdPerMW: number;
  /** Its resale a year on: S0 × (1 − decline). */
  resaleNextYearUsdPerMW: number;
  /** Cash per MW-day of staying (a miner losing money on its energy is off). */
  stayingCashUsdPerMWDay: number;
  /** (S0 (1 + r) − S1) / 365: the interest on the resale forgone and its decline over the year. */
  opportunityCostUsdPerMWDay: number;
  /** The accounting view: the row's margin after a capital charge on its full historical capex, and that project's NPV. */
  accountingMarginUsdPerMWDay: number;
  accountingNpvUsdPerMW: number | null;
}

/** One option in the verdict. */
export interface UseMargin {
  id: string;
  label: string;
  kind: string;
  /** 'project': a new use (capex to spend); 'keep': the current use, capex sunk; 'idle': the power left unused. */
  basis: 'project' | 'keep' | 'idle';
  /** The option's discount rate (its kind's hurdle rate), fraction per year. */
  discountRate: number;
  /** What ranks the options (per MW-day): the decision margin (snapshot) or the projected equivalent annuity. */
  rankUsdPerMWDay: number;
  /** The decision margin per MW-day at today's inputs: after capital charge for a new use, after the opportunity cost for the current one. */
  decisionMarginUsdPerMWDay: number;
  /** Margin per MW-day after capital charge (capex × CRF) on the row's full capex (the current use: its accounting margin). */
  marginAfterCapitalChargeUsdPerMWDay: number;
  /** Margin per MW-day after straight-line depreciation (the accounts). */
  marginUsdPerMWDay: number;
  /** Margin per MW-day before capex (revenue − energy − opex). */
  cashUsdPerMWDay: number;
  /** New capex per MW the option needs (0 for keeping and idle). */
  capexUsdPerMW: number;
  /** NPV per MW on the decision basis (the current use: keeping it one more year; idle: one year). */
  npvUsdPerMW: number | null;
  irr: number | null;
  discountedPaybackYears: number | null;
  /** NPV ≥ 0 at its own rate: the option does not destroy value. */
  createsValue: boolean;
  /** The current use's decision basis; null for the others. */
  keep: KeepTerms | null;
  /** Set when --price-anyway priced this use against a price it does not match. */
  pricedAnyway: string | null;
}

/** What ranking needs besides the rows. */
export interface RankRules {
  /** The use the site runs today (default: the first ASIC row). */
  currentUseId?: string | null;
  capexBudgetUsd?: number | null;
  /** Site capacity, MW (the budget covers the whole site). */
  capacityMW?: number | null;
  /** Default discount rate (idle's year). */
  discountRate?: number;
  asicResaleFraction?: number;
  /** Decline of the fleet's resale over the coming year, fraction. */
  asicResaleDeclinePerYear?: number;
  /** Projected monthly cash per use (per MW, finance months); absent = the snapshot. */
  monthly?: MonthlyCash | null;
}

/** The ranked options. */
export interface Ranking {
  /** Within the budget: value-creating first, each group by rank. The first is the verdict. */
  uses: UseMargin[];
  /** New uses over the capex budget, by rank. */
  over: UseMargin[];
  excluded: { id: string; label: string; reason: string }[];
  byId: Map<string, PricedRow>;
  current: UseMargin | null;
}

/** A new use: its margin after capital charge, or its projected NPV as an equivalent annuity. */
function projectUse(r: PricedRow, projected: boolean): UseMargin {
  const m = r.perMW.marginAfterCapitalChargeUsdPerDay!;
  const p = r.project;
  const rank = projected && p && r.npvUsdPerMW !== null ? (r.npvUsdPerMW * capitalRecoveryFactor(p.discountRate, p.horizonYears)) / 365 : m;
  return {
    id: r.id,
    label: r.label,
    kind: r.kind,
    basis: 'project',
    discountRate: r.discountRate,
    rankUsdPerMWDay: rank,
    decisionMarginUsdPerMWDay: m,
    marginAfterCapitalChargeUsdPerMWDay: m,
    marginUsdPerMWDay: r.perMW.marginUsdPerDay!,
    cashUsdPerMWDay: r.perMW.cashUsdPerDay,
    capexUsdPerMW: r.perMW.capexUsd!,
    npvUsdPerMW: r.npvUsdPerMW,
    irr: r.irr,
    discountedPaybackYears: r.discountedPaybackYears,
    createsValue: r.npvUsdPerMW !== null ? r.npvUsdPerMW >= 0 : rank >= 0,
    keep: null,
    pricedAnyway: r.pricedAnyway,
  };
}

/** Cash of the coming year, per MW: today's every month, or the first 12 projected months (the last repeated). */
function yearCashUsdPerMW(id: string, snapshotUsdPerDay: number, monthly: MonthlyCash | null | undefined): number {
  const m = monthly?.(id) ?? null;
  if (!m || !m.length) return snapshotUsdPerDay * 365;
  let s = 0;
  for (let k = 0; k < 12; k++) s += m[Math.min(k, m.length - 1)]!;
  return s;
}

/** The current use kept one more year, its capex sunk (see the module comment). */
function keepUse(r: PricedRow, rules: RankRules): UseMargin {
  const rate = r.discountRate;
  const s0 = asicResaleUsdPerMW(r, rules.asicResaleFraction ?? 0);
  const s1 = s0 * (1 - (rules.asicResaleDeclinePerYear ?? 0));
  const stay = stayingCashUsdPerMWDay(r);
  const oc = (s0 * (1 + rate) - s1) / 365;
  const npvKeep = -s0 + (yearCashUsdPerMW(r.id, stay, rules.monthly) + s1) / (1 + rate);
  const keep: KeepTerms = { resaleNowUsdPerMW: s0, resaleNextYearUsdPerMW: s1, stayingCashUsdPerMWDay: stay, opportunityCostUsdPerMWDay: oc, accountingMarginUsdPerMWDay: r.perMW.marginAfterCapitalChargeUsdPerDay!, accountingNpvUsdPerMW: r.npvUsdPerMW };
  return {
    ...projectUse(r, false),
    basis: 'keep',
    rankUsdPerMWDay: (npvKeep * (1 + rate)) / 365,
    decisionMarginUsdPerMWDay: stay - oc,
    capexUsdPerMW: 0,
    npvUsdPerMW: npvKeep,
    irr: null,
    discountedPaybackYears: null,
    createsValue: npvKeep >= 0,
    keep,
  };
}

/** The label of the idle option: the fleet sold (when the current use is one), the power resold or unused. */
function idleLabel(idle: IdleOption, current: PricedRow | null): string {
  const fleet = current && current.kind === 'asic-mining' ? `Sell the ${current.label.replace(/ \(reference ASIC\)$/, '')} fleet` : null;
  const power = idle.powerSaleUsdPerKWh !== null ? `resell the power at $${idle.powerSaleUsdPerKWh}/kWh` : 'leave the power unused';
  return fleet ? `${fleet}, ${power}` : power.charAt(0).toUpperCase() + power.slice(1);
}

/** The power left unused (see the module comment). */
function idleUse(idle: IdleOption, current: PricedRow | null, rules: RankRules): UseMargin {
  const rate = rules.discountRate ?? 0;
  const m = idle.cashUsdPerMWDay;
  const npvIdle = (m * 365) / (1 + rate);
  return { id: IDLE_ID, label: idleLabel(idle, current), kind: 'idle', basis: 'idle', discountRate: rate, rankUsdPerMWDay: m, decisionMarginUsdPerMWDay: m, marginAfterCapitalChargeUsdPerMWDay: m, marginUsdPerMWDay: m, cashUsdPerMWDay: m, capexUsdPerMW: 0, npvUsdPerMW: npvIdle, irr: null, discountedPaybackYears: null, createsValue: npvIdle >= 0, keep: null, pricedAnyway: null };
}

/** The current use: the one named (an error naming the choices when it is not a compared use), else the first ASIC. */
function currentRow(rows: readonly ComparisonRow[], byId: Map<string, PricedRow>, id: string | null | undefined, excluded: Ranking['excluded']): PricedRow | null {
  if (!id) return [...byId.values()].find((r) => r.kind === 'asic-mining') ?? null;
  const r = byId.get(id);
  if (r) return r;
  const why = excluded.find((e) => e.id === id);
  throw new RangeError(why ? `--current-use ${id}: that use is not in the verdict (${why.reason})` : `--current-use ${id}: no such use; one of: ${[...byId.keys()].join(', ') || '(none priced)'}`);
}

const byRank = (a: UseMargin, b: UseMargin) => b.rankUsdPerMWDay - a.rankUsdPerMWDay;

/** Rank every option (see the module comment). RangeError for a --current-use that is not a compared use. */
export function rankOptions(rows: readonly ComparisonRow[], idle: IdleOption, rules: RankRules): Ranking {
  const excluded: Ranking['excluded'] = [];
  const byId = new Map<string, PricedRow>();
  for (const r of rows) {
    if (!r.priced) excluded.push({ id: r.id, label: r.label, reason: `not priced: ${r.notPricedReason}` });
    else if (r.perMW.marginAfterCapitalChargeUsdPerDay === null || r.perMW.capexUsd === null) excluded.push({ id: r.id, label: r.label, reason: 'capex unknown: no margin after capex' });
    else byId.set(r.id, r);
  }
  const cur = currentRow(rows, byId, rules.currentUseId, excluded);
  const projected = Boolean(rules.monthly);
  const budget = rules.capexBudgetUsd ?? null;
  const uses: UseMargin[] = [];
  const over: UseMargin[] = [];
  for (const r of byId.values()) {
    if (r === cur) continue;
    const u = projectUse(r, projected);
    const siteCapex = u.capexUsdPerMW * (rules.capacityMW ?? 1);
    if (budget !== null && siteCapex > budget) {
      over.push(u);
      excluded.push({ id: r.id, label: r.label, reason: `over the capex budget: needs ${fmtUsd(siteCapex, { compact: true })} for the site, budget ${fmtUsd(budget, { compact: true })}` });
    } else uses.push(u);
  }
  const current = cur ? keepUse(cur, rules) : null;
  if (current) uses.push(current);
  uses.push(idleUse(idle, cur, rules));
  uses.sort(byRank);
  over.sort(byRank);
  return { uses: [...uses.filter((u) => u.createsValue), ...uses.filter((u) => !u.createsValue)], over, excluded, byId, current };
}
