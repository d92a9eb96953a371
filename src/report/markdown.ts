/**
 * Markdown exporter of `joulebench report`: the headline (best H/J, best tok/J, J/TH next to the
 * reference ASIC, the per-MW verdict), the hashing and inference tables sorted by efficiency with
 * ranks, watts and J/TH, the per-MW table after capex (one row per site use), device footnotes and
 * numbered notes (energy methods, incomplete runs, warnings).
 * Deterministic: no wall-clock date, rows in the order of buildRows() within each rank.
 */
import type { CampaignSummary } from './campaign.js';
import { campaignMarkdown } from './campaign-render.js';
import { fmtBreakEven, fmtDays } from '../profit/format.js';
import { fmtUsd } from '../profit/format-num.js';
import { HEADLINES, headlineLegend } from '../results/headline.js';
import { formatQuantity, formatUsd, formatUsdPerKWh, type Figure, type MissingFigure, type RunRow } from './rows.js';
import { sweepMarkdown } from './sweep-view.js';
import { loadMarkdown } from './load-view.js';
import { buildView, sup, vsAsic, type HashEntry, type InferEntry, type ReportView, type UseEntry } from './view.js';

/** Escape a table cell (pipes and newlines break GitHub tables). */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Table cell for a figure: value with unit, CI when there is one; "n/m" when not measured;
 * "(not steady)" when its samples were still trending (the reason is in the notes).
 */
export function figureText(f: Figure | MissingFigure | null, opts: { ci?: boolean } = {}): string {
  if (f === null) return '—';
  if (f.value === null) return 'n/m';
  const ci = opts.ci !== false && f.relCi95 !== null ? ` ±${(f.relCi95 * 100).toFixed(1)}%` : '';
  return formatQuantity(f.value, f.unit) + ci + (f.declared ? ' (declared)' : '') + (f.notSteady ? ' (not steady)' : '');
}

function table(header: string[], align: Array<'l' | 'r'>, body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  const sep = `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [line(header), sep, ...body.map(line)].join('\n');
}

/** Short run label: "#1 host 2026-05-01 12:00Z". */
export function runLabel(r: RunRow): string {
  return `#${r.ref} ${r.host} ${r.startedAt.slice(0, 16).replace('T', ' ')}Z${r.complete ? '' : ' (incomplete)'}${r.verifyProblem ? ' (FAILS VERIFY)' : ''}`;
}

/** "fixture-site @ $0.050/kWh", "$0.060/kWh" (no site name), "—". */
export function siteText(r: RunRow): string {
  const p = r.profit!;
  const price = p.powerPriceUsdPerKWh === null ? null : `${formatUsdPerKWh(p.powerPriceUsdPerKWh)}/kWh`;
  if (p.site && price) return `${p.site} @ ${price}`;
  return p.site ?? price ?? '—';
}

/** Watts with 3 significant digits, "—" when unknown. */
export function wattsText(w: number | null): string {
  return w === null ? '—' : `${Number(w.toPrecision(3))} W`;
}

/** J/TH as a plain number with a prefix ("1.81 M", "17.5"). */
export function jPerTHText(j: number | null): string {
  return j === null ? '—' : formatQuantity(j, 'J/TH');
}

/** The verdict without its "Verdict (per MW of site power):" lead, where a heading already says so. */
export const verdictText = (headline: string) => headline.replace(/^Verdict \(per MW of site power\): /, '');

const rankText = (r: number | null) => (r === null ? '—' : String(r));
const devText = (e: { device: { short: string; n: number; isSoftware: boolean } }) => `${e.device.short}${e.device.isSoftware ? ' (software)' : ''}${sup(e.device.n)}`;

