/**
 * Terminal formatting of a profit report: the verdict line first, then aligned plain-text tables
 * (no colours, so output pastes into issues and CI logs unchanged). Every table shows the margin
 * before and after capex, the capex, the payback and the break-even power price with and without
 * capex; rows not priced stay, with the reason.
 */
import { describeProvenance } from './provenance.js';
import { fmtNum, fmtUsd } from './format-num.js';
import type { ProfitReport } from './report.js';
import type { ComparisonRow, PricedRow, UnitEconomics } from './model.js';
import type { SensitivityGrid } from './sensitivity.js';
import { costOfCapitalText, flipsText, optionsText, switchingText } from './format-verdict.js';

export { fmtNum, fmtUsd } from './format-num.js';

/** Payback: "412 d", "4.1 y", "never", "n/a" (no capex to pay back). */
export function fmtDays(d: number | null, capexUsd: number | null = 1): string {
  if (d === null) return capexUsd === null ? 'n/a' : capexUsd === 0 ? 'none' : 'never';
  if (d > 365 * 2) return `${(d / 365).toFixed(1)} y`;
  return `${fmtNum(d, { maxFrac: 0 })} d`;
}

/**
 * Break-even power price with a sensible precision: 3 significant digits ("$0.0846", "$0.534"),
 * "<$0.001" below a tenth of a cent, "never" when negative (capex alone exceeds revenue), "any"
 * when the site pays no energy (a lease whose tenant pays the power).
 */
export function fmtBreakEven(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return 'any';
  if (x < 0) return 'never';
  if (x === 0) return '$0';
  if (x < 0.001) return '<$0.001';
  return `$${Number(x.toPrecision(3))}`;
}

/** An input value as given: up to 6 significant digits (0.99982 stays 0.99982), separators for large. */
function fmtInput(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  return Math.abs(v) >= 1000 ? fmtNum(v) : String(Number(v.toPrecision(6)));
}

function fmtRate(hps: number): string {
  const units: [number, string][] = [[1e18, 'EH/s'], [1e15, 'PH/s'], [1e12, 'TH/s'], [1e9, 'GH/s'], [1e6, 'MH/s'], [1e3, 'kH/s']];
  for (const [k, u] of units) if (hps >= k) return `${fmtNum(hps / k)} ${u}`;
  return `${fmtNum(hps)} H/s`;
}

/** Render rows of cells as an aligned table (first column left, others right). */
export function table(header: string[], rows: string[][], leftCols: number[] = [0]): string {
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (w[i] ?? 0) - [...c].length));
        return leftCols.includes(i) ? c + pad : pad + c;
      })
      .join('  ')
      .trimEnd();
  return [line(header), w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

const ECON_HEAD = ['revenue/day', 'energy/day', 'opex/day', 'margin/day before capex', 'capex', 'margin/day after capex', 'after capital charge', 'break-even $/kWh energy | with capex', 'payback'];

function econCells(e: UnitEconomics): string[] {
  return [
    fmtUsd(e.revenueUsdPerDay),
    fmtUsd(e.energyCostUsdPerDay),
    fmtUsd(e.fixedOpexUsdPerDay + e.revenueOpexUsdPerDay),
    fmtUsd(e.cashUsdPerDay),
    e.capexUsd === null ? 'unknown' : fmtUsd(e.capexUsd, { compact: true }),
    e.marginUsdPerDay === null ? '— (capex unknown)' : fmtUsd(e.marginUsdPerDay),
    e.marginAfterCapitalChargeUsdPerDay === null ? '—' : fmtUsd(e.marginAfterCapitalChargeUsdPerDay),
    `${fmtBreakEven(e.breakEvenUsdPerKWh)} | ${fmtBreakEven(e.breakEvenAllInUsdPerKWh)}`,
    fmtDays(e.paybackDays, e.capexUsd),
  ];
}

function labelOf(r: ComparisonRow): string {
  return r.priced && r.pricedAnyway ? `${r.label} [PRICED ANYWAY]` : r.label;
}

function econTable(rows: readonly ComparisonRow[], lead: string[], leadOf: (r: ComparisonRow) => string[], pick: (r: PricedRow) => UnitEconomics): string {
  const body = rows.map((r) => (r.priced ? [labelOf(r), r.basis, ...leadOf(r), ...econCells(pick(r))] : [r.label, r.basis, ...leadOf(r), 'not priced', ...ECON_HEAD.slice(1).map(() => '—')]));
  return table(['use', 'basis', ...lead, ...ECON_HEAD], body, [0, 1]);
}

function gridTable(g: SensitivityGrid, label: string): string {
  const colFmt = g.cols.name === 'btcPriceUsd' ? (v: number) => `BTC ${fmtUsd(v)}` : (v: number) => `${fmtUsd(v)}/Mtok`;
  const head = ['$/kWh \\ ' + (g.cols.name === 'btcPriceUsd' ? 'BTC price' : 'token price'), ...g.cols.values.map(colFmt)];
  const rows = g.rows.values.map((p, i) => [fmtUsd(p), ...(g.cells[i] ?? []).map((c) => fmtUsd(c))]);
  return `${label}: margin per MW-year after capex\n${table(head, rows)}`;
}

/** "1–3, 7, 9–12" from sorted month numbers. */
function ranges(xs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    out.push(j > i ? `${xs[i]}–${xs[j]}` : String(xs[i]));
    i = j + 1;
  }
  return out.join(', ');
}

