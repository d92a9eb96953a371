import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.js';
import { compareRunSets } from '../../src/report/compare-results.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildRows } from '../../src/report/rows.js';
import { readResult } from '../../src/results/files.js';
import type { ResultDoc } from '../../src/results/schema.js';
import { formatRunSummary } from '../../src/cli/run.js';
import { ROOT } from '../helpers.js';

/**
 * A metric flagged `steadyState.steady: false` is marked wherever its figure is shown: the run
 * summary, report (Markdown, HTML, CSV) and compare (display only: the verdict is the same with or
 * without the flag).
 */
const REASON = 'rate rose +87 % over the 5.1 s timed phase (test)';
const path = join(ROOT, 'test/fixtures/results/fixture-b-software.json');
function docs(): { steady: ResultDoc; unsteady: ResultDoc } {
  const steady = readResult(path);
  const unsteady = readResult(path);
  const m = unsteady.measurements.find((x) => x.id === 'hash.sha256d')!;
  m.metrics.hashesPerSecond!.steadyState = { steady: false, method: 'test', reason: REASON, pValue: 0.01 };
  return { steady, unsteady };
}

describe('not-steady metrics are marked where they are shown', () => {
  it('report: Markdown table cell and note, HTML cell title, CSV note', () => {
    const rows = buildRows([{ path, doc: docs().unsteady }]);
    const md = renderMarkdown(rows);
    expect(md).toMatch(/\| [\d.]+ [kMG]?H\/s[^|]* \(not steady\) \|/);
    expect(md).toContain(`hash.sha256d hashesPerSecond NOT STEADY: ${REASON}`);
    expect(renderHtml(rows)).toContain(`title="NOT STEADY: ${REASON}`);
    const csv = renderCsv([{ path, doc: docs().unsteady }]);
    expect(csv.split('\n').find((l) => l.includes(',hashesPerSecond,'))).toContain(`not steady: ${REASON}`);
    // The steady copy shows none of it.
    const plain = renderMarkdown(buildRows([{ path, doc: docs().steady }]));
    expect(plain).not.toMatch(/not steady|NOT STEADY/);
  });
  it('run summary prints the reason under the hashing line', () => {
    expect(formatRunSummary(docs().unsteady, null, 'x.json')).toContain(`NOT STEADY hashesPerSecond: ${REASON}`);
  });
  it('compare: the Why cell counts the unsteady runs per side; verdicts unchanged', () => {
    const { steady, unsteady } = docs();
    const side = (d: ResultDoc, n: string) => [{ path: `${n}.json`, doc: d }];
    const labels = { baseline: 'a', candidate: 'b' };
    const marked = compareRunSets(side(unsteady, 'a'), side(steady, 'b'), labels);
    const bare = compareRunSets(side(steady, 'a'), side(steady, 'b'), labels);
    const row = marked.rows.find((r) => r.metric === 'hashesPerSecond')!;
    expect(row.notSteadyRuns).toEqual({ baseline: 1, candidate: 0 });
    expect(row.verdict).toBe(bare.rows.find((r) => r.metric === 'hashesPerSecond')!.verdict);
    expect(renderCompareMarkdown(marked)).toContain('NOT STEADY in 1/1 baseline, 0/1 candidate runs');
    expect(renderCompareMarkdown(bare)).not.toContain('NOT STEADY');
  });
});
