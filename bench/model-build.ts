/**
 * Wall time and peak resident memory of building the generated models, as models/README.md
 * ("Memory") quotes them. Writes bench/out/model-build.json.
 *
 *   npm run build && node --import tsx bench/model-build.ts [--model qwen2.5-0.5b] [--dtypes fp32,q4,q4f16]
 *
 * Each build is a fresh `joulebench infer build <model> --dtype <d> --force` process into a
 * temporary models directory (deleted afterwards), run under GNU time (`/usr/bin/time -f`), whose
 * maximum resident set size is the kernel's (getrusage ru_maxrss of the process). Run on a quiet
 * machine; the load average before each build is recorded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';
import { argValue, log, round, timedRun } from './bench-util.js';

const TAG = 'model-build';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const model = argValue(argv, '--model', 'qwen2.5-0.5b');
  const dtypes = argValue(argv, '--dtypes', 'fp32,q4,q4f16').split(',');
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time (GNU time) is needed: apt-get install time');
  const tmp = mkdtempSync(join(tmpdir(), 'jb-model-build-'));
  const builds: Array<Record<string, unknown>> = [];
  try {
    for (const dtype of dtypes) {
      const stats = join(tmp, `${dtype}.time`);
      const r = await timedRun('/usr/bin/time', ['-f', '%e %M', '-o', stats, process.execPath, 'dist/src/cli/main.js', 'infer', 'build', model, '--dtype', dtype, '--force', '--json'], { env: { JOULEBENCH_MODELS_DIR: tmp }, timeoutS: 900 });
      if (r.code !== 0) throw new Error(`infer build ${model} --dtype ${dtype} exited ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`);
      const [elapsedS, maxRssKiB] = readFileSync(stats, 'utf8').trim().split(/\s+/).map(Number) as [number, number];
      const info = JSON.parse(r.stdout);
      log(TAG, `${model} ${dtype}: ${elapsedS} s, peak RSS ${(maxRssKiB / 1024).toFixed(0)} MiB (load ${r.loadBefore.toFixed(2)})`);
      builds.push({ model, dtype, wallS: elapsedS, peakRssMB: round((maxRssKiB * 1024) / 1e6, 1), peakRssKiB: maxRssKiB, weightBytes: info.weightBytes ?? info.info?.weightBytes ?? null, loadAverageBefore: round(r.loadBefore, 2) });
      if (typeof info.dir === 'string' && info.dir.startsWith(tmp)) rmSync(info.dir, { recursive: true, force: true }); // keep the disk free between builds
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const doc = { ...benchOutHeader('model-build', `node --import tsx bench/model-build.ts --model ${model} --dtypes ${dtypes.join(',')}`, null), builds: Object.fromEntries(builds.map((b) => [b.dtype as string, b])) };
  log(TAG, `written ${writeBenchOut(doc)}`);
}

await main();
