/**
 * Markdown of `joulebench compare`, shaped for a CI job summary ($GITHUB_STEP_SUMMARY): a one-line
 * verdict, then one row per metric with means, relative change, its 95 % CI, p and the reason.
 */
import type { ComparisonReport } from './compare-results.js';
import { mdCell } from './markdown.js';
import { formatQuantity } from './rows.js';

const ICON: Record<string, string> = { SAME: '=', FASTER: '▲', SLOWER: '▼', UNKNOWN: '?' };

function pct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
}

function side(s: ComparisonReport['baseline']): string {
  return `\`${s.label}\` (${s.device}, joulebench ${s.toolVersion}${s.gitSha ? ` @ ${s.gitSha.slice(0, 7)}` : ''}, ${s.startedAt}${s.complete ? '' : ', INCOMPLETE'})`;
}

/** Render the comparison. */
export function renderCompareMarkdown(r: ComparisonReport): string {
  const out: string[] = [];
  const c = r.counts;
  const headline =
    c.SLOWER > 0 ? `**${c.SLOWER} regression${c.SLOWER === 1 ? '' : 's'}** (SLOWER)` : c.FASTER > 0 ? 'no regression; some metrics FASTER' : 'no regression detected';
  out.push('## joulebench compare', '');
  out.push(`Baseline: ${side(r.baseline)}  `);
  out.push(`Candidate: ${side(r.candidate)}`, '');
  out.push(
    `Result: ${headline} — ${c.SLOWER} slower, ${c.FASTER} faster, ${c.SAME} same, ${c.UNKNOWN} unknown. ` +
      `Rule: Welch's t-test p < ${r.alpha} and the ${Math.round((1 - r.alpha) * 100)} % CI of the relative change beyond ±${(r.noiseThreshold * 100).toFixed(1)} %; ` +
      `SAME needs the whole CI inside that band; fewer than ${r.minSamples} samples a side → UNKNOWN.`,
    '',
  );
  if (r.warnings.length) {
    for (const w of r.warnings) out.push(`> Warning: ${mdCell(w)}`);
    out.push('');
  }
  out.push('| | Verdict | Metric | Baseline | Candidate | Change | 95 % CI of change | p | n (base/cand) | Why |');
  out.push('|:-:|:---|:---|---:|---:|---:|:---:|---:|:---:|:---|');
  for (const row of r.rows) {
    const fq = (v: number | null) => (v === null ? '—' : formatQuantity(v, row.unit));
    const ci = row.ciLow === null || row.ciHigh === null ? '—' : `[${pct(row.ciLow)}, ${pct(row.ciHigh)}]`;
    const cells = [
      ICON[row.verdict]!,
      `**${row.verdict}**`,
      `${row.measurementId} ${row.metric} (${row.higherIsBetter ? 'higher' : 'lower'} is better)`,
      fq(row.meanBaseline),
      fq(row.meanCandidate),
      pct(row.relChange),
      ci,
      row.pValue === null ? '—' : row.pValue < 1e-4 ? '<0.0001' : row.pValue.toFixed(4),
      `${row.nBaseline}/${row.nCandidate}`,
      // The CI and p have their own columns: keep only the conclusion of the reason here.
      row.reason.replace(/^\d+ % CI of change \[[^\]]*\], p [<=] [^:]*: /, ''),
    ];
    out.push(`| ${cells.map(mdCell).join(' | ')} |`);
  }
  if (!r.rows.length) out.push('| | | (no metric in both files) | | | | | | | |');
  if (r.onlyBaseline.length) out.push('', `Only in the baseline: ${r.onlyBaseline.map((s) => `\`${s}\``).join(', ')}`);
  if (r.onlyCandidate.length) out.push('', `Only in the candidate: ${r.onlyCandidate.map((s) => `\`${s}\``).join(', ')}`);
  out.push('');
  return out.join('\n');
}
