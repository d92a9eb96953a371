/**
 * Batch sweeps in reports: each run's `details.batchSweep` (src/infer/sweep.ts) as a table of
 * batch sizes with the serving batch marked, for `report --md` and `report --html`. A run without
 * a sweep contributes nothing; the inference table already shows each run's serving figure.
 */
import type { Measurement } from '../results/schema.js';
import { esc } from './svg.js';

/** One batch of a sweep, as the report shows it. */
export interface SweepViewRow {
  batch: number;
  decodeTokensPerSecond: number | null;
  windowTokensPerSecond: number | null;
  tokensPerJoule: number | null;
  declared: boolean;
  stepLatencyP50Ms: number | null;
  stepLatencyP99Ms: number | null;
  meetsSlo: boolean | null;
  kvCacheBytes: number | null;
  peakRssBytes: number | null;
}

/** A run's sweep: its batches, the skipped ones and the serving choice. */
export interface SweepView {
  rows: SweepViewRow[];
  skipped: Array<{ batch: number; reason: string }>;
  /** The serving batch (null when no batch met the target). */
  servingBatch: number | null;
  sloMsPerToken: number | null;
  /** The chooser's rule in words (details.serving.note). */
  note: string | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The sweep of an infer measurement, or null without one. */
export function sweepViewOf(m: Measurement | undefined): SweepView | null {
  const raw = m?.details?.batchSweep;
  if (!Array.isArray(raw) || !raw.length) return null;
  const sv = isObj(m!.details!.serving) ? (m!.details!.serving as Record<string, unknown>) : null;
  const skipped = Array.isArray(m!.details!.batchSweepSkipped) ? (m!.details!.batchSweepSkipped as unknown[]).filter(isObj) : [];
  return {
    rows: raw.filter(isObj).map((r) => ({
      batch: num(r.batch) ?? 0,
      decodeTokensPerSecond: num(r.decodeTokensPerSecond),
      windowTokensPerSecond: num(r.windowTokensPerSecond),
      tokensPerJoule: num(r.tokensPerJoule),
      declared: r.energyBasis === 'declared',
      stepLatencyP50Ms: num(r.stepLatencyP50Ms),
      stepLatencyP99Ms: num(r.stepLatencyP99Ms),
      meetsSlo: typeof r.meetsSlo === 'boolean' ? r.meetsSlo : null,
      kvCacheBytes: num(r.kvCacheBytes),
      peakRssBytes: num(r.peakRssBytes),
    })),
    skipped: skipped.map((s) => ({ batch: num(s.batch) ?? 0, reason: String(s.reason ?? '') })),
    servingBatch: sv && sv.basis !== 'slo-unmet' && sv.basis !== 'batch-1-only' ? num(sv.batch) : null,
    sloMsPerToken: sv ? num(sv.sloMsPerToken) : null,
    note: sv && typeof sv.note === 'string' ? sv.note : null,
  };
}

function n(x: number | null, digits = 4): string {
  if (x === null) return '—';
  return x >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(digits)));
}
function mib(x: number | null): string {
  return x === null ? '—' : x >= 2 ** 30 ? `${(x / 2 ** 30).toFixed(2)} GiB` : `${(x / 2 ** 20).toFixed(1)} MiB`;
}

/** Cells of one batch row (shared by the Markdown and HTML tables). */
function cells(v: SweepView, r: SweepViewRow): string[] {
  return [
    `${r.batch}${v.servingBatch === r.batch ? ' (serving)' : ''}`,
    n(r.windowTokensPerSecond),
    r.tokensPerJoule === null ? 'n/m' : `${n(r.tokensPerJoule)}${r.declared ? ' (declared)' : ''}`,
    n(r.stepLatencyP50Ms, 3),
    n(r.stepLatencyP99Ms, 3),
    r.meetsSlo === null ? '—' : r.meetsSlo ? 'yes' : 'NO',
    mib(r.kvCacheBytes),
    mib(r.peakRssBytes),
  ];
}

const HEAD = ['Batch', 'Decode tok/s (window)', 'tok/J', 'Step p50 ms', 'Step p99 ms', 'Meets target', 'KV cache', 'Peak RSS'];

/** What the sweep tables need of a report row (RunRow has it; a structural type keeps rows.ts → here one way). */
export interface SweepRow {
  ref: number;
  model: string | null;
  device: string;
  batchSweep?: SweepView | null;
}

function runLabel(r: SweepRow): string {
  return `#${r.ref} ${r.model ?? '?'} on ${r.device}`;
}

/** "## Batch sweeps" for `report --md`: one table per run with a sweep; [] when none has one. */
export function sweepMarkdown(rows: readonly SweepRow[]): string[] {
  const withSweep = rows.filter((r) => r.batchSweep);
  if (!withSweep.length) return [];
  const out = ['## Batch sweeps', ''];
  for (const r of withSweep) {
    const v = r.batchSweep!;
    out.push(`**${runLabel(r)}**${v.sloMsPerToken !== null ? ` — target ${v.sloMsPerToken} ms/token at p99` : ''}`, '');
    out.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 5 ? ':---:' : '---:')).join('|')}|`);
    for (const b of v.rows) out.push(`| ${cells(v, b).join(' | ')} |`);
    out.push('');
    for (const s of v.skipped) out.push(`- batch ${s.batch}: ${s.reason}`);
    if (v.note) out.push(`- serving figure: ${v.note}`);
    out.push('');
  }
  return out;
}

/** The same as an HTML card (null when no run has a sweep). */
export function sweepHtml(rows: readonly SweepRow[]): string | null {
  const withSweep = rows.filter((r) => r.batchSweep);
  if (!withSweep.length) return null;
  const parts = withSweep.map((r) => {
    const v = r.batchSweep!;
    const body = v.rows.map((b) => `<tr${v.servingBatch === b.batch ? ' class="serving"' : ''}>${cells(v, b).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
    const notes = [...v.skipped.map((s) => `batch ${s.batch}: ${s.reason}`), ...(v.note ? [`serving figure: ${v.note}`] : [])].map((t) => `<li>${esc(t)}</li>`).join('');
    return `<h3>${esc(runLabel(r))}${v.sloMsPerToken !== null ? ` <small>target ${v.sloMsPerToken} ms/token at p99</small>` : ''}</h3><table><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>${notes ? `<ul class="notes">${notes}</ul>` : ''}`;
  });
  return `<h2>Batch sweeps <small>each batch its own energy windows; the serving batch marked</small></h2><div class="card" id="batch-sweeps">${parts.join('')}</div>`;
}
