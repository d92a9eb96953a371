// `joulebench compare` through the CLI in process: run sets from files and directories, the gate's
// exit codes (0 pass, 1 regression or strict unknown, 2 bad input), the headline, the exports.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ghaEntrySchema } from '../../src/report/gha-benchmark.js';
import { runCliInProcess } from '../helpers.js';
import { normalSamples } from '../fixtures/results/synthetic.js';
import { minute, runDoc, type RunMetric } from '../fixtures/results/run-docs.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-compare-'));

/** Write `n` runs into `sub/`: hash rate around `hps`, a micro latency around `latUs` (lower is better). */
function writeRuns(sub: string, n: number, hps: number, latUs: number, seed: number, t0: number): string {
  const d = join(dir, sub);
  mkdirSync(d, { recursive: true });
  const h = normalSamples(n, hps, 0.01, seed);
  const l = normalSamples(n, latUs, 0.01, seed + 1000);
  for (let i = 0; i < n; i++) {
    const metrics: RunMetric[] = [
      { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: h[i]!, samples: normalSamples(30, h[i]!, 0.02, seed * 100 + i) },
      { measurement: 'micro.sha256', kind: 'micro', metric: 'latencyUs', unit: 'us', higherIsBetter: false, value: l[i]! },
      { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerJoule', unit: 'H/J', higherIsBetter: true, value: null, reason: 'energy not measured: no power meter' },
    ];
    writeFileSync(join(d, `run-${i}.json`), JSON.stringify(runDoc(metrics, minute(t0 + i))));
  }
  return d;
}

const base = writeRuns('base', 6, 1000, 50, 1, 0);
const slower = writeRuns('slower', 6, 900, 50, 2, 100);
const same = writeRuns('same', 6, 1000, 50, 3, 200);
const few = writeRuns('few', 2, 1000, 50, 4, 300);

describe('joulebench compare (run sets)', () => {
  it('a 10 % slower hash rate over 6 runs a side → SLOWER, exit 1 with --fail-on-regression', async () => {
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--fail-on-regression']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\*\*Result: REGRESSION: 1 of 1 gated metric SLOWER\*\*/);
    expect(r.stdout).toMatch(/\| ▼ \| \*\*SLOWER\*\* \| hash\.sha256d hashesPerSecond \(higher is better, gated\) \| total nonces \/ timed span; geometric mean of runs/);
    // The ungated latency is reported (SAME) but does not gate.
    expect(r.stdout).toMatch(/\| = \| \*\*SAME\*\* \| micro\.sha256 latencyUs \(lower is better\)/);
    expect(r.stdout).toMatch(/Not measured in any run \(not compared\): hash\.sha256d\.hashesPerJoule: energy not measured/);
    expect(r.stderr).toMatch(/1 gated metric\(s\) SLOWER than the baseline \(--fail-on-regression\): exit 1/);
  });
  it('the same regression without the flag exits 0', async () => {
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower]);
    expect(r.code, r.stderr).toBe(0);
  });
  it('identical code → SAME, exit 0; the JSON keeps every run value', async () => {
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', same, '--fail-on-regression', '--fail-on-unknown', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.gatedCounts).toEqual({ SLOWER: 0, FASTER: 0, SAME: 1, UNKNOWN: 0, REFUSED: 0 });
    expect(j.rows[0].baselineRuns).toHaveLength(6);
    expect(j.rows[0].baselineRuns[0].value).toBeGreaterThan(0);
    expect(j.headline).toBe('no regression: all 1 gated metric SAME');
  });
  it('too few runs → UNKNOWN, visible in the headline; --fail-on-unknown makes it exit 1', async () => {
    const loose = await runCliInProcess(['compare', '--baseline', few, '--candidate', slower, '--fail-on-regression']);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stdout).toMatch(/inconclusive: 1 metric \(need ≥ 5 runs a side\)/);
    const strict = await runCliInProcess(['compare', '--baseline', few, '--candidate', slower, '--fail-on-regression', '--fail-on-unknown']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/inconclusive or not comparable \(--fail-on-unknown\): exit 1/);
  });
  it('the two-file form is one run a side: UNKNOWN with the within-run interval', async () => {
    const r = await runCliInProcess(['compare', join(base, 'run-0.json'), join(slower, 'run-0.json'), '--fail-on-regression']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 run a side: within-run .*batch means.*need ≥ 5 runs a side/);
    expect(r.stderr).toMatch(/one run a side: verdicts need ≥ 5 runs a side/);
  });
  it('writes github-action-benchmark JSON split by direction, from the run values, naming the statistic', async () => {
    const big = join(dir, 'gha-bigger.json');
    const small = join(dir, 'gha-smaller.json');
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--export-gha-benchmark', big, '--export-gha-benchmark-smaller', small]);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(readFileSync(big, 'utf8'));
    const s = JSON.parse(readFileSync(small, 'utf8'));
    for (const e of [...b, ...s]) ghaEntrySchema.parse(e);
    expect(b.map((e: { name: string }) => e.name)).toEqual(['hash.sha256d hashesPerSecond']);
    expect(s.map((e: { name: string }) => e.name)).toEqual(['micro.sha256 latencyUs']);
    const values = [0, 1, 2, 3, 4, 5].map((i) => JSON.parse(readFileSync(join(slower, `run-${i}.json`), 'utf8')).measurements[0].metrics.hashesPerSecond.value as number);
    const geo = Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
    expect(b[0].value).toBeCloseTo(geo, 6);
    expect(b[0].extra).toMatch(/statistic: total nonces \/ timed span; geometric mean of 6 runs ± 95 % CI/);
    expect(b[0].extra).toMatch(/compare: SLOWER −?[-+]\d/);
    expect(b[0].range).toMatch(/^± \d/);
  });
  it('rejects a file that is not a result document with exit 2 and one line', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ hello: 1 }));
    const r = await runCliInProcess(['compare', bad, join(slower, 'run-0.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/schemaVersion/);
  });
  it('bad flags and mixed forms exit 2 naming the flag', async () => {
    expect((await runCliInProcess(['compare', base, slower, '--noise-threshold', 'abc'])).stderr).toMatch(/--noise-threshold 'abc'/);
    const mixed = await runCliInProcess(['compare', join(base, 'run-0.json'), '--baseline', base, '--candidate', slower]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/either <baseline> <candidate> or --baseline\/--candidate/);
    const half = await runCliInProcess(['compare', '--baseline', base]);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/--candidate <file\|dir\.\.\.>: required/);
    const pairing = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--pairing', 'sometimes']);
    expect(pairing.code).toBe(2);
    expect(pairing.stderr).toMatch(/--pairing 'sometimes'/);
    const forced = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--pairing', 'paired']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/--pairing paired: runs were not interleaved/);
  });
  it('--gate declares the gated family; a key that is not compared is warned about', async () => {
    const r = await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--gate', 'micro.sha256.latencyUs,hash.sha256d.nope', '--fail-on-regression', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.filter((x: { gated: boolean }) => x.gated).map((x: { metric: string }) => x.metric)).toEqual(['latencyUs']);
    expect(j.gatedCounts.SAME).toBe(1);
    expect(r.stderr).toMatch(/--gate hash\.sha256d\.nope: no such metric compared on both sides/);
    expect((await runCliInProcess(['compare', '--baseline', base, '--candidate', slower, '--gate', 'bogus'])).code).toBe(2);
  });
  it('documents the exit codes in --help', async () => {
    const r = await runCliInProcess(['compare', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0\s+pass[\s\S]*1\s+a gated metric SLOWER \(intermittent included\) with --fail-on-regression[\s\S]*2\s+bad input/);
  });
});
