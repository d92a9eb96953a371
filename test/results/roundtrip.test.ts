import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newResultDoc } from '../../src/host/environment.js';
import { readResult, resultFileName, summaryToJson, writeResult } from '../../src/results/files.js';
import { summarize } from '../../src/stats/summary.js';
import { UsageError } from '../../src/util/errors.js';

function sampleDoc() {
  const doc = newResultDoc(null, new Date('2026-11-22T10:00:00Z'));
  const samples = [10, 11, 12];
  doc.measurements.push({
    id: 'hash.sha256d',
    kind: 'hash',
    status: 'complete',
    params: { seconds: 3 },
    metrics: { hashesPerSecond: { value: 11, unit: 'H/s', higherIsBetter: true, samples, summary: summaryToJson(summarize(samples)), method: 'test' } },
    energy: { measured: false, reason: 'no meter' },
    warnings: [],
  });
  return doc;
}

describe('results schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-schema-'));
  it('round-trips a document through write and read unchanged', () => {
    const doc = sampleDoc();
    const path = join(dir, 'a.json');
    writeResult(path, doc);
    expect(readResult(path)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.environment.node).toBe(process.version);
    expect(doc.tool.name).toBe('joulebench');
  });
  it('accepts another minor of the same major and keeps unknown fields', () => {
    const doc = { ...JSON.parse(JSON.stringify(sampleDoc())), schemaVersion: '1.9', futureField: { x: 1 } };
    const path = join(dir, 'minor.json');
    writeFileSync(path, JSON.stringify(doc));
    const back = readResult(path) as Record<string, unknown>;
    expect(back.futureField).toEqual({ x: 1 });
  });
  it('rejects an unknown major with a clear one-line message', () => {
    const path = join(dir, 'major.json');
    writeFileSync(path, JSON.stringify({ ...sampleDoc(), schemaVersion: '2.0' }));
    expect(() => readResult(path)).toThrow(UsageError);
    expect(() => readResult(path)).toThrow(/schemaVersion 2\.0 has major 2; this joulebench reads major 1/);
  });
  it('names the bad field on read', () => {
    const bad = JSON.parse(JSON.stringify(sampleDoc()));
    bad.measurements[0].metrics.hashesPerSecond.unit = 5;
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(bad));
    expect(() => readResult(path)).toThrow(/field 'measurements\.0\.metrics\.hashesPerSecond\.unit'/);
  });
  it('refuses to write an invalid document and leaves no file', () => {
    const bad = sampleDoc() as unknown as { argv: unknown };
    bad.argv = 'not-an-array';
    const path = join(dir, 'never.json');
    expect(() => writeResult(path, bad as never)).toThrow(/argv/);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
  it('names files with date, host and device', () => {
    expect(resultFileName({ startedAt: new Date('2026-11-22T10:11:12Z'), host: 'Rig #1', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(
      '20261122-101112_rig-1_llvmpipe-llvm-15-0-6-256-bits.json',
    );
  });
});
