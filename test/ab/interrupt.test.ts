// `joulebench ab` interrupted (issue 21 case 6): Ctrl-C or SIGTERM while a benchmark run or a build
// is in progress ends that command's whole process group (the shell, its child and a background
// grandchild), marks ab.json "interrupted", keeps no result of the cut-short run, and exits
// 128 + n. The fake benchmark and build are POSIX sh scripts that record their pids and sleep. ab
// runs in this worker and its handler is given the signal; the benchmark run's group gets a real one.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/ab/manifest.js';
import { runCliInProcess } from '../helpers.js';
import { alive, groupMembers, listProcesses, waitFor } from '../fixtures/processes.js';

const root = mkdtempSync(join(tmpdir(), 'jb-ab-int-'));
const checkout = join(root, 'checkout');
mkdirSync(checkout);
// A background sleeper (ignores SIGINT, as asynchronous commands of a non-interactive sh do) and a
// foreground one; the result would be written only after both.
const script = (name: string) => `#!/bin/sh
sleep 60 & echo $! > ${name}.bg
echo $$ > ${name}.pid
sleep 30
wait
echo '{}' > "$1"
`;
writeFileSync(join(checkout, 'bench.sh'), script('bench'));
writeFileSync(join(checkout, 'build.sh'), script('build'));

/**
 * Run ab in this worker, wait until `stage` (bench|build) runs, deliver `sig` to ab's own handler
 * (process.emit, as Node delivers a signal to its listeners); return what is left.
 */
async function interrupt(stage: 'bench' | 'build', sig: NodeJS.Signals) {
  const out = join(root, `out-${stage}`);
  const args = ['ab', '--baseline-dir', checkout, '--candidate-dir', checkout, '--bench', 'sh bench.sh {out}', '--rounds', '1', '--warmup-runs', '0', '--seed', '7', '--out-dir', out];
  const done = runCliInProcess([...args, ...(stage === 'build' ? ['--build', 'sh build.sh x'] : ['--no-build'])]);
  const pidFile = join(checkout, `${stage}.pid`);
  const bgFile = join(checkout, `${stage}.bg`);
  expect(await waitFor(() => existsSync(pidFile) && existsSync(bgFile) && readFileSync(bgFile, 'utf8').trim() !== '', 60_000), `the ${stage} never started`).toBe(true);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const bg = Number(readFileSync(bgFile, 'utf8'));
  const pgid = listProcesses().find((p) => p.pid === pid)!.pgrp;
  expect(groupMembers(pgid).length, 'the command runs in its own process group').toBeGreaterThanOrEqual(3);
  expect(pgid, 'the command runs in a group of its own, not this process\'s').not.toBe(listProcesses().find((p) => p.pid === process.pid)!.pgrp);
  process.emit(sig, sig);
  const r = await done;
  // Leave a moment for anything left behind to show itself (it would write its result after 30 s).
  await waitFor(() => groupMembers(pgid).length === 0 && !alive(bg), 2000);
  return { ended: { code: r.code, signal: null }, stderr: r.stderr, out, pid, bg, pgid };
}

describe('joulebench ab interrupted', () => {
  it('Ctrl-C during a benchmark run: its process group is ended, ab.json says interrupted, exit 130', async () => {
    const r = await interrupt('bench', 'SIGINT');
    expect(r.ended, r.stderr).toEqual({ code: 130, signal: null });
    expect(groupMembers(r.pgid), 'processes left in the benchmark run\'s group').toEqual([]);
    expect(alive(r.bg), 'the background grandchild outlived ab').toBe(false);
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(r.out, 'ab.json'), 'utf8')));
    expect(m.status).toBe('interrupted');
    expect(m.failure).toMatch(/SIGINT.*round 1\/1/);
    expect(m.runs).toHaveLength(1);
    expect(m.runs[0]!.failure).toMatch(/interrupted/);
    expect(existsSync(m.runs[0]!.file)).toBe(false);
    expect(r.stderr).toMatch(/interrupted by SIGINT/);
  });

  it('SIGTERM during a build: the build\'s process group is ended, ab.json says interrupted, exit 143', async () => {
    const r = await interrupt('build', 'SIGTERM');
    expect(r.ended, r.stderr).toEqual({ code: 143, signal: null });
    expect(groupMembers(r.pgid), 'processes left in the build\'s group').toEqual([]);
    expect(alive(r.bg)).toBe(false);
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(r.out, 'ab.json'), 'utf8')));
    expect(m.status).toBe('interrupted');
    expect(m.failure).toMatch(/SIGTERM during the baseline build/);
    expect(m.runs).toEqual([]);
  });
});
