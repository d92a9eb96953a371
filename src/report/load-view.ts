/**
 * Load curves in reports: each `infer serve` result's `levels[]` (src/infer/serve/) as the usual
 * latency–throughput curve — output tokens/s and p99 TPOT against the offered request rate, one
 * line per run (device) — plus a table per run, for `report --md` and `report --html`. Burst
 * (`inf`) levels have no offered rate to plot: they are listed in the tables, not on the lines.
 * The sustainable rate is marked. A run without levels contributes nothing.
 */
import type { Measurement } from '../results/schema.js';
import { PALETTE, esc, lineChart, type LineSeries } from './svg.js';

/** One level as the report shows it. */
export interface LoadViewLevel {
  offeredQps: number | 'inf';
  role: string;
  requestsPerSecond: number | null;
  outputTokensPerSecond: number | null;
  ttftP99Ms: number | null;
  tpotP99Ms: number | null;
  goodputRequestsPerSecond: number | null;
  tokensPerJoule: number | null;
  declared: boolean;
  meetsSlo: boolean | null;
}

/** A run's load sweep. */
export interface LoadView {
  levels: LoadViewLevel[];
  sustainableQps: number | null;
  sloTtftMs: number | null;
  sloTpotMs: number | null;
  batching: string | null;
  note: string | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const p99 = (x: unknown): number | null => (isObj(x) ? num(x.p99) : null);

/** The load sweep of an infer measurement, or null without one. */
export function loadViewOf(m: Measurement | undefined): LoadView | null {
  const raw = m?.levels;
  if (!Array.isArray(raw) || !raw.length) return null;
  const sus = isObj(m!.sustainable) ? m!.sustainable : null;
  const b = isObj(m!.details?.batching) ? m!.details!.batching : null;
  return {
    levels: raw.map((l) => ({
      offeredQps: l.offeredQps,
      role: String(l.role),
      requestsPerSecond: num(l.requestsPerSecond),
      outputTokensPerSecond: num(l.outputTokensPerSecond),
      ttftP99Ms: p99(l.ttftMs),
      tpotP99Ms: p99(l.tpotMs),
      goodputRequestsPerSecond: num(l.goodputRequestsPerSecond),
      tokensPerJoule: num(l.tokensPerJoule),
      declared: l.energyBasis === 'declared',
      meetsSlo: typeof l.meetsSlo === 'boolean' ? l.meetsSlo : null,
    })),
    sustainableQps: sus ? num(sus.offeredQps) : null,
    sloTtftMs: sus ? num(sus.sloTtftMs) : null,
    sloTpotMs: sus ? num(sus.sloTpotMs) : null,
    batching: b && typeof b.reason === 'string' ? b.reason : null,
    note: sus && typeof sus.note === 'string' ? sus.note : null,
  };
}

function n(x: number | null, digits = 4): string {
  if (x === null) return '—';
  return x >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(digits)));
}

const HEAD = ['Offered req/s', 'Achieved req/s', 'Output tok/s', 'p99 TTFT ms', 'p99 TPOT ms', 'Goodput req/s', 'tok/J', 'Meets targets'];

function cells(v: LoadView, l: LoadViewLevel): string[] {
  const offered = l.offeredQps === 'inf' ? 'inf (burst)' : `${n(l.offeredQps)}${l.offeredQps === v.sustainableQps ? ' (sustainable)' : ''}${l.role === 'search' ? ' (search)' : ''}`;
  return [offered, n(l.requestsPerSecond), n(l.outputTokensPerSecond), n(l.ttftP99Ms), n(l.tpotP99Ms, 3), n(l.goodputRequestsPerSecond), l.tokensPerJoule === null ? 'n/m' : `${n(l.tokensPerJoule)}${l.declared ? ' (declared)' : ''}`, l.meetsSlo === null ? '—' : l.meetsSlo ? 'yes' : 'NO'];
}

/** What the load tables need of a report row (RunRow has it; a structural type keeps rows.ts → here one way). */
export interface LoadRow {
  ref: number;
  model: string | null;
  device: string;
  loadCurve?: LoadView | null;
}

const runLabel = (r: LoadRow) => `#${r.ref} ${r.model ?? '?'} on ${r.device}`;
const targets = (v: LoadView) => [v.sloTtftMs !== null ? `TTFT ≤ ${v.sloTtftMs} ms` : null, v.sloTpotMs !== null ? `TPOT ≤ ${v.sloTpotMs} ms` : null].filter(Boolean).join(', ');
/** Finite levels in offered order (what the curve plots). */
const finite = (v: LoadView) => v.levels.filter((l): l is LoadViewLevel & { offeredQps: number } => l.offeredQps !== 'inf').sort((a, b) => a.offeredQps - b.offeredQps);

