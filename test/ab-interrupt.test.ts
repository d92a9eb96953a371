// `joulebench ab` interrupted (issue 21 case 6): Ctrl-C or SIGTERM while a benchmark run or a build
// is in progress ends that command's whole process group (the shell, its child and a background
// grandchild), marks ab.json "interrupted", keeps no result of the cut-short run, and exits
// 128 + n. The fake benchmark and build are POSIX sh scripts that record their pids and sleep.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/ab/manifest.js';
import { spawnCli } from './helpers.js';
import { alive, groupMembers, listProcesses, waitFor } from './fixtures/processes.js';

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

/** Start ab, wait until `stage` (bench|build) runs, send `sig`; return what is left. */
async function interrupt(stage: 'bench' | 'build', sig: NodeJS.Signals) {
  const out = join(root, `out-${stage}`);
  const args = ['ab', '--baseline-dir', checkout, '--candidate-dir', checkout, '--bench', 'sh bench.sh {out}', '--rounds', '1', '--warmup-runs', '0', '--seed', '7', '--out-dir', out];
  const child = spawnCli([...args, ...(stage === 'build' ? ['--build', 'sh build.sh x'] : ['--no-build'])]);
  child.stdin.end();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  const pidFile = join(checkout, `${stage}.pid`);
  const bgFile = join(checkout, `${stage}.bg`);
  expect(await waitFor(() => existsSync(pidFile) && existsSync(bgFile) && readFileSync(bgFile, 'utf8').trim() !== '', 60_000), `the ${stage} never started:\n${stderr}`).toBe(true);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const bg = Number(readFileSync(bgFile, 'utf8'));
  const pgid = listProcesses().find((p) => p.pid === pid)!.pgrp;
  expect(groupMembers(pgid).length, 'the command runs in its own process group').toBeGreaterThanOrEqual(3);
  child.kill(sig);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const ended = await exit;
  clearTimeout(timer);
  // Leave a moment for anything left behind to show itself (it would write its result after 30 s).
  await waitFor(() => groupMembers(pgid).length === 0 && !alive(bg), 2000);
  return { ended, stderr, out, pid, bg, pgid };
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
