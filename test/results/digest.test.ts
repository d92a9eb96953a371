// The content digest written with every result file: RFC 8785 canonical JSON (checked against the
// RFC's own examples), written by writeResult, unchanged by re-formatting, broken by any edit; a
// file without one is a warning, and a failure under --strict.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkDigest } from '../../src/results/digest.js';
import { newResultDoc } from '../../src/host/environment.js';
import { writeResult } from '../../src/results/files.js';
import { runCliInProcess } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-digest-'));

describe('RFC 8785 canonical JSON', () => {
  it('serialises the RFC §3.2.2 sample as the RFC §3.2.4 shows', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });
  it('sorts members by UTF-16 code units (RFC §3.2.3 example)', () => {
    const input = JSON.parse('{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}');
    // Read the order off the canonical text (JSON.parse would move the integer-like key "1" first).
    const text = canonicalJson(input);
    const at = (s: string) => text.indexOf(s);
    const expected = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'];
    expect(expected.map(at)).toEqual([...expected.map(at)].sort((a, b) => a - b));
  });
  it('writes numbers as RFC 8785 Appendix B does', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
    ];
    for (const [x, s] of cases) expect(canonicalJson(x)).toBe(s);
    expect(() => canonicalJson(Number.NaN)).toThrow(/not a JSON number/);
  });
});

describe('result digest', () => {
  const path = join(dir, 'r.json');
  const doc = newResultDoc(null, new Date('2026-12-01T10:00:00Z'));
  doc.warnings.push('a warning with ünïcödé and "quotes"');
  writeResult(path, doc);
  const raw = () => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  it('is SHA-256 of the canonical document without its digest field', () => {
    const d = raw();
    expect(d.schemaVersion).toBe('1.2');
    const { digest, ...rest } = d as { digest: { value: string; algorithm: string } };
    expect(digest.algorithm).toBe('sha256');
    expect(digest.value).toBe(createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex'));
    expect(checkDigest(d)).toEqual({ status: 'ok', value: digest.value });
  });
  it('survives re-formatting and re-ordering (canonical form), not an edit', () => {
    const d = raw();
    const reordered = Object.fromEntries(Object.entries(d).reverse());
    expect(checkDigest(JSON.parse(JSON.stringify(reordered)))).toMatchObject({ status: 'ok' });
    d.argv = ['run', '--seconds', '99'];
    expect(checkDigest(d)).toMatchObject({ status: 'mismatch' });
  });
  it('verify: an edited file fails on its digest; a file without one warns, and fails with --strict', async () => {
    const edited = raw();
    (edited.environment as { hostname: string }).hostname = 'someone-else';
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
    const r = await runCliInProcess(['verify', join(dir, 'edited.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL digest: the file was changed after it was written/);

    const old = raw();
    delete old.digest;
    writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
    const w = await runCliInProcess(['verify', join(dir, 'old.json')]);
    expect(w.code, w.stdout).toBe(0);
    expect(w.stdout).toMatch(/WARN digest: no digest/);
    expect(w.stdout).toMatch(/PASS \(\d+ checks, 0 failed, 1 warning; no digest\)/);
    const s = await runCliInProcess(['verify', '--strict', join(dir, 'old.json')]);
    expect(s.code).toBe(1);
  });
  it('verify: bad input is exit 2 with one line', async () => {
    writeFileSync(join(dir, 'not.json'), '{ nope');
    const r = await runCliInProcess(['verify', join(dir, 'not.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
