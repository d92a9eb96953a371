/**
 * `report --site <file>` reads the site file: an output may not be it. `report r.json --site
 * site.yaml --md site.yaml` replaced the site file with Markdown (exit 0); now exit 2, one line,
 * the site file untouched (also through a symlink).
 */
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('report --site: the site file is an input', () => {
  it('is never an output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-report-site-'));
    copyFileSync(join(ROOT, 'sites/boden-sweden.yaml'), join(dir, 'site.yaml'));
    symlinkSync('site.yaml', join(dir, 'link.yaml'));
    const before = readFileSync(join(dir, 'site.yaml'), 'utf8');
    const result = join(ROOT, 'results/examples/llvmpipe-declared-65w.json');
    for (const [flag, out] of [['--md', 'site.yaml'], ['--csv', './site.yaml'], ['--html', 'link.yaml']] as const) {
      const r = await runCliInProcess(['report', result, '--site', 'site.yaml', '--as-of', '2026-11-22', flag, out], { cwd: dir });
      expect(r.code, `${flag} ${out}`).toBe(2);
      expect(r.stderr.trim(), `${flag} ${out}`).toBe(`joulebench: error: ${flag} ${out}: is also an input file (site.yaml); writing it would replace that input, give the output another name`);
    }
    expect(readFileSync(join(dir, 'site.yaml'), 'utf8')).toBe(before);
  });
});
