/**
 * Self-contained HTML exporter of `joulebench report`: one static page, inline CSS and inline SVG
 * charts, no script and no network (it opens from a file or a CI artifact as is).
 *
 * The page is a list of sections (HTML_SECTIONS), each a function of the report context returning
 * its HTML or null: a headline card first (best H/J, best tok/J, J/TH next to the reference ASIC,
 * the per-MW verdict), the efficiency tables sorted by efficiency, the H/J vs tok/J scatter (ASIC
 * reference line, declared vs metered markers, labels that never overlap), earnings per MW after
 * capex (one row per site use), margin vs power price over the range that matters, device
 * footnotes and notes. To add a section, write `(ctx) => html | null` and insert it in the list.
 * Deterministic like the Markdown (no wall-clock date). Fits a 1,400 px window without horizontal
 * scrolling (long text wraps; device names are short, with footnotes).
 */
import type { CampaignSummary } from './campaign.js';
import { campaignHtml } from './campaign-render.js';
import { fmtBreakEven } from '../profit/format.js';
import { fmtInputValue } from '../profit/format-verdict.js';
import { OLD_NOTE, figureText, isOld, jPerTHText, runLabel, useCells, verdictText, wattsText } from './markdown.js';
import { formatQuantity, formatUsd, valueOf, type Figure, type MissingFigure, type RunRow } from './rows.js';
import { PALETTE, barChart, esc, lineChart, scatterChart, tornadoChart, type BarGroup, type LineSeries, type ScatterPoint } from './svg.js';
import { powerTraceSection } from './power-trace-svg.js';
import { sweepHtml } from './sweep-view.js';
import { loadHtml } from './load-view.js';
import { buildView, powerPriceRange, profitRuns, vsAsic, type DeviceNote, type ReportView, type UseEntry } from './view.js';

/** What every section sees. */
export interface HtmlContext {
  rows: readonly RunRow[];
  view: ReportView;
  /** Optional sections' inputs (a Slurm campaign's per-GPU-model summary, issue 15). */
  extras: ReportExtras;
}

/** Inputs of optional report sections. */
export interface ReportExtras {
  /** Slurm campaign summary: per GPU model median/spread and outlier nodes. */
  campaign?: CampaignSummary | null;
}

/** One section of the page: its HTML, or null to leave it out. */
export type HtmlSection = (ctx: HtmlContext) => string | null;

