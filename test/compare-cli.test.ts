import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ghaEntrySchema } from '../src/report/gha-benchmark.js';
import { runCli } from './helpers.js';
import { normalSamples, syntheticDoc } from './fixtures/results/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-compare-'));
const write = (name: string, doc: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
};

// Baseline: hash throughput 1000 H/s, a micro-benchmark latency of 50 µs, and a 3-sample metric.
const baseline = write(
  'baseline.json',
  syntheticDoc([
    { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: normalSamples(20, 1000, 0.005, 1) },
    { measurement: 'micro.sha256', metric: 'latencyUs', unit: 'us', higherIsBetter: false, samples: normalSamples(20, 50, 0.005, 2) },
    { measurement: 'micro.stats', metric: 'opsPerSecond', unit: 'ops/s', higherIsBetter: true, samples: normalSamples(3, 200, 0.005, 3) },
  ]),
);
// Candidate: hash 10 % slower, micro latency unchanged, the 3-sample metric 10 % slower (must stay UNKNOWN).
const slower = write(
  'slower.json',
  syntheticDoc([
    { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: normalSamples(20, 900, 0.005, 4) },
    { measurement: 'micro.sha256', metric: 'latencyUs', unit: 'us', higherIsBetter: false, samples: normalSamples(20, 50, 0.005, 5) },
    { measurement: 'micro.stats', metric: 'opsPerSecond', unit: 'ops/s', higherIsBetter: true, samples: normalSamples(3, 180, 0.005, 6) },
  ]),
);
const same = write(
  'same.json',
  syntheticDoc([
    { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: normalSamples(20, 1000, 0.005, 7) },
    { measurement: 'micro.sha256', metric: 'latencyUs', unit: 'us', higherIsBetter: false, samples: normalSamples(20, 50, 0.005, 8) },
  ]),
);

describe('joulebench compare', () => {
  it('marks a 10 % slowdown SLOWER and exits 1 with --fail-on-regression', async () => {
    const r = await runCli(['compare', baseline, slower, '--fail-on-regression']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\| ▼ \| \*\*SLOWER\*\* \| hash\.sha256d hashesPerSecond \(higher is better\)/);
    expect(r.stdout).toMatch(/\| = \| \*\*SAME\*\* \| micro\.sha256 latencyUs \(lower is better\)/);
    expect(r.stdout).toMatch(/\| \? \| \*\*UNKNOWN\*\* \| micro\.stats opsPerSecond .*too few samples \(3 baseline, 3 candidate/);
    expect(r.stdout).toMatch(/Result: \*\*1 regression\*\*/);
    expect(r.stderr).toMatch(/SLOWER than the baseline \(--fail-on-regression\): exit 1/);
  });
  it('exits 0 on the same regression without the flag', async () => {
    const r = await runCli(['compare', baseline, slower]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SLOWER/);
  });
  it('exits 0 with --fail-on-regression when nothing is slower, and lists metrics missing on one side', async () => {
    const r = await runCli(['compare', baseline, same, '--fail-on-regression', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.counts).toEqual({ SAME: 2, FASTER: 0, SLOWER: 0, UNKNOWN: 0 });
    expect(j.onlyBaseline).toEqual(['micro.stats.opsPerSecond']);
  });
  it("writes github-action-benchmark JSON split by direction", async () => {
    const big = join(dir, 'gha-bigger.json');
    const small = join(dir, 'gha-smaller.json');
    const r = await runCli(['compare', baseline, slower, '--export-gha-benchmark', big, '--export-gha-benchmark-smaller', small]);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(readFileSync(big, 'utf8'));
    const s = JSON.parse(readFileSync(small, 'utf8'));
    for (const e of [...b, ...s]) ghaEntrySchema.parse(e);
    expect(b.map((e: { name: string }) => e.name)).toEqual(['hash.sha256d hashesPerSecond', 'micro.stats opsPerSecond']);
    expect(s.map((e: { name: string }) => e.name)).toEqual(['micro.sha256 latencyUs']);
    const cand = JSON.parse(readFileSync(slower, 'utf8'));
    expect(b[0].value).toBe(cand.measurements[0].metrics.hashesPerSecond.value);
    expect(b[0].unit).toBe('H/s');
    expect(b[0].range).toMatch(/^± \d/);
  });
  it('warns when lower-is-better metrics are left out of the bigger-is-better export', async () => {
    const big = join(dir, 'gha-only-bigger.json');
    const r = await runCli(['compare', baseline, slower, '--export-gha-benchmark', big]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 lower-is-better metric\(s\) left out/);
  });
  it('rejects a file that is not a result document with exit 2 and one line', async () => {
    const bad = write('bad.json', { hello: 1 });
    const r = await runCli(['compare', bad, slower]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/schemaVersion/);
  });
  it('rejects a bad --noise-threshold with exit 2 naming the flag', async () => {
    const r = await runCli(['compare', baseline, slower, '--noise-threshold', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--noise-threshold 'abc'/);
  });
});
