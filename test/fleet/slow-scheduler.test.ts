/**
 * A slow scheduler (issue 21 case 11): `fleet collect --timeout 2` with an scontrol and an sacct that
 * hang returns at its deadline (it returned after 2 × the per-call bound: 30 s for --timeout 15),
 * and no scontrol/sacct, nor what they forked, is left running after the command exits. The fake
 * commands are shell scripts first on PATH whose `sleep` carries a unique marker.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { campaignDir, fakeCommand } from './fixtures.js';
import { waitFor, withMarker } from '../fixtures/processes.js';

/** The command in this worker (no process start-up to wait for); its wall time. */
async function run(args: string[], env: Record<string, string>) {
  const t0 = performance.now();
  const r = await runCliInProcess(args, { env });
  return { code: r.code, s: (performance.now() - t0) / 1000, out: r.stdout + r.stderr };
}

describe('fleet status/collect with a scheduler that hangs', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'jb-fleet-slow-'));
  const c = join(dir, 'campaign');
  campaignDir(c, '900', 2);
  const marker = (500 + Math.random() * 100).toFixed(3);
  const bin = join(dir, 'bin');
  fakeCommand(bin, 'scontrol', `sleep ${marker} & wait`);
  fakeCommand(bin, 'sacct', `sleep ${marker} & wait`);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const left = () => withMarker(`sleep ${marker}`);

  it('collect --timeout 2 ends at its deadline (one deadline for both queries) and leaves nothing running', async () => {
    const r = await run(['fleet', 'collect', '--campaign', c, '--timeout', '2', '--poll', '1', '--json'], env);
    expect(r.code, r.out).toBe(1);
    const s = JSON.parse(r.out.slice(r.out.indexOf('{'))).status as { waitedS: number; sched: { error: string } };
    expect(await waitFor(() => left().length === 0, 2000), `left running: ${JSON.stringify(left())}`).toBe(true);
    // With the bug: 5 s for scontrol + 5 s for sacct (each got max(5 s, what was left)).
    expect(s.waitedS).toBeLessThan(3);
    expect(r.s, r.out).toBeLessThan(20);
    expect(s.sched.error).toMatch(/scontrol did not answer within/);
  });

  it('status --timeout 1: the same deadline, nothing left running', async () => {
    const r = await run(['fleet', 'status', '--campaign', c, '--timeout', '1', '--json'], env);
    const s = JSON.parse(r.out.slice(r.out.indexOf('{'))).status as { waitedS: number; sched: { error: string } };
    expect(await waitFor(() => left().length === 0, 2000), `left running: ${JSON.stringify(left())}`).toBe(true);
    expect(s.waitedS).toBeLessThan(2);
    expect(s.sched.error).toMatch(/scontrol did not answer within/);
  });
});
