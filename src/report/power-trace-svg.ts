/**
 * Power over time for `report --html` (issue 11): each result file's energy windows on one time
 * axis, every window shaded by phase (hashing, prefill, decode) with the meter's raw trace drawn
 * over it. Counter traces (J at each counter update) are drawn as steps of ΔJ/Δt per update
 * interval; polled traces (W) as lines through the readings. Declared watts have no trace: a
 * dashed line at the declared power, labelled "declared, not measured". Inline SVG, no script.
 */
import type { Energy, ResultDoc } from '../results/schema.js';
import { energyBasis, energyJoules } from '../power/energy-basis.js';
import { esc, linearScale } from './svg.js';

/** One energy window of a result file, ready to plot. */
export interface EnergyWindow {
  /** "hash.sha256d", "infer.tiny pp", "infer.tiny tg". */
  label: string;
  phase: 'hash' | 'prefill' | 'decode' | 'other';
  startUnixMs: number;
  endUnixMs: number;
  meter: string | null;
  scope: string | null;
  declared: boolean;
  /** Declared power (W) for a declared window, else null. */
  declaredW: number | null;
  complete: boolean;
  /** Power over time: [ms since startUnixMs, W]; counter traces become steps. Empty without a trace. */
  powerW: Array<[number, number]>;
}

const PHASE_COLORS: Record<EnergyWindow['phase'], string> = { hash: '#E69F00', prefill: '#009E73', decode: '#0072B2', other: '#7f7f7f' };
const PHASE_NAMES: Record<EnergyWindow['phase'], string> = { hash: 'hashing', prefill: 'prefill (pp)', decode: 'decode (tg)', other: 'window' };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** W over time from a stored trace: W points as they are, J points as ΔJ/Δt steps. */
export function traceToPowerW(trace: unknown): Array<[number, number]> {
  if (!isObj(trace) || !Array.isArray(trace.points)) return [];
  const pts = (trace.points as unknown[]).filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number');
  if (trace.unit === 'W') return pts.map(([t, w]) => [t, w]);
  const out: Array<[number, number]> = [];
  for (let i = 1; i < pts.length; i++) {
    const dt = (pts[i]![0] - pts[i - 1]![0]) / 1000;
    if (!(dt > 0)) continue;
    const w = (pts[i]![1] - pts[i - 1]![1]) / dt;
    out.push([pts[i - 1]![0], w], [pts[i]![0], w]);
  }
  return out;
}

function windowOf(label: string, phase: EnergyWindow['phase'], e: Energy | undefined): EnergyWindow | null {
  if (!e) return null;
  const r = e as Record<string, unknown>;
  if (typeof r.startUnixMs !== 'number' || typeof r.endUnixMs !== 'number') return null;
  const b = energyBasis(e);
  const j = energyJoules(e);
  if (b.kind === 'none' || !j) return null;
  return {
    label,
    phase,
    startUnixMs: r.startUnixMs,
    endUnixMs: r.endUnixMs,
    meter: b.meter,
    scope: b.scope,
    declared: b.kind === 'declared',
    declaredW: b.kind === 'declared' ? j.avgPowerW : null,
    complete: j.complete,
    powerW: traceToPowerW(r.trace),
  };
}

/** The energy windows of a result document, in time order (hashing, prefill, decode). */
export function energyWindowsOf(doc: ResultDoc): EnergyWindow[] {
  const out: EnergyWindow[] = [];
  for (const m of doc.measurements) {
    if (m.kind === 'hash') {
      const w = windowOf(m.id, 'hash', m.energy);
      if (w) out.push(w);
    } else if (m.kind === 'infer') {
      const pp = isObj(m.details) ? (m.details.energyPrefill as Energy | undefined) : undefined;
      const a = windowOf(`${m.id} pp`, 'prefill', pp);
      const b = windowOf(`${m.id} tg`, 'decode', m.energy);
      if (a) out.push(a);
      if (b) out.push(b);
    }
  }
  return out.sort((x, y) => x.startUnixMs - y.startUnixMs);
}

