// The one way joulebench runs a child (src/util/child.ts): its own process group, ended whole —
// at its deadline, on the caller's abort (forwarded signal, then SIGKILL after the grace), when the
// leader exits leaving a straggler, and when joulebench itself exits with the child still running
// (from the main thread or from a worker thread, as the power sampler's meter commands are).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../src/util/child.js';
import { ROOT } from '../helpers.js';
import { alive, waitFor, withMarker } from '../fixtures/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-child-'));
const marker = () => (800 + Math.random() * 100).toFixed(3);

describe('runChild: the whole process group, every time', () => {
  it('a timeout kills the shell and what it forked', async () => {
    const m = marker();
    const r = await runShell(`sleep ${m} & wait`, { timeoutMs: 300 });
    expect(r.killed).toBe('timeout');
    expect(await waitFor(() => withMarker(`sleep ${m}`).length === 0, 2000)).toBe(true);
  });

  it('a leader that exits leaves no straggler behind', async () => {
    const m = marker();
    const r = await runShell(`sleep ${m} & echo started`, { timeoutMs: 10_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('started\n');
    expect(await waitFor(() => withMarker(`sleep ${m}`).length === 0, 2000)).toBe(true);
  });

  it('an abort forwards the signal first (a trap sees it), then SIGKILLs what ignores it', async () => {
    const m = marker();
    const seen = join(dir, `seen-${m}`);
    const ac = new AbortController();
    // The shell's own command line holds `sleep ${m}` too: wait for the pid file instead, written
    // once the trap is set and the sleep forked (aborting earlier killed a shell without its trap).
    // The grace is not what is checked, only that SIGKILL follows it: long enough for a starved
    // shell to run its trap (300 ms left a loaded 2-core machine little room).
    // SIGTERM: a SIGINT trap cannot be set when the test runner was started with SIGINT ignored.
    const p = runShell(`trap 'echo TERM > ${seen}' TERM; sleep ${m} & echo $! > ${seen}.pid; while :; do sleep 0.05; done`, { signal: ac.signal, abortKillSignal: 'SIGTERM', killGraceMs: 2000, timeoutMs: 30_000 });
    expect(await waitFor(() => (existsSync(`${seen}.pid`) ? readFileSync(`${seen}.pid`, 'utf8').trim() !== '' : false), 10_000), 'the shell never set its trap').toBe(true);
    ac.abort();
    const r = await p;
    expect(r.killed).toBe('abort');
    expect(readFileSync(seen, 'utf8')).toBe('TERM\n');
    // The shell outlived the forwarded SIGTERM (its trap) and was ended by the SIGKILL after the grace.
    expect(r.signal).toBe('SIGKILL');
    expect(await waitFor(() => !alive(Number(readFileSync(`${seen}.pid`, 'utf8'))), 2000)).toBe(true);
  });

  it('a command that cannot start is reported, not thrown', async () => {
    const { runChild } = await import('../../src/util/child.js');
    const r = await runChild('/nonexistent/joulebench-tool', [], { timeoutMs: 1000 });
    expect(r.spawnError?.code).toBe('ENOENT');
  });

  for (const where of ['main thread', 'worker thread'] as const) {
    it(`process.exit() with a child running (started from the ${where}) leaves nothing behind`, async () => {
      const m = marker();
      const pidFile = join(dir, `exit-${where.replace(' ', '-')}.pid`);
      const child = new URL('../../src/util/child.ts', import.meta.url).href;
      const tsxApi = new URL('../../node_modules/tsx/dist/esm/api/index.mjs', import.meta.url).href;
      const start = (rs: string) => `${rs}("sleep ${m} & echo $! > '${pidFile}'; wait", { timeoutMs: 60000 })`;
      // Exit once the shell has forked its sleep (it writes the pid file then).
      const exitWhenUp = `const fs = await import('node:fs'); const up = setInterval(() => { if (fs.existsSync('${pidFile}') && fs.readFileSync('${pidFile}', 'utf8').trim()) { clearInterval(up); process.exit(0); } }, 20);`;
      const code =
        where === 'main thread'
          ? `const { runShell } = await import(${JSON.stringify(child)}); ${start('runShell')}; ${exitWhenUp}`
          : `const { Worker } = await import('node:worker_threads');
             const { installChildReaper } = await import(${JSON.stringify(child)}); installChildReaper();
             new Worker(${JSON.stringify(`import(${JSON.stringify(tsxApi)}).then((t) => t.tsImport(${JSON.stringify(child)}, ${JSON.stringify(import.meta.url)})).then((c) => ${start('c.runShell')});`)}, { eval: true });
             ${exitWhenUp}`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(1);
      // The exit handler SIGKILLs the group before the process ends, but a killed process leaves
      // /proc only once the scheduler lets it run its exit (a loaded machine delays that).
      await waitFor(() => withMarker(`sleep ${m}`).length === 0, 2000);
      const left = withMarker(`sleep ${m}`);
      for (const p of left) process.kill(p.pid, 'SIGKILL');
      expect(left, 'left running 2 s after exit').toEqual([]);
    });
  }
});
