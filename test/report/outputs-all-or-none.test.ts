// `report --md --csv --html` on a disk that fills up part-way: the audit saw x.md written, x.csv
// failed and the HTML never mentioned. Now every output is staged first and put in place only when
// all of them were written, so a full disk leaves every target as it was, and the one error line
// names the file that failed and the fate of the others. The full disk is injected in process:
// every write(2) under one directory fails with ENOSPC (test/fixtures/io/enospc.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { injectEnospc } from '../fixtures/io/enospc.js';

const A = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');
let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});

describe('report: all outputs or none', () => {
  it('the CSV on a full disk: no output is written, an old Markdown file is left as it was, and the error names all three', async () => {
    const ok = mkdtempSync(join(tmpdir(), 'jb-report-ok-'));
    const full = mkdtempSync(join(tmpdir(), 'jb-report-full-'));
    undo = injectEnospc(full);
    const md = join(ok, 'x.md');
    const csv = join(full, 'x.csv');
    const html = join(ok, 'x.html');
    writeFileSync(md, 'the previous report\n');
    const r = await runCliInProcess(['report', A, '--md', md, '--csv', csv, '--html', html]);
    expect(r.code, r.stderr).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error: '));
    expect(errors).toEqual([`joulebench: error: cannot write ${csv} (no space left on device); nothing written: ${md}, ${html} are left as they were (all outputs or none)`]);
    expect(r.stderr).not.toMatch(/written to/);
    expect(readFileSync(md, 'utf8')).toBe('the previous report\n');
    expect(existsSync(html)).toBe(false);
    // No temp file is left behind in either directory.
    expect(readdirSync(ok).sort()).toEqual(['x.md']);
    expect(readdirSync(full)).toEqual([]);
  });

  it('with room for all three, each is written and named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-report-all-'));
    const [md, csv, html] = ['x.md', 'x.csv', 'x.html'].map((f) => join(dir, f)) as [string, string, string];
    const r = await runCliInProcess(['report', A, '--md', md, '--csv', csv, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Markdown written to ${md}`);
    expect(r.stderr).toContain(`CSV written to ${csv}`);
    expect(r.stderr).toContain(`HTML written to ${html}`);
    expect(readdirSync(dir).sort()).toEqual(['x.csv', 'x.html', 'x.md']);
  });
});
