/**
 * Terminal formatting of a profit report: aligned plain-text tables (no colours, so output
 * pastes into issues and CI logs unchanged).
 */
import { describeProvenance } from './provenance.js';
import type { ProfitReport } from './report.js';
import type { Comparison, ComparisonRow, UnitEconomics } from './model.js';
import type { SensitivityGrid } from './sensitivity.js';

/** Format a number with a sensible precision: thousands separators for large, 3 significant digits for small. */
export function fmtNum(x: number | null | undefined, opts: { maxFrac?: number } = {}): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e15 || a < 1e-6) return x.toExponential(3);
  if (a >= 1000) return x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (a >= 1) return x.toLocaleString('en-US', { maximumFractionDigits: opts.maxFrac ?? 2 });
  return x.toPrecision(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** Format USD. */
export function fmtUsd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return fmtNum(x);
  return `${x < 0 ? '−' : ''}$${fmtNum(Math.abs(x))}`;
}

function fmtDays(d: number | null): string {
  if (d === null) return 'never';
  if (d > 365 * 2) return `${fmtNum(d / 365, { maxFrac: 1 })} y`;
  return `${fmtNum(d, { maxFrac: 0 })} d`;
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

function econRow(r: ComparisonRow, e: UnitEconomics, lead: string[]): string[] {
  return [
    r.label,
    ...lead,
    fmtUsd(e.revenueUsdPerDay),
    fmtUsd(e.energyCostUsdPerDay),
    fmtUsd(e.profitUsdPerDay),
    fmtUsd(e.marginUsdPerYear),
    fmtUsd(e.breakEvenUsdPerKWh),
    // null payback means either no capex given (nothing to pay back: "n/a") or no positive cash flow ("never").
    e.paybackDays === null && e.capexUsd === null ? 'n/a' : fmtDays(e.paybackDays),
  ];
}

const ECON_HEAD = ['revenue/day', 'energy/day', 'profit/day', 'margin/year', 'break-even $/kWh', 'payback'];

function gridTable(g: SensitivityGrid, label: string): string {
  const colFmt = g.cols.name === 'btcPriceUsd' ? (v: number) => `BTC ${fmtUsd(v)}` : (v: number) => `${fmtUsd(v)}/Mtok`;
  const head = ['$/kWh \\ ' + (g.cols.name === 'btcPriceUsd' ? 'BTC price' : 'token price'), ...g.cols.values.map(colFmt)];
  const rows = g.rows.values.map((p, i) => [fmtUsd(p), ...(g.cells[i] ?? []).map((c) => fmtUsd(c))]);
  return `${label}: margin per MW-year\n${table(head, rows)}`;
}

/** Format the whole report for a terminal. */
export function formatProfitReport(rep: ProfitReport): string {
  const out: string[] = [];
  const title = rep.site ? `Site: ${rep.site.name} (${rep.site.file})` : 'Device-level calculation (no site file)';
  out.push(`${title} — as of ${rep.asOf}`);
  const prim = rep.rows.find((r) => r.id === rep.primary);
  out.push('');
  out.push(`Headline (${prim?.label ?? rep.primary}, per device):`);
  const hl: [string, string][] = [];
  if (rep.btcPerDay !== null) hl.push(['BTC per day', fmtNum(rep.btcPerDay)]);
  hl.push(['revenue per day', fmtUsd(rep.revenueUsdPerDay)]);
  hl.push(['energy cost per day', fmtUsd(rep.energyCostUsdPerDay)]);
  hl.push(['profit per day (revenue − energy)', fmtUsd(rep.profitUsdPerDay)]);
  hl.push(['margin per day (− depreciation, opex)', fmtUsd(rep.marginUsdPerDay)]);
  hl.push(['break-even power price', rep.breakEvenUsdPerKWh === null ? '—' : `${fmtUsd(rep.breakEvenUsdPerKWh)}/kWh`]);
  if (rep.breakEvenBtcPriceUsd !== null) hl.push(['break-even BTC price', fmtUsd(rep.breakEvenBtcPriceUsd)]);
  if (rep.period.days !== 1) hl.push([`profit over ${rep.period.days} days`, fmtUsd(rep.period.profitUsd)]);
  hl.push(['hashprice', `${fmtUsd(rep.hashpriceUsdPerPHDay)}/PH/day (${fmtUsd(rep.hashpriceUsdPerTHDay)}/TH/day)`]);
  hl.push(['network hashrate (D·2^32/600)', fmtRate(rep.networkHashrateHps)]);
  hl.push(['block subsidy', `${rep.subsidyBtc} BTC`]);
  const kw = Math.max(...hl.map(([k]) => [...k].length));
  for (const [k, v] of hl) out.push(`  ${k.padEnd(kw)}  ${v}`);

  out.push('');
  out.push(formatComparison(rep, rep.site ? (rep.inputs.powerCapacityMW?.value ?? null) : null).trimEnd());
  if (rep.projection) {
    const p = rep.projection;
    out.push('');
    out.push(
      `Projection: margin per MW per month over ${p.months.length} months (difficulty ${fmtNum((rep.inputs.difficultyGrowthPerMonth?.value ?? 0) * 100)}%/month, ${rep.inputs.btcPricePathUsd ? `BTC price path ${rep.inputs.btcPricePathUsd.unit.replace(/^.*: /, '')}` : `BTC price ${fmtNum((rep.inputs.btcPriceGrowthPerMonth?.value ?? 0) * 100)}%/month`}${p.halvingsInWindow.length ? `, halving at block ${p.halvingsInWindow.join(', ')}` : ''}):`,
    );
    const ids = rep.rows.map((r) => r.id);
    const head = ['month', 'start', 'height', 'subsidy', 'hashprice $/PH/d', ...rep.rows.map((r) => r.id)];
    const rows = p.months.map((mo) => [
      String(mo.month + 1),
      mo.startDateIso ?? '',
      String(mo.startHeightBlocks),
      fmtNum(mo.meanSubsidyBtc, { maxFrac: 4 }),
      fmtUsd(mo.hashpriceUsdPerPHDay),
      ...ids.map((id) => fmtUsd(mo.perMW.find((c) => c.id === id)?.marginUsd ?? null)),
    ]);
    rows.push(['total', '', '', '', '', ...ids.map((id) => fmtUsd(p.totalsPerMW.find((t) => t.id === id)?.marginUsd ?? null))]);
    out.push(table(head, rows));
  }

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
      Object.entries(rep.inputs).map(([k, s]) => [k, s.value === null ? '—' : fmtNum(s.value, { maxFrac: 6 }), s.unit, describeProvenance(s.provenance)]),
      [0, 2, 3],
    ),
  );
  out.push('Outputs are derived from these inputs (formulas: `--json` → derivations).');
  return out.join('\n') + '\n';
}

