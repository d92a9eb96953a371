/**
 * `fleet status` / `fleet collect` while tasks still run or wait: status lists them and exits 0;
 * collect waits no longer than --timeout, writes the report of what ended, lists the rest as not
 * ended and exits 1. Without scontrol (not a login node) a task with no exit record is "unknown"
 * and collect does not wait for what can never change.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { campaignDir, fakeCommand, resultDoc, taskRecord } from './fixtures.js';

function setup(): { c: string; bin: string } {
  const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-status-'));
  const c = join(dir, 'campaign');
  campaignDir(c, '900', 3);
  writeFileSync(join(c, 'results', 'task-0.json'), JSON.stringify(resultDoc({ node: 'n1', jobId: '900', task: 0, hps: 9e9, hashW: 600, decodeTps: 900, inferW: 400 })));
  taskRecord(c, '900', 0, 'n1', 0);
  const bin = join(dir, 'bin');
  fakeCommand(
    bin,
    'scontrol',
    `cat <<'EOT'
JobId=901 ArrayJobId=900 ArrayTaskId=0 JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1 BatchHost=n1
JobId=902 ArrayJobId=900 ArrayTaskId=1 JobState=RUNNING Reason=None ExitCode=0:0 NodeList=n2 BatchHost=n2
JobId=900 ArrayJobId=900 ArrayTaskId=2 JobState=PENDING Reason=Resources ExitCode=0:0 NodeList=
EOT`,
  );
  return { c, bin };
}

describe('fleet status and collect with unfinished tasks', () => {
  it('status lists running and pending tasks and exits 0', async () => {
    const { c, bin } = setup();
    const r = await runCliInProcess(['fleet', 'status', '--campaign', c], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tasks: 1 ok, 0 failed, 1 running, 1 pending/);
    expect(r.stdout).toMatch(/900_1\s+running\s+n2/);
    expect(r.stdout).toMatch(/900_2\s+pending\s+\?\s+—\s+waiting: Resources/);
  });

  it('collect stops at --timeout, reports what ended and exits 1', async () => {
    const { c, bin } = setup();
    const t0 = Date.now();
    const r = await runCliInProcess(['fleet', 'collect', '--campaign', c, '--timeout', '0.6', '--poll', '0.2'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const tookMs = Date.now() - t0;
    expect(r.code).toBe(1);
    expect(tookMs).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/stopped waiting after \d+ s with 2 task\(s\) not ended/);
    const md = readFileSync(join(c, 'report', 'fleet.md'), 'utf8');
    expect(md).toMatch(/\| 900_1 \| n2 \| — \| RUNNING \| running when collected \|/);
    expect(md).toMatch(/\| 900_2 \| unknown \| — \| PENDING \| pending when collected \(waiting: Resources\) \|/);
  });

  it('without scontrol, a task with no exit record is unknown and collect returns at once', async () => {
    const { c, bin } = setup();
    const t0 = Date.now();
    // PATH holds only the fake directory, without scontrol in it: as on a laptop with a copied campaign.
    const r = await runCliInProcess(['fleet', 'collect', '--campaign', c, '--timeout', '60', '--poll', '0.2'], { env: { PATH: join(bin, 'none') } });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tasks: 1 ok, 0 failed, 0 running, 0 pending, 2 unknown/);
    expect(r.stdout).toMatch(/900_1\s+unknown.*scontrol not found/);
  });
});
