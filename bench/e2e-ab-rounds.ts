/**
 * What the end-to-end A/B test (test/report/compare-ab-real-runs.solo.test.ts, `npm run test:e2e`) does
 * on this machine: the round-to-round spread its first 8 rounds show, how many rounds `--detect`
 * then runs, how long the test takes, and its verdicts (identical code; the ×0.8 candidate), as the
 * README's "Enough rounds" quotes them. Writes bench/out/e2e-ab-rounds.json.
 *
 *   npm run build && node --import tsx bench/e2e-ab-rounds.ts [--runs 1] [--append]
 *
 * Each run is the e2e test itself, a fresh vitest process; the figures are read from the lines it
 * prints ([ab-real] …, with the --detect line of `joulebench ab`). --append adds runs to an
 * existing file of the same commit (one run takes 1–3 min: one lock at a time). Quiet machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, ROOT, round, spread, timedRun } from './bench-util.js';

const TAG = 'e2e-ab-rounds';
const TEST = 'test/report/compare-ab-real-runs.solo.test.ts';

/** One e2e run: the figures its output carries. */
async function oneRun(): Promise<Record<string, unknown>> {
  const r = await timedRun(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'solo', TEST], { timeoutS: 540 });
  const out = r.stdout + r.stderr;
  const same = /\[ab-real\] identical code: (\w+), change ([-\d.]+) %/.exec(out);
  const scaled = /\[ab-real\] scaled by 0\.8: (\w+), change ([-\d.]+) %/.exec(out);
  const spreadPct = /varies by ([\d.]+) % round to round/.exec(out);
  const rounds = /\((\d+) in all|needs (\d+) rounds|(no rounds added)/.exec(out);
  const testMs = /compare-ab-real-runs\.solo\.test\.ts[^\n]*?(\d+)\s*ms/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
  if (r.code !== 0 || !same || !scaled || !spreadPct || !rounds) throw new Error(`e2e test failed or printed no figures (exit ${r.code}): ${out.trim().split('\n').slice(-5).join(' | ')}`);
  const n = rounds[3] ? 8 : Number(rounds[1] ?? rounds[2]);
  const rec = {
    firstRoundsSpreadPct: Number(spreadPct[1]),
    rounds: n,
    testS: testMs ? round(Number(testMs[1]) / 1000, 1) : null,
    wallS: round(r.wallS, 1),
    identicalVerdict: same[1],
    identicalChangePct: Number(same[2]),
    scaledVerdict: scaled[1],
    scaledChangePct: Number(scaled[2]),
    loadAverageBefore: round(r.loadBefore, 2),
  };
  log(TAG, JSON.stringify(rec));
  return rec;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(argValue(argv, '--runs', '1'));
  const path = join(ROOT, 'bench', 'out', 'e2e-ab-rounds.json');
  const header = benchOutHeader('e2e-ab-rounds', 'node --import tsx bench/e2e-ab-rounds.ts', null);
  const prev = argv.includes('--append') && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
  const records: Array<Record<string, unknown>> = prev?.commit === header.commit ? [...prev.runs] : [];
  for (let i = 0; i < runs; i++) records.push(await oneRun());
  const of = (k: string) => spread(records.map((r) => r[k] as number));
  const doc = {
    ...header,
    test: TEST,
    detect: '--detect 20 --power 0.99 --max-rounds 32 --rounds 8 --alpha 0.01',
    firstRoundsSpreadPct: of('firstRoundsSpreadPct'),
    rounds: of('rounds'),
    testS: of('testS'),
    scaledSlowerEveryRun: records.every((r) => r.scaledVerdict === 'SLOWER'),
    runs: records,
  };
  log(TAG, `written ${writeBenchOut(doc)}`);
}

await main();
