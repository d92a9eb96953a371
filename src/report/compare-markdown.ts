/**
 * Markdown of `joulebench compare`, shaped for a CI job summary ($GITHUB_STEP_SUMMARY): the gate's
 * one-line result (regressions, and inconclusive or refused metrics made visible), the method in
 * one paragraph, then one row per metric with the centre of each side, the change, its interval,
 * both p-values, run counts, run-to-run CV and the reason.
 */
import { verdictLabel, type ComparisonReport, type MetricRow, type SideInfo } from './compare-results.js';
import { mdCell } from './markdown.js';
import { formatQuantity } from './rows.js';

const ICON: Record<MetricRow['verdict'], string> = { SAME: '=', FASTER: '▲', SLOWER: '▼', UNKNOWN: '?', REFUSED: '≠' };

function pct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
}

function side(s: SideInfo): string {
  const what = s.runs === 1 ? `\`${s.files[0]}\`` : `${s.runs} runs (\`${s.label}\`)`;
  const sha = s.gitShas.length ? ` @ ${s.gitShas.map((x) => x.slice(0, 7)).join(', ')}` : '';
  return `${what} — ${s.devices.join(', ')}, joulebench ${s.toolVersions.join(', ')}${sha}${s.incompleteRuns ? `, ${s.incompleteRuns} INCOMPLETE` : ''}`;
}

function pText(p: number | null): string {
  if (p === null) return '—';
  return p < 1e-4 ? '<0.0001' : p.toFixed(4);
}

/** "; NOT STEADY in 2/8 baseline, 0/8 candidate runs (...)" when runs' samples still trended. */
function notSteadyNote(row: MetricRow): string {
  const n = row.notSteadyRuns;
  if (!n) return '';
  return `; NOT STEADY in ${n.baseline}/${row.baselineRuns.length} baseline, ${n.candidate}/${row.candidateRuns.length} candidate runs (samples still trending: see each run's steadyState)`;
}

/** The method paragraph (what a reader needs to judge the verdicts). */
export function methodText(r: ComparisonReport): string {
  const lvl = Math.round((1 - 2 * r.alpha) * 100);
  return (
    `Method: each result file is one run; a metric's run value is its headline figure (the statistic column). ` +
    `Change = ratio of the geometric means with a ${lvl} % CI (${r.pairing.paired ? 'paired by round: Student t on the per-round log ratios, Wilcoxon signed-rank cross-check' : "Welch's t on log values, exact Mann–Whitney U cross-check"}; ${r.pairing.why}). ` +
    `FASTER/SLOWER: the t test one-sided p < ${r.alpha} (Holm-adjusted over the gated metrics), the change estimated beyond ±${(r.noiseThreshold * 100).toFixed(1)} %, ≥ ${r.minRuns} runs a side; the rank test is shown beside it. ` +
    `SAME: the whole CI within ±${(r.tolerance * 100).toFixed(1)} %. Otherwise UNKNOWN. REFUSED: not comparable (e.g. a different energy meter, scope or declared watts). ` +
    `A run is set aside as disturbed only on evidence independent of its side (its host telemetry: CPU taken by other work, throttling on both sides; or both runs of a round grossly slow). ` +
    `With ≥ 8 rounds (runs a side), a round far from the others (robust z > 8 on the Qn scale, beyond the noise threshold) is never averaged: a candidate grossly worse in some rounds is SLOWER (intermittent: k of n rounds); a baseline grossly slow in some is left out, and then FASTER needs the other rounds and SAME is not given.`
  );
}

/** Render the comparison. */
export function renderCompareMarkdown(r: ComparisonReport): string {
  const out: string[] = [];
  out.push('## joulebench compare', '');
  out.push(`**Result: ${r.headline}**`, '');
  out.push(`Baseline: ${side(r.baseline)}  `);
  out.push(`Candidate: ${side(r.candidate)}`, '');
  out.push(methodText(r), '');
  if (r.warnings.length) {
    for (const w of r.warnings) out.push(`> Warning: ${mdCell(w)}`);
    out.push('');
  }
  const lvl = Math.round((1 - 2 * r.alpha) * 100);
  out.push(`| | Verdict | Metric | Statistic (per run) | Baseline | Candidate | Change | ${lvl} % CI of change | p (t / rank) | Runs (base/cand) | Run CV (base/cand) | Why |`);
  out.push('|:-:|:---|:---|:---|---:|---:|---:|:---:|:---:|:---:|:---:|:---|');
  for (const row of r.rows) {
    const fq = (v: number | null) => (v === null ? '—' : formatQuantity(v, row.unit));
    const ci = row.ciLow === null || row.ciHigh === null ? '—' : `[${pct(row.ciLow)}, ${pct(row.ciHigh)}]`;
    const refused = row.verdict === 'REFUSED';
    const cv = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
    const cells = [
      ICON[row.verdict],
      `**${verdictLabel(row)}**`,
      `${row.measurementId} ${row.metric} (${row.higherIsBetter ? 'higher' : 'lower'} is better${row.gated ? ', gated' : ''})`,
      row.nBaseline + row.nCandidate > 2 ? `${row.statistic}; geometric mean of runs` : row.statistic,
      refused ? '—' : fq(row.centerBaseline),
      refused ? '—' : fq(row.centerCandidate),
      refused ? '—' : pct(row.relChange),
      refused ? '—' : ci,
      `${pText(row.pValue)} / ${pText(row.rankPValue)}`,
      `${row.nBaseline}/${row.nCandidate}`,
      `${cv(row.cvBaseline)} / ${cv(row.cvCandidate)}`,
      // The CI has its own column: keep only the conclusion of the reason here.
      row.reason.replace(/^\d+ % CI \[[^\]]*\]:? ?/, '') + notSteadyNote(row),
    ];
    out.push(`| ${cells.map(mdCell).join(' | ')} |`);
  }
  if (!r.rows.length) out.push('| | | (no metric with a value on both sides) | | | | | | | | | |');
  if (r.notMeasured.length) out.push('', `Not measured in any run (not compared): ${r.notMeasured.map((s) => mdCell(s)).join('; ')}`);
  if (r.onlyBaseline.length) out.push('', `Only in the baseline: ${r.onlyBaseline.map((s) => `\`${s}\``).join(', ')}`);
  if (r.onlyCandidate.length) out.push('', `Only in the candidate: ${r.onlyCandidate.map((s) => `\`${s}\``).join(', ')}`);
  out.push('');
  return out.join('\n');
}
