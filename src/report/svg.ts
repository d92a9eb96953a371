/**
 * Tiny inline-SVG chart toolkit for the HTML report (no library, no network, no script): scales with
 * "nice" ticks (linear and log10), and three chart kinds: scatter, grouped horizontal bars, lines.
 * Every mark carries data-* attributes with its raw value so tests (and readers with dev tools) can
 * check the picture against the numbers.
 */

/** Escape text for XML/HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A numeric scale from data space to pixels. */
export interface Scale {
  kind: 'linear' | 'log';
  domain: [number, number];
  range: [number, number];
  ticks: number[];
  map(v: number): number;
}

const fmtTick = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/** Tick label with SI prefix ("1.5k", "2M", "0.05"). */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  for (const [s, p] of [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (a >= s) return fmtTick.format(v / s) + p;
  }
  return fmtTick.format(v);
}

/** Round steps 1/2/5 × 10^k covering [lo, hi] with about `count` ticks; the domain snaps to them. */
export function linearScale(lo: number, hi: number, range: [number, number], count = 5): Scale {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const d0 = Math.floor(lo / step + 1e-9) * step;
  const d1 = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = d0; v <= d1 + step * 1e-6; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  const map = (v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]);
  return { kind: 'linear', domain: [d0, d1], range, ticks, map };
}

/** Decades covering [lo, hi] (both > 0). */
export function logScale(lo: number, hi: number, range: [number, number]): Scale {
  const e0 = Math.floor(Math.log10(lo));
  let e1 = Math.ceil(Math.log10(hi));
  if (e1 === e0) e1 = e0 + 1;
  const ticks: number[] = [];
  for (let e = e0; e <= e1; e++) ticks.push(Number((10 ** e).toPrecision(12)));
  const map = (v: number) => range[0] + ((Math.log10(v) - e0) / (e1 - e0)) * (range[1] - range[0]);
  return { kind: 'log', domain: [10 ** e0, 10 ** e1], range, ticks, map };
}

/** Log scale when all values are > 0 and span more than `ratio`×, else linear from 0. */
export function autoScale(values: number[], range: [number, number], ratio = 20): Scale {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo > 0 && hi / lo > ratio) return logScale(lo, hi, range);
  // 8 % headroom so the largest mark does not sit on the frame.
  return linearScale(Math.min(0, lo * 1.08), Math.max(0, hi * 1.08), range);
}

/** Categorical colours (colour-blind-safe Okabe–Ito order). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

function axisX(s: Scale, y: number, title: string, height: number): string {
  const parts: string[] = [];
  for (const t of s.ticks) {
    const x = s.map(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y - height}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${y + 16}" text-anchor="middle" class="tick">${esc(tickLabel(t))}</text>`);
  }
  const mid = (s.range[0] + s.range[1]) / 2;
  parts.push(`<text x="${mid}" y="${y + 36}" text-anchor="middle" class="axis-title">${esc(title)}${s.kind === 'log' ? ' (log scale)' : ''}</text>`);
  return parts.join('');
}

function axisY(s: Scale, x: number, title: string, width: number): string {
  const parts: string[] = [];
  for (const t of s.ticks) {
    const y = s.map(t);
    parts.push(`<line x1="${x}" x2="${x + width}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${x - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(tickLabel(t))}</text>`);
  }
  const mid = (s.range[0] + s.range[1]) / 2;
  parts.push(`<text transform="translate(${x - 52} ${mid}) rotate(-90)" text-anchor="middle" class="axis-title">${esc(title)}${s.kind === 'log' ? ' (log scale)' : ''}</text>`);
  return parts.join('');
}

const STYLE = `<style>.grid{stroke:#e3e6ea;stroke-width:1}.tick{font-size:11px;fill:#555}.axis-title{font-size:12px;fill:#333;font-weight:600}.lbl{font-size:11px;fill:#222}.zero{stroke:#888;stroke-width:1.2}.legend{font-size:12px;fill:#222}</style>`;

/** One point of a scatter plot. */
export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  color: string;
  /** Tooltip text. */
  title: string;
  /** Marker: filled circle (default) or a hollow diamond (e.g. declared, not measured energy). */
  shape?: 'circle' | 'diamond';
}

