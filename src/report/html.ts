/**
 * Self-contained HTML exporter of `joulebench report`: one static page, inline CSS and inline SVG
 * charts, no script and no network (it opens from a file or a CI artifact as is). Charts:
 *  1. hashes per joule vs tokens per joule, one point per row (issue 7);
 *  2. earnings (profit) per MW-day by use, grouped per run;
 *  3. profit per MW-day vs power price, one line per run × use, crossing zero at the break-even.
 * Deterministic like the Markdown (no wall-clock date).
 */
import { figureText, runLabel, siteText } from './markdown.js';
import { energyShort, formatQuantity, formatUsd, formatUsdPerKWh, valueOf, type RunRow } from './rows.js';
import { PALETTE, barChart, esc, lineChart, scatterChart, type BarGroup, type LineSeries, type ScatterPoint } from './svg.js';
import { powerTraceSection } from './power-trace-svg.js';

/** Colour per use; unknown uses take palette colours after these. */
const USE_COLORS: Record<string, string> = {
  'gpu-mining': '#E69F00',
  'gpu-inference-tokens': '#0072B2',
  'gpu-inference-hourly': '#56B4E9',
  'asic-mining': '#7f7f7f',
  'GPU mining': '#E69F00',
  'GPU inference': '#0072B2',
  'Reference ASIC': '#7f7f7f',
};

/** Colour of a use: its kind's colour unless another use already took it (two ASICs), then the palette. */
function useColor(key: string, i: number, taken: ReadonlySet<string> = new Set()): string {
  const c = USE_COLORS[key];
  if (c && !taken.has(c)) return c;
  // Yellow (#F0E442) is too light for thin lines on white: last resort only.
  const free = PALETTE.filter((p) => !taken.has(p) && !Object.values(USE_COLORS).includes(p) && p !== '#F0E442');
  return free[0] ?? PALETTE[i % PALETTE.length]!;
}

const CSS = `
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d1f23}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #dde1e6;padding-bottom:6px}
p.lead{color:#4a4f57;margin:4px 0 16px}
.banner{background:#fff4d6;border:1px solid #f0d38a;border-radius:6px;padding:10px 14px;margin:12px 0}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px;margin:12px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:12.5px}
small{color:#6a7078;white-space:nowrap}
th,td{padding:6px 8px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
th{white-space:nowrap}
th{background:#f0f2f5;font-weight:600;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.incomplete td{background:#fff8f0}
.tag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:9px;margin-left:4px;vertical-align:1px}
.tag.sw{background:#fde2e1;color:#9b1c1c}
.tag.inc{background:#fdecc8;color:#8a5300}
.nm{color:#8a9099}
figure{margin:0}
figcaption{font-size:13px;color:#4a4f57;margin:6px 0 0}
ul.notes{font-size:13px;color:#33373d;padding-left:20px}
ul.notes li{margin:4px 0}
code{font-size:12px;background:#f0f2f5;padding:1px 4px;border-radius:3px}
footer{font-size:12px;color:#6a7078;margin-top:32px}
`;

function numCell(metric: string, f: RunRow['hashesPerSecond']): string {
  const v = valueOf(f);
  const text = figureText(f);
  const title = f === null ? 'not in this run' : f.value === null ? f.reason : f.method;
  return `<td class="num${v === null ? ' nm' : ''}" data-metric="${metric}"${v === null ? '' : ` data-value="${v}"`} title="${esc(title)}">${esc(text)}</td>`;
}

function runCell(r: RunRow): string {
  return `<td data-col="run" title="${esc(runLabel(r))}&#10;${esc(r.file)}"><strong>#${r.ref}</strong> ${esc(r.host)}<br><small>${esc(r.startedAt.slice(0, 16).replace('T', ' '))}Z</small></td>`;
}

function deviceCell(r: RunRow): string {
  const name = r.device.replace(/ \[software\]$/, '');
  const tags = (r.isSoftware ? '<span class="tag sw" title="CPU rasteriser: timings are CPU timings, not GPU figures">software</span>' : '') + (r.complete ? '' : `<span class="tag inc" title="${esc(r.incompleteReason ?? '')}">incomplete</span>`);
  return `<td data-col="device">${esc(name)}${tags}</td>`;
}

