// `infer build` temporary directories (issue 21 case 9): an interrupted `--force` build leaves no
// `.tmp-…` directory (one of qwen2.5-0.5b is 365 MB), the next build sweeps what killed builds left
// (their process gone, or no owner recorded and untouched for hours), and concurrent `--force`
// builds of one model all succeed (three at once sometimes failed with a raw ENOTEMPTY; later, on a
// loaded machine, with "concurrent builders kept replacing it" when a bounded retry loop ran out).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGeneratedInfo } from '../../src/infer/model-store.js';
import { ROOT, runCliInProcess, spawnCli } from '../helpers.js';
import { waitFor, withMarker } from '../fixtures/processes.js';

const hostTag = os.hostname().replace(/[^\w.-]/g, '_') || 'localhost';
const temps = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => /^\.(tmp|old)-/.test(n)) : []);

describe('infer build temporary directories', () => {
  it('Ctrl-C during a --force build: the build ends, its temporary directory is removed, nothing installed', async () => {
    const models = join(mkdtempSync(join(os.tmpdir(), 'jb-build-int-')), 'models');
    // gpt2 fp16: ~240 MB written over a few seconds, time to interrupt it half-way.
    const child = spawnCli(['infer', 'build', 'gpt2', '--dtype', 'fp16', '--force'], { env: { JOULEBENCH_MODELS_DIR: models } });
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
    expect(await waitFor(() => temps(models).length > 0, 60_000, 10), `no build started: ${stderr}`).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(temps(models).length, 'the build finished before it could be interrupted').toBe(1);
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const ended = await exit;
    clearTimeout(timer);
    // The generator is synchronous: the process ends by the signal (a shell reports 130).
    expect(ended.code === 130 || ended.signal === 'SIGINT', `${JSON.stringify(ended)} ${stderr}`).toBe(true);
    // Its watchdog removes the temporary directory right after (it polls every 0.2 s).
    expect(await waitFor(() => temps(models).length === 0, 5000), `temporary directories left: ${temps(models)}`).toBe(true);
    expect(existsSync(join(models, 'gpt2-fp16')), 'a half-built model was installed').toBe(false);
    // The watchdog polls its job every 0.2 s (src/infer/model-store.ts), so it may need one more poll to notice.
    await waitFor(() => withMarker('joulebench-build-watchdog').length === 0, 2000);
    expect(withMarker('joulebench-build-watchdog'), 'the watchdog outlived its job by 2 s').toEqual([]);
  });

  it('the next build sweeps directories of builds whose process is gone, and keeps a live one', async () => {
    const models = join(mkdtempSync(join(os.tmpdir(), 'jb-build-sweep-')), 'models');
    mkdirSync(models, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    const dead = join(models, `.tmp-qwen2.5-0.5b-deadbeef-${deadPid}@${hostTag}`);
    const legacyOld = join(models, '.tmp-tiny-0123abcd');
    const legacyNew = join(models, '.tmp-tiny-4567cdef');
    const live = join(models, `.tmp-tiny-cafebabe-${process.pid}@${hostTag}`);
    for (const d of [dead, legacyOld, legacyNew, live]) {
      mkdirSync(d);
      writeFileSync(join(d, 'model.onnx.data'), 'x'.repeat(1000));
    }
    const old = new Date(Date.now() - 7 * 3600 * 1000);
    utimesSync(join(legacyOld, 'model.onnx.data'), old, old);
    utimesSync(legacyOld, old, old);
    const r = await runCliInProcess(['infer', 'build', 'tiny'], { env: { JOULEBENCH_MODELS_DIR: models } });
    expect(r.code, r.stderr).toBe(0);
    expect(temps(models).sort()).toEqual([legacyNew, live].map((d) => d.slice(models.length + 1)).sort());
  });

  it('concurrent --force builds of one model all succeed and leave one complete model', async () => {
    const models = join(mkdtempSync(join(os.tmpdir(), 'jb-build-race-')), 'models');
    const store = new URL('../../src/infer/model-store.ts', import.meta.url).href;
    const code = `const { ensureModel } = await import(${JSON.stringify(store)});
      for (let i = 0; i < 10; i++) ensureModel('tiny', { dtype: 'fp32', variant: 'gqa', rebuild: true });`;
    const runs = Array.from({ length: 4 }, () => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, env: { ...process.env, JOULEBENCH_MODELS_DIR: models }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise<{ code: number | null; err: string }>((r) => c.on('close', (code) => r({ code, err })));
    });
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code, r.err.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? r.err).toBe(0);
    expect(readGeneratedInfo(join(models, 'tiny-fp32'))?.preset).toBe('tiny');
    expect(existsSync(join(models, 'tiny-fp32', 'model.onnx'))).toBe(true);
    expect(temps(models), 'temporary directories left').toEqual([]);
  });
});
