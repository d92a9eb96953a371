/**
 * The serving figure from `infer bench --batch 1,4 --slo-ms-per-token` (WebGPU EP on this machine's
 * adapter) through `profit` and `report --md`: inference is priced from details.serving, the row
 * names the serving basis, and the test model on a software adapter is not priced, with why. A
 * target no batch meets (cpu EP) leaves the row labelled "NO batch within …" and unpriced for that.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-sweep-pipe-'));
const env = { JOULEBENCH_MODELS_DIR: join(dir, 'models') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = ['infer', 'bench', '--model', 'tiny', '--prompt', '8', '--gen', '4', '-r', '2', '--no-profile', '--watts', '100', '--min-window', '0', '--json'];

async function profitOf(file: string) {
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--results', file, '--as-of', '2026-11-22'], { cwd: ROOT, env });
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as { rows: Array<{ id: string; basis: string; priced: boolean; notPricedReason: string | null }>; inputs: Record<string, { value: number; provenance: { path?: string } }> };
  return { row: rep.rows.find((x) => x.id === 'gpu-inference-tokens')!, inputs: rep.inputs };
}

describe('sweep → serving figure → profit and report', () => {
  it('webgpu sweep within the target: profit prices details.serving (basis named), the test model unpriced with why', async () => {
    const out = join(dir, 'sweep.json');
    const r = await runCliInProcess([...bench, '--ep', 'webgpu', '--batch', '1,4', '--slo-ms-per-token', '10000', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    const sv = m.details.serving;
    expect(sv.basis).toBe('slo');
    expect(m.details.batchSweep.map((x: { batch: number }) => x.batch)).toEqual([1, 4]);

    const { row, inputs } = await profitOf(out);
    expect(inputs.tokensPerSecond!.value).toBe(sv.decodeTokensPerSecond);
    expect(inputs.tokensPerSecond!.provenance.path).toBe('measurements[0].details.serving.decodeTokensPerSecond');
    expect(inputs.inferPowerW!.provenance.path).toBe('measurements[0].details.serving.avgPowerW');
    // The basis also names the host overhead: none on a software adapter (issue 22).
    expect(row.basis).toBe(`served at batch ${sv.batch} within 10000 ms/token p99; declared, not measured; a software adapter: no host overhead`);
    expect(row.priced).toBe(false);
    expect(row.notPricedReason).toMatch(/synthetic test model that mirrors no public model/);
    expect(row.notPricedReason).toMatch(/software adapter/);

    const md = await runCliInProcess(['report', out, '--md', '-'], { env });
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`served at batch ${sv.batch} within 10000 ms/token p99`);
    expect(md.stdout).toMatch(/Batch sweeps/);
    expect(JSON.parse(readFileSync(out, 'utf8')).measurements[0].details.serving).toEqual(sv);
  });

  it('a target no batch meets: NO serving figure priced, the row says so', async () => {
    const out = join(dir, 'unmet.json');
    const r = await runCliInProcess([...bench, '--ep', 'cpu', '--batch', '1,4', '--slo-ms-per-token', '0.0001', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Warning: serving figure: no batch meets 0\.0001 ms\/token at p99/);
    const m = JSON.parse(r.stdout);
    // The closest batch is the one with the lowest p99 (usually batch 1; timing decides).
    const closest = m.details.batchSweep.reduce((a: { stepLatencyP99Ms: number }, b: { stepLatencyP99Ms: number }) => (b.stepLatencyP99Ms < a.stepLatencyP99Ms ? b : a));
    expect(m.details.serving).toMatchObject({ basis: 'slo-unmet', batch: closest.batch, stepLatencyP99Ms: closest.stepLatencyP99Ms });
    expect(m.metrics.servingTokensPerSecond.value).toBeNull();
    expect(m.metrics.servingTokensPerSecond.reason).toMatch(/^no serving figure: no batch meets/);
    const { row } = await profitOf(out);
    expect(row.basis).toMatch(/^NO batch within 0\.0001 ms\/token p99 \(closest: batch \d+, p99 [\d.]+ ms\); declared, not measured; the CPU: no host overhead$/);
    expect(row.priced).toBe(false);
    expect(row.notPricedReason).toMatch(/^no measured batch met the 0\.0001 ms\/token p99 latency target/);
  });
});