function projectionText(rep: ProfitReport): string[] {
  const p = rep.projection!;
  const out: string[] = [''];
  const pct = (k: string) => `${fmtNum(((rep.inputs[k]?.value as number | undefined) ?? 0) * 100)}%`;
  const price = rep.inputs.btcPricePathUsd ? `BTC price path ${rep.inputs.btcPricePathUsd.unit.replace(/^.*: /, '')}` : `BTC price ${pct('btcPriceGrowthPerMonth')}/month`;
  const ai = [
    rep.inputs.tokenPriceDeclinePerYear ? `token price −${pct('tokenPriceDeclinePerYear')}/year` : null,
    rep.inputs.gpuHourPriceDeclinePerYear ? `GPU-hour price −${pct('gpuHourPriceDeclinePerYear')}/year` : null,
    rep.inputs.utilizationRampMonths && (rep.inputs.utilizationRampMonths.value as number) > 0 ? `utilization ramp ${rep.inputs.utilizationRampMonths.value} months` : null,
  ].filter(Boolean);
  const halv = p.halvings.length ? `, halving at block ${p.halvings.map((h) => `${h.height.toLocaleString('en-US')}${h.estimatedDateIso ? ` (est. ${h.estimatedDateIso})` : ''}`).join(', ')}` : '';
  out.push(`Projection: margin per MW per month after capex over ${p.months.length} months (difficulty ${pct('difficultyGrowthPerMonth')}/month, fees ${pct('feesGrowthPerMonth')}/month, ${price}${ai.length ? `, ${ai.join(', ')}` : ''}${halv}); miners switch off in a month whose revenue is below the power cost ("off"):`);
  const ids = p.totalsPerMW.map((t) => t.id);
  const head = ['month', 'start', 'height', 'subsidy', 'hashprice $/PH/d', ...ids];
  const rows = p.months.map((mo) => [
    String(mo.month + 1),
    mo.startDateIso ?? '',
    String(mo.startHeightBlocks),
    fmtNum(mo.meanSubsidyBtc, { maxFrac: 4 }),
    fmtUsd(mo.hashpriceUsdPerPHDay),
    ...ids.map((id) => {
      const c = mo.perMW.find((x) => x.id === id);
      const on = c?.onFraction;
      return `${fmtUsd(c?.marginUsd ?? null)}${on === 0 ? ' off' : on !== null && on !== undefined && on < 1 ? ` on ${Math.round(on * 100)} %` : ''}`;
    }),
  ]);
  rows.push(['total', '', '', '', '', ...ids.map((id) => fmtUsd(p.totalsPerMW.find((t) => t.id === id)?.marginUsd ?? null))]);
  out.push(table(head, rows));
  if (p.bestUseId) out.push(`Over ${p.months.length} months the highest cumulative margin after straight-line depreciation is ${p.bestUseId} (each use as if running from month 1, no cost of capital).`);
  for (const id of ids) {
    const off = p.months.filter((mo) => mo.perMW.find((c) => c.id === id)?.onFraction === 0).map((mo) => mo.month + 1);
    if (off.length) out.push(`${id} off in month${off.length === 1 ? '' : 's'} ${ranges(off)}: revenue below the power cost${rep.inputs.powerSaleUsdPerKWh ? ' (or the sale price)' : ''}, the energy ${rep.inputs.powerSaleUsdPerKWh ? 'sold' : 'not bought'}.`);
  }
  if (rep.decision.basis === 'projection') out.push('The verdict, NPV, IRR and payback use this projected cash, continued to each use\'s horizon.');
  return out;
}

