/**
 * Terminal formatting of the cost of capital and of what flips the verdict: each use as a project
 * (capital charge, NPV, IRR, discounted payback), the switch as a project and the best split under
 * the capex budget, the tornado, the flip points, the break-even values and the rental grid.
 */
import { fmtNum, fmtUsd } from './format-num.js';
import type { ProfitReport } from './report.js';
import type { PricedRow } from './model-types.js';
import type { UseMargin } from './options.js';
import type { FlipPoint, TornadoBar, VerdictSensitivity } from './flips.js';

/** How many tornado bars the text shows (the JSON has them all). */
export const TORNADO_TOP = 5;

/** Render rows of cells as an aligned table (first column left, others right). */
type TableFn = (header: string[], rows: string[][], leftCols?: number[]) => string;

const pct = (x: number | null) => (x === null ? '—' : `${Number((x * 100).toPrecision(3))} %`);
const years = (y: number | null) => (y === null ? 'never' : `${y.toFixed(1)} y`);
const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${Number((Math.abs(x) * 100).toPrecision(3))} %`;

/** A value of an input in its unit ("$0.093/kWh", "10 %", "$2.65/GPU-h"). */
export function fmtInputValue(unit: string, v: number): string {
  switch (unit) {
    case 'USD/kWh':
      return `$${Number(v.toPrecision(3))}/kWh`;
    case 'fraction/year':
    case 'fraction':
      return pct(v);
    case 'USD':
      return fmtUsd(v);
    case 'USD/Mtok':
      return `$${Number(v.toPrecision(3))}/Mtok`;
    case 'USD/GPU-h':
      return `$${Number(v.toPrecision(3))}/GPU-h`;
    case 'USD/kW-month':
      return `$${Number(v.toPrecision(4))}/kW-month`;
    case 'USD/MW-IT':
      return `${fmtUsd(v, { compact: true })}/MW-IT`;
    case 'years':
      return `${Number(v.toPrecision(3))} years`;
    case 'ratio':
      return Number(v.toPrecision(3)).toString();
    case 'difficulty':
      return `${Number((v / 1e12).toPrecision(4))} T`;
    default:
      return fmtNum(v);
  }
}

const label = (rep: ProfitReport, id: string | null) => (id === null ? 'nothing' : (rep.rows.find((r) => r.id === id)?.label ?? rep.decision.uses.find((u) => u.id === id)?.label ?? id));

/** Each use as a project at its own discount rate, with its capex on its schedule. */
export function costOfCapitalText(rep: ProfitReport, table: TableFn): string[] {
  const d = rep.decision;
  const rows = rep.rows.filter((r): r is PricedRow => r.priced && r.perMW.capexUsd !== null);
  if (!rows.length) return [];
  const src = rep.inputs.discountRate;
  const byKind = Object.keys(rep.inputs).some((k) => k.startsWith('discountRate:'));
  const out = [
    '',
    `Cost of capital: each use at its hurdle rate (${byKind ? 'by use kind; ' : ''}default ${pct(d.discountRate)} a year${src ? `, ${src.provenance.kind === 'default' ? 'shipped default' : src.provenance.kind === 'site' ? 'site file' : 'flag'}` : ''}); capital charge = capex × CRF(r, life) net of discounted resale; capex on its schedule: the AI-hall retrofit paid monthly through construction, GPUs and servers at commissioning, interest during construction only on what was spent; NPV over construction + the shortest major asset life${d.basis === 'projection' ? ', on the projected cash' : ''}:`,
  ];
  const body = rows.map((r) => {
    const p = r.project;
    return [
      r.label,
      pct(r.discountRate),
      fmtUsd(r.perMW.capexUsd, { compact: true }),
      fmtUsd(r.perMW.interestDuringConstructionUsd, { compact: true }),
      fmtUsd(r.perMW.capitalChargeUsdPerDay),
      fmtUsd(r.perMW.marginAfterCapitalChargeUsdPerDay),
      r.npvUsdPerMW === null ? '—' : fmtUsd(r.npvUsdPerMW, { compact: true }),
      p ? `${p.horizonYears} y${p.constructionMonths ? ` (${p.constructionMonths} mo build)` : ''}` : '—',
      pct(r.irr),
      years(r.discountedPaybackYears),
    ];
  });
  out.push(table(['use', 'rate', 'capex/MW', 'interest during construction', 'capital charge/MW-day', 'margin/MW-day after capital charge', 'NPV/MW', 'horizon', 'IRR', 'discounted payback'], body));
  return out;
}

/** The options the verdict ranked, the current use on its decision basis, and the power left unused. */
export function optionsText(rep: ProfitReport, table: TableFn): string[] {
  const d = rep.decision;
  if (!d.uses.length) return [];
  const basis = (u: UseMargin) => (u.basis === 'keep' ? 'current use, capex sunk' : u.basis === 'idle' ? 'no capex' : `new use, ${fmtUsd(u.capexUsdPerMW, { compact: true })} capex`);
  const body = d.uses.map((u) => [`${u.id === d.bestUseId ? '→ ' : '  '}${u.label}${u.basis === 'keep' ? ', kept' : ''}`, basis(u), pct(u.discountRate), fmtUsd(u.rankUsdPerMWDay), u.npvUsdPerMW === null ? '—' : fmtUsd(u.npvUsdPerMW, { compact: true }), u.createsValue ? 'yes' : 'NO']);
  const out = ['', `Options for the verdict (per MW; those that create value at their rate first, then by margin per MW-day${d.basis === 'projection' ? ', projected' : ''}):`];
  out.push(table(['option', 'basis', 'rate', 'margin/MW-day', 'NPV/MW', 'creates value'], body, [0, 1]));
  const k = d.uses.find((u) => u.basis === 'keep');
  if (k?.keep) {
    const kt = k.keep;
    const off = kt.stayingCashUsdPerMWDay !== k.cashUsdPerMWDay ? ' (off: its revenue is below the power cost)' : '';
    out.push(
      `Keeping ${k.label}, the current use: its capex is sunk; keeping it one more year forgoes its resale today, ${fmtUsd(kt.resaleNowUsdPerMW)}/MW, worth ${fmtUsd(kt.resaleNextYearUsdPerMW)}/MW a year on: (S0 × (1 + ${pct(k.discountRate)}) − S1) / 365 = ${fmtUsd(kt.opportunityCostUsdPerMWDay)}/MW-day against ${fmtUsd(kt.stayingCashUsdPerMWDay)}/MW-day of cash${off}. On its full capex (the accounts) it would be ${fmtUsd(kt.accountingMarginUsdPerMWDay)}/MW-day after capital charge${kt.accountingNpvUsdPerMW === null ? '' : `, NPV ${fmtUsd(kt.accountingNpvUsdPerMW, { compact: true })}/MW`}.`,
    );
  }
  if (d.everyUseDestroysValue) out.push(`Every use destroys value at its cost of capital: no new use and not keeping the current one earns its hurdle rate; the verdict is ${label(rep, d.bestUseId)}.`);
  return out;
}

/** The switch as a project and the best split under the budget. */
export function switchingText(rep: ProfitReport): string[] {
  const d = rep.decision;
  const out: string[] = [];
  const s = d.switching;
  if (s) {
    out.push('');
    const pb = s.paybackMonths === null ? 'never pays back within the horizon' : `pays back in ${fmtNum(s.paybackMonths, { maxFrac: 1 })} months`;
    const cash = s.basis === 'projection' ? 'projected cash' : "today's cash";
    if (s.toUseId === 'idle') out.push(`Sell ${label(rep, s.fromUseId)} (per MW, ${cash}): ${fmtUsd(s.asicResaleUsdPerMW, { compact: true })} back today, no capex; NPV of the year over keeping ${s.npvGainUsdPerMW === null ? '—' : fmtUsd(s.npvGainUsdPerMW, { compact: true })}.`);
    else
      out.push(
        `Switch ${label(rep, s.fromUseId)} → ${label(rep, s.toUseId)} (per MW, ${cash}): capex ${fmtUsd(s.capexUsdPerMW, { compact: true })}, ASIC fleet sold for ${fmtUsd(s.asicResaleUsdPerMW, { compact: true })}, ${s.constructionMonths} months of construction with no revenue; ${pb}; NPV of switching over staying ${s.npvGainUsdPerMW === null ? '—' : fmtUsd(s.npvGainUsdPerMW, { compact: true })}.`,
      );
  }
  const sp = d.split;
  if (sp && (d.capexBudgetUsd !== null || sp.parts.length > 1)) {
    const parts = sp.parts.map((p) => `${fmtNum(p.mw, { maxFrac: 2 })} MW ${label(rep, p.id)} (${fmtUsd(p.capexUsd, { compact: true })} capex, ${fmtUsd(p.valueUsdPerDay)}/day)`);
    out.push(
      `Best split of the site${d.capexBudgetUsd !== null ? ` under the ${fmtUsd(d.capexBudgetUsd, { compact: true })} capex budget` : ''}: ${parts.length ? parts.join(' + ') : 'no use creates value'}${sp.idleMW > 1e-6 ? ` + ${fmtNum(sp.idleMW, { maxFrac: 2 })} MW unused` : ''}; ${fmtUsd(sp.valueUsdPerDay)}/day (new uses after capital charge, the current use after the opportunity cost of keeping it; only options that create value).`,
    );
  }
  return out;
}

function tornadoLine(rep: ProfitReport, b: TornadoBar): string[] {
  const at = (m: number | null, best: string | null) => `${m === null ? '—' : fmtUsd(m)}${best !== rep.sensitivityOfVerdict!.bestUseId ? ` (${label(rep, best)} best)` : ''}`;
  return [b.label, `${fmtInputValue(b.unit, b.low)} → ${fmtInputValue(b.unit, b.high)}`, at(b.marginAtLowUsdPerMWDay, b.bestAtLow), at(b.marginAtHighUsdPerMWDay, b.bestAtHigh), fmtUsd(b.swingUsdPerMWDay)];
}

function flipLine(rep: ProfitReport, f: FlipPoint): string {
  return `  ${f.label} ${fmtInputValue(f.unit, f.base)} → ${fmtInputValue(f.unit, f.value)} (${signedPct(f.change)}): ${label(rep, f.toUseId)} becomes best`;
}

/** Tornado, flip points, break-evens and the rental grid. */
export function flipsText(rep: ProfitReport, table: TableFn): string[] {
  const s: VerdictSensitivity | null = rep.sensitivityOfVerdict;
  if (!s || !s.bestUseId) return [];
  const subject = s.marginOfUseId ?? s.bestUseId;
  const whose = subject === s.bestUseId ? 'its margin' : `the margin of the best use, ${label(rep, subject)},`;
  const out = ['', `What flips the verdict (${label(rep, s.bestUseId)}; ${whose} per MW-day — after capital charge, or after the opportunity cost for the current use — with each input at ±${Math.round(s.rangeFraction * 100)} %, biggest swing first${rep.decision.basis === 'projection' ? '; at today\'s inputs, not the projection' : ''}):`];
  out.push(table(['input', 'low → high', 'margin at low', 'margin at high', 'swing'], s.tornado.slice(0, TORNADO_TOP).map((b) => tornadoLine(rep, b)), [0, 1]));
  out.push(s.flips.length ? 'Flip points (the value at which another option becomes best, nearest first):' : 'Flip points: no input in range changes the best use.');
  for (const f of s.flips) out.push(flipLine(rep, f));
  const be = s.breakEvens;
  if (be.length) {
    out.push('Break-even (the margin that ranks the use = 0: after capital charge; the current use after the opportunity cost of keeping it):');
    const cell = (v: number | null, unit: string) => (v === null ? '—' : fmtInputValue(unit, v));
    out.push(
      table(
        ['use', 'power price', 'BTC price', 'token price', 'GPU-hour price', 'lease price'],
        be.map((b) => [b.label, cell(b.powerPriceUsdPerKWh, 'USD/kWh'), cell(b.btcPriceUsd, 'USD'), cell(b.usdPerMTok, 'USD/Mtok'), cell(b.usdPerGpuHour, 'USD/GPU-h'), cell(b.leaseUsdPerKwMonth, 'USD/kW-month')]),
      ),
    );
  }
  const g = s.rentalGrid;
  if (g) {
    out.push('GPU rental: margin per MW-day after capital charge, $/GPU-hour × utilization:');
    out.push(table(['$/GPU-h \\ utilization', ...g.utilization.map((u) => pct(u))], g.usdPerGpuHour.map((p, i) => [`$${p}`, ...(g.cellsUsdPerMWDay[i] ?? []).map((c) => fmtUsd(c))])));
  }
  return out;
}
