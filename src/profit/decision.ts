/**
 * The verdict an operator can act on: which use of a MW earns most after the cost of capital, what
 * the site does today (the current use: the reference ASIC unless told otherwise), what switching
 * gains, how long the switch takes to pay back as a project, and the BTC price at which mining
 * would win instead. Pure: comparison rows in, a decision block and one headline line out.
 *
 * - Best use: the highest margin per MW-day after capital charge (each capex part charged
 *   capex × CRF(r, life): an equivalent annual annuity, so uses with different lives compare
 *   fairly; straight-line at r = 0). With a projection, the equivalent annuity of each use's
 *   projected NPV (NPV × CRF(r, years of its cash flows) / 365) instead, and the headline says so.
 *   Uses whose capex is unknown, or that are not priced, take no part and are listed with the
 *   reason. With a capex budget, uses whose capex for the whole site exceeds it are left out (the
 *   current use needs none).
 * - Switching: the capex of the best use per MW over the daily cash-flow gain (simple, kept as
 *   `switchingPaybackDays`), and the switch as a project (construction months, the ASIC fleet sold
 *   at the switch: switching.ts).
 * - Mining break-even: the margin after capital charge is linear in the BTC price (revenue and
 *   hashprice are, at fixed difficulty, subsidy and fees), so the price at which the mining use
 *   equals the best other use is P* = P + (m_rival − m_mining) / (BTC per MW-day × (1 − revenue opex share)).
 */
import { capitalRecoveryFactor } from './finance.js';
import { fmtUsd } from './format-num.js';
import { bestSplit, switchProject, type MonthlyCash, type Split, type SwitchProject } from './switching.js';
import type { ComparisonRow, PricedRow } from './model-types.js';

/** One use in the verdict. */
export interface UseMargin {
  id: string;
  label: string;
  kind: string;
  /** What ranks the uses: margin per MW-day after capital charge (snapshot), or the projected equivalent annuity. */
  rankUsdPerMWDay: number;
  /** Margin per MW of site power per day after capital charge (capex × CRF). */
  marginAfterCapitalChargeUsdPerMWDay: number;
  /** Margin per MW-day after straight-line depreciation (the accounts). */
  marginUsdPerMWDay: number;
  /** Margin per MW-day before capex (revenue − energy − opex). */
  cashUsdPerMWDay: number;
  /** Capex per MW of site power. */
  capexUsdPerMW: number;
  npvUsdPerMW: number | null;
  irr: number | null;
  discountedPaybackYears: number | null;
  /** Set when --price-anyway priced this use against a price it does not match. */
  pricedAnyway: string | null;
}

/** The decision block of a profit report. */
export interface Decision {
  /** Cost of capital the verdict charges, fraction per year. */
  discountRate: number;
  /** 'snapshot' (today's inputs) or 'projection' (the projected cash, continued to each use's horizon). */
  basis: 'snapshot' | 'projection';
  /** Highest rank per MW-day (within the budget), or null when nothing could be compared. */
  bestUseId: string | null;
  /** What the site does today (the reference ASIC unless --current-use). */
  currentUseId: string | null;
  /** Every compared use, best first (within the budget first, then those over it). */
  uses: UseMargin[];
  /** Uses left out of the verdict and why (not priced, capex unknown, over the budget). */
  excluded: { id: string; label: string; reason: string }[];
  /** best − current rank per MW-day; 0 when the current use is best. */
  deltaMarginUsdPerMWDay: number | null;
  /** Capex per MW the switch needs (the best use's). */
  switchingCapexUsdPerMW: number | null;
  /** Switching capex over the daily cash-flow gain (simple payback); null when it never pays back or there is no switch. */
  switchingPaybackDays: number | null;
  /** The switch as a project: construction, ASIC resale, payback months and NPV gain. */
  switching: SwitchProject | null;
  /** Capex the owner can spend on the site; null = no limit. */
  capexBudgetUsd: number | null;
  /** Best split of the site's MW between uses under the budget (null without a site capacity). */
  split: Split | null;
  /** BTC price and hashprice at which the mining use's margin equals the best other use's. */
  miningParity: { miningUseId: string; rivalUseId: string; btcPriceUsd: number; hashpriceUsdPerPHDay: number } | null;
  /** One line: the verdict. */
  headline: string;
}