/** A box in SVG user units. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box, pad = 1) => a.x0 < b.x1 + pad && b.x0 < a.x1 + pad && a.y0 < b.y1 + pad && b.y0 < a.y1 + pad;
const area = (a: Box, b: Box) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

/** Estimated width of 11 px system-ui text (generous, so estimated boxes contain the rendered ones). */
export function textWidth(s: string, px = 11): number {
  let w = 0;
  for (const ch of s) w += /[MW@#%]/.test(ch) ? 0.95 : /[A-Z0-9$]/.test(ch) ? 0.68 : /[ il.,:;'|!·()\[\]]/.test(ch) ? 0.34 : 0.58;
  return w * px + 4;
}

/** Where a label goes: text position, anchor, its box, and a leader line when moved away from its point. */
export interface LabelPlacement {
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: Box;
  leader: [number, number, number, number] | null;
}

/**
 * Place point labels so they overlap neither each other nor any point, inside `frame`: each label
 * tries the right, the left, then above and below, then further rows with a leader line; the first
 * free spot wins (points placed top to bottom). `taken` boxes (a reference line's label, a legend)
 * are avoided too. Falls back to the spot with the least overlap.
 */
export function placeLabels(points: Array<{ cx: number; cy: number; label: string }>, frame: Box, taken: Box[] = [], r = 7): LabelPlacement[] {
  const H = 13;
  const pointBoxes = points.map((p) => ({ x0: p.cx - r, y0: p.cy - r, x1: p.cx + r, y1: p.cy + r }));
  const placed: Box[] = [...taken];
  const out: LabelPlacement[] = new Array(points.length);
  const order = points.map((p, i) => i).sort((a, b) => points[a]!.cy - points[b]!.cy || points[a]!.cx - points[b]!.cx);
  for (const i of order) {
    const p = points[i]!;
    const w = textWidth(p.label);
    const cands: Array<{ dx: number; dy: number; anchor: 'start' | 'end'; lead: boolean }> = [];
    for (const [dx, dy] of [[10, 0], [-10, 0], [8, -13], [8, 13], [-8, -13], [-8, 13]] as const) cands.push({ dx, dy, anchor: dx > 0 ? 'start' : 'end', lead: false });
    for (let k = 2; k <= 8; k++) for (const sgn of [-1, 1]) for (const side of [1, -1]) cands.push({ dx: 14 * side, dy: sgn * 13 * k, anchor: side > 0 ? 'start' : 'end', lead: true });
    let best: { c: (typeof cands)[number]; box: Box; cost: number } | null = null;
    for (const c of cands) {
      const tx = p.cx + c.dx;
      const ty = p.cy + c.dy + 4;
      const box = c.anchor === 'start' ? { x0: tx, y0: ty - H + 3, x1: tx + w, y1: ty + 3 } : { x0: tx - w, y0: ty - H + 3, x1: tx, y1: ty + 3 };
      const inside = box.x0 >= frame.x0 && box.x1 <= frame.x1 && box.y0 >= frame.y0 && box.y1 <= frame.y1;
      const hits = [...placed, ...pointBoxes].filter((b) => overlaps(box, b));
      if (inside && !hits.length) {
        best = { c, box, cost: 0 };
        break;
      }
      const cost = (inside ? 0 : 1e6) + hits.reduce((a, b) => a + area(box, b) + 1, 0);
      if (!best || cost < best.cost) best = { c, box, cost };
    }
    const { c, box } = best!;
    placed.push(box);
    const tx = p.cx + c.dx;
    const ty = p.cy + c.dy + 4;
    out[i] = { x: tx, y: ty, anchor: c.anchor, box, leader: c.lead || c.dy !== 0 ? [p.cx, p.cy, c.anchor === 'start' ? box.x0 : box.x1, (box.y0 + box.y1) / 2] : null };
  }
  return out;
}

function marker(p: ScatterPoint, cx: number, cy: number): string {
  const t = `<title>${esc(p.title)}</title>`;
  if (p.shape === 'diamond') {
    const d = 7;
    return `<path class="mark" d="M${cx.toFixed(2)} ${(cy - d).toFixed(2)}L${(cx + d).toFixed(2)} ${cy.toFixed(2)}L${cx.toFixed(2)} ${(cy + d).toFixed(2)}L${(cx - d).toFixed(2)} ${cy.toFixed(2)}Z" fill="#fff" stroke="${p.color}" stroke-width="2" data-declared="true">${t}</path>`;
  }
  return `<circle class="mark" cx="${cx.toFixed(2)}" cy="${cy.toFixed(2)}" r="6" fill="${p.color}" stroke="#fff" stroke-width="1.5">${t}</circle>`;
}

/**
 * Scatter plot; axes go log10 automatically when the values span more than 20×. Labels never
 * overlap (placeLabels); `refLines` draws horizontal reference lines (e.g. an ASIC's H/J) inside
 * the y range; `legend` explains the marker shapes.
 */
export function scatterChart(opts: {
  id: string;
  title: string;
  xTitle: string;
  yTitle: string;
  points: ScatterPoint[];
  refLines?: Array<{ y: number; label: string }>;
  legend?: Array<{ shape: 'circle' | 'diamond'; label: string }>;
  width?: number;
  height?: number;
}): string {
  const W = opts.width ?? 1060;
  const H = opts.height ?? 440;
  const m = { l: 76, r: 40, t: 34, b: 52 };
  const refs = opts.refLines ?? [];
  const xs = autoScale(opts.points.map((p) => p.x), [m.l, W - m.r]);
  const ys = autoScale([...opts.points.map((p) => p.y), ...refs.map((r) => r.y)], [H - m.b, m.t]);
  const body: string[] = [STYLE, axisX(xs, H - m.b, opts.xTitle, H - m.b - m.t), axisY(ys, m.l, opts.yTitle, W - m.l - m.r)];
  const taken: Box[] = [];
  for (const r of refs) {
    const y = ys.map(r.y);
    const tw = textWidth(r.label);
    const box = { x0: W - m.r - 4 - tw, y0: y - 15, x1: W - m.r - 4, y1: y - 2 };
    taken.push(box);
    body.push(
      `<g class="ref" data-y="${r.y}"><line x1="${m.l}" x2="${W - m.r}" y1="${y.toFixed(2)}" y2="${y.toFixed(2)}" stroke="#555" stroke-width="1.2" stroke-dasharray="6 4"/>` +
        `<text x="${W - m.r - 4}" y="${(y - 5).toFixed(1)}" text-anchor="end" class="lbl">${esc(r.label)}</text></g>`,
    );
  }
  // Marker legend in the top margin (outside the plot, so it never covers a point).
  let lx = m.l;
  for (const l of opts.legend ?? []) {
    const p: ScatterPoint = { label: '', x: 0, y: 0, color: '#444', title: l.label, shape: l.shape };
    body.push(`<g class="legend-item">${marker(p, lx + 7, 14)}<text x="${lx + 18}" y="18" class="legend">${esc(l.label)}</text></g>`);
    lx += 30 + textWidth(l.label, 12);
  }
  const pts = opts.points.map((p) => ({ p, cx: xs.map(p.x), cy: ys.map(p.y) }));
  const frame = { x0: m.l + 2, y0: m.t, x1: W - m.r, y1: H - m.b - 2 };
  const labels = placeLabels(pts.map((q) => ({ cx: q.cx, cy: q.cy, label: q.p.label })), frame, taken);
  pts.forEach(({ p, cx, cy }, i) => {
    const l = labels[i]!;
    body.push(
      `<g class="point" data-label="${esc(p.label)}" data-x="${p.x}" data-y="${p.y}" data-shape="${p.shape ?? 'circle'}">` +
        marker(p, cx, cy) +
        (l.leader ? `<line class="leader" x1="${l.leader[0].toFixed(1)}" y1="${l.leader[1].toFixed(1)}" x2="${l.leader[2].toFixed(1)}" y2="${l.leader[3].toFixed(1)}" stroke="#999" stroke-width="0.8"/>` : '') +
        `<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}"${l.anchor === 'end' ? ' text-anchor="end"' : ''} class="lbl">${esc(p.label)}</text></g>`,
    );
  });
  return svg(opts, W, H, body, xs, ys);
}

function svg(opts: { id: string; title: string }, W: number, H: number, body: string[], xs: Scale, ys?: Scale): string {
  const scaleAttrs = (s: Scale, a: string) =>
    ` data-${a}-kind="${s.kind}" data-${a}-domain="${s.domain.join(',')}" data-${a}-range="${s.range.map((v) => v.toFixed(2)).join(',')}"`;
  return (
    `<svg id="${esc(opts.id)}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" style="max-width:100%;height:auto" role="img" aria-label="${esc(opts.title)}" ${FONT}` +
    scaleAttrs(xs, 'x') +
    (ys ? scaleAttrs(ys, 'y') : '') +
    ` xmlns="http://www.w3.org/2000/svg">` +
    body.join('') +
    `</svg>`
  );
}

/** A group of horizontal bars (one group per run, one bar per series). */
export interface BarGroup {
  label: string;
  bars: Array<{ series: string; value: number; color: string; text: string; title: string }>;
}

/** Grouped horizontal bars with a zero line (negative values extend left). */
export function barChart(opts: { id: string; title: string; xTitle: string; groups: BarGroup[]; legend: Array<{ series: string; color: string }>; width?: number }): string {
  const W = opts.width ?? 1060;
  const barH = 16;
  const gap = 4;
  const groupGap = 14;
  // Legend rows: wrap when the next entry would run past the right edge (≈ 7 px per character).
  const legendPos: Array<{ x: number; row: number }> = [];
  {
    let lx = 16;
    let row = 0;
    for (const l of opts.legend) {
      const w = 30 + l.series.length * 7;
      if (lx + w > W - 16 && lx > 16) {
        lx = 16;
        row++;
      }
      legendPos.push({ x: lx, row });
      lx += w;
    }
  }
  const legendRows = (legendPos.at(-1)?.row ?? 0) + 1;
  const m = { l: 240, r: 90, t: 14 + legendRows * 20, b: 52 };
  const plotH = opts.groups.reduce((h, g) => h + g.bars.length * (barH + gap) + groupGap, 0);
  const H = m.t + plotH + m.b;
  const values = opts.groups.flatMap((g) => g.bars.map((b) => b.value));
  const xs = linearScale(Math.min(0, ...values), Math.max(0, ...values), [m.l, W - m.r]);
  const body: string[] = [STYLE, axisX(xs, H - m.b, opts.xTitle, plotH + 4)];
  opts.legend.forEach((l, i) => {
    const { x, row } = legendPos[i]!;
    const y = 6 + row * 20;
    body.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${l.color}"/><text x="${x + 16}" y="${y + 10}" class="legend">${esc(l.series)}</text>`);
  });
  let y = m.t;
  const x0 = xs.map(0);
  for (const g of opts.groups) {
    const gh = g.bars.length * (barH + gap);
    body.push(`<text x="${m.l - 10}" y="${(y + gh / 2 + 2).toFixed(1)}" text-anchor="end" class="lbl" font-weight="600">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const x1 = xs.map(b.value);
      const left = Math.min(x0, x1);
      const w = Math.abs(x1 - x0);
      // The value goes past the bar's end; a negative bar's value goes right of zero when it would reach the group labels.
      const fitsLeft = x1 - 4 - textWidth(b.text) > m.l;
      const [tx, anchor] = b.value >= 0 ? [x1 + 4, 'start'] : fitsLeft ? [x1 - 4, 'end'] : [x0 + 4, 'start'];
      body.push(
        `<g class="bar" data-group="${esc(g.label)}" data-series="${esc(b.series)}" data-value="${b.value}">` +
          `<rect x="${left.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${barH}" fill="${b.color}"><title>${esc(b.title)}</title></rect>` +
          `<text x="${tx.toFixed(1)}" y="${y + barH - 4}" text-anchor="${anchor}" class="lbl">${esc(b.text)}</text></g>`,
      );
      y += barH + gap;
    }
    y += groupGap;
  }
  body.push(`<line x1="${x0.toFixed(2)}" x2="${x0.toFixed(2)}" y1="${m.t - 4}" y2="${H - m.b}" class="zero"/>`);
  return svg(opts, W, H, body, xs);
}

/** One line of a line chart (straight segments between points). */
export interface LineSeries {
  label: string;
  /** Stable key written as data-key (e.g. the table row the line belongs to). */
  key?: string;
  color: string;
  dash?: string;
  points: Array<[number, number]>;
  title: string;
}

/** Line chart with linear axes, a zero line and a legend on the right. */
export function lineChart(opts: { id: string; title: string; xTitle: string; yTitle: string; series: LineSeries[]; markers?: Array<{ x: number; label: string }>; xMax?: number; width?: number; height?: number }): string {
  const W = opts.width ?? 1060;
  const H = opts.height ?? 420;
  const m = { l: 76, r: 320, t: 16, b: 52 };
  const xsV = opts.series.flatMap((s) => s.points.map((p) => p[0]));
  const ysV = opts.series.flatMap((s) => s.points.map((p) => p[1]));
  const xs = linearScale(Math.min(0, ...xsV), opts.xMax ?? Math.max(...xsV), [m.l, W - m.r]);
  const ys = linearScale(Math.min(0, ...ysV), Math.max(0, ...ysV), [H - m.b, m.t]);
  const body: string[] = [STYLE, axisX(xs, H - m.b, opts.xTitle, H - m.b - m.t), axisY(ys, m.l, opts.yTitle, W - m.l - m.r)];
  const y0 = ys.map(0);
  body.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y0.toFixed(2)}" y2="${y0.toFixed(2)}" class="zero"/>`);
  (opts.markers ?? []).forEach((mk, i) => {
    const x = xs.map(mk.x);
    // Stagger the labels so markers close together stay readable.
    // A marker in the right half has its label on its left, clear of the legend.
    const left = x > (m.l + W - m.r) / 2;
    body.push(`<g class="marker" data-x="${mk.x}"><line x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="${m.t}" y2="${H - m.b}" stroke="#999" stroke-dasharray="2 3"/><text x="${(left ? x - 3 : x + 3).toFixed(1)}" y="${m.t + 10 + i * 13}"${left ? ' text-anchor="end"' : ''} class="tick">${esc(mk.label)}</text></g>`);
  });
  let ly = m.t + 6;
  for (const s of opts.series) {
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${xs.map(p[0]).toFixed(2)} ${ys.map(p[1]).toFixed(2)}`).join(' ');
    body.push(
      `<g class="line" data-label="${esc(s.label)}"${s.key ? ` data-key="${esc(s.key)}"` : ''} data-points="${s.points.map((p) => p.join(':')).join(' ')}">` +
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}><title>${esc(s.title)}</title></path></g>`,
    );
    body.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 34}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
        `<text x="${W - m.r + 40}" y="${ly + 4}" class="legend">${esc(s.label)}</text>`,
    );
    ly += 18;
  }
  return svg(opts, W, H, body, xs, ys);
}

