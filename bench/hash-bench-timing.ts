/**
 * Wall time of `joulebench hash bench --seconds 4` with cold and with warm caches, and the timed
 * phase inside it, as the README's "Cheap, steady runs" quotes them. Writes
 * bench/out/hash-bench-timing.json.
 *
 *   npm run build && node --import tsx bench/hash-bench-timing.ts [--cold 2] [--warm 3] [--seconds 4]
 *
 * Cold: fresh autotune and Mesa shader caches (seven autotune trials, each kernel compiled for the
 * first time); warm: the caches the cold run left. Cold and warm runs alternate. Each run is a
 * fresh `node dist/src/cli/main.js hash bench --json` process (what `npx joulebench` runs); its
 * wall time includes process start-up, the self-check and the warm-up. Run on a quiet machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, round, spread, timedRun } from './bench-util.js';

const TAG = 'hash-bench-timing';

async function oneRun(kind: 'cold' | 'warm', caches: { jb: string; mesa: string }, seconds: number) {
  const r = await timedRun(process.execPath, ['dist/src/cli/main.js', 'hash', 'bench', '--seconds', String(seconds), '--json'], { env: { JOULEBENCH_CACHE_DIR: caches.jb, MESA_SHADER_CACHE_DIR: caches.mesa }, timeoutS: 300 });
  if (r.code !== 0) throw new Error(`hash bench exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const m = JSON.parse(r.stdout).measurement;
  log(TAG, `${kind}: ${r.wallS.toFixed(2)} s wall, ${m.details.timedS.toFixed(2)} s timed (autotune cache ${m.params.autotuneCache}, load ${r.loadBefore.toFixed(2)})`);
  return {
    record: { kind, wallS: round(r.wallS, 3), timedS: round(m.details.timedS, 3), autotuneCache: m.params.autotuneCache, autotuneTrials: m.details.autotune.length, hashesPerSecond: Math.round(m.metrics.hashesPerSecond.value), stoppedBy: m.details.stoppedBy, loadAverageBefore: round(r.loadBefore, 2) },
    adapter: m.adapter ?? null,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const cold = Number(argValue(argv, '--cold', '2'));
  const warm = Number(argValue(argv, '--warm', '3'));
  const seconds = Number(argValue(argv, '--seconds', '4'));
  const tmp = mkdtempSync(join(tmpdir(), 'jb-hash-timing-'));
  const runs: Array<Record<string, unknown>> = [];
  let adapter: Record<string, unknown> | null = null;
  try {
    let warmLeft = warm;
    for (let c = 0; c < cold; c++) {
      const caches = { jb: join(tmp, `jb-${c}`), mesa: join(tmp, `mesa-${c}`) };
      const one = await oneRun('cold', caches, seconds);
      runs.push(one.record);
      adapter = one.adapter;
      const n = c === cold - 1 ? warmLeft : Math.ceil(warm / cold);
      for (let w = 0; w < n && warmLeft > 0; w++, warmLeft--) runs.push((await oneRun('warm', caches, seconds)).record);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const of = (k: string, f: string) => spread(runs.filter((r) => r.kind === k).map((r) => r[f] as number));
  const doc = {
    ...benchOutHeader('hash-bench-timing', `node --import tsx bench/hash-bench-timing.ts --cold ${cold} --warm ${warm} --seconds ${seconds}`, adapter),
    seconds,
    coldWallS: of('cold', 'wallS'),
    warmWallS: of('warm', 'wallS'),
    warmTimedS: of('warm', 'timedS'),
    runs,
  };
  log(TAG, `written ${writeBenchOut(doc)}`);
}

await main();