/** Format the whole report for a terminal. */
export function formatProfitReport(rep: ProfitReport): string {
  const out: string[] = [];
  const title = rep.site ? `Site: ${rep.site.name} (${rep.site.file})` : 'Device-level calculation (no site file)';
  out.push(`${title} — as of ${rep.asOf}`);
  out.push('');
  out.push(rep.headline);
  out.push('');
  out.push(formatComparison({ rows: rep.rows }, rep.site ? ((rep.inputs.powerCapacityMW?.value as number | undefined) ?? null) : null).trimEnd());
  out.push(...costOfCapitalText(rep, table));
  out.push(...optionsText(rep, table));
  out.push(...switchingText(rep));
  out.push(...flipsText(rep, table));
  out.push('');
  const mk: [string, string][] = [];
  mk.push(['hashprice', `${fmtUsd(rep.hashpriceUsdPerPHDay)}/PH/day (${fmtUsd(rep.hashpriceUsdPerTHDay)}/TH/day)`]);
  mk.push(['network hashrate (D·2^32/600)', fmtRate(rep.networkHashrateHps)]);
  mk.push(['block subsidy', `${rep.subsidyBtc} BTC`]);
  if (rep.primary && rep.period.days !== 1) mk.push([`${rep.primary}: profit over ${rep.period.days} days`, fmtUsd(rep.period.profitUsd)]);
  if (rep.primary && rep.breakEvenBtcPriceUsd !== null) mk.push([`${rep.primary}: break-even BTC price (energy only)`, fmtUsd(rep.breakEvenBtcPriceUsd)]);
  const kw = Math.max(...mk.map(([k]) => [...k].length));
  out.push('Market:');
  for (const [k, v] of mk) out.push(`  ${k.padEnd(kw)}  ${v}`);
  if (rep.projection) out.push(...projectionText(rep));
  if (rep.sensitivity) {
    for (const g of rep.sensitivity) {
      out.push('');
      out.push(gridTable(g, rep.rows.find((r) => r.id === g.optionId)?.label ?? g.optionId));
    }
  }
  out.push('');
  out.push('Inputs (where each number came from):');
  out.push(
    table(
      ['input', 'value', 'unit', 'source'],
      Object.entries(rep.inputs).map(([k, s]) => [k, fmtInput(s.value), s.unit, describeProvenance(s.provenance)]),
      [0, 2, 3],
    ),
  );
  const t = rep.priceTargets;
  out.push(
    `Prices are for: token price ${t.usdPerMTok ? `${t.usdPerMTok.name}${t.usdPerMTok.parameters ? ` (${fmtNum(t.usdPerMTok.parameters / 1e9)} B params)` : ''}` : 'the measured model (named by no one)'}; GPU-hour ${t.usdPerGpuHour ?? 'the measured GPU'}; GPU capex ${t.gpuCapex ?? 'the measured GPU'}.`,
  );
  out.push('Outputs are derived from these inputs (formulas: `--json` → derivations).');
  return out.join('\n') + '\n';
}

/**
 * Format the comparison tables (per MW, per device, and whole site when `siteMW` is given) with the
 * verdict line first when the report has one, rows not priced and the row notes. Works on a report
 * or a bare siteComparison() result (`joulebench run` prints it).
 */
export function formatComparison(cmp: { rows: readonly ComparisonRow[]; headline?: string }, siteMW: number | null = null): string {
  const out: string[] = [];
  if (cmp.headline) out.push(cmp.headline, '');
  out.push('Per MW of site power (IT × PUE); "after capex" = with the straight-line depreciation of every capex the use needs; "after capital charge" = with capex × CRF(r, life) instead (the cost of capital, see below). Each row prices its use as a new purchase; the verdict ranks the current use on its decision basis, its capex sunk (`profit` lists the options it ranked):');
  out.push(econTable(cmp.rows, ['devices/MW'], (r) => [r.priced && r.kind !== 'hosting-lease' ? fmtNum(r.unitsPerMW) : '—'], (r) => r.perMW));
  out.push('');
  out.push('Per device:');
  const perDevice = cmp.rows.filter((r) => r.kind !== 'hosting-lease');
  out.push(
    econTable(
      perDevice,
      ['efficiency', 'power W'],
      (r) => [r.efficiency ? `${fmtNum(r.efficiency.value)} ${r.efficiency.unit}` : '—', r.priced ? fmtNum(r.perUnit.powerW) : fmtNum(r.powerW)],
      (r) => r.perUnit,
    ),
  );
  if (siteMW !== null) {
    out.push('');
    out.push(`Whole site (${fmtNum(siteMW)} MW):`);
    out.push(econTable(cmp.rows, ['devices'], (r) => [r.priced && r.kind !== 'hosting-lease' ? fmtNum(r.unitsPerMW * siteMW, { maxFrac: 0 }) : '—'], (r) => r.site));
  }
  const unpriced = cmp.rows.filter((r) => !r.priced);
  if (unpriced.length) {
    out.push('');
    out.push('Not priced (the measured figure is not what the price is for):');
    for (const r of unpriced) if (!r.priced) out.push(`  - ${r.label}: not priced: ${r.notPricedReason}`);
  }
  const anyway = cmp.rows.filter((r): r is PricedRow => r.priced && r.pricedAnyway !== null);
  if (anyway.length) {
    out.push('');
    out.push('PRICED ANYWAY (--price-anyway): these rows price a figure against a price that is not for it:');
    for (const r of anyway) out.push(`  - ${r.label}: ${r.pricedAnyway}`);
  }
  const notes = cmp.rows.flatMap((r) => (r.priced ? r.notes.map((n) => `${r.label}: ${n}`) : []));
  if (notes.length) {
    out.push('');
    out.push('Notes:');
    for (const n of [...new Set(notes)]) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}