/** One file's chart: windows shaded, traces drawn, time in seconds since the first window. */
export function powerTraceChart(id: string, title: string, windows: readonly EnergyWindow[]): string {
  const W = 1060;
  const H = 320;
  const m = { l: 76, r: 24, t: 34, b: 52 };
  const t0 = windows[0]!.startUnixMs;
  const sec = (unixMs: number) => (unixMs - t0) / 1000;
  const ends = windows.map((w) => sec(w.endUnixMs));
  const span = Math.max(...ends);
  const traceT = windows.flatMap((w) => w.powerW.map(([t]) => sec(w.startUnixMs + t)));
  const xs = linearScale(Math.min(0, ...traceT), Math.max(span, ...traceT), [m.l, W - m.r]);
  const powers = windows.flatMap((w) => [...w.powerW.map(([, p]) => p), ...(w.declaredW !== null ? [w.declaredW] : [])]);
  const ys = linearScale(0, Math.max(1, ...powers) * 1.08, [H - m.b, m.t]);
  const body: string[] = [
    `<style>.grid{stroke:#e3e6ea;stroke-width:1}.tick{font-size:11px;fill:#555}.axis-title{font-size:12px;fill:#333;font-weight:600}.lbl{font-size:11px;fill:#222}</style>`,
  ];
  for (const t of xs.ticks) {
    const x = xs.map(t).toFixed(1);
    body.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" class="grid"/><text x="${x}" y="${H - m.b + 16}" text-anchor="middle" class="tick">${esc(String(t))}</text>`);
  }
  for (const t of ys.ticks) {
    const y = ys.map(t).toFixed(1);
    body.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" class="grid"/><text x="${m.l - 6}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(String(t))}</text>`);
  }
  body.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle" class="axis-title">time since the first window (s)</text>`);
  body.push(`<text transform="translate(${m.l - 52} ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" class="axis-title">power (W)</text>`);
  windows.forEach((w, i) => {
    const x0 = xs.map(sec(w.startUnixMs));
    const x1 = xs.map(sec(w.endUnixMs));
    const c = PHASE_COLORS[w.phase];
    const status = `${w.declared ? 'declared, not measured' : `${w.scope}/${w.meter}`}${w.complete ? '' : ', INCOMPLETE'}`;
    const parts = [
      `<g class="window" data-label="${esc(w.label)}" data-phase="${w.phase}" data-start-s="${sec(w.startUnixMs)}" data-end-s="${sec(w.endUnixMs)}" data-declared="${w.declared}" data-complete="${w.complete}" data-trace-points="${w.powerW.length}">`,
      `<rect x="${x0.toFixed(2)}" y="${m.t}" width="${Math.max(0.5, x1 - x0).toFixed(2)}" height="${H - m.b - m.t}" fill="${c}" fill-opacity="0.14"><title>${esc(`${w.label}: ${PHASE_NAMES[w.phase]}, ${((w.endUnixMs - w.startUnixMs) / 1000).toFixed(3)} s (${status})`)}</title></rect>`,
      `<text x="${(x0 + 3).toFixed(1)}" y="${m.t - 6 - (i % 2) * 12}" class="lbl">${esc(`${PHASE_NAMES[w.phase]}${w.declared ? ' (declared)' : ''}${w.complete ? '' : ' (incomplete)'}`)}</text>`,
    ];
    if (w.powerW.length) {
      const d = w.powerW.map(([t, p], k) => `${k ? 'L' : 'M'}${xs.map(sec(w.startUnixMs + t)).toFixed(2)} ${ys.map(p).toFixed(2)}`).join(' ');
      parts.push(`<path class="trace" d="${d}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
    }
    if (w.declaredW !== null) {
      const y = ys.map(w.declaredW).toFixed(2);
      parts.push(
        `<line class="declared" x1="${x0.toFixed(2)}" x2="${x1.toFixed(2)}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2" stroke-dasharray="6 4"/>` +
          `<text x="${(x0 + 3).toFixed(1)}" y="${(Number(y) - 4).toFixed(1)}" class="lbl">${esc(`${w.declaredW} W declared, not measured`)}</text>`,
      );
    }
    parts.push('</g>');
    body.push(parts.join(''));
  });
  return (
    `<svg id="${esc(id)}" class="chart power-trace" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" style="max-width:100%;height:auto" role="img" aria-label="${esc(title)}" ` +
    `font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" xmlns="http://www.w3.org/2000/svg">${body.join('')}</svg>`
  );
}

/**
 * The "Power over time" section: one chart per result file that has energy windows with edges
 * (1.1 results); '' when none has (older files), so reports of such files are unchanged.
 */
export function powerTraceSection(rows: readonly { ref: number; file: string; energyWindows?: EnergyWindow[] }[]): string {
  const seen = new Set<string>();
  const charts: string[] = [];
  for (const r of rows) {
    if (seen.has(r.file)) continue;
    seen.add(r.file);
    const ws = r.energyWindows ?? [];
    if (!ws.length) continue;
    const chart = powerTraceChart(`chart-power-${charts.length + 1}`, `Power over time, ${r.file}`, ws);
    charts.push(
      `<div class="card"><figure>${chart}<figcaption>#${r.ref} <code>${esc(r.file)}</code>: power during each energy window (shaded: hashing, prefill, decode), from the meter's raw samples` +
        `${ws.some((w) => w.declared) ? '; dashed lines are declared watts, not measurements' : ''}.</figcaption></figure></div>`,
    );
  }
  if (!charts.length) return '';
  return `<h2>Power over time</h2>${charts.join('')}`;
}
