/**
 * The verdict an operator can act on: which use of a MW earns most after capex, what the site
 * does today (the current use: the reference ASIC unless told otherwise), what switching gains,
 * how long the switch takes to pay back, and the BTC price (and hashprice) at which mining would
 * win instead. Pure: comparison rows in, a decision block and one headline line out.
 *
 * - Best use: the highest margin per MW-day after capex (capex parity: every use's margin carries
 *   its own depreciation). Uses whose capex is unknown, or that are not priced, take no part and
 *   are listed with the reason.
 * - Switching payback: the capex of the best use per MW over the daily cash-flow gain (margin
 *   before capex of the best use minus that of the current use). The current use's capex is sunk.
 * - Mining break-even: mining revenue is linear in the BTC price (and the hashprice is linear in
 *   it at fixed difficulty, subsidy and fees), so the price at which the mining use's margin
 *   equals the best other use's margin is exact: P* = (margin_rival − margin_mining + BTC/day × P) / BTC/day.
 */
import { fmtUsd } from './format-num.js';
import type { ComparisonRow, PricedRow } from './model.js';

/** One use in the verdict. */
export interface UseMargin {
  id: string;
  label: string;
  kind: string;
  /** Margin per MW of site power per day, after capex (depreciation). */
  marginUsdPerMWDay: number;
  /** Margin per MW-day before capex (revenue − energy − fixed opex). */
  cashUsdPerMWDay: number;
  /** Capex per MW of site power. */
  capexUsdPerMW: number;
  /** Set when --price-anyway priced this use against a price it does not match. */
  pricedAnyway: string | null;
}