/** The headline lines (shared with the HTML card's text). */
export function headlineLines(v: ReportView): string[] {
  const out: string[] = [];
  const h = v.bestHash;
  if (h) {
    const hpj = figureText(h.hashesPerJoule, { ci: false });
    out.push(`Best hashes per joule: **${hpj}** on #${h.row.ref} ${devText(h)} (${h.energy})${h.jPerTH !== null ? ` = ${jPerTHText(h.jPerTH)}, ${vsAsic(h.jPerTH, v.asic)}` : ''}`);
  } else out.push('Best hashes per joule: none measured (no energy for any hash figure).');
  const i = v.bestInfer;
  if (i) out.push(`Best tokens per joule: **${figureText(i.tokensPerJoule, { ci: false })}** on #${i.row.ref} ${devText(i)} · ${i.model} (${i.serving}; ${i.energy})`);
  else out.push('Best tokens per joule: none measured.');
  for (const vd of v.verdicts) out.push(`Per-MW verdict (${vd.context}${vd.repriced ? ', re-priced' : ''}; run ${vd.runs.map((r) => `#${r}`).join(', ')}): ${verdictText(vd.headline)}`);
  if (!v.verdicts.length) out.push('Per-MW verdict: no run holds a profit model with a verdict (re-price with `joulebench report --site <file>`).');
  return out;
}

function hashTable(rows: HashEntry[]): string {
  return table(
    ['Rank', 'Run', 'Device', 'H/s', 'W', 'H/J', 'J/TH', 'Energy'],
    ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'l'],
    rows.map((e) => [rankText(e.rank), runLabel(e.row), devText(e), figureText(e.hashesPerSecond), wattsText(e.powerW), figureText(e.hashesPerJoule), jPerTHText(e.jPerTH), e.energy]),
  );
}

function inferTable(rows: InferEntry[]): string {
  return table(
    ['Rank', 'Run', 'Device', 'Model', 'Serving', 'Decode tok/s', 'Prefill tok/s', 'W', 'tok/J', 'J/token', 'Energy'],
    ['r', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows.map((e) => [
      rankText(e.rank),
      runLabel(e.row),
      devText(e),
      e.model,
      e.serving,
      figureText(e.tokensPerSecond),
      figureText(e.prefillTokensPerSecond),
      wattsText(e.powerW),
      figureText(e.tokensPerJoule),
      e.jPerToken === null ? '—' : formatQuantity(e.jPerToken, 'J/token'),
      e.energy,
    ]),
  );
}

/** Per-MW cells of a use: revenue, margin before capex, capex, margin after capex, payback, break-even (energy | with capex). */
export function useCells(e: UseEntry): string[] {
  const u = e.u;
  if (!u.priced) return ['not priced', '—', '—', '—', '—', '—'];
  const m = (x: number | null) => (x === null ? 'n/a' : formatUsd(x));
  return [
    m(u.revenueUsdPerDay),
    m(u.cashUsdPerDay ?? u.profitUsdPerDay),
    u.capexUsd === null ? 'n/a' : fmtUsd(u.capexUsd, { compact: true }),
    m(u.marginUsdPerDay),
    u.marginUsdPerDay === null && u.capexUsd === null ? 'n/a' : fmtDays(u.paybackDays, u.capexUsd),
    // No energy billed to the site (a lease whose tenant pays the power): the power price does not matter.
    u.energyKWhPerDay === 0 ? 'any / any' : `${fmtBreakEven(u.breakEvenUsdPerKWh)} / ${fmtBreakEven(u.breakEvenAllInUsdPerKWh)}`,
  ];
}

/** "Antminer S21 (reference ASIC)", "GPU inference ($/Mtok) · tiny on llvmpipe [PRICED ANYWAY]". */
export function useLabel(e: UseEntry): string {
  return `${e.u.label}${e.u.pricedAnyway ? ' [PRICED ANYWAY]' : ''}`;
}

/** A use priced by a profit report before capex parity (no margin before capex recorded). */
export const isOld = (e: UseEntry) => e.u.priced && e.u.cashUsdPerDay === null && e.u.capexUsd === null;

/** What "n/a" means in those rows, and the fix. */
export const OLD_NOTE =
  'Rows with n/a capex come from results priced before every margin carried its capex (profit report < 2.0); their "margin before capex" is revenue − energy. Re-price them at a site with `joulebench report <files> --site sites/<site>.yaml`.';

function runsText(e: UseEntry): string {
  return e.shared ? `site use (run ${e.runs.map((r) => `#${r}`).join(', ')})` : `#${e.runs[0]}`;
}

function perMwSection(v: ReportView): string[] {
  const out: string[] = ['## Earnings per MW of site power, after capex', ''];
  if (!v.uses.length) {
    out.push('No run holds a profit model (`profit.site`): nothing to show per MW. Re-price stored results with `joulebench report <files> --site sites/<site>.yaml`.');
    return out;
  }
  for (const vd of v.verdicts) out.push(`**Verdict (${vd.context}${vd.repriced ? ', re-priced' : ''})**: ${verdictText(vd.headline)}`, '');
  // One site context: the verdict names it; several: a column says which row is which.
  const multi = new Set(v.uses.map((e) => e.context)).size > 1;
  out.push(
    table(
      ['Use', 'Run', 'Basis', 'Revenue/MW-day', 'Margin before capex', 'Capex/MW', 'Margin after capex', 'Payback', 'Break-even $/kWh (energy / with capex)', ...(multi ? ['Site'] : [])],
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      v.uses.map((e) => [useLabel(e), runsText(e), e.u.basis ?? '—', ...useCells(e), ...(multi ? [e.context] : [])]),
    ),
  );
  const np = v.uses.filter((e) => !e.u.priced);
  if (v.uses.some(isOld)) out.push('', OLD_NOTE);
  if (np.length) {
    out.push('');
    for (const e of np) out.push(`- ${useLabel(e)} (#${e.runs[0]}): not priced: ${e.u.notPricedReason}`);
  }
  const anyway = v.uses.filter((e) => e.u.pricedAnyway);
  for (const e of anyway) out.push(`- **PRICED ANYWAY** ${e.u.label} (#${e.runs[0]}): ${e.u.pricedAnyway}`);
  return out;
}

function notesSection(rows: readonly RunRow[]): string[] {
  const out: string[] = ['## Notes', ''];
  for (const r of rows) {
    const lines: string[] = [];
    lines.push(`file \`${r.file}\`${r.backend ? `, backend ${r.backend}` : ''}${r.ep ? `, EP ${r.ep}` : ''}, joulebench ${r.toolVersion}${r.gitSha ? ` (${r.gitSha.slice(0, 7)})` : ''}`);
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
      if (f && f.value === null && (e === null || e.measured || e.declared)) lines.push(f.reason);
    }
    for (const n of r.notes) lines.push(n);
    out.push(`- **#${r.ref}** ${[...new Set(lines)].map((l) => mdCell(l)).join('; ')}`);
  }
  return out;
}

