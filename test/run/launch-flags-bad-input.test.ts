/**
 * `run --kernel/--wg/--npi` (a fixed hashing launch instead of the autotune) as a careless user
 * types them: one line naming the flag and the fix, exit 2, nothing written, before any adapter,
 * model or meter opens (in process).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';

const out = mkdtempSync(join(tmpdir(), 'jb-run-launch-'));

const cases: Array<[string[], RegExp]> = [
  [['--kernel', 'x3'], /--kernel 'x3': unknown kernel; use one of ref, x1, x2, x4/],
  [['--no-autotune', '--kernel', 'sha'], /--kernel 'sha': unknown kernel/],
  [['--kernel', 'ref', '--npi', '4'], /--npi 4: the ref kernel evaluates one nonce per invocation and has no NPI; drop --npi or use --kernel x1, x2 or x4/],
  [['--wg', '0'], /--wg/],
  [['--wg', '64.5'], /--wg/],
  [['--npi', '1000'], /--npi/],
];

describe('bad run --kernel / --wg / --npi: one line, exit 2, nothing written', () => {
  for (const [flags, re] of cases) {
    it(`run ${flags.join(' ')}`, async () => {
      const r = await runCliInProcess(['run', ...flags, '--out', join(out, 'r.json')]);
      expectUsageRefusal(r, re);
      expect(readdirSync(out)).toEqual([]);
    });
  }
});
