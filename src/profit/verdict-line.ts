/**
 * The verdict as one line (src/profit/decision.ts builds the decision it states): the option to
 * take and why, at which hurdle rates, what the switch costs and returns, and — in plain words —
 * when every use destroys value at its cost of capital. Pure.
 */
import { fmtUsd } from './format-num.js';
import { IDLE_ID, type UseMargin } from './options.js';
import type { Decision } from './decision-types.js';
import type { SwitchProject } from './switching.js';

type DecisionBody = Omit<Decision, 'headline'>;

function short(label: string): string {
  return label.replace(/ \((reference ASIC|\$\/Mtok|\$\/GPU-h|\$\/kW-month|SHA256d)\)/, '');
}

/** Whole dollars from $100 (a verdict needs no cents). */
const usd = (x: number) => fmtUsd(Math.abs(x) >= 100 ? Math.round(x) : x);
const perMWDay = (x: number) => `${x >= 0 ? '+' : ''}${usd(x)}/MW-day`;
const pct = (x: number) => `${x < 0 ? '−' : ''}${Number((Math.abs(x) * 100).toPrecision(3))} %`;
const signedUsd = (x: number) => `${x >= 0 ? '+' : '−'}${fmtUsd(Math.abs(x), { compact: true })}`;

function fmtMonths(m: number): string {
  return m >= 24 ? `${(m / 12).toFixed(1)} years` : `${Math.round(m)} months`;
}

/** "at a 10 % cost of capital" when every option shown has one rate, else each use's hurdle rate. */
function ratesText(d: DecisionBody): string {
  const shown = d.uses.filter((u) => u.basis !== 'idle');
  const rates = [...new Set(shown.map((u) => u.discountRate))];
  const proj = d.basis === 'projection' ? ' on projected cash' : '';
  if (rates.length <= 1) return `at a ${pct(rates[0] ?? d.discountRate)} cost of capital${proj}`;
  return `at each use's hurdle rate (${shown.map((u) => `${short(u.label)} ${pct(u.discountRate)}`).join(', ')})${proj}`;
}

/** "(NPV +$62,499/MW, IRR 10.2 % vs its 10 % hurdle)". */
function finText(u: UseMargin, projected: boolean): string {
  const npv = u.npvUsdPerMW === null ? 'NPV —' : `NPV ${signedUsd(u.npvUsdPerMW)}/MW`;
  const irr = u.irr === null ? '' : `, IRR ${pct(u.irr)} ${u.irr < u.discountRate ? '<' : 'vs'} its ${pct(u.discountRate)} hurdle`;
  return `(${projected ? 'projected; ' : ''}${npv}${irr})`;
}

/** What keeping the current use costs on the decision basis: "keeping the Antminer S21 fleet −$754/MW-day (capex sunk: …)". */
function keepText(c: UseMargin): string {
  const k = c.keep;
  const basis = k && k.resaleNowUsdPerMW > 0 ? ` (capex sunk: its ${fmtUsd(k.resaleNowUsdPerMW, { compact: true })}/MW resale forgone, and that resale's fall over the year)` : c.kind === 'asic-mining' ? ' (capex sunk, no resale)' : ' (capex sunk; its resale is not modelled, only an ASIC fleet\'s)';
  return `${perMWDay(c.rankUsdPerMWDay)} for keeping ${short(c.label)}${basis}`;
}

function switchText(s: SwitchProject | null, capex: number | null, payback: number | null): string {
  if (!s) return payback === null ? `its ${fmtUsd(capex!, { compact: true })}/MW capex never pays back on the cash gain` : `its ${fmtUsd(capex!, { compact: true })}/MW capex pays back in ${(payback / 365).toFixed(1)} years on the gain over the current use`;
  const net = s.asicResaleUsdPerMW > 0 ? `, ${fmtUsd(s.asicResaleUsdPerMW, { compact: true })}/MW back from the ASIC fleet` : '';
  const build = s.constructionMonths > 0 ? ` including ${s.constructionMonths} months of construction` : '';
  const pb = s.paybackMonths === null ? 'never pays back within its horizon' : `pays back in ${fmtMonths(s.paybackMonths)}${build}`;
  const gain = s.npvGainUsdPerMW === null ? '' : `, NPV ${signedUsd(s.npvGainUsdPerMW)}/MW over staying`;
  return `the switch (${fmtUsd(s.capexUsdPerMW, { compact: true })}/MW capex${net}) ${pb}${gain}`;
}