/** "## Load curves" for `report --md`: one table per run with levels; [] when none has any. */
export function loadMarkdown(rows: readonly LoadRow[]): string[] {
  const withLoad = rows.filter((r) => r.loadCurve);
  if (!withLoad.length) return [];
  const out = ['## Load curves (infer serve)', ''];
  for (const r of withLoad) {
    const v = r.loadCurve!;
    out.push(`**${runLabel(r)}**${targets(v) ? ` — targets ${targets(v)} at p99` : ''}`, '');
    out.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 7 ? ':---:' : '---:')).join('|')}|`);
    for (const l of [...finite(v), ...v.levels.filter((x) => x.offeredQps === 'inf')]) out.push(`| ${cells(v, l).join(' | ')} |`);
    out.push('');
    if (v.note) out.push(`- sustainable figure: ${v.note}`);
    if (v.batching) out.push(`- batching: ${v.batching}`);
    out.push('');
  }
  return out;
}

/** One curve to draw: a run's load view with its legend label. */
export interface LoadCurve {
  key: string;
  label: string;
  view: LoadView;
}

/**
 * The charts of load curves (standalone SVG: the HTML report embeds them, bench/serve-load.ts
 * writes them next to its bench/out file): output tokens/s (with each burst's tokens/s as a dashed
 * ceiling), p99 TPOT and p99 TTFT against the offered rate, one line per curve, sustainable rates
 * marked, the latency targets drawn dashed.
 */
export function loadCurveSvgs(curves: readonly LoadCurve[]): { throughput: string; tpot: string; ttft: string } {
  const series = (pick: (l: LoadViewLevel) => number | null): LineSeries[] =>
    curves.map((c, i) => ({
      label: c.label,
      key: c.key,
      color: PALETTE[i % PALETTE.length]!,
      points: finite(c.view).filter((l) => pick(l) !== null).map((l): [number, number] => [l.offeredQps, pick(l)!]),
      title: `${c.label}${c.view.note ? `: ${c.view.note}` : ''}`,
    }));
  const markers = curves.filter((c) => c.view.sustainableQps !== null).map((c) => ({ x: c.view.sustainableQps!, label: `${c.label.split(' ')[0]} sustainable ${n(c.view.sustainableQps)} req/s` }));
  const tpot = series((l) => l.tpotP99Ms);
  const xMax = Math.max(...curves.flatMap((c) => finite(c.view).map((l) => l.offeredQps)));
  for (const s of [...new Set(curves.map((c) => c.view.sloTpotMs).filter((x): x is number => x !== null))]) {
    tpot.push({ label: `TPOT target ${s} ms`, color: '#999999', dash: '4 4', points: [[0, s], [xMax, s]], title: `p99 TPOT target ${s} ms` });
  }
  // A burst's output tokens/s is the ceiling the curve approaches: drawn flat, dashed, in the curve's colour.
  const throughput = series((l) => l.outputTokensPerSecond);
  curves.forEach((c, i) => {
    const burst = c.view.levels.filter((l) => l.offeredQps === 'inf' && l.outputTokensPerSecond !== null).map((l) => l.outputTokensPerSecond!);
    if (burst.length) throughput.push({ label: `${c.label.split(' ')[0]} burst (inf): ${n(Math.max(...burst))} tok/s`, color: PALETTE[i % PALETTE.length]!, dash: '6 4', points: [[0, Math.max(...burst)], [xMax, Math.max(...burst)]], title: `${c.label}: output tokens/s of the inf burst (every request at once)` });
  });
  const ttft = series((l) => l.ttftP99Ms);
  for (const s of [...new Set(curves.map((c) => c.view.sloTtftMs).filter((x): x is number => x !== null))]) {
    ttft.push({ label: `TTFT target ${s} ms`, color: '#999999', dash: '4 4', points: [[0, s], [xMax, s]], title: `p99 TTFT target ${s} ms` });
  }
  const xTitle = 'offered load (requests/s, Poisson)';
  return {
    throughput: lineChart({ id: 'load-throughput', title: 'Output tokens/s vs offered load', xTitle, yTitle: 'output tokens/s', series: throughput, markers }),
    tpot: lineChart({ id: 'load-tpot', title: 'p99 TPOT vs offered load', xTitle, yTitle: 'p99 TPOT (ms)', series: tpot, markers }),
    ttft: lineChart({ id: 'load-ttft', title: 'p99 TTFT vs offered load', xTitle, yTitle: 'p99 TTFT (ms)', series: ttft, markers }),
  };
}

/** The curves (one line per run) and the tables, as an HTML card (null when no run has levels). */
export function loadHtml(rows: readonly LoadRow[]): string | null {
  const withLoad = rows.filter((r) => r.loadCurve && finite(r.loadCurve).length);
  if (!withLoad.length) return null;
  const svgs = loadCurveSvgs(withLoad.map((r) => ({ key: String(r.ref), label: runLabel(r), view: r.loadCurve! })));
  const charts = [svgs.throughput, svgs.tpot, svgs.ttft];
  const tables = withLoad.map((r) => {
    const v = r.loadCurve!;
    const body = [...finite(v), ...v.levels.filter((x) => x.offeredQps === 'inf')].map((l) => `<tr${l.offeredQps === v.sustainableQps ? ' class="serving"' : ''}>${cells(v, l).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
    const notes = [v.note ? `sustainable figure: ${v.note}` : null, v.batching ? `batching: ${v.batching}` : null].filter((t): t is string => t !== null).map((t) => `<li>${esc(t)}</li>`).join('');
    return `<h3>${esc(runLabel(r))}${targets(v) ? ` <small>targets ${esc(targets(v))} at p99</small>` : ''}</h3><table><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>${notes ? `<ul class="notes">${notes}</ul>` : ''}`;
  });
  return `<h2>Load curves <small>infer serve: open-loop Poisson load, one line per run; bursts (inf) in the tables only</small></h2><div class="card" id="load-curves">${charts.join('')}${tables.join('')}</div>`;
}
