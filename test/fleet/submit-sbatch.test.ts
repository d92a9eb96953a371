/**
 * `fleet submit` against a fake `sbatch` on PATH that records its argv and environment: the job
 * array, GPU and partition options, the run arguments after the script, the campaign environment,
 * and the manifest (commit, args, submit time, job id). A refusing sbatch leaves no campaign behind.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { fakeCommand } from './fixtures.js';

describe('fleet submit', () => {
  it('wraps sbatch as a job array and writes the manifest', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-submit-'));
    const bin = join(dir, 'bin');
    const argvFile = join(dir, 'sbatch-argv');
    fakeCommand(bin, 'sbatch', `printf '%s\\n' "$@" > '${argvFile}'; env | grep '^JOULEBENCH_' | sort > '${argvFile}.env'; echo '777;hall-a'`);
    const c = join(dir, 'c1');
    const t0 = Date.now();
    const r = await runCliInProcess(
      ['fleet', 'submit', '--tasks', '3', '--partition', 'gpu', '--gpus-per-task', '1', '--time', '0:30:00', '--campaign', c, '--sbatch-arg=--account=lab', '--', '--seconds', '20', '--meter', 'nvml'],
      { env: { PATH: `${bin}:${process.env.PATH}` } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/submitted job 777 on hall-a: 3 tasks of 'joulebench run --seconds 20 --meter nvml'/);
    const argv = readFileSync(argvFile, 'utf8').trim().split('\n');
    expect(argv).toEqual([
      '--parsable',
      '--array=0-2',
      '--job-name=joulebench',
      '--ntasks=1',
      `--output=${c}/logs/%A_%a.out`,
      `--error=${c}/logs/%A_%a.err`,
      '--partition=gpu',
      '--gpus-per-task=1',
      '--time=0:30:00',
      '--account=lab',
      expect.stringMatching(/deploy\/slurm\/joulebench\.sbatch$/),
      '--seconds',
      '20',
      '--meter',
      'nvml',
    ]);
    const env = readFileSync(`${argvFile}.env`, 'utf8');
    expect(env).toContain(`JOULEBENCH_CAMPAIGN=${c}\n`);
    expect(env).toMatch(/JOULEBENCH_MAIN=.*dist\/src\/cli\/main\.js/);
    const m = JSON.parse(readFileSync(join(c, 'campaign.json'), 'utf8'));
    expect(m).toMatchObject({ kind: 'joulebench-fleet-campaign', jobId: '777', cluster: 'hall-a', tasks: 3, partition: 'gpu', gpusPerTask: 1, timeLimit: '0:30:00', runArgs: ['--seconds', '20', '--meter', 'nvml'], dir: c });
    expect(m.git.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(m.submittedAt)).toBeGreaterThanOrEqual(t0 - 1000);
    for (const d of ['results', 'tasks', 'logs']) expect(existsSync(join(c, d))).toBe(true);
    // A second submit into the same directory is refused (a campaign is one job).
    const again = await runCliInProcess(['fleet', 'submit', '--tasks', '1', '--campaign', c], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--campaign .*already holds a campaign/);
  });

  it('leaves nothing behind when sbatch refuses, and says why in one line', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-submit-'));
    const bin = join(dir, 'bin');
    fakeCommand(bin, 'sbatch', "echo 'sbatch: error: invalid partition specified: nope' >&2; echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' >&2; exit 1");
    const c = join(dir, 'c2');
    const r = await runCliInProcess(['fleet', 'submit', '--tasks', '2', '--partition', 'nope', '--campaign', c, '--', '--seconds', '5'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['joulebench: error: sbatch refused the job (exit 1): sbatch: error: Batch job submission failed: Invalid partition name specified']);
    expect(existsSync(c)).toBe(false);
  });
});
