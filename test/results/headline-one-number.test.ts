// One hash rate is one number everywhere (issue 10 §7): the run summary, `report`, `compare` and
// the github-action-benchmark export all show the headline figure (total nonces / timed span) and
// the same 95 % interval (batch means of the slices), with the statistic named.
import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../src/cli/run.js';
import { compareRunSets } from '../../src/report/compare-results.js';
import { ghaEntries } from '../../src/report/gha-benchmark.js';
import { annotateHeadlines, headlineOf } from '../../src/results/headline.js';
import { buildRows } from '../../src/report/rows.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { resultSchema } from '../../src/results/schema.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';
import { normalSamples } from '../fixtures/results/synthetic.js';

// Slices of equal work (1e6 nonces) at varying rates: the run's rate is total work / total time,
// the harmonic mean of the slice rates — not their arithmetic mean (what compare used to show).
const slices = normalSamples(60, 36e6, 0.08, 42);
const durations = slices.map((r) => 1e6 / r);
const total = (slices.length * 1e6) / durations.reduce((a, b) => a + b, 0);
const doc = runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: total, samples: slices }], minute(0));
doc.measurements[0]!.metrics.hashesPerSecond!.sampleDurationsS = durations;
const mean = slices.reduce((a, b) => a + b, 0) / slices.length;
// Independent reference for the interval: 7 contiguous batches (⌊√60⌋, edges round(j·60/7)), each
// batch's work / time, half-width t(0.975, 6)·sd/√7 with t(0.975, 6) = 2.446911846 (t table).
const edges = Array.from({ length: 8 }, (_, j) => Math.round((j * 60) / 7));
const batchRates = edges.slice(0, 7).map((e, j) => ((edges[j + 1]! - e) * 1e6) / durations.slice(e, edges[j + 1]).reduce((a, b) => a + b, 0));
const bAvg = batchRates.reduce((a, b) => a + b, 0) / 7;
const refHalf = (2.446911846 * Math.sqrt(batchRates.reduce((a, b) => a + (b - bAvg) ** 2, 0) / 6)) / Math.sqrt(7);

describe('headline figure', () => {
  it('is total / time with a time-weighted batch-means interval, not the mean of slices', () => {
    const h = headlineOf(doc.measurements[0]!, 'hashesPerSecond', doc.measurements[0]!.metrics.hashesPerSecond!);
    expect(h.value).toBe(total);
    expect(Math.abs(mean - total) / total).toBeGreaterThan(0.002);
    expect(h.ci95HalfWidth! / refHalf).toBeCloseTo(1, 8);
    expect(h.statistic).toBe('total nonces / timed span');
  });
  it('is the same number and interval in the run summary, report, compare and the GHA export', () => {
    const h = headlineOf(doc.measurements[0]!, 'hashesPerSecond', doc.measurements[0]!.metrics.hashesPerSecond!);
    const pm = `± ${(h.relCi95! * 100).toFixed(1)} %`;
    const summary = formatRunSummary(doc, null, 'r.json');
    expect(summary).toContain(`SHA256d ${(total / 1e6).toPrecision(3)} MH/s ${pm}`);
    expect(summary).toMatch(/figures\s+H\/s = total nonces \/ timed span ± 95 % CI \(batch means/);
    const row = buildRows([{ path: 'r.json', doc }])[0]!;
    expect(row.hashesPerSecond!.value).toBe(total);
    expect((row.hashesPerSecond as { relCi95: number }).relCi95).toBeCloseTo(h.relCi95!, 12);
    expect(renderMarkdown([row])).toMatch(/H\/s = total nonces \/ timed span ± 95 % CI \(batch means/);
    const cmp = compareRunSets([{ path: 'a.json', doc }], [{ path: 'b.json', doc: structuredClone(doc) }], { baseline: 'a', candidate: 'b' });
    expect(cmp.rows[0]!.centerBaseline! / total).toBeCloseTo(1, 12);
    const gha = ghaEntries([{ path: 'r.json', doc }], true).entries[0]!;
    expect(gha.value).toBe(total);
    expect(gha.range).toBe(`± ${new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false }).format(h.ci95HalfWidth!)}`);
    expect(gha.extra).toMatch(/statistic: total nonces \/ timed span; range = 95 % CI by batch means/);
  });
  it('is written into the result: statistic, interval and the outlier count (labelled, kept)', () => {
    const d = structuredClone(doc);
    d.measurements[0]!.metrics.hashesPerSecond!.samples![7] = 1e6; // one disturbed slice
    annotateHeadlines(d);
    const m = resultSchema.parse(d).measurements[0]!.metrics.hashesPerSecond! as Record<string, any>;
    expect(m.headline.statistic).toBe('total nonces / timed span');
    expect(m.headline.ci95Method).toMatch(/batch means/);
    expect(m.outliers.count).toBeGreaterThanOrEqual(1);
    expect(m.outliers.indices).toContain(7);
    expect(m.samples).toHaveLength(60);
  });
});
