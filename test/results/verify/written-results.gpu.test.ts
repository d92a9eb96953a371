// Every writer of result files seals what it writes, and what real runs write passes every check
// of `joulebench verify` (re-derived H/s, H/J, tok/s, tok/J, sweep rows and serving figure, the
// self-check, declared windows against the work): `hash bench --out` (software adapter, fixed
// launch), `infer bench --out` (a batch sweep on the CPU EP with declared watts) and the CI perf
// job (`bench/ci-perf.ts --micro-only`). `run` is checked in run-complete.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliIsFresh, ROOT, runCli, runCliInProcess, useTempModelsDir } from '../../helpers.js';

const dir = useTempModelsDir('jb-verify-written-');

/** The CI perf job (`node dist/bench/ci-perf.js …` when dist/ is current, else through tsx), bounded. */
function ciPerf(args: string[]): Promise<number | null> {
  const script = builtCliIsFresh() ? [join(ROOT, 'dist/bench/ci-perf.js')] : ['--import', 'tsx', join(ROOT, 'bench/ci-perf.ts')];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...script, ...args], { cwd: ROOT, stdio: 'ignore' });
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('ci-perf did not finish within 60 s'));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('result writers seal their files and real results pass verify', () => {
  it('hash bench --out, infer bench --out (batch sweep) and the CI perf job: PASS, digest ok, no warning', async () => {
    const hash = join(dir, 'hash.json');
    const infer = join(dir, 'infer.json');
    const micro = join(dir, 'micro.json');
    const h = await runCli(['hash', 'bench', '--kernel', 'x1', '--wg', '128', '--npi', '8', '--seconds', '1', '--watts', '100', '--min-window', '0.5', '--out', hash], { timeoutMs: 120_000 });
    expect(h.code, h.stderr).toBe(0);
    const env = { JOULEBENCH_MODELS_DIR: join(dir, 'models') };
    const i = await runCliInProcess(['infer', 'bench', '--model', 'tiny', '--ep', 'cpu', '--batch', '1,2', '--slo-ms-per-token', '50', '--prompt', '8', '--gen', '4', '-r', '2', '--watts', '50', '--min-window', '0.3', '--out', infer], { env });
    expect(i.code, i.stderr).toBe(0);
    expect(await ciPerf(['--micro-only', '--time-ms', '50', '--out', micro])).toBe(0);
    const v = await runCliInProcess(['verify', hash, infer, micro]);
    expect(v.code, v.stdout).toBe(0);
    for (const p of [hash, infer, micro]) expect(v.stdout).toContain(`${p}: PASS (`);
    expect(v.stdout.match(/0 failed, 0 warnings; digest ok\)/g), v.stdout).toHaveLength(3);
    // The checks ran on the figures, not only on the digest.
    const checks = [...v.stdout.matchAll(/PASS \((\d+) checks/g)].map((m) => Number(m[1]));
    expect(Math.min(...checks)).toBeGreaterThan(10);
  });
});
