import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../src/report/results.js';
import { runCli } from './helpers.js';

// The main job end to end on the software adapter (fails without one, by design): hashing and
// inference on the same adapter, declared watts → per-joule and per-MW figures, one valid result file.
describe('joulebench run', () => {
  it('writes one complete result with hash, inference and per-MW economics, and prints the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-run-'));
    const out = join(dir, 'run.json');
    // --min-window 0.5: declared watts need no sensor period, and each test then runs ≥ 0.5 s.
    const r = await runCli(['run', '--seconds', '2', '--watts', '300', '--min-window', '0.5', '--prompt', '32', '--gen', '16', '-r', '3', '--out', out, '--progress', 'plain'], { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(true);
    expect(doc.environment.adapter?.name).toMatch(/llvmpipe/);
    const hash = doc.measurements.find((m) => m.kind === 'hash')!;
    const inf = doc.measurements.find((m) => m.kind === 'infer')!;
    const profit = doc.measurements.find((m) => m.kind === 'profit')!;
    expect(hash.status).toBe('complete');
    expect(inf.status).toBe('complete');
    expect(profit.status).toBe('complete');
    // Same physical adapter for both halves.
    expect(hash.adapter?.name).toBe(doc.environment.adapter?.name);
    const hps = hash.metrics.hashesPerSecond!.value!;
    expect(hps).toBeGreaterThan(0);
    // Declared energy: H/J = hashes / (300 W × window time), labelled declared, never measured.
    expect(hash.energy).toMatchObject({ measured: false, declared: true, scope: 'declared', avgPowerW: 300, complete: true });
    expect(hash.metrics.hashesPerJoule!.energyBasis).toBe('declared');
    expect(inf.metrics.tokensPerJoule!.energyBasis).toBe('declared');
    const e = hash.energy as { energyJ: number; timeS: number };
    expect(e.energyJ).toBeCloseTo(300 * e.timeS, 6);
    expect(hash.metrics.hashesPerJoule!.value).toBeGreaterThan(0);
    expect(inf.metrics.decodeTokensPerSecond!.value).toBeGreaterThan(0);
    expect(inf.metrics.tokensPerJoule!.value).toBeGreaterThan(0);
    const rows = (profit.details as { rows: Array<{ kind: string; perMW: { profitUsdPerDay: number } }> }).rows;
    expect(rows.map((x) => x.kind)).toEqual(expect.arrayContaining(['gpu-mining', 'gpu-inference-tokens', 'asic-mining']));
    expect(r.stdout).toMatch(/hashing\s+SHA256d .*H\/s/);
    expect(r.stdout).toMatch(/Per MW of site power/);
    expect(r.stdout).toMatch(/software adapter: CPU timings/);
  });

  it('without a meter or --watts completes, marks energy not measured and leaves per-MW figures out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-run-nm-'));
    const out = join(dir, 'run.json');
    const r = await runCli(['run', '--seconds', '1', '--prompt', '16', '--gen', '8', '-r', '2', '--out', out, '--progress', 'quiet'], {
      timeoutMs: 240_000,
      // An empty sysfs root: no RAPL/hwmon, and no NVML library here — nothing to auto-detect.
      env: { JOULEBENCH_SYSFS_ROOT: dir, JOULEBENCH_NVML_LIB: join(dir, 'absent.so') },
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(true);
    const hash = doc.measurements.find((m) => m.kind === 'hash')!;
    expect(hash.energy).toMatchObject({ measured: false });
    expect(hash.metrics.hashesPerJoule!.value).toBeNull();
    const profit = doc.measurements.find((m) => m.kind === 'profit')!;
    expect(profit.status).toBe('skipped');
    expect(profit.reason).toMatch(/energy not measured|left out/);
    expect(r.stdout).toMatch(/per MW\s+left out/);
  });
});