/**
 * Format the comparison tables (per device, per MW, and whole site when `siteMW` is given) with
 * the row notes. Works on a bare siteComparison() result, for `joulebench run`.
 */
export function formatComparison(cmp: Pick<Comparison, 'rows'>, siteMW: number | null = null): string {
  const out: string[] = [];
  out.push('Per device:');
  out.push(
    table(
      ['option', 'efficiency', 'power W', ...ECON_HEAD],
      cmp.rows.map((r) => econRow(r, r.perUnit, [r.efficiency ? `${fmtNum(r.efficiency.value)} ${r.efficiency.unit}` : '—', fmtNum(r.perUnit.powerW)])),
    ),
  );
  out.push('');
  out.push('Per MW of site power (IT × PUE):');
  out.push(table(['option', 'devices/MW', ...ECON_HEAD], cmp.rows.map((r) => econRow(r, r.perMW, [fmtNum(r.unitsPerMW)]))));
  if (siteMW !== null) {
    out.push('');
    out.push(`Whole site (${fmtNum(siteMW)} MW):`);
    out.push(table(['option', 'devices', ...ECON_HEAD], cmp.rows.map((r) => econRow(r, r.site, [fmtNum(r.unitsPerMW * siteMW, { maxFrac: 0 })]))));
  }
  const notes = cmp.rows.flatMap((r) => r.notes.map((n) => `${r.label}: ${n}`));
  if (notes.length) {
    out.push('');
    out.push('Notes:');
    for (const n of [...new Set(notes)]) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}