/** Market figures the parity price needs. */
export interface DecisionMarket {
  btcPriceUsd: number;
  hashpriceUsdPerPHDay: number;
}

/** What the verdict needs besides the rows. */
export interface DecisionOptions {
  market: DecisionMarket;
  currentUseId?: string | null;
  discountRate?: number;
  capexBudgetUsd?: number | null;
  /** Site capacity, MW (the budget covers the whole site; the split shares it). */
  capacityMW?: number | null;
  asicResaleFraction?: number;
  /** Projected monthly cash per use (per MW); absent = the snapshot. */
  monthly?: MonthlyCash | null;
}

const isMining = (kind: string) => kind === 'asic-mining' || kind === 'gpu-mining';

function rankOf(r: PricedRow, projected: boolean): number {
  const p = r.project;
  if (projected && p && r.npvUsdPerMW !== null) return (r.npvUsdPerMW * capitalRecoveryFactor(p.discountRate, p.horizonYears)) / 365;
  return r.perMW.marginAfterCapitalChargeUsdPerDay!;
}

function useOf(r: PricedRow, projected: boolean): UseMargin {
  return {
    id: r.id,
    label: r.label,
    kind: r.kind,
    rankUsdPerMWDay: rankOf(r, projected),
    marginAfterCapitalChargeUsdPerMWDay: r.perMW.marginAfterCapitalChargeUsdPerDay!,
    marginUsdPerMWDay: r.perMW.marginUsdPerDay!,
    cashUsdPerMWDay: r.perMW.cashUsdPerDay,
    capexUsdPerMW: r.perMW.capexUsd!,
    npvUsdPerMW: r.npvUsdPerMW,
    irr: r.irr,
    discountedPaybackYears: r.discountedPaybackYears,
    pricedAnyway: r.pricedAnyway,
  };
}

/** Compared uses (ranked) and the rows left out, with why. */
function compared(rows: readonly ComparisonRow[], o: DecisionOptions, projected: boolean) {
  const excluded: Decision['excluded'] = [];
  const uses: UseMargin[] = [];
  const over: UseMargin[] = [];
  const byId = new Map<string, PricedRow>();
  const budget = o.capexBudgetUsd ?? null;
  // The current use needs no new capex: the one named, else the first ASIC.
  const currentId = o.currentUseId ?? rows.find((r) => r.priced && r.kind === 'asic-mining')?.id ?? null;
  for (const r of rows) {
    if (!r.priced) excluded.push({ id: r.id, label: r.label, reason: `not priced: ${r.notPricedReason}` });
    else if (r.perMW.marginAfterCapitalChargeUsdPerDay === null || r.perMW.capexUsd === null) excluded.push({ id: r.id, label: r.label, reason: 'capex unknown: no margin after capex' });
    else {
      byId.set(r.id, r);
      const u = useOf(r, projected);
      const siteCapex = u.capexUsdPerMW * (o.capacityMW ?? 1);
      if (budget !== null && r.id !== currentId && siteCapex > budget) {
        over.push(u);
        excluded.push({ id: r.id, label: r.label, reason: `over the capex budget: needs ${fmtUsd(siteCapex, { compact: true })} for the site, budget ${fmtUsd(budget, { compact: true })}` });
      } else uses.push(u);
    }
  }
  uses.sort((a, b) => b.rankUsdPerMWDay - a.rankUsdPerMWDay);
  over.sort((a, b) => b.rankUsdPerMWDay - a.rankUsdPerMWDay);
  return { uses, over, excluded, byId };
}

function currentOf(id: string | null | undefined, all: UseMargin[], excluded: Decision['excluded']): UseMargin | null {
  if (!id) return all.find((u) => u.kind === 'asic-mining') ?? null;
  const cur = all.find((u) => u.id === id);
  if (cur) return cur;
  const why = excluded.find((e) => e.id === id);
  throw new RangeError(why ? `--current-use ${id}: that use is not in the verdict (${why.reason})` : `--current-use ${id}: no such use; one of: ${all.map((u) => u.id).join(', ') || '(none priced)'}`);
}

