/**
 * The verdict an operator can act on: which option for a MW creates most value at its own hurdle
 * rate, what the site does today (the current use: the reference ASIC unless told otherwise), what
 * switching gains, how long the switch takes to pay back as a project, and the BTC price at which
 * mining would win instead. Pure: comparison rows in, a decision block and one headline line out.
 *
 * - Options (src/profit/options.ts): each priced use as a new investment (margin after capital
 *   charge at its kind's hurdle rate; with a projection, its projected NPV as an equivalent
 *   annuity), the current use on its decision basis (capex sunk: the resale it forgoes and that
 *   resale's decline over the year), and the power left unused (the fleet sold, the energy resold
 *   when the site can). Options that create value (NPV ≥ 0) rank first, so the verdict never picks
 *   a use that destroys value while another option does not; when no use creates value the verdict
 *   says so in plain words. Uses whose capex is unknown, or that are not priced, take no part and
 *   are listed with the reason; with a capex budget, new uses over it are left out.
 * - Switching: the net capex per MW (the best use's, less the fleet's resale) over the daily gain
 *   on the cash of staying (a miner losing money on its energy is off): `switchingPaybackDays`, the
 *   same staying cash as the switch as a project (switching.ts).
 * - Mining break-even: the mining option's margin is linear in the BTC price while its miners run
 *   (revenue and hashprice are, at fixed difficulty, subsidy and fees), so the price at which it
 *   equals the best other option is P* = P + (m_rival − m_mining) / (BTC per MW-day × (1 − revenue
 *   opex share)). It is a snapshot figure (today's difficulty), labelled so in a projection.
 */
import { rankOptions, IDLE_ID, type RankRules, type Ranking, type UseMargin } from './options.js';
import { bestSplit, sellProject, stayingCashUsdPerMWDay, switchProject, type SwitchProject } from './switching.js';
import { headlineOf } from './verdict-line.js';
import type { ComparisonRow, IdleOption } from './model-types.js';

export type { UseMargin, KeepTerms } from './options.js';
export type { Decision } from './decision-types.js';
import type { Decision } from './decision-types.js';


/** Market figures the parity price needs. */
export interface DecisionMarket {
  btcPriceUsd: number;
  hashpriceUsdPerPHDay: number;
}

/** What the verdict needs besides the rows. */
export interface DecisionOptions extends RankRules {
  market: DecisionMarket;
  /** The power left unused (Comparison.idle); default: earns and pays nothing. */
  idle?: IdleOption | null;
}

const NO_IDLE: IdleOption = { powerSaleUsdPerKWh: null, powerSaleUsdPerMWDay: 0, fixedOpexUsdPerMWDay: 0, cashUsdPerMWDay: 0 };
const isMining = (kind: string) => kind === 'asic-mining' || kind === 'gpu-mining';

/** The switch from the current use to the verdict's option, as a project and as a simple payback. */
function switchOf(rk: Ranking, best: UseMargin, o: DecisionOptions): { switching: SwitchProject | null; capex: number | null; payback: number | null } {
  const current = rk.current;
  if (!current || best.id === current.id) return { switching: null, capex: null, payback: null };
  const resale = current.keep?.resaleNowUsdPerMW ?? 0;
  const net = best.capexUsdPerMW - resale;
  const gain = best.cashUsdPerMWDay - stayingCashUsdPerMWDay(rk.byId.get(current.id)!);
  const payback = net <= 0 ? 0 : gain > 0 ? net / gain : null;
  const basis = o.monthly ? 'projection' : 'snapshot';
  if (best.basis === 'idle') return { switching: sellProject({ id: current.id, npvUsdPerMW: current.npvUsdPerMW, resaleNowUsdPerMW: resale }, best, basis), capex: 0, payback };
  const s = switchProject(rk.byId.get(best.id)!, rk.byId.get(current.id)!, { asicResaleFraction: o.asicResaleFraction ?? 0, monthly: o.monthly ?? (() => null) });
  return { switching: s, capex: best.capexUsdPerMW, payback };
}

/** Build the decision. A `currentUseId` that is not a compared use is a RangeError naming the ids that are. */
export function decide(rows: readonly ComparisonRow[], o: DecisionOptions): Decision {
  const rk = rankOptions(rows, o.idle ?? NO_IDLE, o);
  const best = rk.uses[0] ?? null;
  const current = rk.current;
  const sw = best ? switchOf(rk, best, o) : { switching: null, capex: null, payback: null };
  const split = o.capacityMW
    ? bestSplit(
        rk.uses.filter((u) => u.createsValue && u.id !== IDLE_ID).map((u) => ({ id: u.id, valuePerMWDay: u.rankUsdPerMWDay, capexPerMW: u.capexUsdPerMW })),
        { capacityMW: o.capacityMW, budgetUsd: o.capexBudgetUsd ?? null },
      )
    : null;
  const d: Omit<Decision, 'headline'> = {
    discountRate: o.discountRate ?? 0,
    basis: o.monthly ? 'projection' : 'snapshot',
    bestUseId: best?.id ?? null,
    currentUseId: current?.id ?? null,
    uses: [...rk.uses, ...rk.over],
    // Over the budget or not: a use that creates value somewhere means not every use destroys it.
    everyUseDestroysValue: ![...rk.uses, ...rk.over].some((u) => u.basis !== 'idle' && u.createsValue),
    excluded: rk.excluded,
    deltaMarginUsdPerMWDay: best && current ? best.rankUsdPerMWDay - current.rankUsdPerMWDay : null,
    switchingCapexUsdPerMW: sw.capex,
    switchingPaybackDays: sw.payback,
    switching: sw.switching,
    capexBudgetUsd: o.capexBudgetUsd ?? null,
    split,
    miningParity: parity(rk, o.market),
  };
  return { ...d, headline: headlineOf(d, best, current, rk.over) };
}

/** The BTC price at which the mining option (the current use when it mines) equals the best other option. */
function parity(rk: Ranking, market: DecisionMarket): Decision['miningParity'] {
  const mining = rk.current && isMining(rk.current.kind) ? rk.current : rk.uses.find((u) => isMining(u.kind));
  const rival = rk.uses.find((u) => !isMining(u.kind));
  if (!mining || !rival) return null;
  const row = rk.byId.get(mining.id)!;
  const e = row.perMW;
  const btc = e.btcPerDay;
  const sales = e.revenueUsdPerDay - e.curtailmentCreditUsdPerDay - (e.dispatch?.powerSaleUsdPerDay ?? 0);
  const keep = 1 - (sales > 0 ? e.revenueOpexUsdPerDay / sales : 0);
  if (btc === null || !(btc > 0) || !(keep > 0)) return null;
  // The mining option's margin while its miners run: the new use's after capital charge, or the
  // kept fleet's cash less its opportunity cost. Linear in P: m(P) = m_on + btc·keep·(P − P_now).
  const mOn = mining.keep ? e.cashUsdPerDay - mining.keep.opportunityCostUsdPerMWDay : mining.decisionMarginUsdPerMWDay;
  const p = Math.max(0, market.btcPriceUsd + (rival.decisionMarginUsdPerMWDay - mOn) / (btc * keep));
  return { miningUseId: mining.id, rivalUseId: rival.id, btcPriceUsd: p, hashpriceUsdPerPHDay: (market.hashpriceUsdPerPHDay * p) / market.btcPriceUsd, basis: 'snapshot' };
}
