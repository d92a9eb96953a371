/**
 * Markdown and HTML for the campaign section of a report (src/report/campaign.ts): per GPU model
 * the median and spread across nodes, the runs with outliers flagged, failed tasks, and the
 * outlier rule. Hooked into markdown.ts / html.ts with one line each; deterministic like them.
 */
import { formatQuantity } from './rows.js';
import { esc } from './svg.js';
import { CAMPAIGN_METRICS, type CampaignGroup, type CampaignMember, type CampaignSummary } from './campaign.js';

function q(v: number | null, unit: string): string {
  return v === null ? 'n/m' : formatQuantity(v, unit);
}

function pct(x: number, signed = false): string {
  return `${signed && x > 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: string[], right: ReadonlySet<number>, body: string[][]): string[] {
  const line = (c: string[]) => `| ${c.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (right.has(i) ? '---:' : ':---')).join('|')}|`, ...body.map(line)];
}

function groupTitle(g: CampaignGroup): string {
  const nodes = new Set(g.members.map((m) => m.node)).size;
  return `${g.gpuModel}${g.inferenceModel ? ` · ${g.inferenceModel}` : ''} (${g.members.length} run${g.members.length === 1 ? '' : 's'} on ${nodes} node${nodes === 1 ? '' : 's'})`;
}

function flagText(g: CampaignGroup, m: CampaignMember): string {
  const os = g.outliers.filter((o) => o.ref === m.ref);
  return os.length ? `OUTLIER: ${os.map((o) => `${o.label} ${pct(o.relDev, true)}`).join(', ')}` : '';
}

/** The campaign header: "Slurm job …; run arguments" and the arguments (shown as code). */
function jobLine(s: CampaignSummary): { head: string; args: string } | null {
  const j = s.job;
  if (!j) return null;
  const failed = s.failedTasks.length;
  return {
    head:
      `Slurm job ${j.jobId}: ${j.tasks} task${j.tasks === 1 ? '' : 's'}, ${j.ok} with a valid result${failed ? `, ${failed} failed` : ''}; ` +
      `submitted ${j.submittedAt.slice(0, 16).replace('T', ' ')}Z${j.gitSha ? ` from commit ${j.gitSha.slice(0, 7)}` : ''}; run arguments`,
    args: j.runArgs.join(' ') || '(none)',
  };
}

/** The campaign section as Markdown. */
export function campaignMarkdown(s: CampaignSummary): string {
  const out: string[] = ['## Campaign: per GPU model', ''];
  const jl = jobLine(s);
  if (jl) out.push(`${jl.head} \`${jl.args}\`.`, '');
  out.push(`Median and spread across nodes per GPU model; robust spread = 1.4826·MAD/median. Rule: ${s.rule}.`, '');
  if (!s.groups.length) out.push('No complete run to group.', '');
  for (const g of s.groups) {
    out.push(`### ${groupTitle(g)}`, '');
    out.push(
      ...mdTable(
        ['Metric', 'Runs', 'Median', 'Robust spread', 'Range', 'Outliers', 'Note'],
        new Set([1, 2, 3]),
        g.stats.map((st) => [
          st.label,
          String(st.n),
          q(st.median, st.unit),
          st.robustSpreadRel === null ? '—' : `±${pct(st.robustSpreadRel)}`,
          st.min === null || st.max === null ? '—' : `${q(st.min, st.unit)} – ${q(st.max, st.unit)}`,
          st.n === 0 ? '—' : st.n < 3 ? 'not judged (< 3 runs)' : String(g.outliers.filter((o) => o.metric === st.metric).length),
          st.note ?? '',
        ]),
      ),
      '',
    );
    out.push(
      ...mdTable(
        ['Run', 'Node', 'Task', 'GPU', ...CAMPAIGN_METRICS.map((c) => c.label), 'Flag'],
        new Set([4, 5, 6, 7, 8]),
        g.members.map((m) => [`#${m.ref}`, m.node, m.task ?? '—', m.gpu ?? '—', ...CAMPAIGN_METRICS.map((c) => q(m.values[c.key], c.unit)), flagText(g, m)]),
      ),
      '',
    );
    for (const o of g.outliers) {
      out.push(`- **Outlier** #${o.ref} node ${o.node}${o.task ? ` (task ${o.task})` : ''}: ${o.label} ${q(o.value, o.unit)}, ${pct(o.relDev, true)} from the median ${q(o.median, o.unit)} (modified z ${o.z.toFixed(1)})`);
    }
    if (g.outliers.length) out.push('');
  }
  if (s.failedTasks.length) {
    out.push('### Failed tasks', '');
    out.push(
      ...mdTable(
        ['Task', 'Node', 'Exit code', 'Slurm state', 'Problem', 'Last stderr line'],
        new Set([2]),
        s.failedTasks.map((f) => [f.task, f.node ?? 'unknown', f.exitCode === null ? '—' : String(f.exitCode), f.slurmState ?? '—', f.problem, f.lastStderr ?? '—']),
      ),
      '',
    );
  }
  for (const e of s.excluded) out.push(`- #${e.ref} left out of the campaign statistics: ${e.reason}`);
  if (s.excluded.length) out.push('');
  return out.join('\n');
}

