/**
 * How long `npm start` (the set-up step, then `joulebench run`) takes, cold and warm, as the
 * README's quick start quotes it. Writes bench/out/npm-start.json.
 *
 *   npm run build && node --import tsx bench/npm-start-timing.ts [--cold 2] [--warm 3]
 *
 * Cold: a fresh autotune cache ($JOULEBENCH_CACHE_DIR) and a fresh Mesa shader cache
 * ($MESA_SHADER_CACHE_DIR), so the hashing autotune and llvmpipe's shader compiles are paid, as on
 * a first run. Warm: the caches a cold run left. Runs alternate (cold, warm, warm, cold, warm, …)
 * so a drift in machine load favours neither. Each run writes its result into a temporary
 * results directory (read back for the autotune status and the adapter), never into results/.
 * Run it on a quiet machine (here: under the shared CPU lock); the load average before each run
 * is recorded.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, round, spread, timedRun } from './bench-util.js';

const TAG = 'npm-start-timing';

/** One `npm start` with the given caches; returns its record and the result's adapter. */
async function oneRun(kind: 'cold' | 'warm', caches: { jb: string; mesa: string }, tmp: string, i: number) {
  const results = join(tmp, `results-${i}`);
  const r = await timedRun('npm', ['start', '--silent'], { env: { JOULEBENCH_RESULTS_DIR: results, JOULEBENCH_CACHE_DIR: caches.jb, MESA_SHADER_CACHE_DIR: caches.mesa }, timeoutS: 600 });
  if (r.code !== 0) throw new Error(`npm start exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const file = readdirSync(results).find((f) => f.endsWith('.json'))!;
  const doc = JSON.parse(readFileSync(join(results, file), 'utf8'));
  const hash = doc.measurements.find((m: { kind: string }) => m.kind === 'hash');
  log(TAG, `${kind}: ${r.wallS.toFixed(1)} s (autotune cache ${hash?.params?.autotuneCache}, load ${r.loadBefore.toFixed(2)})`);
  return {
    record: { kind, wallS: round(r.wallS, 2), loadAverageBefore: round(r.loadBefore, 2), autotuneCache: hash?.params?.autotuneCache ?? null, hashTimedS: hash?.details?.timedS ?? null, complete: doc.complete },
    adapter: doc.environment.adapter ?? null,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const cold = Number(argValue(argv, '--cold', '2'));
  const warm = Number(argValue(argv, '--warm', '3'));
  const tmp = mkdtempSync(join(tmpdir(), 'jb-npm-start-'));
  const runs: Array<Record<string, unknown>> = [];
  let adapter: Record<string, unknown> | null = null;
  try {
    let caches = { jb: '', mesa: '' };
    let i = 0;
    let warmLeft = warm;
    for (let c = 0; c < cold; c++) {
      caches = { jb: join(tmp, `jb-cache-${c}`), mesa: join(tmp, `mesa-cache-${c}`) };
      const one = await oneRun('cold', caches, tmp, i++);
      runs.push(one.record);
      adapter = one.adapter;
      // Warm runs follow the cold run whose caches they reuse, spread over the cold runs.
      const n = c === cold - 1 ? warmLeft : Math.ceil(warm / cold);
      for (let w = 0; w < n && warmLeft > 0; w++, warmLeft--) runs.push((await oneRun('warm', caches, tmp, i++)).record);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const of = (k: string) => spread(runs.filter((r) => r.kind === k).map((r) => r.wallS as number));
  const doc = { ...benchOutHeader('npm-start', `node --import tsx bench/npm-start-timing.ts --cold ${cold} --warm ${warm}`, adapter), coldS: of('cold'), warmS: of('warm'), runs };
  log(TAG, `written ${writeBenchOut(doc)}`);
}

await main();