/** The decision block of a profit report. */
export interface Decision {
  /** Highest margin per MW-day after capex, or null when nothing could be compared. */
  bestUseId: string | null;
  /** What the site does today (the reference ASIC unless --current-use). */
  currentUseId: string | null;
  /** Every compared use, best first. */
  uses: UseMargin[];
  /** Uses left out of the verdict and why (not priced, capex unknown). */
  excluded: { id: string; label: string; reason: string }[];
  /** best − current margin per MW-day (after capex); 0 when the current use is best. */
  deltaMarginUsdPerMWDay: number | null;
  /** Capex per MW the switch needs (the best use's). */
  switchingCapexUsdPerMW: number | null;
  /** Switching capex over the daily cash-flow gain; null when the switch never pays back or there is no switch. */
  switchingPaybackDays: number | null;
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

function useOf(r: PricedRow): UseMargin {
  return {
    id: r.id,
    label: r.label,
    kind: r.kind,
    marginUsdPerMWDay: r.perMW.marginUsdPerDay!,
    cashUsdPerMWDay: r.perMW.cashUsdPerDay,
    capexUsdPerMW: r.perMW.capexUsd!,
    pricedAnyway: r.pricedAnyway,
  };
}

const isMining = (kind: string) => kind === 'asic-mining' || kind === 'gpu-mining';

function fmtDays(d: number): string {
  return d > 730 ? `${(d / 365).toFixed(1)} years` : `${Math.round(d)} days`;
}

/** Whole dollars from $100 (a verdict needs no cents). */
const usd = (x: number) => fmtUsd(Math.abs(x) >= 100 ? Math.round(x) : x);
const perMWDay = (x: number) => `${x >= 0 ? '+' : ''}${usd(x)}/MW-day`;

/**
 * Build the decision. `currentUseId` defaults to the first ASIC row; an id that is not a
 * compared use is an error (thrown as RangeError naming the ids that are).
 */
export function decide(rows: readonly ComparisonRow[], market: DecisionMarket, currentUseId?: string | null): Decision {
  const excluded: Decision['excluded'] = [];
  const uses: UseMargin[] = [];
  const byId = new Map<string, PricedRow>();
  for (const r of rows) {
    if (!r.priced) excluded.push({ id: r.id, label: r.label, reason: `not priced: ${r.notPricedReason}` });
    else if (r.perMW.marginUsdPerDay === null || r.perMW.capexUsd === null) excluded.push({ id: r.id, label: r.label, reason: 'capex unknown: no margin after capex' });
    else {
      uses.push(useOf(r));
      byId.set(r.id, r);
    }
  }
  uses.sort((a, b) => b.marginUsdPerMWDay - a.marginUsdPerMWDay);
  const best = uses[0] ?? null;
  let current: UseMargin | null = null;
  if (currentUseId) {
    current = uses.find((u) => u.id === currentUseId) ?? null;
    if (!current) {
      const why = excluded.find((e) => e.id === currentUseId);
      throw new RangeError(
        why ? `--current-use ${currentUseId}: that use is not in the verdict (${why.reason})` : `--current-use ${currentUseId}: no such use; one of: ${uses.map((u) => u.id).join(', ') || '(none priced)'}`,
      );
    }
  } else current = uses.find((u) => u.kind === 'asic-mining') ?? null;

  let delta: number | null = null;
  let switchCapex: number | null = null;
  let payback: number | null = null;
  if (best && current) {
    delta = best.marginUsdPerMWDay - current.marginUsdPerMWDay;
    if (best.id !== current.id) {
      switchCapex = best.capexUsdPerMW;
      const gain = best.cashUsdPerMWDay - current.cashUsdPerMWDay;
      payback = gain > 0 ? switchCapex / gain : null;
    }
  }
  const miningParity = parity(uses, byId, current, market);
  return {
    bestUseId: best?.id ?? null,
    currentUseId: current?.id ?? null,
    uses,
    excluded,
    deltaMarginUsdPerMWDay: delta,
    switchingCapexUsdPerMW: switchCapex,
    switchingPaybackDays: payback,
    miningParity,
    headline: headline(best, current, delta, switchCapex, payback, miningParity, uses, excluded),
  };
}

function parity(uses: UseMargin[], byId: Map<string, PricedRow>, current: UseMargin | null, market: DecisionMarket): Decision['miningParity'] {
  const mining = current && isMining(current.kind) ? current : uses.find((u) => isMining(u.kind));
  const rival = uses.find((u) => !isMining(u.kind));
  if (!mining || !rival) return null;
  const row = byId.get(mining.id)!;
  const btc = row.perMW.btcPerDay;
  if (btc === null || !(btc > 0)) return null;
  // margin(P) = btc·P + (margin − btc·P_now): linear in P.
  const rest = mining.marginUsdPerMWDay - btc * market.btcPriceUsd;
  const p = Math.max(0, (rival.marginUsdPerMWDay - rest) / btc);
  return {
    miningUseId: mining.id,
    rivalUseId: rival.id,
    btcPriceUsd: p,
    hashpriceUsdPerPHDay: (market.hashpriceUsdPerPHDay * p) / market.btcPriceUsd,
  };
}

function short(label: string): string {
  return label.replace(/ \((reference ASIC|\$\/Mtok|\$\/GPU-h|\$\/kW-month|SHA256d)\)/, '');
}

function headline(
  best: UseMargin | null,
  current: UseMargin | null,
  delta: number | null,
  capex: number | null,
  payback: number | null,
  par: Decision['miningParity'],
  uses: UseMargin[],
  excluded: Decision['excluded'],
): string {
  if (!best) {
    return `Verdict: nothing to compare after capex${excluded.length ? ` (${excluded.map((e) => `${e.id}: ${e.reason}`).join('; ')})` : ''}.`;
  }
  const anyway = best.pricedAnyway ? ` [PRICED ANYWAY: ${best.pricedAnyway}]` : '';
  const parts: string[] = [];
  if (!current) {
    parts.push(`best use ${short(best.label)} at ${perMWDay(best.marginUsdPerMWDay)} after capex${anyway} (no current use to compare: pass --current-use <id>)`);
  } else if (current.id === best.id) {
    const next = uses.find((u) => u.id !== best.id);
    parts.push(`stay with ${short(best.label)}: ${perMWDay(best.marginUsdPerMWDay)} after capex${anyway}${next ? `, ahead of ${short(next.label)} at ${perMWDay(next.marginUsdPerMWDay)}` : ''}`);
  } else {
    parts.push(`switch to ${short(best.label)}: ${perMWDay(best.marginUsdPerMWDay)} after capex vs ${perMWDay(current.marginUsdPerMWDay)} for ${short(current.label)} (current), ${usd(delta!)}/MW-day more${anyway}`);
    parts.push(payback === null ? `its ${fmtUsd(capex!, { compact: true })}/MW capex never pays back on the cash-flow gain` : `its ${fmtUsd(capex!, { compact: true })}/MW capex pays back in ${fmtDays(payback)} on the gain over the current use`);
  }
  if (par) {
    const verb = par.miningUseId === best.id ? 'mining stays best above' : 'mining would win above';
    parts.push(`${verb} BTC ${usd(par.btcPriceUsd)} (hashprice ${fmtUsd(par.hashpriceUsdPerPHDay)}/PH/day)`);
  }
  return `Verdict (per MW of site power): ${parts.join('; ')}.`;
}
