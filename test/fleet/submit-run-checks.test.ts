/**
 * `fleet submit … -- <run arguments>` refuses what `run` itself refuses, before submitting (issue 21
 * case 7: `--watts 100 --meter-url http://x`, `--meter-scope bogus` and a missing --model were
 * submitted and failed in every task). Each case: exit 2, one line naming the flag, sbatch never
 * called, no campaign directory left; and `run` with the same arguments refuses them with the same
 * words (one set of checks: src/run/checks.ts).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';
import { fakeCommand } from './fixtures.js';

const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-runchecks-'));
const bin = join(dir, 'bin');
const called = join(dir, 'sbatch-called');
fakeCommand(bin, 'sbatch', `touch '${called}'; echo 1`);
const env = { PATH: `${bin}:${process.env.PATH}` };

const cases: Array<[string, string[], RegExp]> = [
  ['declared watts and a meter URL', ['--watts', '100', '--meter-url', 'http://x'], /--watts 100 and --meter-url http:\/\/x both given/],
  ['an unknown --meter-scope', ['--meter-cmd', 'echo 5', '--meter-scope', 'bogus'], /--meter-scope 'bogus': use one of wall, gpu-board, cpu-package/],
  ['--meter-scope without a meter command', ['--meter-scope', 'wall'], /--meter-scope applies to --meter-cmd only/],
  ['a --model file that does not exist', ['--model', join(dir, 'missing.onnx')], /--model .*missing\.onnx: no such file or directory/],
  ['a --model that is no preset', ['--model', 'llama-9000'], /--model 'llama-9000': not a preset/],
  ['an unknown --ep', ['--ep', 'rocm'], /--ep 'rocm': use webgpu, cpu or cuda/],
  ['--min-seconds above --seconds', ['--seconds', '5', '--min-seconds', '9'], /--min-seconds 9: longer than the --seconds 5 time limit/],
  ['--npi on the reference kernel', ['--kernel', 'ref', '--npi', '4'], /--npi 4: the ref kernel .* has no NPI/],
];

describe('fleet submit checks the run arguments as run does', () => {
  for (const [name, runArgs, re] of cases) {
    it(`${name}: refused before submitting, as run refuses it`, async () => {
      const campaign = join(dir, `c-${name.replace(/\W+/g, '-')}`);
      const r = await runCliInProcess(['fleet', 'submit', '--tasks', '2', '--campaign', campaign, '--', ...runArgs], { env });
      expectUsageRefusal(r, re);
      expect(r.stderr).toMatch(/^joulebench: error: run argument/);
      expect(existsSync(called), 'sbatch was called').toBe(false);
      expect(existsSync(campaign), 'a campaign directory was left').toBe(false);
      // `run` itself: the same refusal, before any device or meter is opened.
      const own = await runCliInProcess(['run', ...runArgs, '--out', join(dir, 'never.json')], { env });
      expectUsageRefusal(own, re);
    });
  }
});
