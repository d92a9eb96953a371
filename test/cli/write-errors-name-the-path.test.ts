// Issue 21 case 12: a full disk gave the raw "ENOSPC: no space left on device, write" with no path
// (report, infer build, compare). Every failed write now names the file (or the model directory),
// exit 1, one line; compare prints its verdict first. The full disk is injected in process: every
// write(2) under one directory fails with ENOSPC (test/fixtures/io/enospc.ts).
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess, type CliOutcome } from '../helpers.js';
import { injectEnospc } from '../fixtures/io/enospc.js';

const A = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');
let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
});

function fullDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  undo = injectEnospc(dir);
  return dir;
}

function oneErrorLine(r: CliOutcome, re: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error: '));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(re);
}

describe('a failed write names the path', () => {
  it('report --md on a full disk: "cannot write <file> (no space left on device)", no temp file left', async () => {
    const dir = fullDir('jb-enospc-report-');
    const md = join(dir, 'report.md');
    oneErrorLine(await runCliInProcess(['report', A, '--md', md]), new RegExp(`^joulebench: error: cannot write ${md} \\(no space left on device\\)$`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compare --md on a full disk: the verdict is printed, then the file is named', async () => {
    const inputs = mkdtempSync(join(tmpdir(), 'jb-enospc-cmp-in-'));
    copyFileSync(A, join(inputs, 'b.json'));
    const dir = fullDir('jb-enospc-compare-');
    const md = join(dir, 'compare.md');
    const r = await runCliInProcess(['compare', A, join(inputs, 'b.json'), '--md', md]);
    expect(r.stdout).toMatch(/\*\*Result: /);
    oneErrorLine(r, new RegExp(`^joulebench: error: cannot write ${md} \\(no space left on device\\)$`));
  });

  it('infer build on a full disk: the model directory is named', async () => {
    const dir = fullDir('jb-enospc-models-');
    const r = await runCliInProcess(['infer', 'build', 'tiny', '--force'], { env: { JOULEBENCH_MODELS_DIR: join(dir, 'models') } });
    oneErrorLine(r, new RegExp(`^joulebench: error: cannot write the model directory ${dir}/models/tiny\\S* \\(no space left on device`));
  });
});
