// `report` and `compare` run verify's checks on what they read: a file that fails is marked in the
// rendered output (and on stderr), and refused with --strict (exit 2, one line); so is a file
// without a digest under --strict.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-verify-marks-'));
const example = join(ROOT, 'results/examples/llvmpipe-declared-65w.json');
const edited = join(dir, 'edited.json');
const d = JSON.parse(readFileSync(example, 'utf8'));
d.measurements.find((m: { kind: string }) => m.kind === 'hash').metrics.hashesPerSecond.value *= 1.1;
writeFileSync(edited, JSON.stringify(d, null, 2));
const fixture = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');

describe('report and compare mark results that fail verify', () => {
  it('report: the edited file is marked in the tables and notes, with a warning naming the field', async () => {
    const r = await runCliInProcess(['report', example, edited]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(FAILS VERIFY\)/);
    expect(r.stdout).toMatch(/FAILS VERIFY: measurements\[0\]\.metrics\.hashesPerSecond\.value: /);
    expect(r.stderr).toMatch(/edited\.json FAILS VERIFY \(report marks it\): measurements\[0\]\.metrics\.hashesPerSecond\.value/);
    // The unedited example is not marked.
    expect(r.stdout.match(/\(FAILS VERIFY\)/g)!.length).toBe(2); // its hashing and inference rows
  });
  it('report --strict refuses it: exit 2, one line, nothing on stdout', async () => {
    const r = await runCliInProcess(['report', '--strict', example, edited]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/edited\.json: fails verify: .*--strict refuses it/);
  });
  it('compare lists it among the warnings; --strict refuses it, and a file without a digest', async () => {
    const r = await runCliInProcess(['compare', example, edited]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/> Warning: candidate run .*edited\.json FAILS VERIFY: measurements\[0\]\.metrics\.hashesPerSecond\.value/);
    const s = await runCliInProcess(['compare', '--strict', example, edited]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/edited\.json: fails verify/);
    const old = await runCliInProcess(['compare', '--strict', fixture, example]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/fixture-a-hardware\.json: has no digest/);
  });
});