/** Markdown of the merged report. */
export function renderMarkdown(rows: readonly RunRow[], extras: { campaign?: CampaignSummary | null } = {}): string {
  const v = buildView(rows);
  const out: string[] = [];
  const files = new Set(rows.map((r) => r.file));
  out.push('# joulebench comparison', '');
  out.push(
    `${files.size} result file${files.size === 1 ? '' : 's'}, ${rows.length} row${rows.length === 1 ? '' : 's'}. ` +
      'H/J and tok/J are per joule of the energy shown; "declared, not measured" = watts typed by the user; "n/m" = not measured (see notes). ' +
      'Devices marked (software) ran on a CPU rasteriser: their timings are CPU timings, not GPU figures.',
    '',
  );
  out.push(`Figures (one definition each, as in \`run\` and \`compare\`): ${headlineLegend(HEADLINES.filter((h) => h.kind !== 'micro')).join('; ')}.`, '');
  out.push('## Headline', '');
  for (const l of headlineLines(v)) out.push(`- ${l}`);
  out.push('');
  out.push('## Hashing efficiency (best H/J first)', '');
  out.push(v.hashing.length ? hashTable(v.hashing) : 'No hash figures.', '');
  out.push('## Inference efficiency (best tok/J first)', '');
  out.push(v.inference.length ? inferTable(v.inference) : 'No inference figures.', '');
  out.push(...sweepMarkdown(rows)); // batch sweeps and their serving batch (issue 13)
  out.push(...loadMarkdown(rows)); // load curves of infer serve (issue 23)
  if (extras.campaign) out.push(campaignMarkdown(extras.campaign)); // Slurm campaign: per GPU model (issue 15)
  out.push(...perMwSection(v), '');
  out.push('## Devices', '');
  for (const d of v.devices) out.push(`${sup(d.n)} ${mdCell(d.full)}${d.isSoftware ? ' — software adapter: CPU timings, not GPU figures' : ''}  `);
  out.push(`Reference ASIC: ${v.asic.label}, ${Number(v.asic.jPerTH.toPrecision(3))} J/TH (${v.asic.source}).`, '');
  out.push(...notesSection(rows), '');
  return out.join('\n');
}
