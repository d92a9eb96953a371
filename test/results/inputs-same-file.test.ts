/**
 * One result file named two ways (relative and absolute, `./`, a symlink) is one run. Before: `report
 * a.json link-to-a.json` listed the run twice, `compare a.json ./a.json` compared a file with itself
 * (the same path twice was refused), and `compare --baseline a.json ./a.json ...` counted one run as
 * two replicates.
 */
import { copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandResultInputs } from '../../src/cli/result-inputs.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-same-file-'));
copyFileSync(join(ROOT, 'results/examples/llvmpipe-declared-65w.json'), join(dir, 'a.json'));
copyFileSync(join(ROOT, 'results/examples/llvmpipe-no-meter.json'), join(dir, 'b.json'));
symlinkSync('a.json', join(dir, 'link-a.json'));

describe('the same result file under two names', () => {
  it('is read once', () => {
    const got = expandResultInputs(['a.json', './a.json', join(dir, 'a.json'), 'link-a.json', 'b.json'].map((p) => (p.startsWith('/') ? p : join(dir, p))));
    expect(got.map((x) => x.path)).toEqual([join(dir, 'a.json'), join(dir, 'b.json')]);
  });

  it('compare refuses it as both sides, however it is spelled', async () => {
    for (const [b, c] of [['a.json', './a.json'], ['a.json', join(dir, 'a.json')], ['link-a.json', 'a.json']]) {
      const r = await runCliInProcess(['compare', b!, c!], { cwd: dir });
      expect(r.code, `${b} ${c}`).toBe(2);
      expect(r.stderr.trim(), `${b} ${c}`).toMatch(/^joulebench: error: .*a\.json: given as both baseline and candidate$/);
    }
  });

  it('report lists the run once; compare counts it once', async () => {
    const rep = await runCliInProcess(['report', 'a.json', 'link-a.json', '--json'], { cwd: dir });
    expect(rep.code, rep.stderr).toBe(0);
    const one = await runCliInProcess(['report', 'a.json', '--json'], { cwd: dir });
    expect(rep.stdout).toBe(one.stdout);
    const cmp = await runCliInProcess(['compare', '--baseline', 'a.json', './a.json', '--candidate', 'b.json', '--json'], { cwd: dir });
    expect(cmp.code, cmp.stderr).toBe(0);
    const rows = (JSON.parse(cmp.stdout) as { rows: { nBaseline: number }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const m of rows) expect(m.nBaseline).toBeLessThanOrEqual(1);
  });
});
