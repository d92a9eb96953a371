/**
 * `fleet collect` on a campaign where one task left no result (exit 1) and one left an incomplete
 * result (killed at its time limit): both are reported with node, exit code and last stderr line,
 * and the remaining task still merges into the report. The scheduler is a fake `scontrol` on PATH
 * printing records in Slurm 22.05's `show job -o` format.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { campaignDir, fakeCommand, resultDoc, taskRecord } from './fixtures.js';

describe('fleet collect with failed tasks', () => {
  it('reports the missing and the incomplete result and merges the good one', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-collect-'));
    const bin = join(dir, 'bin');
    const c = join(dir, 'campaign');
    campaignDir(c, '4242', 3);
    writeFileSync(join(c, 'results', 'task-0.json'), JSON.stringify(resultDoc({ node: 'n1', jobId: '4242', task: 0, hps: 9e9, hashW: 600, decodeTps: 900, inferW: 400 })));
    taskRecord(c, '4242', 0, 'n1', 0);
    // Task 1: crashed before writing anything; its stderr ends with the error and a shell notice.
    taskRecord(c, '4242', 1, 'n2', 1);
    writeFileSync(
      join(c, 'logs', '4242_1.err'),
      "joulebench.sbatch: task 1 of job 4242 on n2\n[   0.1s] joulebench run: adapter → energy\njoulebench: error: no WebGPU adapter matches --adapter 'H100'; see 'joulebench devices'\n\njoulebench.sbatch: task 1 ended with exit code 1\n",
    );
    // Task 2: TERM at the time limit, wrote an incomplete result.
    writeFileSync(join(c, 'results', 'task-2.json'), JSON.stringify(resultDoc({ node: 'n3', jobId: '4242', task: 2, hps: 9e9, hashW: 600, decodeTps: 900, inferW: 400, complete: false })));
    taskRecord(c, '4242', 2, 'n3', 143, 'TERM');
    writeFileSync(join(c, 'logs', '4242_2.err'), 'slurmstepd: error: *** JOB 4245 ON n3 CANCELLED AT 2026-05-01T13:00:00 DUE TO TIME LIMIT ***\n');
    fakeCommand(
      bin,
      'scontrol',
      `cat <<'EOT'
JobId=4243 ArrayJobId=4242 ArrayTaskId=0 JobName=joulebench UserId=alice(1000) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 NodeList=n1 BatchHost=n1
JobId=4244 ArrayJobId=4242 ArrayTaskId=1 JobName=joulebench UserId=alice(1000) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 NodeList=n2 BatchHost=n2
JobId=4245 ArrayJobId=4242 ArrayTaskId=2 JobName=joulebench UserId=alice(1000) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 NodeList=n3 BatchHost=n3
EOT`,
    );

    const r = await runCliInProcess(['fleet', 'collect', '--campaign', c, '--timeout', '5', '--poll', '0.1'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/tasks: 1 ok, 2 failed, 0 running, 0 pending/);
    expect(r.stdout).toMatch(/4242_1\s+FAILED\s+n2\s+1\s+no result file; exit code 1 \| last stderr: joulebench: error: no WebGPU adapter matches --adapter 'H100'/);
    expect(r.stdout).toMatch(/4242_2\s+FAILED\s+n3\s+143\s+result incomplete: interrupted by SIGTERM.*Slurm state TIMEOUT.*last stderr: slurmstepd: error: \*\*\* JOB 4245 ON n3 CANCELLED/);
    expect(r.stdout).toMatch(/merged 1 of 3 results/);

    const md = readFileSync(join(c, 'report', 'fleet.md'), 'utf8');
    // The per-run table holds the one good task; the failed tasks are listed, not merged.
    expect(md).toMatch(/1 result file, 1 row/);
    expect(md).toMatch(/\| 4242_1 \| n2 \| 1 \| FAILED \| no result file; exit code 1 \| joulebench: error: no WebGPU adapter/);
    expect(md).toMatch(/\| 4242_2 \| n3 \| 143 \| TIMEOUT \| result incomplete/);
    const html = readFileSync(join(c, 'report', 'fleet.html'), 'utf8');
    expect(html).toContain('data-task="4242_1"');
    expect(html).toContain('data-task="4242_2"');
    const json = JSON.parse(readFileSync(join(c, 'report', 'fleet.json'), 'utf8'));
    expect(json.status.counts).toEqual({ ok: 1, failed: 2, pending: 0, running: 0, unknown: 0 });
    expect(json.report.groups[0].members.map((m: { node: string }) => m.node)).toEqual(['n1']);
  });
});
