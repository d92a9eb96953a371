// Issue 21 case 5: a gated metric present in the baseline runs and absent from the candidate's (its
// inference never ran) gave "all 1 gated metric SAME" and exit 0 with --fail-on-unknown: the
// missing metric was only listed under "only in the baseline". It is now a gated row with verdict
// UNKNOWN (marked missing, saying why), so the strict gate fails; without --fail-on-unknown the
// gate passes as for any UNKNOWN. An ungated metric missing from the candidate stays a list entry.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComparisonReport } from '../../src/report/compare-results.js';
import { runCliInProcess } from '../helpers.js';
import { minute, runDoc, type RunMetric } from '../fixtures/results/run-docs.js';

const root = mkdtempSync(join(tmpdir(), 'jb-missing-'));
const hash = (v: number): RunMetric => ({ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: v });
const decode = (v: number): RunMetric => ({ measurement: 'infer.tiny', kind: 'infer', metric: 'decodeTokensPerSecond', unit: 'tok/s', higherIsBetter: true, value: v });
const latency = (v: number): RunMetric => ({ measurement: 'micro.sha256', kind: 'micro', metric: 'latencyUs', unit: 'us', higherIsBetter: false, value: v });

/** Six runs a side: identical hash rates (SAME); the baseline also has decode tok/s and an ungated latency. */
function sides(candidateInfer: 'absent' | 'failed'): { base: string; cand: string } {
  const d = mkdtempSync(join(root, `${candidateInfer}-`));
  const base = join(d, 'base');
  const cand = join(d, 'cand');
  mkdirSync(base);
  mkdirSync(cand);
  for (let i = 0; i < 6; i++) {
    const v = 1000 * (1 + 0.001 * Math.sin(i));
    writeFileSync(join(base, `r${i}.json`), JSON.stringify(runDoc([hash(v), decode(40 + 0.01 * i), latency(5)], minute(2 * i))));
    const doc = runDoc([hash(v)], minute(2 * i + 1));
    if (candidateInfer === 'failed') doc.measurements.push({ id: 'infer.tiny', kind: 'infer', status: 'failed', reason: 'model did not load', params: {}, metrics: {}, warnings: [] });
    writeFileSync(join(cand, `r${i}.json`), JSON.stringify(doc));
  }
  return { base, cand };
}

describe('a gated metric missing from the candidate runs', () => {
  it('is a gated UNKNOWN row (missing), fails --fail-on-unknown, and the headline says so', async () => {
    const { base, cand } = sides('absent');
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', cand, '--fail-on-unknown', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const rep = JSON.parse(r.stdout) as ComparisonReport;
    const row = rep.rows.find((x) => x.measurementId === 'infer.tiny' && x.metric === 'decodeTokensPerSecond');
    expect(row).toMatchObject({ verdict: 'UNKNOWN', gated: true, missing: true });
    expect(row!.reason).toMatch(/missing from every candidate run \(no infer\.tiny measurement\)/);
    expect(rep.gatedCounts).toMatchObject({ SAME: 1, UNKNOWN: 1 });
    expect(rep.headline).not.toMatch(/all \d+ gated metrics? SAME/);
    expect(rep.headline).toMatch(/missing: 1 gated metric absent from every candidate run/);
    // The ungated latency missing from the candidate is listed, not gated.
    expect(rep.onlyBaseline).toEqual(expect.arrayContaining(['infer.tiny.decodeTokensPerSecond', 'micro.sha256.latencyUs']));
    expect(rep.rows.some((x) => x.metric === 'latencyUs')).toBe(false);
    expect(r.stderr).toMatch(/1 gated metric\(s\) inconclusive or not comparable \(--fail-on-unknown\): exit 1/);
  });

  it('a candidate whose inference measurement failed: the row says so; without --fail-on-unknown exit 0', async () => {
    const { base, cand } = sides('failed');
    const strict = await runCliInProcess(['compare', '--baseline', base, '--candidate', cand, '--fail-on-unknown']);
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.stdout).toMatch(/UNKNOWN.*infer\.tiny decodeTokensPerSecond/);
    expect(strict.stdout).toMatch(/infer\.tiny failed: model did not load/);
    const lax = await runCliInProcess(['compare', '--baseline', base, '--candidate', cand]);
    expect(lax.code, lax.stderr).toBe(0);
  });
});
