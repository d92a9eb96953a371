/**
 * `profit` prices an `infer serve` result's sustainable figure (details.serving with basis 'load')
 * and names its basis: "Poisson load at x req/s within TTFT/TPOT p99 …". A load result where no
 * offered rate met the targets ('load-unmet') is not a served figure and is not priced.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { H100_LLAMA8B, profitDoc } from '../fixtures/results/profit-docs.js';

const tmp = mkdtempSync(join(tmpdir(), 'jb-serving-load-'));
const load = { basis: 'load', batching: 'continuous', batch: 16, offeredQps: 12.5, decodeTokensPerSecond: 3120, tokensPerJoule: 5.2, avgPowerW: 600, stepLatencyP99Ms: 38.1, ttftP99Ms: 950, sloTtftMs: 2000, sloTpotMs: 200, sloMsPerToken: 200, note: 'fixture' };

async function row(serving: Record<string, unknown>) {
  const f = join(tmp, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(profitDoc({ ...H100_LLAMA8B, serving })));
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--results', f, '--as-of', '2026-11-22'], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as { rows: { id: string; basis: string; priced: boolean; notPricedReason?: string; perUnit: { revenueUsdPerDay: number } }[]; inputs: Record<string, { value: number; provenance: { path?: string } }> };
  return { row: rep.rows.find((x) => x.id === 'gpu-inference-tokens')!, inputs: rep.inputs };
}

describe('serving figure under load', () => {
  it('prices the sustainable output tokens/s and its power, with the load basis named', async () => {
    const { row: r, inputs } = await row(load);
    expect(inputs.tokensPerSecond!.value).toBe(3120);
    expect(inputs.tokensPerSecond!.provenance.path).toBe('measurements[1].details.serving.decodeTokensPerSecond');
    expect(inputs.inferPowerW!.value).toBe(600);
    expect(r.basis).toMatch(/^Poisson load at 12.5 req\/s within TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99 \(continuous batching, max batch 16\); measured \(nvml, gpu-board\)(;|$)/);
    expect(r.priced).toBe(true);
    // 3,120 tok/s × 86,400 s × 0.7 utilization × $0.18/Mtok (the site file's price).
    expect(r.perUnit.revenueUsdPerDay).toBeCloseTo((3120 * 86400 * 0.7 * 0.18) / 1e6, 9);
  });

  it('no offered rate within the targets: not priced, and the reason says so', async () => {
    const { row: r } = await row({ ...load, basis: 'load-unmet', offeredQps: 1 });
    expect(r.priced).toBe(false);
    expect(r.notPricedReason).toMatch(/no offered load met the latency targets \(NO offered Poisson rate within TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99 \(lightest tried: 1 req\/s\)\)/);
  });
});