/**
 * Build the decision. `currentUseId` defaults to the first ASIC row; an id that is not a
 * compared use is an error (thrown as RangeError naming the ids that are).
 */
export function decide(rows: readonly ComparisonRow[], o: DecisionOptions): Decision {
  const projected = Boolean(o.monthly);
  const { uses, over, excluded, byId } = compared(rows, o, projected);
  const best = uses[0] ?? null;
  const current = currentOf(o.currentUseId, uses, excluded);
  let delta: number | null = null;
  let switchCapex: number | null = null;
  let payback: number | null = null;
  let switching: SwitchProject | null = null;
  const r = o.discountRate ?? 0;
  if (best && current) {
    delta = best.rankUsdPerMWDay - current.rankUsdPerMWDay;
    if (best.id !== current.id) {
      switchCapex = best.capexUsdPerMW;
      const gain = best.cashUsdPerMWDay - current.cashUsdPerMWDay;
      payback = gain > 0 ? switchCapex / gain : null;
      switching = switchProject(byId.get(best.id)!, byId.get(current.id)!, { discountRate: r, asicResaleFraction: o.asicResaleFraction ?? 0, monthly: o.monthly ?? (() => null) });
    }
  }
  const priced = [...byId.values()];
  const split = o.capacityMW ? bestSplit(priced, current ? byId.get(current.id)! : null, { capacityMW: o.capacityMW, budgetUsd: o.capexBudgetUsd ?? null, discountRate: r, asicResaleFraction: o.asicResaleFraction ?? 0 }) : null;
  const miningParity = parity(uses, byId, current, o.market);
  const d: Omit<Decision, 'headline'> = {
    discountRate: r,
    basis: projected ? 'projection' : 'snapshot',
    bestUseId: best?.id ?? null,
    currentUseId: current?.id ?? null,
    uses: [...uses, ...over],
    excluded,
    deltaMarginUsdPerMWDay: delta,
    switchingCapexUsdPerMW: switchCapex,
    switchingPaybackDays: payback,
    switching,
    capexBudgetUsd: o.capexBudgetUsd ?? null,
    split,
    miningParity,
  };
  return { ...d, headline: headline(d, best, current, over) };
}

function parity(uses: UseMargin[], byId: Map<string, PricedRow>, current: UseMargin | null, market: DecisionMarket): Decision['miningParity'] {
  const mining = current && isMining(current.kind) ? current : uses.find((u) => isMining(u.kind));
  const rival = uses.find((u) => !isMining(u.kind));
  if (!mining || !rival) return null;
  const row = byId.get(mining.id)!;
  const btc = row.perMW.btcPerDay;
  const keep = 1 - (row.perMW.revenueUsdPerDay > 0 ? row.perMW.revenueOpexUsdPerDay / (row.perMW.revenueUsdPerDay - row.perMW.curtailmentCreditUsdPerDay - (row.perMW.dispatch?.powerSaleUsdPerDay ?? 0)) : 0);
  if (btc === null || !(btc > 0) || !(keep > 0)) return null;
  // margin(P) = margin(P_now) + btc·keep·(P − P_now): linear in P.
  const p = Math.max(0, market.btcPriceUsd + (rival.marginAfterCapitalChargeUsdPerMWDay - mining.marginAfterCapitalChargeUsdPerMWDay) / (btc * keep));
  return { miningUseId: mining.id, rivalUseId: rival.id, btcPriceUsd: p, hashpriceUsdPerPHDay: (market.hashpriceUsdPerPHDay * p) / market.btcPriceUsd };
}

function short(label: string): string {
  return label.replace(/ \((reference ASIC|\$\/Mtok|\$\/GPU-h|\$\/kW-month|SHA256d)\)/, '');
}

/** Whole dollars from $100 (a verdict needs no cents). */
const usd = (x: number) => fmtUsd(Math.abs(x) >= 100 ? Math.round(x) : x);
const perMWDay = (x: number) => `${x >= 0 ? '+' : ''}${usd(x)}/MW-day`;
const pct = (x: number) => `${Number((x * 100).toPrecision(3))} %`;

function fmtMonths(m: number): string {
  return m >= 24 ? `${(m / 12).toFixed(1)} years` : `${Math.round(m)} months`;
}

