import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/results/files.js';
import { main } from '../../bench/ci-perf.js';

// The CI perf job's micro part writes a result document (one run) that `compare` reads. No timing
// asserted: the document's shape, the sample counts, the value as the mean of its samples, the
// headline annotations. (It used to compare the document with itself, which can only agree; one run
// a side is UNKNOWN by rule, test/report/compare-verdicts.test.ts.)
describe('bench/ci-perf.ts --micro-only', () => {
  it('writes a valid result document with tinybench samples per host hot path', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jb-ciperf-')), 'ci.json');
    const saved = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['--micro-only', '--time-ms', '100', '--out', out]);
    } finally {
      process.stderr.write = saved;
    }
    expect(code).toBe(0);
    const doc = readResult(out);
    expect(doc.complete).toBe(true);
    expect(doc.measurements.map((m) => m.id)).toEqual(['micro.sha256d-header', 'micro.stats-summarize', 'micro.stats-compare', 'micro.infer-build-tiny']);
    for (const m of doc.measurements) {
      expect(m.kind).toBe('micro');
      const ops = m.metrics.opsPerSecond! as Record<string, any>;
      expect(ops.unit).toBe('ops/s');
      expect(ops.higherIsBetter).toBe(true);
      expect(ops.samples!.length).toBeGreaterThanOrEqual(20);
      expect(ops.summary!.n).toBe(ops.samples!.length);
      expect(ops.value).toBeCloseTo(ops.samples!.reduce((a: number, b: number) => a + b, 0) / ops.samples!.length, 6);
      expect(ops.headline.statistic).toBe('mean of the tinybench samples (calls / batch time)');
      expect(ops.headline.gated).toBe(true);
      expect(typeof ops.outliers.count).toBe('number');
    }
  });
  it('rejects an unknown argument with exit 2', async () => {
    const saved = process.stderr.write;
    let err = '';
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['--bogus'])).toBe(2);
    } finally {
      process.stderr.write = saved;
    }
    expect(err).toMatch(/unknown argument '--bogus'/);
  });
});
