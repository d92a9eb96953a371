/**
 * Bad input to `fleet`: one line naming the flag, exit 2, nothing submitted or written. Run
 * arguments are checked with `run`'s own parser before any node spends time on them.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { fakeCommand } from './fixtures.js';

const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-errors-'));
const bin = join(dir, 'bin');
const called = join(dir, 'sbatch-called');
fakeCommand(bin, 'sbatch', `touch '${called}'; echo 1`);
const env = { PATH: `${bin}:${process.env.PATH}` };

const cases: Array<[string, string[], RegExp]> = [
  ['--tasks 0', ['submit', '--tasks', '0'], /--tasks 0: out of range/],
  ['--tasks 1.5', ['submit', '--tasks', '1.5'], /--tasks '1\.5': must be an integer/],
  ['missing --tasks', ['submit'], /required option '--tasks <N>' not specified/],
  ['--gpus-per-task 0', ['submit', '--tasks', '2', '--gpus-per-task', '0'], /--gpus-per-task 0: out of range/],
  ['--time abc', ['submit', '--tasks', '2', '--time', 'abc'], /--time 'abc': use minutes/],
  ['--partition with a space', ['submit', '--tasks', '2', '--partition', 'gpu a'], /--partition 'gpu a'/],
  ['unknown run flag', ['submit', '--tasks', '2', '--', '--secs', '5'], /run argument: unknown option '--secs'/],
  ['bad run number', ['submit', '--tasks', '2', '--', '--seconds', 'ten'], /run argument: --seconds 'ten': must be a number/],
  ['run --out', ['submit', '--tasks', '2', '--', '--out', 'x.json'], /run argument --out: the batch script sets it per task/],
  ['run --site missing', ['submit', '--tasks', '2', '--', '--site', join(dir, 'nope.yaml')], /run argument --site: cannot read site file/],
  ['owned sbatch option', ['submit', '--tasks', '2', '--sbatch-arg=--array=0-9'], /--sbatch-arg '--array=0-9': fleet submit sets that option itself/],
  ['sbatch option without dash', ['submit', '--tasks', '2', '--sbatch-arg', 'account=lab'], /--sbatch-arg 'account=lab': pass a whole sbatch option/],
  ['status of no campaign', ['status', '--campaign', dir], /--campaign .*: no campaign\.json there/],
  ['collect --timeout -1', ['collect', '--campaign', dir, '--timeout', '-1'], /--timeout -1: out of range/],
  ['collect --poll 0', ['collect', '--campaign', dir, '--poll', '0'], /--poll 0: out of range/],
];

describe('fleet bad input', () => {
  for (const [name, args, re] of cases) {
    it(`${name}: one line, exit 2`, async () => {
      const r = await runCliInProcess(['fleet', ...args], { env });
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() && !/run with --help/.test(l));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(existsSync(called)).toBe(false);
    });
  }

  it('a corrupt manifest names the file and the field', async () => {
    const c = mkdtempSync(join(os.tmpdir(), 'jb-fleet-errors-'));
    writeFileSync(join(c, 'campaign.json'), JSON.stringify({ kind: 'joulebench-fleet-campaign', version: 1, jobId: 'abc' }));
    const r = await runCliInProcess(['fleet', 'status', '--campaign', c], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/campaign\.json: field '(dir|jobId)'/);
  });
});
