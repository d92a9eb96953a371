/**
 * The outlier flag of the campaign view: one slow node among five of the same GPU model is
 * flagged (hand-computed modified z-score), nodes that agree within run-to-run noise are not (MAD
 * floor), groups of two are not judged, and `joulebench report <campaign dir>` shows the flag.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCampaign } from '../../src/report/campaign.js';
import { buildRows, type LoadedResult } from '../../src/report/rows.js';
import { validateResult } from '../../src/results/files.js';
import { runCliInProcess } from '../helpers.js';
import { campaignDir, resultDoc } from '../fleet/fixtures.js';

function loaded(hps: number[], decode = hps.map(() => 900)): LoadedResult[] {
  return hps.map((h, i) => ({
    path: `/c/results/task-${i}.json`,
    doc: validateResult(resultDoc({ node: `gpu-${String(i + 1).padStart(2, '0')}`, jobId: '500', task: i, hps: h, hashW: 600, decodeTps: decode[i]!, inferW: 400 })),
  }));
}

describe('campaign outlier flag', () => {
  it('flags the one slow node of five (modified z −20.2 with the 1 % MAD floor) and no other', () => {
    // H/s: median 9.00e9; |dev| = 0, .05, .05, .02, 2.70 (e9) → MAD .05e9 < floor .09e9 (1 % of the median)
    // z(6.30e9) = 0.6745 × (6.30 − 9.00) / 0.09 = −20.235; z(9.05e9) = 0.6745 × 0.05 / 0.09 = 0.375.
    const l = loaded([9.0e9, 9.05e9, 8.95e9, 9.02e9, 6.3e9], [900, 905, 895, 902, 899]);
    const c = buildCampaign(l, buildRows(l));
    expect(c.groups).toHaveLength(1);
    const g = c.groups[0]!;
    expect(g.gpuModel).toBe('NVIDIA H100 80GB HBM3');
    const hs = g.stats.find((s) => s.metric === 'hashesPerSecond')!;
    expect(hs.median).toBe(9.0e9);
    expect(hs.min).toBe(6.3e9);
    expect(hs.robustSpreadRel).toBeCloseTo((1.4826 * 0.05e9) / 9e9, 12);
    const byMetric = (m: string) => g.outliers.filter((o) => o.metric === m);
    expect(byMetric('hashesPerSecond').map((o) => o.node)).toEqual(['gpu-05']);
    expect(byMetric('hashesPerSecond')[0]!.z).toBeCloseTo(-20.235, 3);
    expect(byMetric('hashesPerSecond')[0]!.relDev).toBeCloseTo(-0.3, 12);
    // H/J = H/s / 600 W on every node: the same node stands out; inference does not.
    expect(byMetric('hashesPerJoule').map((o) => o.node)).toEqual(['gpu-05']);
    expect(byMetric('decodeTokensPerSecond')).toEqual([]);
    expect(g.members.filter((m) => m.outlierOn.length).map((m) => m.node)).toEqual(['gpu-05']);
  });

  it('does not flag a node 3 % off when the others agree to 0.05 % (MAD floored at 1 % of the median)', () => {
    // Without the floor: MAD 0.2 → z(970) = 0.6745 × −30 / 0.2 = −101; with it: −30 / 10 × 0.6745 = −2.02.
    const l = loaded([1000, 1000.5, 999.8, 1000.2, 970]);
    const g = buildCampaign(l, buildRows(l)).groups[0]!;
    expect(g.outliers.filter((o) => o.metric === 'hashesPerSecond')).toEqual([]);
  });

  it('does not judge a group of two, however far apart', () => {
    const l = loaded([9e9, 4.5e9]);
    const g = buildCampaign(l, buildRows(l)).groups[0]!;
    expect(g.outliers).toEqual([]);
    expect(g.stats.find((s) => s.metric === 'hashesPerSecond')!.n).toBe(2);
  });

  it('shows the flag in `joulebench report <campaign dir>` (Markdown and HTML)', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-campaign-'));
    campaignDir(dir, '500', 5);
    [9.0e9, 9.05e9, 8.95e9, 9.02e9, 6.3e9].forEach((h, i) => {
      writeFileSync(join(dir, 'results', `task-${i}.json`), JSON.stringify(resultDoc({ node: `gpu-0${i + 1}`, jobId: '500', task: i, hps: h, hashW: 600, decodeTps: 900, inferW: 400 })));
    });
    const html = join(dir, 'report.html');
    const r = await runCliInProcess(['report', dir, '--md', '-', '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('## Campaign: per GPU model');
    expect(r.stdout).toMatch(/### NVIDIA H100 80GB HBM3 · tiny \(5 runs on 5 nodes\)/);
    expect(r.stdout).toMatch(/\| #5 \| gpu-05 \| 500_4 \| GPU-gpu-05-0000 \|.*\| OUTLIER: H\/s -30\.0 %, H\/J -30\.0 % \|/);
    expect(r.stdout).toMatch(/\*\*Outlier\*\* #5 node gpu-05 \(task 500_4\): H\/s 6\.3 GH\/s, -30\.0 % from the median 9 GH\/s \(modified z -20\.2\)/);
    expect(r.stdout).toContain('(Iglewicz & Hoaglin 1993), MAD floored at 1 % of the median');
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<tr data-ref="5" class="outlier">/);
  });
});
