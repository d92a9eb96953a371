// `joulebench ab --detect` end to end without a GPU: two checkout directories whose "benchmark" is
// a tiny script writing a result file, its rate the side's speed × a wobble drawn per run (awk's
// seeded rand, ±25 %: a machine far noisier than 5 rounds can settle). After the first rounds the
// driver adds rounds in the same seeded order, says why, and records it in ab.json.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/ab/manifest.js';
import { planRuns } from '../../src/ab/plan.js';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';

const root = mkdtempSync(join(tmpdir(), 'jb-ab-detect-'));
const template = JSON.stringify(runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: 1 }], minute(0)))
  .replace('"value":1', '"value":__VALUE__')
  .replace(/"startedAt":"[^"]*"/, '"startedAt":"__T__"')
  .replace(/"endedAt":"[^"]*"/, '"endedAt":"__T__"');
const benchSh = `#!/bin/sh
set -e
v=$(awk -v s="$(cat speed.txt)" -v w="$(cat wobble.txt)" -v r="$JOULEBENCH_AB_RUN" 'BEGIN { srand(r * 7919 + 17); printf "%.6f", s * (1 + w * (2 * rand() - 1)) }')
t=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
sed -e "s/__VALUE__/$v/" -e "s/__T__/$t/g" template.json > "$1"
`;

function checkout(name: string, speed: number, wobble: number): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'template.json'), template);
  writeFileSync(join(dir, 'bench.sh'), benchSh);
  writeFileSync(join(dir, 'speed.txt'), String(speed));
  writeFileSync(join(dir, 'wobble.txt'), String(wobble));
  return dir;
}
const noisyA = checkout('noisy-a', 1000, 0.25);
const noisyB = checkout('noisy-b', 1000, 0.25);
const steady = checkout('steady', 1000, 0);
const common = ['--no-build', '--bench', 'sh bench.sh {out}', '--seed', '7', '--warmup-runs', '0', '--rounds', '5'];

describe('joulebench ab --detect', () => {
  it('on a noisy machine adds rounds (same seeded order) up to --max-rounds, and says so', async () => {
    const out = join(root, 'noisy');
    const r = await runCliInProcess(['ab', '--baseline-dir', noisyA, '--candidate-dir', noisyB, ...common, '--detect', '10', '--max-rounds', '12', '--out-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--detect 10\.0 %: hash\.sha256d\.hashesPerSecond varies by \d+\.\d % round to round \(sd of the log ratios over 5 rounds\); 90 % power at one-sided alpha 0\.05 needs more than --max-rounds 12: running 7 more \(12 in all, \d+\.\d % power\)/);
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')));
    expect(m.status).toBe('complete');
    expect(m.rounds).toBe(12);
    expect(m.extension).toMatchObject({ firstRounds: 5, rounds: 12 });
    // The added rounds continue the seeded order: the plan for 12 rounds, whose first 5 are the plan for 5.
    expect(m.order).toEqual(planRuns(12, 7, 0).order);
    expect(m.order.slice(0, 5)).toEqual(planRuns(5, 7, 0).order);
    expect(m.runs.map((x) => [x.round, x.side])).toEqual(planRuns(12, 7, 0).runs.map((p) => [p.round, p.side]));
    expect(readdirSync(join(out, 'baseline'))).toHaveLength(12);
    expect(readdirSync(join(out, 'candidate'))).toHaveLength(12);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/Baseline: 12 runs/);
  });
  it('on a steady machine adds none: the first rounds already have the power', async () => {
    const out = join(root, 'steady-out');
    const r = await runCliInProcess(['ab', '--baseline-dir', steady, '--candidate-dir', steady, ...common, '--detect', '10', '--out-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/varies by 0\.0 % round to round .*; 5 rounds give 100\.0 % power for it at one-sided alpha 0\.05: no rounds added/);
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')));
    expect(m.rounds).toBe(5);
    expect(m.extension).toMatchObject({ firstRounds: 5, rounds: 5 });
  });
  it('refuses flags that cannot work together: exit 2, one line, nothing run', async () => {
    const base = ['ab', '--baseline-dir', steady, '--candidate-dir', steady, ...common];
    expectUsageRefusal(await runCliInProcess([...base, '--detect', '2', '--out-dir', join(root, 'x1')]), /--detect 2: a change within the --noise-threshold 3\.5 % is never called; use a larger --detect or a smaller --noise-threshold$/);
    expectUsageRefusal(await runCliInProcess([...base, '--detect', '10', '--max-rounds', '3', '--out-dir', join(root, 'x2')]), /--max-rounds 3: fewer than --rounds 5; use --max-rounds ≥ 5$/);
    expectUsageRefusal(await runCliInProcess([...base, '--power', '0.95', '--out-dir', join(root, 'x3')]), /--power: sizes the rounds for --detect <percent>; add --detect/);
    // --min-runs above --max-rounds would run more rounds than allowed, or reach no verdict.
    expectUsageRefusal(await runCliInProcess([...base, '--detect', '10', '--max-rounds', '12', '--min-runs', '16', '--out-dir', join(root, 'x5')]), /--min-runs 16: above --max-rounds 12, so no verdict is possible in the rounds allowed; use --min-runs ≤ 12 or --max-rounds ≥ 16$/);
    expectUsageRefusal(await runCliInProcess([...base, '--detect', '10', '--min-runs', '40', '--out-dir', join(root, 'x6')]), /--min-runs 40: above --max-rounds 32 \(its default\)/);
    expectUsageRefusal(await runCliInProcess([...base, '--detect', 'ten', '--out-dir', join(root, 'x4')]), /--detect/);
    expect(readdirSync(root).filter((d) => /^x\d$/.test(d))).toEqual([]);
  });
});
