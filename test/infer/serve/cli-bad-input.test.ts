/**
 * `infer serve` and `run --serving` as a careless user types them: one line naming the flag and the
 * fix, exit 2, nothing written, before any model, session or meter opens (in process).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess } from '../../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-serve-bad-'));
const out = join(dir, 'out');
const lengths = join(dir, 'lengths.txt');
writeFileSync(lengths, '12\n1.5\n');

const serve: Array<[string[], RegExp]> = [
  [['--qps', ''], /--qps '': empty/],
  [['--qps', '2,,4'], /--qps '2,,4': empty entry/],
  [['--qps', '0'], /--qps '0': 0 out of range/],
  [['--qps', 'lots'], /--qps 'lots': 'lots' is not a number of requests per second nor inf/],
  [['--qps', '2,2'], /--qps '2,2': 2 is listed twice/],
  [['--duration', '0'], /--duration 0: out of range/],
  [['--max-batch', '0'], /--max-batch 0: out of range/],
  [['--max-batch', '1000'], /--max-batch 1000: out of range/],
  [['--prompt-len', '0'], /--prompt-len '0': a length must be an integer from 1/],
  [['--prompt-len', '64-16'], /--prompt-len '64-16': the range's low end is above its high end/],
  [['--gen-len', '@/nonexistent/lengths.txt'], /--gen-len \/nonexistent\/lengths.txt: cannot read the lengths file \(no such file or directory\)/],
  [['--gen-len', `@${lengths}`], /--gen-len .*lengths.txt: line 2: '1.5' is not a whole number of tokens/],
  [['--slo-ttft-ms', '-5'], /--slo-ttft-ms '-5': must be milliseconds > 0/],
  [['--slo-tpot-ms', 'soon'], /--slo-tpot-ms 'soon': must be milliseconds > 0 .*or none/],
  [['--search', '11'], /--search 11: out of range/],
  [['--batching', 'always'], /option '--batching <mode>' argument 'always' is invalid/],
  [['--burst-requests', '0'], /--burst-requests 0: out of range/],
];

describe('bad infer serve flags: one line, exit 2, nothing written', () => {
  for (const [flags, re] of serve) {
    it(`infer serve ${flags.join(' ')}`, async () => {
      const r = await runCliInProcess(['infer', 'serve', '--ep', 'cpu', ...flags, '--out', join(out, 'r.json')]);
      expectUsageRefusal(r, re);
      expect(readdirSync(dir)).toEqual(['lengths.txt']);
    });
  }
});

describe('bad run --serving: one line, exit 2, before any phase', () => {
  it('run --serving static', async () => {
    expectUsageRefusal(await runCliInProcess(['run', '--serving', 'static', '--out', join(out, 'r.json')]), /--serving 'static': use sweep or load/);
  });
  it('run --serving load --batch 1,4', async () => {
    expectUsageRefusal(await runCliInProcess(['run', '--serving', 'load', '--batch', '1,4', '--out', join(out, 'r.json')]), /--batch with --serving load: .*drop one/);
    expect(readdirSync(dir)).toEqual(['lengths.txt']);
  });
});
