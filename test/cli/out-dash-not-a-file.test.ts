/**
 * `-` as an output path. `report` reads it as stdout; `--out` of `run`, `hash bench` and
 * `infer bench` and compare's/ab's `--export-gha-benchmark[-smaller]` do not: the output check
 * skipped '-' as "stdout", and the command then wrote a file named '-' in the working directory
 * (`run --out -` ran the whole measurement and did). Now one line, exit 2, before any work.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResultOutputs } from '../../src/cli/result-file.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const A = join(ROOT, 'results/examples/llvmpipe-declared-65w.json');
const B = join(ROOT, 'results/examples/llvmpipe-no-meter.json');

describe("'-' as an output path that is a file", () => {
  it('--out - (run, hash bench, infer bench): refused before any work', async () => {
    await expect(checkResultOutputs({ out: '-' })).rejects.toThrow(/^--out -: --out writes a result file, not stdout; give a file name \(--json prints on stdout\)$/);
    await expect(checkResultOutputs({ out: '-' }, 'run (no --out)')).rejects.toThrow(/^--out -:/);
  });

  it('compare and ab: --export-gha-benchmark -, and --md - with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-dash-'));
    const cases: [string[], string][] = [
      [['compare', A, B, '--export-gha-benchmark', '-'], '--export-gha-benchmark -: stdout carries the comparison; give a file name'],
      [['compare', A, B, '--export-gha-benchmark-smaller', '-'], '--export-gha-benchmark-smaller -: stdout carries the comparison; give a file name'],
      [['compare', A, B, '--md', '-', '--json'], '--md - with --json: stdout carries the JSON; give --md a file name'],
      // ab checks them before building or running anything (the checkouts do not even exist).
      [['ab', '--baseline-dir', join(dir, 'none-a'), '--candidate-dir', join(dir, 'none-b'), '--no-build', '--export-gha-benchmark', '-'], '--export-gha-benchmark -: stdout carries the comparison; give a file name'],
    ];
    for (const [args, msg] of cases) {
      const r = await runCliInProcess(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([`joulebench: error: ${msg}`]);
    }
    expect(existsSync(join(dir, '-'))).toBe(false);
    // compare's --md - without --json is the Markdown it prints anyway: still fine.
    const ok = await runCliInProcess(['compare', A, B, '--md', '-'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^## joulebench compare/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });
});
