/**
 * Inference is priced from the serving figure (details.serving of a batch sweep: the most efficient
 * batch within a latency target) when a result has one, and from batch-1 decode only when that is
 * all there is — then labelled "batch-1 decode, not a served figure".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { H100_LLAMA8B, profitDoc } from '../fixtures/results/profit-docs.js';

// The basis also says what the row's power carries beyond the GPU board (issue 22): the site's
// host overhead for its H100 and, in the AI hall, network and storage as a share of critical IT.
const HALL = '; HGX 8-GPU server: host ×1.821; network + storage 15 % of critical IT';

const tmp = mkdtempSync(join(tmpdir(), 'jb-serving-'));
const serving = {
  batch: 64,
  decodeTokensPerSecond: 5147,
  tokensPerJoule: 8.44,
  avgPowerW: 610,
  stepLatencyP99Ms: 12.4,
  sloMsPerToken: 50,
  basis: 'slo',
  note: 'most efficient batch whose p99 step latency meets 50 ms/token',
};

async function infer(doc: unknown) {
  const f = join(tmp, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(doc));
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--results', f, '--as-of', '2026-11-22'], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as { rows: { id: string; basis: string; perUnit: { revenueUsdPerDay: number } }[]; inputs: Record<string, { value: number; provenance: { path?: string } }> };
  return { row: rep.rows.find((x) => x.id === 'gpu-inference-tokens')!, inputs: rep.inputs };
}

describe('serving figure', () => {
  it('prices the served tokens/s and power, labelled with its batch and latency target', async () => {
    const { row, inputs } = await infer(profitDoc({ ...H100_LLAMA8B, serving }));
    expect(inputs.tokensPerSecond!.value).toBe(5147);
    expect(inputs.tokensPerSecond!.provenance.path).toBe('measurements[1].details.serving.decodeTokensPerSecond');
    expect(inputs.inferPowerW!.value).toBe(610);
    expect(inputs.inferPowerW!.provenance.path).toBe('measurements[1].details.serving.avgPowerW');
    expect(row.basis).toBe(`served at batch 64 within 50 ms/token p99; measured (nvml, gpu-board)${HALL}`);
    // 5,147 tok/s × 86,400 s × 0.7 utilization × $0.18/Mtok.
    expect(row.perUnit.revenueUsdPerDay).toBeCloseTo((5147 * 86400 * 0.7 * 0.18) / 1e6, 9);
  });

  it('without a sweep, batch-1 decode is priced and labelled as not a served figure', async () => {
    const { row, inputs } = await infer(profitDoc(H100_LLAMA8B));
    expect(inputs.tokensPerSecond!.provenance.path).toBe('measurements[1].metrics.decodeTokensPerSecond.value');
    expect(row.basis).toBe(`batch-1 decode, not a served figure; measured (nvml, gpu-board)${HALL}`);
    const only = await infer(profitDoc({ ...H100_LLAMA8B, serving: { ...serving, batch: 1, basis: 'batch-1-only' } }));
    expect(only.row.basis).toMatch(/^batch-1 decode, not a served figure/);
  });

  it('a serving figure without power takes the site GPU\'s rated power, labelled; never the batch-1 watts', async () => {
    const { row, inputs } = await infer(profitDoc({ ...H100_LLAMA8B, serving: { ...serving, avgPowerW: null, tokensPerJoule: null } }));
    expect(row.basis).toBe(`served at batch 64 within 50 ms/token p99; site rated power, not measured${HALL}`);
    expect(inputs.inferPowerW!.value).toBe(700);
    expect(inputs.inferPowerW!.provenance).toMatchObject({ kind: 'site', field: 'gpu.powerW' });
  });
});
