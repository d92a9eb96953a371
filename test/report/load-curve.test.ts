/**
 * `report` draws each `infer serve` run's latency–throughput curve: output tokens/s (the burst's as
 * a flat dashed ceiling), p99 TPOT and p99 TTFT against the offered rate, one line per device, the
 * finite levels in rate order, the sustainable rate marked; the Markdown report has the same levels
 * as a table.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { serveDoc } from '../fixtures/results/serve-docs.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-report-load-'));
const a = join(dir, 'a.json');
const b = join(dir, 'b.json');
writeFileSync(a, JSON.stringify(serveDoc({ device: 'GPU A', sustainableQps: 4, levels: [
  { qps: 8, tokS: 900, ttftP99: 5000, tpotP99: 260, meets: false },
  { qps: 2, tokS: 400, ttftP99: 300, tpotP99: 40, meets: true, tokJ: 1.5 },
  { qps: 'inf', tokS: 1000, ttftP99: 30000, tpotP99: 300, meets: false },
  { qps: 4, tokS: 780, ttftP99: 900, tpotP99: 90, meets: true },
] })));
writeFileSync(b, JSON.stringify(serveDoc({ device: 'GPU B', sustainableQps: null, startedAt: '2026-12-02T10:00:00.000Z', levels: [{ qps: 1, tokS: 150, ttftP99: 2500, tpotP99: 210, meets: false }] })));

describe('report: load curves', () => {
  it('HTML: throughput and p99 TPOT against offered load, one line per run, sustainable marked, TPOT target drawn', async () => {
    const out = join(dir, 'r.html');
    const r = await runCliInProcess(['report', a, b, '--html', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    const card = html.slice(html.indexOf('id="load-curves"'));
    const lines = (id: string) => [...html.slice(html.indexOf(`id="${id}"`)).split('</svg>')[0]!.matchAll(/class="line" data-label="([^"]+)"(?: data-key="[^"]*")? data-points="([^"]*)"/g)].map((m) => [m[1], m[2]]);
    expect(lines('load-throughput')).toEqual([['#1 gpt2 on GPU A', '2:400 4:780 8:900'], ['#2 gpt2 on GPU B', '1:150'], ['#1 burst (inf): 1,000 tok/s', '0:1000 8:1000']]);
    expect(lines('load-tpot')).toEqual([['#1 gpt2 on GPU A', '2:40 4:90 8:260'], ['#2 gpt2 on GPU B', '1:210'], ['TPOT target 200 ms', '0:200 8:200']]);
    expect(lines('load-ttft')).toEqual([['#1 gpt2 on GPU A', '2:300 4:900 8:5000'], ['#2 gpt2 on GPU B', '1:2500'], ['TTFT target 2000 ms', '0:2000 8:2000']]);
    expect(html).toMatch(/<g class="marker" data-x="4">.*?#1 sustainable 4 req\/s/);
    expect(card).toContain('<td>inf (burst)</td>');
    expect(card).toContain('<tr class="serving"><td>4 (sustainable)</td>');
  });

  it('Markdown: a table per run in offered order with the burst last; the inference table names the load basis', async () => {
    const r = await runCliInProcess(['report', a, b, '--md', '-']);
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    const sec = md.slice(md.indexOf('## Load curves'));
    expect(sec).toMatch(/\*\*#1 gpt2 on GPU A\*\* — targets TTFT ≤ 2000 ms, TPOT ≤ 200 ms at p99/);
    const rows = sec.split('\n').filter((l) => /^\| (\d|inf)/.test(l)).map((l) => l.split('|')[1]!.trim());
    expect(rows).toEqual(['2', '4 (sustainable)', '8', 'inf (burst)', '1']);
    expect(sec).toContain('| 2 | 2 | 400 | 300 | 40 | 0.5 | 1.5 | yes |');
    expect(md).toContain('Poisson load at 4 req/s within TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99 (continuous batching, max batch 4)');
  });
});
