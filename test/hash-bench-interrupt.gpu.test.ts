// Interrupted during the timed hashing phase (issue 21 case 8): `hash bench --out` exits 130 and
// writes the partial measurement (status incomplete, the reason, the slices timed so far and the
// rate computed from them); `run` interrupted while hashing writes its document with that
// measurement instead of `measurements: []`. The timed phase's start is seen from outside through
// a --meter-cmd that logs each read: the energy window's begin read is its second read (first:
// start; polls every 30 s; no idle baseline).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../src/report/results.js';
import { spawnCli } from './helpers.js';
import { waitFor } from './fixtures/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-hash-int-'));

async function interruptTimedPhase(cmd: string[], sig: NodeJS.Signals, name: string) {
  const reads = join(dir, `${name}.reads`);
  const meter = ['--meter-cmd', `echo r >> '${reads}'; echo 50`, '--meter-interval', '30', '--idle-baseline', '0', '--max-window', '60'];
  const child = spawnCli([...cmd, '--no-autotune', '--seconds', '60', '--target-rel-ci', '0', ...meter]);
  child.stdin.end();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const readCount = () => (existsSync(reads) ? readFileSync(reads, 'utf8').split('\n').filter(Boolean).length : 0);
  expect(await waitFor(() => readCount() >= 2, 120_000, 50), `the timed phase never began:\n${stderr}`).toBe(true);
  await new Promise((r) => setTimeout(r, 800)); // a few 0.2 s slices
  child.kill(sig);
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exit;
  clearTimeout(guard);
  return { code, stderr };
}

describe('interrupted during the timed hashing phase', () => {
  it('hash bench --out: exit 130, the partial measurement written, marked incomplete, with its samples', async () => {
    const out = join(dir, 'hash.json');
    const r = await interruptTimedPhase(['hash', 'bench', '--out', out], 'SIGINT', 'hash');
    expect(r.code, r.stderr).toBe(130);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/interrupted by SIGINT .* into the timed phase/);
    const m = doc.measurements[0]!;
    expect(m.status).toBe('incomplete');
    expect(m.reason).toMatch(/figures from the \d+ slice\(s\) completed/);
    const hps = m.metrics.hashesPerSecond!;
    expect(hps.samples!.length).toBeGreaterThanOrEqual(1);
    expect(hps.value).toBeGreaterThan(0);
    // The figure is what the samples say: total nonces / timed span, within the spread of the slices.
    expect(hps.value!).toBeGreaterThanOrEqual(Math.min(...hps.samples!) * 0.5);
    expect(hps.value!).toBeLessThanOrEqual(Math.max(...hps.samples!) * 2);
    expect((m.details as { stoppedBy: string }).stoppedBy).toBe('interrupted');
  });

  it('run: SIGTERM while hashing writes the hash measurement taken so far (not measurements: []), exit 143', async () => {
    const out = join(dir, 'run.json');
    const r = await interruptTimedPhase(['run', '--progress', 'plain', '--out', out], 'SIGTERM', 'run');
    expect(r.code, r.stderr).toBe(143);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/SIGTERM during phase 'hashing'/);
    const hash = doc.measurements.find((m) => m.kind === 'hash');
    expect(hash?.status).toBe('incomplete');
    expect(hash?.metrics.hashesPerSecond?.samples?.length).toBeGreaterThanOrEqual(1);
    expect(doc.measurements.find((m) => m.kind === 'infer')).toBeUndefined();
  });
});
