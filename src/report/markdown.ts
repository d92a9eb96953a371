/**
 * Markdown exporter of `joulebench report`: the efficiency table (H/J next to tok/J per device), the
 * per-MW earnings table, and numbered notes (energy methods, incomplete runs, warnings).
 * Deterministic: no wall-clock date, rows in the order of buildRows().
 */
import { HEADLINES, headlineLegend } from './headline.js';
import { energyShort, formatQuantity, formatUsd, formatUsdPerKWh, type Figure, type MissingFigure, type RunRow } from './rows.js';

/** Escape a table cell (pipes and newlines break GitHub tables). */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Table cell for a figure: value with unit, CI when there is one; "n/m" when not measured. */
export function figureText(f: Figure | MissingFigure | null, opts: { ci?: boolean } = {}): string {
  if (f === null) return '—';
  if (f.value === null) return 'n/m';
  const ci = opts.ci !== false && f.relCi95 !== null ? ` ±${(f.relCi95 * 100).toFixed(1)}%` : '';
  return formatQuantity(f.value, f.unit) + ci;
}

function table(header: string[], align: Array<'l' | 'r'>, body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  const sep = `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [line(header), sep, ...body.map(line)].join('\n');
}

/** Short run label: "#1 host 2026-05-01 12:00Z". */
export function runLabel(r: RunRow): string {
  return `#${r.ref} ${r.host} ${r.startedAt.slice(0, 16).replace('T', ' ')}Z${r.complete ? '' : ' (incomplete)'}`;
}

/** "fixture-site @ $0.050/kWh", "$0.060/kWh" (no site name), "—". */
export function siteText(r: RunRow): string {
  const p = r.profit!;
  const price = p.powerPriceUsdPerKWh === null ? null : `${formatUsdPerKWh(p.powerPriceUsdPerKWh)}/kWh`;
  if (p.site && price) return `${p.site} @ ${price}`;
  return p.site ?? price ?? '—';
}

/** Markdown of the merged report. */
export function renderMarkdown(rows: readonly RunRow[]): string {
  const out: string[] = [];
  const files = new Set(rows.map((r) => r.file));
  out.push('# joulebench comparison', '');
  out.push(
    `${files.size} result file${files.size === 1 ? '' : 's'}, ${rows.length} row${rows.length === 1 ? '' : 's'}. ` +
      'H/J and tok/J are per joule of the energy scope shown; "n/m" = not measured (see notes). ' +
      'Rows marked [software] ran on a CPU rasteriser: their timings are CPU timings, not GPU figures.',
    '',
  );
  out.push(`Figures (one definition each, as in \`run\` and \`compare\`): ${headlineLegend(HEADLINES.filter((h) => h.kind !== 'micro')).join('; ')}.`, '');
  out.push('## Efficiency per device', '');
  out.push(
    table(
      ['Run', 'Device', 'Driver', 'EP', 'Model', 'H/s', 'H/J', 'Prefill tok/s', 'Decode tok/s', 'tok/J', 'Energy', 'joulebench'],
      ['l', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
      rows.map((r) => [
        runLabel(r),
        r.device,
        r.driver ?? 'not reported',
        r.ep ?? '—',
        r.model ?? '—',
        figureText(r.hashesPerSecond),
        figureText(r.hashesPerJoule),
        figureText(r.prefillTokensPerSecond),
        figureText(r.decodeTokensPerSecond),
        figureText(r.tokensPerJoule),
        energyShort(r),
        r.toolVersion + (r.gitSha ? ` (${r.gitSha.slice(0, 7)})` : ''),
      ]),
    ),
  );
  out.push('');
  out.push('## Earnings per MW', '');
  const profitRows = rows.filter((r) => r.profit);
  if (!profitRows.length) {
    out.push('No run holds a profit model (`profit.site`): nothing to show per MW.');
  } else {
    const seen = new Set<string>();
    const body: string[][] = [];
    for (const r of profitRows) {
      // One profit block per file: skip repeats when a file has several inference rows.
      const key = `${r.file}|${r.profit!.measurementId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const u of r.profit!.rows) {
        body.push([
          runLabel(r),
          r.device,
          u.label,
          u.revenueUsdPerDay === null ? 'n/m' : formatUsd(u.revenueUsdPerDay),
          u.profitUsdPerDay === null ? 'n/m' : formatUsd(u.profitUsdPerDay),
          u.breakEvenUsdPerKWh === null ? 'n/m' : formatUsdPerKWh(u.breakEvenUsdPerKWh),
          siteText(r),
        ]);
      }
    }
    out.push(table(['Run', 'Device', 'Use', 'Revenue per MW-day', 'Profit per MW-day', 'Break-even power price ($/kWh)', 'Site'], ['l', 'l', 'l', 'r', 'r', 'r', 'l'], body));
  }
  out.push('');
  out.push('## Notes', '');
  for (const r of rows) {
    const lines: string[] = [];
    lines.push(`file \`${r.file}\`${r.backend ? `, backend ${r.backend}` : ''}`);
    if (!r.complete) lines.push(`INCOMPLETE run: ${r.incompleteReason}`);
    if (r.hashEnergy && r.inferEnergy && r.hashEnergy.text === r.inferEnergy.text && !r.hashEnergy.measured) {
      lines.push(`hash and inference energy: ${r.hashEnergy.text}`);
    } else {
      if (r.hashEnergy) lines.push(`hash energy: ${r.hashEnergy.text}`);
      if (r.inferEnergy) lines.push(`inference energy: ${r.inferEnergy.text}`);
    }
    for (const [f, e] of [[r.hashesPerJoule, r.hashEnergy], [r.tokensPerJoule, r.inferEnergy]] as const) {
      // A per-joule figure left out because energy was not measured repeats the energy line's
      // reason: say it once. (Measured but incomplete or zero energy has a reason of its own.)
      if (f && f.value === null && (e === null || e.measured)) lines.push(f.reason);
    }
    for (const n of r.notes) lines.push(n);
    out.push(`- **#${r.ref}** ${[...new Set(lines)].map((l) => mdCell(l)).join('; ')}`);
  }
  out.push('');
  return out.join('\n');
}
