/**
 * An output path with a trailing '/' that is not an existing directory ("newdir/") passed the
 * output check (resolve() drops the slash) and the write failed after the work: `report --md
 * newdir/` built the report, then "cannot write newdir/ (not a directory)", exit 1; `run --out
 * newdir/` would have measured first. Now one line before any work, exit 2. A directory given as an
 * output is told a file name of its kind (it suggested "res/result.json" for --csv, which then
 * collides with the input directory).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPath } from '../../src/cli/result-file.js';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('output paths ending in /', () => {
  it('refused before the work when not a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-slash-'));
    const r = await runCliInProcess(['report', join(ROOT, 'results/examples/llvmpipe-declared-65w.json'), '--md', 'newdir/'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe("joulebench: error: --md newdir/: ends with '/' but is not a directory; give a file name, e.g. newdir/report.md");
    expect(existsSync(join(dir, 'newdir'))).toBe(false);
    await expect(checkOutputPath(join(dir, 'nested', 'run') + '/', '--out')).rejects.toThrow(/ends with '\/' but is not a directory; give a file name, e\.g\. .*\/nested\/run\/result\.json$/);
  });

  it('a directory is told a file name of its kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-slash-'));
    await expect(checkOutputPath(dir, '--csv')).rejects.toThrow(`--csv ${dir}: is a directory; give a file name, e.g. ${join(dir, 'report.csv')}`);
    await expect(checkOutputPath(`${dir}/`, '--html')).rejects.toThrow(`is a directory; give a file name, e.g. ${join(dir, 'report.html')}`);
    await expect(checkOutputPath(dir, '--out')).rejects.toThrow(`is a directory; give a file name, e.g. ${join(dir, 'result.json')}`);
  });
});
