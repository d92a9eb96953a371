// Interrupted during the timed hashing phase (issue 21 case 8): `hash bench --out` exits 130 and
// writes the partial measurement (status incomplete, the reason, the slices timed so far and the
// rate computed from them); `run` interrupted while hashing writes its document with that
// measurement instead of `measurements: []`. The timed phase's start is seen from outside through
// a --meter-cmd that logs each read (timedPhase below).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/files.js';
import { runCliInProcess, spawnCli } from '../helpers.js';
import { waitFor } from '../fixtures/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-hash-int-'));

/**
 * Flags for a long timed phase whose start is visible: a --meter-cmd that logs each read (the
 * window's begin read is the second), polled every 30 s, so the window asks for --max-window 60 s
 * and the phase runs well past the interrupt; --seconds 3 keeps the warm-up short (0.3 s).
 */
function timedPhase(name: string): { args: string[]; began: () => boolean } {
  const reads = join(dir, `${name}.reads`);
  const args = ['--no-autotune', '--seconds', '3', '--target-rel-ci', '0', '--meter-cmd', `echo r >> '${reads}'; echo 50`, '--meter-interval', '30', '--idle-baseline', '0', '--max-window', '60'];
  return { args, began: () => existsSync(reads) && readFileSync(reads, 'utf8').split('\n').filter(Boolean).length >= 2 };
}

describe('interrupted during the timed hashing phase', () => {
  it('hash bench --out: exit 130, the partial measurement written, marked incomplete, with its samples', async () => {
    const out = join(dir, 'hash.json');
    const t = timedPhase('hash');
    // In this worker: the command's own SIGINT handler gets the signal (process.emit, as Node
    // delivers it); `run` below gets a real one.
    const done = runCliInProcess(['hash', 'bench', '--out', out, ...t.args]);
    expect(await waitFor(t.began, 120_000, 50), 'the timed phase never began').toBe(true);
    await new Promise((r) => setTimeout(r, 800)); // a few 0.2 s slices
    process.emit('SIGINT', 'SIGINT');
    const r = await done;
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
    const t = timedPhase('run');
    const child = spawnCli(['run', '--progress', 'plain', '--out', out, ...t.args]);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    expect(await waitFor(t.began, 120_000, 50), `the timed phase never began:\n${stderr}`).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGTERM');
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exit;
    clearTimeout(guard);
    expect(code, stderr).toBe(143);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/SIGTERM during phase 'hashing'/);
    const hash = doc.measurements.find((m) => m.kind === 'hash');
    expect(hash?.status).toBe('incomplete');
    expect(hash?.metrics.hashesPerSecond?.samples?.length).toBeGreaterThanOrEqual(1);
    expect(doc.measurements.find((m) => m.kind === 'infer')).toBeUndefined();
  });
});