function switchText(s: SwitchProject | null, capex: number | null, payback: number | null): string {
  if (!s) return payback === null ? `its ${fmtUsd(capex!, { compact: true })}/MW capex never pays back on the cash-flow gain` : `its ${fmtUsd(capex!, { compact: true })}/MW capex pays back in ${(payback / 365).toFixed(1)} years on the gain over the current use`;
  const net = s.asicResaleUsdPerMW > 0 ? `, ${fmtUsd(s.asicResaleUsdPerMW, { compact: true })}/MW back from the ASIC fleet` : '';
  const build = s.constructionMonths > 0 ? ` including ${s.constructionMonths} months of construction` : '';
  const pb = s.paybackMonths === null ? 'never pays back within its horizon' : `pays back in ${fmtMonths(s.paybackMonths)}${build}`;
  const gain = s.npvGainUsdPerMW === null ? '' : `, NPV ${s.npvGainUsdPerMW >= 0 ? '+' : '−'}${fmtUsd(Math.abs(s.npvGainUsdPerMW), { compact: true })}/MW over staying`;
  return `the switch (${fmtUsd(s.capexUsdPerMW, { compact: true })}/MW capex${net}) ${pb}${gain}`;
}

function headline(d: Omit<Decision, 'headline'>, best: UseMargin | null, current: UseMargin | null, over: UseMargin[]): string {
  const basis = `at a ${pct(d.discountRate)} cost of capital${d.basis === 'projection' ? ' on projected cash' : ''}`;
  const what = 'after capital charge';
  const proj = d.basis === 'projection' ? 'projected; ' : '';
  if (!best) {
    return `Verdict (per MW of site power): ${basis}, nothing to compare after capex${d.excluded.length ? ` (${d.excluded.map((e) => `${e.id}: ${e.reason}`).join('; ')})` : ''}.`;
  }
  const anyway = best.pricedAnyway ? ` [PRICED ANYWAY: ${best.pricedAnyway}]` : '';
  const fin = `NPV ${best.npvUsdPerMW === null ? '—' : `${best.npvUsdPerMW >= 0 ? '+' : '−'}${fmtUsd(Math.abs(best.npvUsdPerMW), { compact: true })}/MW`}${best.irr === null ? '' : `, IRR ${pct(best.irr)}`}`;
  const parts: string[] = [];
  if (!current) {
    parts.push(`best use ${short(best.label)} at ${perMWDay(best.rankUsdPerMWDay)} ${what} (${proj}${fin})${anyway} (no current use to compare: pass --current-use <id>)`);
  } else if (current.id === best.id) {
    // The next use the verdict could pick: one over the budget is not "behind" the current use.
    const next = d.uses.find((u) => u.id !== best.id && !over.includes(u));
    parts.push(`stay with ${short(best.label)}: ${perMWDay(best.rankUsdPerMWDay)} ${what}${proj ? ' (projected)' : ''}${anyway}${next ? `, ahead of ${short(next.label)} at ${perMWDay(next.rankUsdPerMWDay)}` : ''}`);
  } else {
    parts.push(`switch to ${short(best.label)}: ${perMWDay(best.rankUsdPerMWDay)} ${what} (${proj}${fin}) vs ${perMWDay(current.rankUsdPerMWDay)} for ${short(current.label)} (current), ${usd(d.deltaMarginUsdPerMWDay!)}/MW-day more${anyway}`);
    parts.push(switchText(d.switching, d.switchingCapexUsdPerMW, d.switchingPaybackDays));
  }
  if (over.length && d.capexBudgetUsd !== null) parts.push(`over the ${fmtUsd(d.capexBudgetUsd, { compact: true })} budget: ${over.map((u) => short(u.label)).join(', ')}`);
  if (d.miningParity) {
    const verb = d.miningParity.miningUseId === best.id ? 'mining stays best above' : 'mining would win above';
    parts.push(`${verb} BTC ${usd(d.miningParity.btcPriceUsd)} (hashprice ${fmtUsd(d.miningParity.hashpriceUsdPerPHDay)}/PH/day)`);
  }
  return `Verdict (per MW of site power): ${basis}, ${parts.join('; ')}.`;
}