function efficiencyTable(rows: readonly RunRow[]): string {
  const head = ['Run', 'Device', 'Driver', 'EP', 'Model', 'H/s', 'H/J', 'Prefill tok/s', 'Decode tok/s', 'tok/J', 'Energy', 'joulebench'];
  const numeric = new Set(['H/s', 'H/J', 'Prefill tok/s', 'Decode tok/s', 'tok/J']);
  const out = [`<table id="efficiency"><thead><tr>${head.map((h) => `<th${numeric.has(h) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>`];
  for (const r of rows) {
    out.push(
      `<tr data-ref="${r.ref}"${r.complete ? '' : ' class="incomplete"'}>` +
        runCell(r) +
        deviceCell(r) +
        `<td>${esc(r.driver ?? 'not reported')}</td><td>${esc(r.ep ?? '—')}</td><td>${esc(r.model ?? '—')}</td>` +
        numCell('hashesPerSecond', r.hashesPerSecond) +
        numCell('hashesPerJoule', r.hashesPerJoule) +
        numCell('prefillTokensPerSecond', r.prefillTokensPerSecond) +
        numCell('decodeTokensPerSecond', r.decodeTokensPerSecond) +
        numCell('tokensPerJoule', r.tokensPerJoule) +
        `<td title="${esc([r.hashEnergy?.text, r.inferEnergy?.text].filter(Boolean).join('\n'))}">${esc(energyShort(r))}</td>` +
        `<td>${esc(r.toolVersion + (r.gitSha ? ` (${r.gitSha.slice(0, 7)})` : ''))}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out.join('');
}

/** Unique profit blocks (a file with several inference rows repeats its profit block). */
function profitRuns(rows: readonly RunRow[]): RunRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (!r.profit) return false;
    const k = `${r.file}|${r.profit.measurementId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function perMwTable(runs: readonly RunRow[]): string {
  const out = [
    '<table id="per-mw"><thead><tr><th>Run</th><th>Device</th><th>Use</th><th class="num">Revenue per MW-day</th><th class="num">Profit per MW-day</th><th class="num">Break-even $/kWh</th><th>Site</th></tr></thead><tbody>',
  ];
  for (const r of runs) {
    for (const u of r.profit!.rows) {
      const cell = (field: string, v: number | null, f: (x: number) => string) =>
        `<td class="num${v === null ? ' nm' : ''}" data-metric="${field}"${v === null ? '' : ` data-value="${v}"`}>${v === null ? 'n/m' : esc(f(v))}</td>`;
      out.push(
        `<tr data-ref="${r.ref}" data-use="${esc(u.use)}">${runCell(r)}${deviceCell(r)}<td>${esc(u.label)}</td>` +
          cell('revenueUsdPerDay', u.revenueUsdPerDay, formatUsd) +
          cell('profitUsdPerDay', u.profitUsdPerDay, formatUsd) +
          cell('breakEvenUsdPerKWh', u.breakEvenUsdPerKWh, formatUsdPerKWh) +
          `<td>${esc(siteText(r))}</td></tr>`,
      );
    }
  }
  out.push('</tbody></table>');
  return out.join('');
}

function shortDevice(r: RunRow): string {
  let d = r.device.replace(/ \[software\]$/, '');
  // Long adapter names carry build details in parentheses ("llvmpipe (LLVM 15.0.6, 256 bits)"): drop them first.
  if (d.length > 24 && d.indexOf(' (') > 0) d = d.slice(0, d.indexOf(' ('));
  const cut = d.length > 24 ? `${d.slice(0, 23)}…` : d;
  return `#${r.ref} ${cut}${r.isSoftware ? ' (sw)' : ''}`;
}

function efficiencyChart(rows: readonly RunRow[]): { svg: string | null; left: string[] } {
  const points: ScatterPoint[] = [];
  const left: string[] = [];
  rows.forEach((r, i) => {
    const h = valueOf(r.hashesPerJoule);
    const t = valueOf(r.tokensPerJoule);
    if (h === null || t === null || !(h > 0) || !(t > 0)) {
      left.push(`#${r.ref} ${r.device}: ${h === null ? 'H/J' : 'tok/J'} not measured`);
      return;
    }
    // Declared watts are not a measurement: hollow marker, labelled (issue 11).
    const declared = Boolean((r.hashesPerJoule as { declared?: boolean }).declared || (r.tokensPerJoule as { declared?: boolean }).declared);
    points.push({
      ...(declared ? { hollow: true } : {}),
      label: shortDevice(r) + (r.model ? ` · ${r.model}` : '') + (declared ? ' (declared W)' : ''),
      x: t,
      y: h,
      color: PALETTE[i % PALETTE.length]!,
      title: `${r.device}${r.model ? `, ${r.model}` : ''}: ${formatQuantity(h, 'H/J')}, ${formatQuantity(t, 'tokens/J')} (${energyShort(r)})`,
    });
  });
  if (!points.length) return { svg: null, left };
  return { svg: scatterChart({ id: 'chart-efficiency', title: 'Hashes per joule vs tokens per joule', xTitle: 'tokens per joule (tok/J)', yTitle: 'hashes per joule (H/J)', points }), left };
}

function earningsChart(runs: readonly RunRow[]): string | null {
  const legend = new Map<string, string>();
  const groups: BarGroup[] = [];
  for (const r of runs) {
    const bars: BarGroup['bars'] = [];
    for (const u of r.profit!.rows) {
      if (u.profitUsdPerDay === null) continue;
      if (!legend.has(u.label)) legend.set(u.label, useColor(u.kind ?? u.label, legend.size, new Set(legend.values())));
      bars.push({
        series: u.label,
        value: u.profitUsdPerDay,
        color: legend.get(u.label)!,
        text: formatUsd(u.profitUsdPerDay),
        title: `${u.label} on ${r.device}: profit ${formatUsd(u.profitUsdPerDay)}/MW-day${u.revenueUsdPerDay === null ? '' : `, revenue ${formatUsd(u.revenueUsdPerDay)}/MW-day`}`,
      });
    }
    if (bars.length) groups.push({ label: shortDevice(r), bars });
  }
  if (!groups.length) return null;
  return barChart({
    id: 'chart-earnings',
    title: 'Profit per MW-day by use',
    xTitle: 'profit per MW of IT load per day (USD)',
    groups,
    legend: [...legend].map(([series, color]) => ({ series, color })),
  });
}

function priceChart(runs: readonly RunRow[]): { svg: string | null; left: string[] } {
  const left: string[] = [];
  const lines: Array<{ r: RunRow; label: string; kind: string | null; y: (x: number) => number; be: number; at: number | null; profit: number | null }> = [];
  for (const r of runs) {
    const p = r.profit!.powerPriceUsdPerKWh;
    for (const u of r.profit!.rows) {
      const { profitUsdPerDay: profit, breakEvenUsdPerKWh: be, revenueUsdPerDay: rev, energyKWhPerDay: kwh } = u;
      if (rev !== null && kwh !== null && kwh > 0) {
        // profit = revenue − energy × price (src/profit/model.ts): the slope is the site energy per MW-day.
        lines.push({ r, label: u.label, kind: u.kind, y: (x) => rev - kwh * x, be: rev / kwh, at: p, profit });
      } else if (p !== null && profit !== null && be !== null && Math.abs(be - p) > 1e-12 && be > 0) {
        // Profit is linear in the power price: the line runs through (site price, profit) and (break-even, 0).
        const slope = -profit / (be - p);
        lines.push({ r, label: u.label, kind: u.kind, y: (x) => profit + slope * (x - p), be, at: p, profit });
      } else {
        left.push(`#${r.ref} ${u.label}: the profit model gives neither energy per MW-day nor a usable break-even price`);
      }
    }
  }
  if (!lines.length) return { svg: null, left };
  const maxP = Math.max(...lines.map((l) => Math.max(Number.isFinite(l.be) ? l.be : 0, l.at ?? 0))) * 1.25 || 0.2;
  const runIdx = new Map(runs.map((r, i) => [r.ref, i]));
  const dashes = ['', '6 4', '2 3', '8 3 2 3'];
  const useIdx = new Map<string, number>();
  const useColors = new Map<string, string>();
  const series: LineSeries[] = lines.map((l) => {
    if (!useIdx.has(l.label)) useIdx.set(l.label, useIdx.size);
    if (!useColors.has(l.label)) useColors.set(l.label, useColor(l.kind ?? l.label, useColors.size, new Set(useColors.values())));
    const y = l.y;
    const multi = runs.length > 1;
    return {
      label: `${multi ? `#${l.r.ref} ` : ''}${l.label}`,
      color: multi ? PALETTE[runIdx.get(l.r.ref)! % PALETTE.length]! : useColors.get(l.label)!,
      ...(multi ? { dash: dashes[useIdx.get(l.label)! % dashes.length] || undefined } : {}),
      points: [
        [0, y(0)],
        [maxP, y(maxP)],
      ],
      title: `${l.label} on ${l.r.device}: break-even ${formatUsdPerKWh(l.be)}/kWh${l.profit !== null && l.at !== null ? `; ${formatUsd(l.profit)}/MW-day at ${formatUsdPerKWh(l.at)}/kWh` : ''}`,
    };
  });
  const prices = [...new Set(runs.map((r) => r.profit!.powerPriceUsdPerKWh).filter((p): p is number => p !== null))];
  return {
    svg: lineChart({
      id: 'chart-price',
      title: 'Profit per MW-day vs power price',
      xTitle: 'power price (USD/kWh)',
      yTitle: 'profit per MW-day (USD)',
      series,
      markers: prices.map((p) => ({ x: p, label: `site ${formatUsdPerKWh(p)}` })),
      height: Math.max(420, 40 + series.length * 18),
    }),
    left,
  };
}

function notesList(rows: readonly RunRow[]): string {
  const items = rows.map((r) => {
    const lines: string[] = [`file <code>${esc(r.file)}</code>${r.backend ? `, backend ${esc(r.backend)}` : ''}`];
    if (!r.complete) lines.push(`<strong>incomplete run</strong>: ${esc(r.incompleteReason ?? '')}`);
    if (r.hashEnergy) lines.push(`hash energy: ${esc(r.hashEnergy.text)}`);
    if (r.inferEnergy) lines.push(`inference energy: ${esc(r.inferEnergy.text)}`);
    for (const n of r.notes) lines.push(esc(n));
    return `<li><strong>#${r.ref}</strong> ${[...new Set(lines)].join('; ')}</li>`;
  });
  return `<ul class="notes">${items.join('')}</ul>`;
}

/** The whole page. */
export function renderHtml(rows: readonly RunRow[]): string {
  const files = new Set(rows.map((r) => r.file)).size;
  const runs = profitRuns(rows);
  const eff = efficiencyChart(rows);
  const earn = runs.length ? earningsChart(runs) : null;
  const price = runs.length ? priceChart(runs) : { svg: null, left: [] };
  const anySoftware = rows.some((r) => r.isSoftware);
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  parts.push(`<meta name="generator" content="joulebench"><title>joulebench comparison</title><style>${CSS}</style></head><body><main>`);
  parts.push(`<h1>joulebench comparison</h1><p class="lead">${files} result file${files === 1 ? '' : 's'}, ${rows.length} row${rows.length === 1 ? '' : 's'}. Hashes per joule next to tokens per joule on the same device, and what each use earns per MW. "n/m" = not measured (see notes).</p>`);
  if (anySoftware) {
    parts.push(`<div class="banner" id="software-banner"><strong>Software adapter present.</strong> Rows tagged <span class="tag sw">software</span> ran on a CPU rasteriser (e.g. Mesa llvmpipe): their timings are CPU timings, not GPU figures.</div>`);
  }
  parts.push(`<h2>Efficiency per device</h2><div class="card">${efficiencyTable(rows)}</div>`);
  parts.push(`<h2>Hashes per joule vs tokens per joule</h2><div class="card"><figure>`);
  parts.push(eff.svg ?? '<p class="nm">No row has both H/J and tok/J measured: nothing to plot.</p>');
  parts.push(`<figcaption>One point per device and model; up and to the right is better on both. ${eff.left.length ? `Not plotted: ${eff.left.map(esc).join('; ')}.` : ''}</figcaption></figure></div>`);
  parts.push(`<h2>Earnings per MW</h2>`);
  if (!runs.length) {
    parts.push(`<div class="card"><p class="nm" id="no-profit">No run holds a profit model (<code>profit.site</code>): nothing to show per MW.</p></div>`);
  } else {
    parts.push(`<div class="card">${perMwTable(runs)}</div>`);
    parts.push(`<div class="card"><figure>${earn ?? '<p class="nm">No profit figures to plot.</p>'}<figcaption>Profit per MW of IT load per day at each run's site power price, by use.</figcaption></figure></div>`);
    parts.push(`<h2>Profit vs power price</h2><div class="card"><figure>${price.svg ?? '<p class="nm">The profit model gives no power price or break-even price: no lines to draw.</p>'}`);
    parts.push(`<figcaption>Each line crosses zero at its break-even power price; the dotted marker is the site's price. ${price.left.length ? `Not drawn: ${price.left.map(esc).join('; ')}.` : ''}</figcaption></figure></div>`);
  }
  parts.push(powerTraceSection(rows));
  parts.push(`<h2>Notes</h2>${notesList(rows)}`);
  parts.push(`<footer>Made by <code>joulebench report</code>. Self-contained page: inline CSS and SVG, no script, no network.</footer>`);
  parts.push(`</main></body></html>\n`);
  return parts.join('\n');
}