/** One input of a tornado: the metric with the input at its low and its high value. */
export interface TornadoRow {
  label: string;
  /** "$0.074 → $0.112/kWh": the input's range. */
  range: string;
  atLow: number;
  atHigh: number;
  title: string;
}

/**
 * Tornado chart: one horizontal bar per input around the base value of the metric, the part
 * from the input's low value in one colour and from its high value in another; biggest swing
 * first (the caller's order). A dashed line marks the base, a solid one zero.
 */
export function tornadoChart(opts: { id: string; title: string; xTitle: string; base: number; rows: TornadoRow[]; width?: number; colors?: [string, string] }): string {
  const W = opts.width ?? 1060;
  const barH = 18;
  const gap = 8;
  const [cLow, cHigh] = opts.colors ?? ['#D55E00', '#0072B2'];
  const m = { l: 330, r: 110, t: 30, b: 52 };
  const plotH = opts.rows.length * (barH + gap);
  const H = m.t + plotH + m.b;
  const values = [opts.base, 0, ...opts.rows.flatMap((r) => [r.atLow, r.atHigh])];
  const xs = linearScale(Math.min(...values), Math.max(...values), [m.l, W - m.r]);
  const body: string[] = [STYLE, axisX(xs, H - m.b, opts.xTitle, plotH + 4)];
  body.push(`<rect x="${m.l}" y="6" width="12" height="12" fill="${cLow}"/><text x="${m.l + 16}" y="16" class="legend">input at its low value</text>`);
  body.push(`<rect x="${m.l + 190}" y="6" width="12" height="12" fill="${cHigh}"/><text x="${m.l + 206}" y="16" class="legend">input at its high value</text>`);
  const xb = xs.map(opts.base);
  let y = m.t;
  for (const r of opts.rows) {
    body.push(`<g class="tornado-bar" data-label="${esc(r.label)}" data-low="${r.atLow}" data-high="${r.atHigh}">`);
    body.push(`<text x="${m.l - 10}" y="${y + barH - 5}" text-anchor="end" class="lbl"><tspan font-weight="600">${esc(r.label)}</tspan> ${esc(r.range)}</text>`);
    for (const [v, c] of [
      [r.atLow, cLow],
      [r.atHigh, cHigh],
    ] as const) {
      const x1 = xs.map(v);
      body.push(`<rect x="${Math.min(xb, x1).toFixed(2)}" y="${y}" width="${Math.abs(x1 - xb).toFixed(2)}" height="${barH}" fill="${c}" fill-opacity="0.85"><title>${esc(r.title)}</title></rect>`);
    }
    body.push(`<text x="${(xs.map(Math.max(r.atLow, r.atHigh)) + 4).toFixed(1)}" y="${y + barH - 5}" class="lbl">${esc(tickLabel(Math.abs(r.atHigh - r.atLow)))} swing</text></g>`);
    y += barH + gap;
  }
  body.push(`<line x1="${xb.toFixed(2)}" x2="${xb.toFixed(2)}" y1="${m.t - 4}" y2="${H - m.b}" stroke="#333" stroke-dasharray="4 3"/>`);
  const x0 = xs.map(0);
  body.push(`<line x1="${x0.toFixed(2)}" x2="${x0.toFixed(2)}" y1="${m.t - 4}" y2="${H - m.b}" class="zero"/>`);
  return svg(opts, W, H, body, xs);
}
