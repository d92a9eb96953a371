import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readResult } from '../src/report/results.js';
import { compareResults } from '../src/report/compare-results.js';
import { ROOT } from './helpers.js';

// The CI perf job's micro part writes a result document that `compare` reads (no timing asserted:
// only the document's shape, the sample counts, and that a run compared with itself shows no change).
describe('bench/ci-perf.ts --micro-only', () => {
  it('writes a valid result document with tinybench samples per host hot path', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jb-ciperf-')), 'ci.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ci-perf.ts'), '--micro-only', '--time-ms', '100', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const doc = readResult(out);
    expect(doc.complete).toBe(true);
    expect(doc.measurements.map((m) => m.id)).toEqual(['micro.sha256d-header', 'micro.stats-summarize', 'micro.stats-compare', 'micro.infer-build-tiny']);
    for (const m of doc.measurements) {
      expect(m.kind).toBe('micro');
      const ops = m.metrics.opsPerSecond!;
      expect(ops.unit).toBe('ops/s');
      expect(ops.higherIsBetter).toBe(true);
      expect(ops.samples!.length).toBeGreaterThanOrEqual(20);
      expect(ops.summary!.n).toBe(ops.samples!.length);
      expect(ops.value).toBeCloseTo(ops.samples!.reduce((a, b) => a + b, 0) / ops.samples!.length, 6);
    }
    // Against itself: no change, p = 1; SAME or (when the host is noisy) UNKNOWN, never FASTER/SLOWER.
    const self = compareResults(doc, doc, { baseline: 'a', candidate: 'a' });
    expect(self.rows).toHaveLength(4);
    for (const row of self.rows) {
      expect(row.relChange).toBe(0);
      expect(row.pValue!).toBeCloseTo(1, 6);
      expect(['SAME', 'UNKNOWN']).toContain(row.verdict);
    }
  });
  it('rejects an unknown argument with exit 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ci-perf.ts'), '--bogus'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument '--bogus'/);
  });
});
