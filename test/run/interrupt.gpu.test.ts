import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/files.js';
import { spawnCli } from '../helpers.js';

// Ctrl-C during the inference phase: the hash measurement already taken is kept (and what the
// inference phase timed, marked incomplete), the file is a valid result marked incomplete, and the
// exit code is non-zero (130, as for SIGINT). Hashing runs the default launch (--no-autotune) and
// inference the shapes run-complete uses, so that on a fresh machine the two share llvmpipe's
// shader cache instead of each compiling their own.
describe('joulebench run interrupted', () => {
  it('leaves a valid, incomplete-marked result with what was measured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-int-'));
    const out = join(dir, 'run.json');
    const child = spawnCli(['run', '--no-autotune', '--seconds', '1', '--watts', '100', '--min-window', '0.5', '--prompt', '16', '--gen', '8', '-r', '2000', '--out', out, '--progress', 'plain']);
    child.stdin.end();
    let stderr = '';
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`run never reached the inference phase:\n${stderr}`)), 180_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/inference: started/.test(stderr)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await Promise.race([exit, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(true);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/SIGINT.*inference/);
    const hash = doc.measurements.find((m) => m.kind === 'hash');
    expect(hash?.status).toBe('complete');
    expect(hash?.metrics.hashesPerSecond?.value).toBeGreaterThan(0);
    expect(hash?.params.autotune).toBe(false);
    expect((hash?.details as { launch: { label: string } }).launch.label).toMatch(/^x1 wg=128 npi=8/);
    // Inference: cut short. Interrupted before its first timed prefill (session creation, warmup)
    // there is no measurement; after it, the prefills timed so far, marked incomplete.
    const inf = doc.measurements.find((m) => m.kind === 'infer');
    if (inf) {
      expect(inf.status).toBe('incomplete');
      expect(inf.metrics.prefillTokensPerSecond?.samples?.length).toBeGreaterThanOrEqual(1);
    }
    expect(stderr).toMatch(/partial result written/);
  });
});
