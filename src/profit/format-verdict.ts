/**
 * Terminal formatting of the cost of capital and of what flips the verdict: each use as a project
 * (capital charge, NPV, IRR, discounted payback), the switch as a project and the best split under
 * the capex budget, the tornado, the flip points, the break-even values and the rental grid.
 */
import { fmtNum, fmtUsd } from './format-num.js';
import type { ProfitReport } from './report.js';
import type { PricedRow } from './model-types.js';
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

const label = (rep: ProfitReport, id: string | null) => (id === null ? 'nothing' : (rep.rows.find((r) => r.id === id)?.label ?? id));

/** Each use as a project at the report's discount rate. */
export function costOfCapitalText(rep: ProfitReport, table: TableFn): string[] {
  const d = rep.decision;
  const rows = rep.rows.filter((r): r is PricedRow => r.priced && r.perMW.capexUsd !== null);
  if (!rows.length) return [];
  const src = rep.inputs.discountRate;
  const out = ['', `Cost of capital: ${pct(d.discountRate)} a year${src ? ` (${src.provenance.kind === 'default' ? 'default' : src.provenance.kind === 'site' ? 'site file' : 'flag'})` : ''}; capital charge = capex × CRF(r, life) net of discounted resale; NPV over construction + the shortest major asset life${d.basis === 'projection' ? ', on the projected cash' : ''}:`];
  const body = rows.map((r) => {
    const p = r.project;
    return [
      r.label,
      fmtUsd(r.perMW.capexUsd, { compact: true }),
      fmtUsd(r.perMW.capitalChargeUsdPerDay),
      fmtUsd(r.perMW.marginAfterCapitalChargeUsdPerDay),
      r.npvUsdPerMW === null ? '—' : fmtUsd(r.npvUsdPerMW, { compact: true }),
      p ? `${p.horizonYears} y${p.constructionMonths ? ` (${p.constructionMonths} mo build)` : ''}` : '—',
      pct(r.irr),
      years(r.discountedPaybackYears),
    ];
  });
  out.push(table(['use', 'capex/MW', 'capital charge/MW-day', 'margin/MW-day after capital charge', 'NPV/MW', 'horizon', 'IRR', 'discounted payback'], body));
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
    out.push(
      `Switch ${label(rep, s.fromUseId)} → ${label(rep, s.toUseId)} (per MW, ${s.basis === 'projection' ? 'projected cash' : "today's cash"}): capex ${fmtUsd(s.capexUsdPerMW, { compact: true })}, ASIC fleet sold for ${fmtUsd(s.asicResaleUsdPerMW, { compact: true })}, ${s.constructionMonths} months of construction with no revenue; ${pb}; NPV of switching over staying ${s.npvGainUsdPerMW === null ? '—' : fmtUsd(s.npvGainUsdPerMW, { compact: true })}.`,
    );
  }
  const sp = d.split;
  if (sp && (d.capexBudgetUsd !== null || sp.parts.length > 1)) {
    const parts = sp.parts.map((p) => `${fmtNum(p.mw, { maxFrac: 2 })} MW ${label(rep, p.id)} (${fmtUsd(p.capexUsd, { compact: true })} capex, ${fmtUsd(p.valueUsdPerDay)}/day)`);
    out.push(
      `Best split of the site${d.capexBudgetUsd !== null ? ` under the ${fmtUsd(d.capexBudgetUsd, { compact: true })} capex budget` : ''}: ${parts.length ? parts.join(' + ') : 'no use earns after capital charge'}${sp.idleMW > 1e-6 ? ` + ${fmtNum(sp.idleMW, { maxFrac: 2 })} MW idle` : ''}; ${fmtUsd(sp.valueUsdPerDay)}/day after capital charge (the current use at its cash margin less the charge on the resale it forgoes).`,
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
  const out = ['', `What flips the verdict (best use ${label(rep, s.bestUseId)}; its margin per MW-day after capital charge with each input at ±${Math.round(s.rangeFraction * 100)} %, biggest swing first${rep.decision.basis === 'projection' ? '; at today\'s inputs, not the projection' : ''}):`];
  out.push(table(['input', 'low → high', 'margin at low', 'margin at high', 'swing'], s.tornado.slice(0, TORNADO_TOP).map((b) => tornadoLine(rep, b)), [0, 1]));
  out.push(s.flips.length ? 'Flip points (the value at which another use becomes best, nearest first):' : 'Flip points: no input in range changes the best use.');
  for (const f of s.flips) out.push(flipLine(rep, f));
  const be = s.breakEvens;
  if (be.length) {
    out.push('Break-even (margin after capital charge = 0):');
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
