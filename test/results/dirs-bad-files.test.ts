// Issue 21 case 12 (reading result sets): one bad file found in a directory no longer aborts
// `report` or `compare`: it is skipped with a one-line warning naming it and why, and the command
// goes on (exit 2 only when nothing usable remains; a bad file named on the command line is still
// exit 2). `report <ab out-dir>` reports the A/B runs instead of tripping on ab.json, and a symlink
// loop is named as one, not as a missing file.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, ROOT, runCliInProcess } from '../helpers.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';

const root = mkdtempSync(join(tmpdir(), 'jb-bad-files-'));
const GOOD = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');

function runFile(path: string, hps: number, t: number): string {
  writeFileSync(path, JSON.stringify(runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: hps }], minute(t))));
  return path;
}

/** A directory of `n` good run files and one truncated one (`bad.json`, cut mid-document). */
function runsWithOneTruncated(name: string, n: number, t0: number): string {
  const d = join(root, name);
  mkdirSync(d);
  for (let i = 0; i < n; i++) runFile(join(d, `run-${i}.json`), 1000 + i, t0 + i);
  const text = readFileSync(join(d, 'run-0.json'), 'utf8');
  writeFileSync(join(d, 'bad.json'), text.slice(0, text.length >> 1));
  return d;
}

describe('result directories with a bad file', () => {
  it('report <dir>: the truncated file is skipped with one warning naming it; the others are reported (exit 0)', async () => {
    const d = runsWithOneTruncated('report', 2, 0);
    const r = await runCliInProcess(['report', d, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /bad\.json/.test(l))).toEqual([expect.stringMatching(/^Warning: skipped .*bad\.json: not valid JSON \(.*\); is this a joulebench result file\?$/)]);
    const doc = JSON.parse(r.stdout) as { files: string[]; skipped: Array<{ path: string }> };
    expect(doc.files).toEqual([join(d, 'run-0.json'), join(d, 'run-1.json')]);
    expect(doc.skipped.map((s) => s.path)).toEqual([join(d, 'bad.json')]);
  });

  it('a directory with nothing usable: exit 2 naming the first skipped file; a bad file named itself: exit 2 as before', async () => {
    const d = join(root, 'only-bad');
    mkdirSync(d);
    writeFileSync(join(d, 'x.json'), '{"truncated": ');
    const r = await runCliInProcess(['report', d]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^Warning: skipped .*x\.json: not valid JSON/), expect.stringMatching(/^joulebench: error: no usable result files: 1 skipped \(.*x\.json: not valid JSON/)]);
    expectUsageRefusal(await runCliInProcess(['report', join(d, 'x.json')]), /x\.json: not valid JSON/);
  });

  it('compare: a bad run file in a side directory is skipped with a warning (also in the JSON); the comparison runs', async () => {
    const b = runsWithOneTruncated('base', 3, 100);
    const c = runsWithOneTruncated('cand', 3, 200);
    const r = await runCliInProcess(['compare', '--baseline', b, '--candidate', c, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Warning: baseline: skipped .*base\/bad\.json: not valid JSON/m);
    expect(r.stderr).toMatch(/^Warning: candidate: skipped .*cand\/bad\.json: not valid JSON/m);
    const rep = JSON.parse(r.stdout) as { baseline: { runs: number }; candidate: { runs: number }; warnings: string[] };
    expect([rep.baseline.runs, rep.candidate.runs]).toEqual([3, 3]);
    expect(rep.warnings.filter((w) => /skipped/.test(w))).toHaveLength(2);
  });

  it("report <ab out-dir>: the baseline and candidate runs, not ab.json; compare refuses the out-dir as one side with the fix", async () => {
    const out = join(root, 'ab-out');
    mkdirSync(join(out, 'baseline'), { recursive: true });
    mkdirSync(join(out, 'candidate'));
    mkdirSync(join(out, 'logs'));
    writeFileSync(join(out, 'ab.json'), JSON.stringify({ kind: 'joulebench-ab', version: 1, status: 'complete', runs: [] }));
    writeFileSync(join(out, 'compare.md'), '# compare\n');
    runFile(join(out, 'baseline', 'round-001.json'), 1000, 300);
    runFile(join(out, 'candidate', 'round-001.json'), 1010, 301);
    const r = await runCliInProcess(['report', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { files: string[] }).files).toEqual([join(out, 'baseline', 'round-001.json'), join(out, 'candidate', 'round-001.json')]);
    const c = await runCliInProcess(['compare', out, GOOD]);
    expectUsageRefusal(c, /ab-out: an 'ab' out-dir holds both sides; pass --baseline .*ab-out\/baseline --candidate .*ab-out\/candidate/);
  });

  it('a symlink loop is named as one (ELOOP), not "no such result file"', async () => {
    const d = join(root, 'loop');
    mkdirSync(d);
    symlinkSync('loop.json', join(d, 'loop.json'));
    const r = await runCliInProcess(['report', join(d, 'loop.json')]);
    expectUsageRefusal(r, /loop\.json: cannot read \(too many levels of symbolic links \(a symlink loop\?\)\)/);
    copyFileSync(GOOD, join(d, 'good.json'));
    const dirRun = await runCliInProcess(['report', d, '--json']);
    expect(dirRun.code, dirRun.stderr).toBe(0);
    expect(dirRun.stderr).toMatch(/^Warning: skipped .*loop\.json: cannot read result file \(too many levels of symbolic links/m);
  });
});
