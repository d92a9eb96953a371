/**
 * `--batch <list>` and `--slo-ms-per-token` as a careless user types them: one line naming the
 * flag and the fix, exit 2, nothing written, before any model, adapter or meter opens (in process:
 * commander parses the flags before the action runs).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH, MAX_SWEEP_LENGTH, parseBatchList } from '../../src/infer/serving.js';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';

const out = mkdtempSync(join(tmpdir(), 'jb-batch-flags-'));

const cases: Array<[string[], RegExp]> = [
  [['--batch', '1,4,4'], /--batch '1,4,4': batch 4 is listed twice; list each batch size once, e\.g\. --batch 1,4,16/],
  [['--batch', '0'], /--batch '0': batch 0 out of range, must be an integer from 1 to 4096/],
  [['--batch', '1,,4'], /--batch '1,,4': empty entry in the list/],
  [['--batch', '1,4,'], /--batch '1,4,': empty entry in the list/],
  [['--batch', '2.5'], /--batch '2\.5': '2\.5' is not a positive integer/],
  [['--batch', '-4'], /--batch '-4': '-4' is not a positive integer/],
  [['--batch', '1;4'], /--batch '1;4': '1;4' is not a positive integer/],
  [['--batch', 'auto'], /--batch 'auto': 'auto' is not a positive integer/],
  [['--batch', String(MAX_BATCH + 1)], /batch 4097 out of range, must be an integer from 1 to 4096/],
  [['--batch', ''], /--batch '': empty; give a batch size or a comma-separated list/],
  [['--batch', Array.from({ length: MAX_SWEEP_LENGTH + 1 }, (_, i) => i + 1).join(',')], /17 batch sizes; a sweep takes at most 16/],
  [['--slo-ms-per-token', '0'], /--slo-ms-per-token 0: out of range, must be > 0 and ≤ 60000 ms per token/],
  [['--slo-ms-per-token', '-50'], /--slo-ms-per-token -50: out of range/],
  [['--slo-ms-per-token', '50ms'], /--slo-ms-per-token '50ms': must be a number of milliseconds per output token > 0, e\.g\. --slo-ms-per-token 50/],
  [['--slo-ms-per-token', 'Infinity'], /--slo-ms-per-token 'Infinity': must be a number/],
];

describe('bad --batch / --slo-ms-per-token: one line, exit 2, nothing written', () => {
  for (const cmd of [['infer', 'bench', '--model', 'tiny', '--ep', 'cpu'], ['run']]) {
    for (const [flags, re] of cases) {
      it(`${cmd.join(' ')} ${flags.join(' ')}`, async () => {
        const file = join(out, 'r.json');
        const r = await runCliInProcess([...cmd, ...flags, '--out', file]);
        expectUsageRefusal(r, re);
        expect(readdirSync(out)).toEqual([]);
      });
    }
  }

  it('a good list is parsed smallest first (the order the sweep runs), spaces allowed', () => {
    expect(parseBatchList('16, 1,4')).toEqual([1, 4, 16]);
    expect(parseBatchList('8')).toEqual([8]);
    expect(parseBatchList(String(MAX_BATCH))).toEqual([MAX_BATCH]);
  });
});
