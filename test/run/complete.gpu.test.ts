import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSiteFile, formatRunSummary } from '../../src/cli/run.js';
import { profitFromRun } from '../../src/run/economics.js';
import { readSiteProfile } from '../../src/cli/profit.js';
import { identityOf } from '../../src/gpu/adapter.js';
import { runHashBench } from '../../src/hash/bench.js';
import { runInferBench } from '../../src/infer/bench.js';
import { createEnergyMonitor } from '../../src/power/monitor.js';
import { newResultDoc } from '../../src/host/environment.js';
import { validateResult } from '../../src/results/files.js';
import type { ResultDoc } from '../../src/results/schema.js';
import { runCli, runCliInProcess, useGpu } from '../helpers.js';

const gpu = useGpu();

// The main job: one end-to-end run in its own process on the software adapter (fails without one,
// by design): hashing (self-checked) and inference on the same adapter, declared watts → per-joule
// and per-MW figures, one valid result file. The hashing launch is fixed (--kernel/--wg/--npi, the
// default launch): the seven-candidate autotune costs ~15 s of both cores on llvmpipe and is tested
// in process (hash-bench-measurement, hash-autotune-cache). The other behaviours call the run's
// phases directly.
describe('joulebench run', () => {
  it('writes one complete result with hash, inference and per-MW economics, and prints the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-run-'));
    const out = join(dir, 'run.json');
    // --min-window 0.5: declared watts need no sensor period, and each inference test then runs ≥ 0.5 s.
    const r = await runCli(['run', '--kernel', 'x1', '--wg', '128', '--npi', '8', '--seconds', '1', '--watts', '300', '--min-window', '0.5', '--prompt', '16', '--gen', '8', '-r', '2', '--out', out, '--progress', 'plain'], { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(true);
    expect(doc.environment.adapter?.name).toMatch(/llvmpipe/);
    const hash = doc.measurements.find((m) => m.kind === 'hash')!;
    const inf = doc.measurements.find((m) => m.kind === 'infer')!;
    const profit = doc.measurements.find((m) => m.kind === 'profit')!;
    expect([hash.status, inf.status, profit.status]).toEqual(['complete', 'complete', 'complete']);
    // Same physical adapter for both halves: what onnxruntime's WebGPU EP was found to use is the
    // adapter the hashing kernels ran on.
    const match = (inf.details as { adapterMatch: { same: boolean; onnxruntime: { name: string; backend: string } | null } }).adapterMatch;
    expect(match.same).toBe(true);
    expect(match.onnxruntime).toMatchObject({ name: hash.adapter!.name, backend: hash.adapter!.backend });
    expect((hash.details as { selfCheck: { passed: boolean } }).selfCheck.passed).toBe(true);
    expect((hash.details as { launch: { label: string } }).launch.label).toMatch(/^x1 wg=128 npi=8/);
    expect(hash.params.autotune).toBe(false);
    expect(hash.metrics.hashesPerSecond!.value).toBeGreaterThan(0);
    // Declared energy: 300 W × window time, labelled declared, never measured.
    expect(hash.energy).toMatchObject({ measured: false, declared: true, scope: 'declared', avgPowerW: 300, complete: true });
    expect(hash.metrics.hashesPerJoule!.energyBasis).toBe('declared');
    expect(inf.metrics.tokensPerJoule!.energyBasis).toBe('declared');
    const e = hash.energy as { energyJ: number; timeS: number };
    expect(e.energyJ).toBeCloseTo(300 * e.timeS, 6);
    expect(hash.metrics.hashesPerJoule!.value).toBeGreaterThan(0);
    expect(inf.metrics.decodeTokensPerSecond!.value).toBeGreaterThan(0);
    expect(inf.metrics.tokensPerJoule!.value).toBeGreaterThan(0);
    const rows = (profit.details as { rows: Array<{ kind: string }> }).rows;
    expect(rows.map((x) => x.kind)).toEqual(expect.arrayContaining(['gpu-mining', 'gpu-inference-tokens', 'asic-mining']));
    // The default sweep on a software adapter (1,4) with the default 50 ms/token target.
    expect(inf.params.batch).toEqual([1, 4]);
    expect(inf.params.sloMsPerToken).toBe(50);
    const sv = (inf.details as { serving: { basis: string; batch: number } }).serving;
    expect(['slo', 'slo-unmet', 'batch-1-only']).toContain(sv.basis);
    expect(r.stdout).toMatch(/serving\s+.*\[sweep 1,4\]/);
    expect(r.stdout).toMatch(/hashing\s+SHA256d .*H\/s/);
    expect(r.stdout).toMatch(/Per MW of site power/);
    expect(r.stdout).toMatch(/software adapter: CPU timings/);
    // The file is sealed, and every figure in it re-derives from its raw record.
    const v = await runCliInProcess(['verify', out]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain(`${out}: PASS (`);
    expect(v.stdout).toMatch(/0 failed, 0 warnings; digest ok\)/);
  });

  it('without a meter or --watts: energy not measured, per-MW figures left out (phases called directly)', async () => {
    const ctx = await gpu();
    const empty = mkdtempSync(join(tmpdir(), 'jb-run-nm-'));
    // An empty sysfs root and no NVML library: nothing to auto-detect.
    const saved = { sys: process.env.JOULEBENCH_SYSFS_ROOT, nvml: process.env.JOULEBENCH_NVML_LIB };
    process.env.JOULEBENCH_SYSFS_ROOT = empty;
    process.env.JOULEBENCH_NVML_LIB = join(empty, 'absent.so');
    let choice;
    try {
      choice = await createEnergyMonitor({}, { adapter: identityOf(ctx.report) });
    } finally {
      for (const [k, v] of [['JOULEBENCH_SYSFS_ROOT', saved.sys], ['JOULEBENCH_NVML_LIB', saved.nvml]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(choice.monitor).toBeNull();
    const reason = choice.monitor ? undefined : choice.reason;
    const doc: ResultDoc = newResultDoc(identityOf(ctx.report) as ResultDoc['environment']['adapter'], new Date());
    doc.measurements.push(await runHashBench(ctx, { seconds: 0.6, launch: { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 2 } }, null, reason));
    doc.measurements.push(await runInferBench({ model: 'tiny', ep: 'webgpu', prompt: 16, gen: 8, repetitions: 2, ...(reason ? { energyReason: reason } : {}) }, null));
    const site = defaultSiteFile();
    const pr = profitFromRun(doc, { file: site, profile: readSiteProfile(site) });
    doc.measurements.push(pr.measurement);
    validateResult(JSON.parse(JSON.stringify(doc)), 'run document');
    const hash = doc.measurements.find((m) => m.kind === 'hash')!;
    expect(hash.energy).toMatchObject({ measured: false });
    expect(hash.metrics.hashesPerJoule!.value).toBeNull();
    expect(pr.report).toBeNull();
    expect(pr.measurement.status).toBe('skipped');
    expect(pr.measurement.reason).toMatch(/per-MW figures left out: energy not measured/);
    expect(formatRunSummary(doc, pr.report, 'run.json')).toMatch(/per MW\s+left out/);
  });
});
