/**
 * deploy/slurm/joulebench.sbatch run by bash with the variables Slurm would set and a stand-in for
 * joulebench (JOULEBENCH_NODE → a shell script): the run gets `--out results/task-<i>.json` and the
 * user's arguments, the task record holds node, ids and exit code, and a TERM from Slurm (time
 * limit, scancel) reaches the run at once and is recorded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { fakeCommand } from './fixtures.js';

const SCRIPT = join(ROOT, 'deploy', 'slurm', 'joulebench.sbatch');

function runScript(env: Record<string, string>, args: string[], opts: { termAfterMs?: number } = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const kill = opts.termAfterMs !== undefined ? setTimeout(() => child.kill('SIGTERM'), opts.termAfterMs) : null;
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`batch script did not finish within 20 s\n${stderr}`));
    }, 20_000);
    child.on('close', (code) => {
      if (kill) clearTimeout(kill);
      clearTimeout(bound);
      resolve({ code, stderr });
    });
  });
}

function slurmEnv(dir: string, runner: string): Record<string, string> {
  return {
    SLURM_JOB_ID: '1003',
    SLURM_ARRAY_JOB_ID: '1000',
    SLURM_ARRAY_TASK_ID: '3',
    SLURMD_NODENAME: 'gpu-17',
    CUDA_VISIBLE_DEVICES: 'GPU-5e1f',
    JOULEBENCH_CAMPAIGN: join(dir, 'campaign'),
    JOULEBENCH_NODE: runner,
    JOULEBENCH_MAIN: '/opt/joulebench/dist/src/cli/main.js',
  };
}

describe('joulebench.sbatch', () => {
  it('runs joulebench with --out per task and records node, ids and exit code', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-sbatch-'));
    const args = join(dir, 'args');
    fakeCommand(join(dir, 'bin'), 'fake-node', `printf '%s\\n' "$@" > '${args}'; echo 'joulebench: error: phase x failed' >&2; exit 3`);
    const r = await runScript(slurmEnv(dir, join(dir, 'bin', 'fake-node')), ['--seconds', '5', '--watts', '100']);
    expect(r.code, r.stderr).toBe(3);
    const c = join(dir, 'campaign');
    expect(readFileSync(args, 'utf8').trim().split('\n')).toEqual(['/opt/joulebench/dist/src/cli/main.js', 'run', '--out', `${c}/results/task-3.json`, '--seconds', '5', '--watts', '100']);
    const rec = JSON.parse(readFileSync(join(c, 'tasks', 'task-3.json'), 'utf8'));
    expect(rec).toMatchObject({ index: 3, jobId: '1003', arrayJobId: '1000', node: 'gpu-17', cudaVisibleDevices: 'GPU-5e1f', exitCode: 3, signal: null });
    expect(Date.parse(rec.endedAt)).toBeGreaterThanOrEqual(Date.parse(rec.startedAt));
    expect(r.stderr).toMatch(/task 3 ended with exit code 3/);
  });

  it('passes a TERM from Slurm on to the run and records it', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-sbatch-'));
    const started = join(dir, 'started');
    // The stand-in writes a partial result on TERM and exits 143, as `joulebench run` does.
    fakeCommand(join(dir, 'bin'), 'fake-node', `trap 'kill $! 2>/dev/null; echo partial > "$4"; exit 143' TERM; touch '${started}'; sleep 30 & wait`);
    const run = runScript(slurmEnv(dir, join(dir, 'bin', 'fake-node')), ['--seconds', '5'], { termAfterMs: 1500 });
    const r = await run;
    expect(existsSync(started)).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    const c = join(dir, 'campaign');
    expect(readFileSync(join(c, 'results', 'task-3.json'), 'utf8').trim()).toBe('partial');
    expect(JSON.parse(readFileSync(join(c, 'tasks', 'task-3.json'), 'utf8'))).toMatchObject({ exitCode: 143, signal: 'TERM' });
  });

  it('refuses --out in the run arguments before running anything', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-sbatch-'));
    const r = await runScript(slurmEnv(dir, '/bin/false'), ['--out', 'mine.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out is set per task/);
    expect(existsSync(join(dir, 'campaign', 'tasks', 'task-3.json'))).toBe(false);
  });
});