/** The verdict when the power is best left unused (or resold): the fleet sold, and why. */
function idleText(d: DecisionBody, best: UseMargin, current: UseMargin | null, over: UseMargin[]): string[] {
  const sale = best.rankUsdPerMWDay !== 0 ? ` at ${perMWDay(best.rankUsdPerMWDay)}` : '';
  const fleet = current?.keep && current.keep.resaleNowUsdPerMW > 0 ? ` (${fmtUsd(current.keep.resaleNowUsdPerMW, { compact: true })}/MW back)` : '';
  const what = `${best.label.charAt(0).toLowerCase()}${best.label.slice(1).replace(/ fleet,/, ` fleet${fleet},`)}${sale}`;
  const realUses = d.uses.filter((u) => u.id !== IDLE_ID);
  const top = realUses.find((u) => u.basis === 'project');
  const parts = [what];
  const keep = current ? `; ${keepText(current)}` : '';
  if (d.everyUseDestroysValue) parts.push(`every use destroys value at its cost of capital${top ? `: the best new use, ${short(top.label)}, ${perMWDay(top.rankUsdPerMWDay)} after capital charge ${finText(top, d.basis === 'projection')}` : ''}${keep}`);
  else if (!realUses.some((u) => u.createsValue && !over.includes(u))) parts.push(`no use within the ${fmtUsd(d.capexBudgetUsd ?? 0, { compact: true })} budget creates value${keep}`);
  else if (realUses[0]) parts.push(`ahead of ${short(realUses[0].label)} at ${perMWDay(realUses[0].rankUsdPerMWDay)}`);
  return parts;
}

/** The verdict line. */
export function headlineOf(d: DecisionBody, best: UseMargin | null, current: UseMargin | null, over: UseMargin[]): string {
  const lead = `Verdict (per MW of site power): ${ratesText(d)}`;
  if (!best) return `${lead}, nothing to compare after capex${d.excluded.length ? ` (${d.excluded.map((e) => `${e.id}: ${e.reason}`).join('; ')})` : ''}.`;
  const projected = d.basis === 'projection';
  const anyway = best.pricedAnyway ? ` [PRICED ANYWAY: ${best.pricedAnyway}]` : '';
  const what = 'after capital charge';
  const parts: string[] = [];
  if (best.basis === 'idle') parts.push(...idleText(d, best, current, over));
  else if (!current) parts.push(`best use ${short(best.label)} at ${perMWDay(best.rankUsdPerMWDay)} ${what} ${finText(best, projected)}${anyway} (no current use to compare: pass --current-use <id>)`);
  else if (current.id === best.id) {
    // The next option the verdict could pick: one over the budget is not "behind" the current use.
    const next = d.uses.find((u) => u.id !== best.id && !over.includes(u));
    const nextName = next ? (next.basis === 'idle' ? `"${next.label}"` : short(next.label)) : '';
    parts.push(`stay with ${short(best.label)}: ${keepText(best).replace(/ for keeping .*? \(/, ' (')}${projected ? ' (projected)' : ''}${anyway}${next ? `, ahead of ${nextName} at ${perMWDay(next.rankUsdPerMWDay)}` : ''}`);
  } else {
    parts.push(`switch to ${short(best.label)}: ${perMWDay(best.rankUsdPerMWDay)} ${what} ${finText(best, projected)} vs ${keepText(current)}, ${usd(d.deltaMarginUsdPerMWDay!)}/MW-day more${anyway}`);
    parts.push(switchText(d.switching, d.switchingCapexUsdPerMW, d.switchingPaybackDays));
  }
  if (over.length && d.capexBudgetUsd !== null) parts.push(`over the ${fmtUsd(d.capexBudgetUsd, { compact: true })} budget: ${over.map((u) => short(u.label)).join(', ')}`);
  if (d.miningParity) {
    const verb = d.miningParity.miningUseId === best.id ? 'mining stays best above' : 'mining would win above';
    parts.push(`${verb} BTC ${usd(d.miningParity.btcPriceUsd)} (hashprice ${fmtUsd(d.miningParity.hashpriceUsdPerPHDay)}/PH/day${projected ? "; at today's difficulty, a snapshot figure" : ''})`);
  }
  return `${lead}, ${parts.join('; ')}.`;
}