const CSS = `<style>
.campaign .outlier td{background:#fdecea}
.campaign .tag.out{background:#f8d0cc;color:#8f1d14}
.campaign h3{font-size:15px;margin:18px 0 6px}
.campaign p.rule{font-size:12.5px;color:#4a4f57}
</style>`;

function htmlTable(id: string, header: string[], right: ReadonlySet<number>, body: Array<{ cells: string[]; attrs?: string }>): string {
  const th = header.map((h, i) => `<th${right.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const tr = body.map((r) => `<tr${r.attrs ?? ''}>${r.cells.map((c, i) => `<td${right.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** The campaign section as HTML (a heading and cards, inline CSS of its own). */
export function campaignHtml(s: CampaignSummary): string {
  const parts: string[] = [CSS, `<section class="campaign" id="campaign"><h2>Campaign: per GPU model</h2>`];
  const jl = jobLine(s);
  if (jl) parts.push(`<p class="lead">${esc(jl.head)} <code>${esc(jl.args)}</code>.</p>`);
  parts.push(`<p class="rule">Median and spread across nodes per GPU model; robust spread = 1.4826·MAD/median. Rule: ${esc(s.rule)}.</p>`);
  if (!s.groups.length) parts.push('<div class="card"><p class="nm">No complete run to group.</p></div>');
  s.groups.forEach((g, gi) => {
    parts.push(`<div class="card"><h3>${esc(groupTitle(g))}</h3>`);
    parts.push(
      htmlTable(
        `campaign-stats-${gi}`,
        ['Metric', 'Runs', 'Median', 'Robust spread', 'Range', 'Outliers', 'Note'],
        new Set([1, 2, 3]),
        g.stats.map((st) => ({
          attrs: ` data-metric="${st.metric}"`,
          cells: [
            esc(st.label),
            String(st.n),
            esc(q(st.median, st.unit)),
            st.robustSpreadRel === null ? '—' : `±${esc(pct(st.robustSpreadRel))}`,
            st.min === null || st.max === null ? '—' : esc(`${q(st.min, st.unit)} – ${q(st.max, st.unit)}`),
            st.n === 0 ? '—' : st.n < 3 ? 'not judged (&lt; 3 runs)' : String(g.outliers.filter((o) => o.metric === st.metric).length),
            esc(st.note ?? ''),
          ],
        })),
      ),
    );
    parts.push(
      htmlTable(
        `campaign-nodes-${gi}`,
        ['Run', 'Node', 'Task', 'GPU', ...CAMPAIGN_METRICS.map((c) => c.label), 'Flag'],
        new Set([4, 5, 6, 7, 8]),
        g.members.map((m) => {
          const flag = flagText(g, m);
          return {
            attrs: ` data-ref="${m.ref}"${flag ? ' class="outlier"' : ''}`,
            cells: [`#${m.ref}`, esc(m.node), esc(m.task ?? '—'), esc(m.gpu ?? '—'), ...CAMPAIGN_METRICS.map((c) => esc(q(m.values[c.key], c.unit))), flag ? `<span class="tag out">${esc(flag)}</span>` : ''],
          };
        }),
      ),
    );
    parts.push('</div>');
  });
  if (s.failedTasks.length) {
    parts.push(`<h3>Failed tasks</h3><div class="card">`);
    parts.push(
      htmlTable(
        'campaign-failed',
        ['Task', 'Node', 'Exit code', 'Slurm state', 'Problem', 'Last stderr line'],
        new Set([2]),
        s.failedTasks.map((f) => ({
          attrs: ` data-task="${esc(f.task)}"`,
          cells: [esc(f.task), esc(f.node ?? 'unknown'), f.exitCode === null ? '—' : String(f.exitCode), esc(f.slurmState ?? '—'), esc(f.problem), `<code>${esc(f.lastStderr ?? '—')}</code>`],
        })),
      ),
    );
    parts.push('</div>');
  }
  if (s.excluded.length) parts.push(`<ul class="notes">${s.excluded.map((e) => `<li>#${e.ref} left out of the campaign statistics: ${esc(e.reason)}</li>`).join('')}</ul>`);
  parts.push('</section>');
  return parts.join('\n');
}