/** Colour per use kind; unknown uses take palette colours after these. */
const USE_COLORS: Record<string, string> = {
  'gpu-mining': '#E69F00',
  'gpu-inference-tokens': '#0072B2',
  'gpu-rental': '#56B4E9',
  'gpu-inference-hourly': '#56B4E9',
  'hosting-lease': '#009E73',
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
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d1f23}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #dde1e6;padding-bottom:6px}
p.lead{color:#4a4f57;margin:4px 0 16px}
.banner{background:#fff4d6;border:1px solid #f0d38a;border-radius:6px;padding:10px 14px;margin:12px 0}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px;margin:12px 0;overflow-x:auto}
.tiles{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;margin:12px 0}
.tile{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 14px;min-width:0}
.tile.verdict{grid-column:span 3;border-left:4px solid #009E73}
.tile h3{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#6a7078;margin:0 0 6px}
.tile .big{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.tile .sub{font-size:12.5px;color:#4a4f57;margin-top:4px;overflow-wrap:break-word}
.verdict-line{font-size:14px;margin:6px 0}
table{border-collapse:collapse;width:100%;font-size:12.5px}
small{color:#6a7078}
th,td{padding:6px 8px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f2f5;font-weight:600;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
tr.incomplete td{background:#fff8f0}
tr.unpriced td{color:#6a7078;background:#fafbfc}
td.np{font-style:italic}
.tag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:9px;margin-left:4px;vertical-align:1px;white-space:nowrap}
.tag.sw{background:#fde2e1;color:#9b1c1c}
.tag.inc{background:#fdecc8;color:#8a5300}
.tag.decl{background:#e8e4f8;color:#4b3a8f}
.tag.any{background:#9b1c1c;color:#fff}
.nm{color:#8a9099}
figure{margin:0}
figcaption{font-size:13px;color:#4a4f57;margin:6px 0 0}
ul.notes,ol.devices{font-size:13px;color:#33373d;padding-left:20px}
ul.notes li,ol.devices li{margin:4px 0;overflow-wrap:break-word}
code{font-size:12px;background:#f0f2f5;padding:1px 4px;border-radius:3px}
footer{font-size:12px;color:#6a7078;margin-top:32px}
`;

function numCell(metric: string, f: Figure | MissingFigure | null): string {
  const v = valueOf(f);
  const text = figureText(f);
  const title = f === null ? 'not in this run' : f.value === null ? f.reason : f.notSteady ? `NOT STEADY: ${f.notSteady}\n${f.method}` : f.method;
  return `<td class="num${v === null ? ' nm' : ''}" data-metric="${metric}"${v === null ? '' : ` data-value="${v}"`} title="${esc(title)}">${esc(text)}</td>`;
}

function plainNum(metric: string, v: number | null, text: string): string {
  return `<td class="num${v === null ? ' nm' : ''}" data-metric="${metric}"${v === null ? '' : ` data-value="${v}"`}>${esc(text)}</td>`;
}

function runCell(r: RunRow): string {
  return `<td data-col="run" title="${esc(runLabel(r))}&#10;${esc(r.file)}"><strong>#${r.ref}</strong> ${esc(r.host)}<br><small>${esc(r.startedAt.slice(0, 16).replace('T', ' '))}Z</small></td>`;
}

function devRef(d: DeviceNote): string {
  return `${esc(d.short)}<sup><a href="#dev-${d.n}" title="${esc(d.full)}">${d.n}</a></sup>${d.isSoftware ? '<span class="tag sw" title="CPU rasteriser: timings are CPU timings, not GPU figures">software</span>' : ''}`;
}

function energyCell(text: string, declared: boolean): string {
  return `<td data-col="energy">${declared ? '<span class="tag decl" title="watts typed by the user, not read from a meter">declared, not measured</span>' : esc(text)}</td>`;
}

/** The mark of a run whose file fails `joulebench verify`. */
const verifyTag = (r: RunRow) => (r.verifyProblem ? `<span class="tag inc" title="${esc(r.verifyProblem)}">fails verify</span>` : '');

const rankCell = (r: number | null) => `<td class="num" data-col="rank">${r === null ? '—' : r}</td>`;

function hashingTable(v: ReportView): string {
  const head = ['Rank', 'Run', 'Device', 'H/s', 'W', 'H/J', 'J/TH', 'Energy'];
  const num = new Set(['Rank', 'H/s', 'W', 'H/J', 'J/TH']);
  const out = [`<table id="hashing"><thead><tr>${head.map((h) => `<th${num.has(h) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>`];
  for (const e of v.hashing) {
    const r = e.row;
    out.push(
      `<tr data-ref="${r.ref}"${r.complete ? '' : ' class="incomplete"'}>${rankCell(e.rank)}${runCell(r)}<td data-col="device">${devRef(e.device)}${r.complete ? '' : `<span class="tag inc" title="${esc(r.incompleteReason ?? '')}">incomplete</span>`}${verifyTag(r)}</td>` +
        numCell('hashesPerSecond', e.hashesPerSecond) +
        plainNum('powerW', e.powerW, wattsText(e.powerW)) +
        numCell('hashesPerJoule', e.hashesPerJoule) +
        plainNum('jPerTH', e.jPerTH, jPerTHText(e.jPerTH)) +
        energyCell(e.energy, e.declared) +
        '</tr>',
    );
  }
  out.push('</tbody></table>');
  return out.join('');
}

function inferenceTable(v: ReportView): string {
  const head = ['Rank', 'Run', 'Device', 'Model', 'Serving', 'Decode tok/s', 'Prefill tok/s', 'W', 'tok/J', 'J/token', 'Energy'];
  const num = new Set(['Rank', 'Decode tok/s', 'Prefill tok/s', 'W', 'tok/J', 'J/token']);
  const out = [`<table id="inference"><thead><tr>${head.map((h) => `<th${num.has(h) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>`];
  for (const e of v.inference) {
    const r = e.row;
    out.push(
      `<tr data-ref="${r.ref}"${r.complete ? '' : ' class="incomplete"'}>${rankCell(e.rank)}${runCell(r)}<td data-col="device">${devRef(e.device)}${r.complete ? '' : `<span class="tag inc" title="${esc(r.incompleteReason ?? '')}">incomplete</span>`}${verifyTag(r)}</td>` +
        `<td>${esc(e.model)}</td><td data-col="serving">${esc(e.serving)}</td>` +
        numCell('decodeTokensPerSecond', e.tokensPerSecond) +
        numCell('prefillTokensPerSecond', e.prefillTokensPerSecond) +
        plainNum('powerW', e.powerW, wattsText(e.powerW)) +
        numCell('tokensPerJoule', e.tokensPerJoule) +
        plainNum('jPerToken', e.jPerToken, e.jPerToken === null ? '—' : formatQuantity(e.jPerToken, 'J/token')) +
        energyCell(e.energy, e.declared) +
        '</tr>',
    );
  }
  out.push('</tbody></table>');
  return out.join('');
}

const titleSection: HtmlSection = ({ rows }) => {
  const files = new Set(rows.map((r) => r.file)).size;
  return `<h1>joulebench comparison</h1><p class="lead">${files} result file${files === 1 ? '' : 's'}, ${rows.length} row${rows.length === 1 ? '' : 's'}. Hashes per joule next to tokens per joule on the same device, and what each use of a MW earns after capex. "n/m" = not measured (see notes).</p>`;
};

const headlineSection: HtmlSection = ({ view: v }) => {
  const tile = (id: string, h: string, big: string, sub: string, cls = '') => `<div class="tile${cls}" id="${id}"><h3>${h}</h3><div class="big">${big}</div><div class="sub">${sub}</div></div>`;
  const b = v.bestHash;
  const i = v.bestInfer;
  const tiles = [
    tile('best-hpj', 'Best hashes per joule', b ? esc(figureText(b.hashesPerJoule, { ci: false })) : 'n/m', b ? `#${b.row.ref} ${devRef(b.device)} · ${esc(b.energy)}` : 'no hash figure with energy'),
    tile('best-tpj', 'Best tokens per joule', i ? esc(figureText(i.tokensPerJoule, { ci: false })) : 'n/m', i ? `#${i.row.ref} ${devRef(i.device)} · ${esc(i.model)} · ${esc(i.serving)} · ${esc(i.energy)}` : 'no inference figure with energy'),
    tile(
      'jpth',
      `J/TH next to the ${esc(v.asic.label)}`,
      b?.jPerTH ? esc(jPerTHText(b.jPerTH)) : 'n/m',
      `${b?.jPerTH ? `#${b.row.ref} ${devRef(b.device)}: ${esc(vsAsic(b.jPerTH, v.asic))}` : 'no measured H/J'} (${esc(v.asic.label)} = ${esc(formatQuantity(v.asic.hashesPerJoule, 'H/J'))}, ${esc(v.asic.source)})`,
    ),
  ];
  const verdicts = v.verdicts.length
    ? v.verdicts.map((vd) => `<p class="verdict-line" data-runs="${vd.runs.join(',')}"><strong>${esc(vd.context)}${vd.repriced ? ' (re-priced)' : ''}:</strong> ${esc(verdictText(vd.headline))}</p>`).join('')
    : '<p class="verdict-line nm">No run holds a profit model with a verdict: re-price stored results with <code>joulebench report &lt;files&gt; --site sites/&lt;site&gt;.yaml</code>.</p>';
  tiles.push(`<div class="tile verdict" id="verdict"><h3>Per-MW verdict</h3>${verdicts}</div>`);
  return `<section id="headline" aria-label="headline"><div class="tiles">${tiles.join('')}</div></section>`;
};

const softwareBanner: HtmlSection = ({ rows }) =>
  rows.some((r) => r.isSoftware)
    ? `<div class="banner" id="software-banner"><strong>Software adapter present.</strong> Rows tagged <span class="tag sw">software</span> ran on a CPU rasteriser (e.g. Mesa llvmpipe): their timings are CPU timings, not GPU figures, and they are never priced as a GPU service.</div>`
    : null;

const efficiencySection: HtmlSection = ({ view: v }) =>
  `<h2>Hashing efficiency <small>best H/J first</small></h2><div class="card">${v.hashing.length ? hashingTable(v) : '<p class="nm">No hash figures.</p>'}</div>` +
  `<h2>Inference efficiency <small>best tok/J first; the serving figure when the result has one</small></h2><div class="card">${v.inference.length ? inferenceTable(v) : '<p class="nm">No inference figures.</p>'}</div>`;

/** Point colours: the palette without its yellow, too light for a hollow marker on white. */
const POINT_COLORS = PALETTE.filter((c) => c !== '#F0E442');

function scatterPoints(v: ReportView): { points: ScatterPoint[]; left: string[] } {
  const points: ScatterPoint[] = [];
  const left: string[] = [];
  v.inference.forEach((e, i) => {
    const r = e.row;
    const h = valueOf(r.hashesPerJoule);
    const t = valueOf(e.tokensPerJoule);
    if (h === null || t === null || !(h > 0) || !(t > 0)) {
      left.push(`#${r.ref} ${e.device.short}: ${h === null || !(h > 0) ? 'H/J' : 'tok/J'} not measured`);
      return;
    }
    const declared = r.hashEnergy?.kind === 'declared' || r.inferEnergy?.kind === 'declared';
    points.push({
      label: `#${r.ref} ${e.device.short}${e.device.isSoftware ? ' (sw)' : ''} · ${e.model}`,
      x: t,
      y: h,
      color: POINT_COLORS[i % POINT_COLORS.length]!,
      shape: declared ? 'diamond' : 'circle',
      title: `${r.device}, ${e.model}: ${formatQuantity(h, 'H/J')}, ${formatQuantity(t, 'tokens/J')} (${declared ? 'declared, not measured' : e.energy})`,
    });
  });
  return { points, left };
}

const scatterSection: HtmlSection = ({ view: v }) => {
  const { points, left } = scatterPoints(v);
  const legend: Array<{ shape: 'circle' | 'diamond'; label: string }> = [{ shape: 'circle', label: 'metered energy' }, { shape: 'diamond', label: 'declared watts, not measured' }];
  const chart = points.length
    ? scatterChart({
        id: 'chart-efficiency',
        title: 'Hashes per joule vs tokens per joule',
        xTitle: 'tokens per joule (tok/J)',
        yTitle: 'hashes per joule (H/J)',
        points,
        refLines: [{ y: v.asic.hashesPerJoule, label: `${v.asic.label}: ${formatQuantity(v.asic.hashesPerJoule, 'H/J')} (${Number(v.asic.jPerTH.toPrecision(3))} J/TH), reference ASIC` }],
        legend,
      })
    : '<p class="nm">No row has both H/J and tok/J measured: nothing to plot.</p>';
  return (
    `<h2>Hashes per joule vs tokens per joule</h2><div class="card"><figure>${chart}` +
    `<figcaption>One point per device and model; up and to the right is better on both. Filled circles: metered energy; hollow diamonds: declared watts, not measured. The dashed line is the reference ASIC's hashes per joule. ${left.length ? `Not plotted: ${left.map(esc).join('; ')}.` : ''}</figcaption></figure></div>`
  );
};

function perMwTable(v: ReportView): string {
  // One site context: the verdict above names it; several: a column says which row is which.
  const multi = new Set(v.uses.map((e) => e.context)).size > 1;
  const siteTd = (e: UseEntry) => (multi ? `<td>${esc(e.context)}</td>` : '');
  const head = ['Use', 'Run', 'Basis', 'Revenue /MW-day', 'Margin before capex', 'Capex /MW', 'Margin after capex', 'Payback', 'Break-even $/kWh energy / with capex', ...(multi ? ['Site'] : [])];
  const numeric = new Set(head.slice(3, 9));
  const metrics = ['revenueUsdPerDay', 'cashUsdPerDay', 'capexUsd', 'marginUsdPerDay', 'paybackDays', 'breakEven'];
  const out = [`<table id="per-mw"><thead><tr>${head.map((h) => `<th${numeric.has(h) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>`];
  for (const e of v.uses) {
    const u = e.u;
    const runs = e.shared ? `site use<br><small>run ${e.runs.map((r) => `#${r}`).join(', ')}</small>` : `#${e.runs[0]}${e.device ? ` ${devRef(e.device)}` : ''}`;
    const anyway = u.pricedAnyway ? `<span class="tag any" title="${esc(u.pricedAnyway)}">PRICED ANYWAY</span>` : '';
    const lead = `<td>${esc(u.label)}${anyway}</td><td>${runs}</td><td>${u.basis && /declared, not measured/.test(u.basis) ? `${esc(u.basis.replace(/;? ?declared, not measured/, ''))} <span class="tag decl">declared, not measured</span>` : esc(u.basis ?? '—')}</td>`;
    const attrs = `data-key="${esc(e.key)}" data-use="${esc(u.use)}" data-runs="${e.runs.join(',')}" data-priced="${u.priced}"`;
    if (!u.priced) {
      out.push(`<tr class="unpriced" ${attrs}>${lead}<td colspan="6" class="np" data-metric="notPriced">not priced: ${esc(u.notPricedReason ?? '')}</td>${siteTd(e)}</tr>`);
      continue;
    }
    const cells = useCells(e);
    const raw: Array<number | null> = [u.revenueUsdPerDay, u.cashUsdPerDay ?? u.profitUsdPerDay, u.capexUsd, u.marginUsdPerDay, u.paybackDays, u.breakEvenUsdPerKWh];
    const tds = cells.map((c, i) => `<td class="num" data-metric="${metrics[i]}"${raw[i] === null || raw[i] === undefined ? '' : ` data-value="${raw[i]}"`}${i === 5 ? ` data-all-in="${u.breakEvenAllInUsdPerKWh ?? ''}"` : ''}>${esc(c)}</td>`);
    out.push(`<tr ${attrs}>${lead}${tds.join('')}${siteTd(e)}</tr>`);
  }
  out.push('</tbody></table>');
  return out.join('');
}

/** Priced uses with a margin after capex (the charts plot only those) and the others, with why. */
function charted(v: ReportView): { uses: UseEntry[]; left: string[] } {
  const uses: UseEntry[] = [];
  const left: string[] = [];
  for (const e of v.uses) {
    if (!e.u.priced) continue;
    if (e.u.marginUsdPerDay === null) left.push(`${e.u.label}${e.shared ? '' : ` (#${e.runs[0]})`}: no margin after capex (${e.u.capexUsd === null && e.u.cashUsdPerDay !== null ? 'capex unknown' : 'an older result: re-price it with --site'})`);
    else uses.push(e);
  }
  return { uses, left };
}

/** Short group label of a site use: "site: Boden". */
function siteGroup(e: UseEntry): string {
  const name = e.context.split(' @')[0]!.split(/ — |, /)[0]!;
  return `site: ${name.length > 24 ? `${name.slice(0, 23)}…` : name}`;
}

function earningsChart(uses: UseEntry[]): string | null {
  const legend = new Map<string, string>();
  const groups = new Map<string, BarGroup>();
  for (const e of uses) {
    const val = e.u.marginUsdPerDay!;
    const series = e.u.label.replace(/ · .*$/, '');
    if (!legend.has(series)) legend.set(series, useColor(e.u.kind ?? series, legend.size, new Set(legend.values())));
    const g = e.shared ? `${siteGroup(e)}|${e.context}` : `#${e.runs[0]}`;
    const label = e.shared ? siteGroup(e) : `#${e.runs[0]} ${e.device?.short ?? ''}`.slice(0, 30);
    if (!groups.has(g)) groups.set(g, { label, bars: [] });
    groups.get(g)!.bars.push({
      series,
      value: val,
      color: legend.get(series)!,
      text: formatUsd(val),
      title: `${e.u.label} (${e.context}): margin after capex ${formatUsd(val)}/MW-day`,
    });
  }
  if (!groups.size) return null;
  return barChart({
    id: 'chart-earnings',
    title: 'Margin per MW-day after capex by use',
    xTitle: 'margin per MW of site power per day, after capex (USD)',
    groups: [...groups.values()],
    legend: [...legend].map(([series, color]) => ({ series, color })),
  });
}

const perMwSection: HtmlSection = ({ view: v }) => {
  if (!v.uses.length) {
    return `<h2>Earnings per MW</h2><div class="card"><p class="nm" id="no-profit">No run holds a profit model (<code>profit.site</code>): nothing to show per MW. Re-price stored results with <code>joulebench report &lt;files&gt; --site sites/&lt;site&gt;.yaml</code>.</p></div>`;
  }
  const c = charted(v);
  const earn = earningsChart(c.uses);
  return (
    `<h2>Earnings per MW of site power, after capex</h2><div class="card">${perMwTable(v)}${v.uses.some(isOld) ? `<p class="nm" id="old-profit">${esc(OLD_NOTE)}</p>` : ''}</div>` +
    `<div class="card"><figure>${earn ?? '<p class="nm">No use with a margin after capex to plot.</p>'}<figcaption>Margin per MW of site power per day after the depreciation of every capex the use needs (ASICs; GPUs with their server share; the AI-hall retrofit), at each site's power price. Site uses (ASIC, lease, rental at rated power) appear once per site, price and date. ${c.left.length ? `Not drawn: ${c.left.map(esc).join('; ')}.` : ''}</figcaption></figure></div>`
  );
};

/** How many profit blocks get a tornado (one per site context and run; the JSON has them all). */
const MAX_TORNADOES = 4;

/** The tornado and flip points of one profit block. */
function flipsCard(r: RunRow, i: number): string | null {
  const p = r.profit!;
  const f = p.flips;
  if (!f || !f.tornado.length) return null;
  const useLabel = (id: string) => p.rows.find((u) => u.use === id)?.label ?? f.useLabels[id] ?? id;
  const best = useLabel(f.bestUseId);
  // When the verdict is to leave the power unused, the tornado follows the best use.
  const subject = useLabel(f.marginOfUseId);
  const base = f.baseUsdPerMWDay ?? (f.tornado[0]!.atLow + f.tornado[0]!.atHigh) / 2;
  const rate = f.discountRate === null ? '' : ` at a ${Number((f.discountRate * 100).toPrecision(3))} % cost of capital${subject !== best ? ` (${subject})` : ''}`;
  const chart = tornadoChart({
    id: `chart-tornado-${i}`,
    title: `What moves the margin of ${subject}`,
    xTitle: `margin of ${subject} per MW-day after capital charge (USD)`,
    base,
    rows: f.tornado.slice(0, 8).map((b) => ({
      label: b.label,
      range: `${fmtInputValue(b.unit, b.low)} → ${fmtInputValue(b.unit, b.high)}`,
      atLow: b.atLow,
      atHigh: b.atHigh,
      title: `${b.label} ${fmtInputValue(b.unit, b.low)} → ${fmtInputValue(b.unit, b.high)}: ${formatUsd(b.atLow)} → ${formatUsd(b.atHigh)} per MW-day`,
    })),
  });
  const sign = (x: number) => `${x >= 0 ? '+' : '−'}${Number((Math.abs(x) * 100).toPrecision(3))} %`;
  const flips = f.flips.length
    ? `<ul class="flips">${f.flips.map((x) => `<li data-input="${esc(x.label)}" data-value="${x.value}">${esc(`${x.label} ${fmtInputValue(x.unit, x.base)} → ${fmtInputValue(x.unit, x.value)} (${sign(x.change)}): ${useLabel(x.toUseId)} becomes best`)}</li>`).join('')}</ul>`
    : '<p class="nm">No input in range changes the best use.</p>';
  const ctx = `${p.site ?? 'site'}${p.powerPriceUsdPerKWh !== null ? ` @ $${p.powerPriceUsdPerKWh}/kWh` : ''}${p.asOf ? `, as of ${p.asOf}` : ''}; run #${r.ref}`;
  return (
    `<div class="card" data-runs="${r.ref}"><h3>${esc(ctx)}: best use ${esc(best)}${esc(rate)}</h3><figure>${chart}` +
    `<figcaption>Each input at ±${Math.round(f.rangeFraction * 100)} % of today's value (bounded: prices ≥ 0, fractions ≤ 1, PUE ≥ 1), the others held; the dashed line is today's margin, biggest swing first.</figcaption></figure>` +
    `<h4>Flip points (the value at which another use becomes best, nearest first)</h4>${flips}</div>`
  );
}

/** What flips each verdict: tornado and flip points per profit block (reports 2.1 and later). */
const flipsSection: HtmlSection = ({ rows }) => {
  const cards = profitRuns(rows)
    .map((r, i) => flipsCard(r, i))
    .filter((c): c is string => c !== null)
    .slice(0, MAX_TORNADOES);
  return cards.length ? `<h2 id="flips">What flips the verdict</h2>${cards.join('')}` : null;
};

function priceLines(v: ReportView, xMax: number): { series: LineSeries[]; off: string[] } {
  const series: LineSeries[] = [];
  const off: string[] = [];
  const colors = new Map<string, string>();
  const dashes = ['', '6 4', '2 3', '8 3 2 3'];
  const ctxIdx = new Map<string, number>();
  for (const e of charted(v).uses) {
    const u = e.u;
    const base = u.marginUsdPerDay!;
    const p = e.powerPriceUsdPerKWh;
    if (p === null || u.energyKWhPerDay === null) continue;
    const kwh = u.energyKWhPerDay;
    // margin(x) = margin(p) + kWh·(p − x): linear in the power price, slope = the site energy per MW-day.
    const y = (x: number) => base + kwh * (p - x);
    const be = kwh > 0 ? p + base / kwh : Infinity;
    const name = `${u.label}${e.shared ? '' : ` (#${e.runs[0]})`}`;
    if (!colors.has(u.label)) colors.set(u.label, useColor(u.kind ?? u.label, colors.size, new Set(colors.values())));
    if (!ctxIdx.has(e.context)) ctxIdx.set(e.context, ctxIdx.size);
    const beText = !Number.isFinite(be) ? 'power price does not matter (tenant pays)' : be < 0 ? 'loses money at any power price' : `break-even ${fmtBreakEven(be)}/kWh${be > xMax ? ' (off the chart)' : ''}`;
    if (Number.isFinite(be) && be > xMax) off.push(`${name}: ${beText}`);
    series.push({
      key: e.key,
      label: name.length > 44 ? `${name.slice(0, 43)}…` : name,
      color: colors.get(u.label)!,
      ...(ctxIdx.size > 1 ? { dash: dashes[ctxIdx.get(e.context)! % dashes.length] || undefined } : {}),
      points: [
        [0, y(0)],
        [xMax, y(xMax)],
      ],
      title: `${name} (${e.context}): ${beText}; ${formatUsd(base)}/MW-day after capex at $${p}/kWh`,
    });
  }
  return { series, off };
}

const priceSection: HtmlSection = ({ view: v }) => {
  if (!v.uses.length) return null;
  const xMax = powerPriceRange(v.sitePrices);
  const { series, off } = priceLines(v, xMax);
  const chart = series.length
    ? lineChart({
        id: 'chart-price',
        title: 'Margin per MW-day after capex vs power price',
        xTitle: 'power price (USD/kWh)',
        yTitle: 'margin per MW-day (USD)',
        series,
        markers: v.sitePrices.map((p) => ({ x: p, label: `site $${Number(p.toPrecision(3))}/kWh` })),
        xMax,
        height: Math.max(420, 40 + series.length * 18),
      })
    : '<p class="nm">No use with a margin after capex, a power price and its energy per MW-day: no lines to draw (re-price older results with <code>--site</code>).</p>';
  return (
    `<h2>Margin vs power price</h2><div class="card"><figure>${chart}` +
    `<figcaption>Power prices from $0 to $${xMax.toFixed(2)}/kWh (twice the highest site price, at least $0.15). Each line crosses zero at its break-even power price after capex; the dotted marker is the site's price. ${off.length ? `Off the chart: ${off.map(esc).join('; ')}.` : ''}</figcaption></figure></div>`
  );
};

/** Power over time per result file, phases shaded (issue 11); nothing for files without window edges. */
const powerSection: HtmlSection = ({ rows }) => powerTraceSection(rows) || null;

const sweepSection: HtmlSection = ({ rows }) => sweepHtml(rows);

const loadSection: HtmlSection = ({ rows }) => loadHtml(rows);

const campaignSection: HtmlSection = ({ extras }) => (extras.campaign ? campaignHtml(extras.campaign) : null);

const devicesSection: HtmlSection = ({ view: v }) =>
  `<h2>Devices</h2><ol class="devices" id="devices">${v.devices.map((d) => `<li id="dev-${d.n}" value="${d.n}">${esc(d.full)}${d.isSoftware ? ' — <strong>software adapter</strong>: CPU timings, not GPU figures' : ''}</li>`).join('')}</ol>`;

const notesSection: HtmlSection = ({ rows }) => {
  const items = rows.map((r) => {
    const lines: string[] = [`file <code>${esc(r.file)}</code>${r.backend ? `, backend ${esc(r.backend)}` : ''}${r.ep ? `, EP ${esc(r.ep)}` : ''}, joulebench ${esc(r.toolVersion)}${r.gitSha ? ` (${esc(r.gitSha.slice(0, 7))})` : ''}`];
    if (!r.complete) lines.push(`<strong>incomplete run</strong>: ${esc(r.incompleteReason ?? '')}`);
    if (r.hashEnergy) lines.push(`hash energy: ${esc(r.hashEnergy.text)}`);
    if (r.inferEnergy) lines.push(`inference energy: ${esc(r.inferEnergy.text)}`);
    for (const n of r.notes) lines.push(esc(n));
    return `<li><strong>#${r.ref}</strong> ${[...new Set(lines)].join('; ')}</li>`;
  });
  return `<h2>Notes</h2><ul class="notes">${items.join('')}</ul>`;
};

/** The page, section by section (insert a section function to add one). */
export const HTML_SECTIONS: HtmlSection[] = [titleSection, headlineSection, softwareBanner, efficiencySection, sweepSection, loadSection, campaignSection, scatterSection, perMwSection, flipsSection, priceSection, powerSection, devicesSection, notesSection];

/** The whole page. */
export function renderHtml(rows: readonly RunRow[], extras: ReportExtras = {}, sections: readonly HtmlSection[] = HTML_SECTIONS): string {
  const ctx: HtmlContext = { rows, view: buildView(rows), extras };
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  parts.push(`<meta name="generator" content="joulebench"><title>joulebench comparison</title><style>${CSS}</style></head><body><main>`);
  for (const s of sections) {
    const html = s(ctx);
    if (html) parts.push(html);
  }
  parts.push(`<footer>Made by <code>joulebench report</code>. Self-contained page: inline CSS and SVG, no script, no network.</footer>`);
  parts.push(`</main></body></html>\n`);
  return parts.join('\n');
}
