/**
 * Like with like: a measured row is priced only when its model is a priced model (a rung of the
 * site's token-price ladder) and its GPU is the site's GPU. The test model (tiny on llvmpipe, the
 * shipped example) and a mismatched GPU (RTX 3060 running Llama-3.2-1B, whose model the ladder
 * prices) stay as rows with "priced": false and the reason, in JSON and in text; the
 * matching H100 + Llama-3.1-8B run is priced; --price-anyway prices a mismatch, loudly labelled.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { H100_LLAMA8B, RTX3060_LLAMA1B, profitDoc } from '../fixtures/results/profit-docs.js';

// The basis also says what the row's power carries beyond the GPU board (issue 22): the site's
// host overhead for its H100 and, in the AI hall, network and storage as a share of critical IT.
const HALL = '; HGX 8-GPU server: host ×1.821; network + storage 15 % of critical IT';

const tmp = mkdtempSync(join(tmpdir(), 'jb-notpriced-'));
const file = (name: string, doc: unknown) => {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(doc));
  return f;
};
const rtx = file('rtx3060.json', profitDoc(RTX3060_LLAMA1B));
const h100 = file('h100.json', profitDoc(H100_LLAMA8B));
const example = join(ROOT, 'results/examples/llvmpipe-declared-65w.json');

type Row = { id: string; priced: boolean; notPricedReason: string | null; pricedAnyway?: string | null; basis: string; perMW?: { marginUsdPerDay: number | null; capexUsd: number | null } };

async function profit(results: string, extra: string[] = []) {
  const base = ['profit', '--site', 'sites/boden-sweden.yaml', '--results', results, '--as-of', '2026-11-22'];
  const json = await runCliInProcess([...base, '--json', ...extra], { cwd: ROOT });
  expect(json.code, json.stderr).toBe(0);
  const text = await runCliInProcess([...base, ...extra], { cwd: ROOT });
  expect(text.code, text.stderr).toBe(0);
  const rep = JSON.parse(json.stdout) as { rows: Row[]; inputs: { usdPerMTok: unknown }; decision: { uses: { id: string }[]; excluded: { id: string; reason: string }[] } };
  return { rep, row: (id: string) => rep.rows.find((r) => r.id === id)!, text: text.stdout, stderr: json.stderr };
}

describe('measured rows the price is not for are not priced', () => {
  it('the test model on a software adapter: not priced, with the model and the adapter named (JSON and text)', async () => {
    const { row, text, rep } = await profit(example);
    const inf = row('gpu-inference-tokens');
    expect(inf.priced).toBe(false);
    expect(inf.notPricedReason).toMatch(/^measured tiny \(0\.14 M params\), a synthetic test model .*; the price is for Llama-3\.1-8B-Instruct \(8\.03 B\)/);
    expect(inf.notPricedReason).toMatch(/software adapter \(llvmpipe/);
    expect(inf).not.toHaveProperty('perMW');
    expect(row('gpu-mining').priced).toBe(false);
    expect(text).toMatch(/GPU inference \(\$\/Mtok\) · tiny on llvmpipe: not priced: measured tiny \(0\.14 M params\)/);
    // The measured rows take no part in the verdict; the site's own uses still do.
    expect(rep.decision.uses.map((u) => u.id).sort()).toEqual(['asic:antminer-s21', 'gpu-rental', 'hosting-lease', 'idle']);
    expect(rep.decision.excluded.map((e) => e.id)).toEqual(['gpu-mining', 'gpu-inference-tokens']);
    // The run's serving figure (its batch sweep) is what the row names, and the declared 65 W is
    // labelled as such in the table.
    // No host overhead on a software adapter (issue 22): its declared 65 W stays 65 W.
    expect(inf.basis).toBe('served at batch 4 within 50 ms/token p99; declared, not measured; a software adapter: no host overhead');
  });

  it('an RTX 3060 running Llama-3.2-1B: the site prices 1B tokens (its ladder), but the H100 capex does not apply', async () => {
    const { row, text, rep } = await profit(rtx);
    const inf = row('gpu-inference-tokens');
    expect(inf.priced).toBe(false);
    // Boden's token-price ladder has a Llama-3.2-1B rung, so the model is not the reason any more.
    expect(inf.notPricedReason).toBe("measured on NVIDIA GeForce RTX 3060; the site's GPU capex is for NVIDIA H100 SXM");
    expect(text).toContain("not priced: measured on NVIDIA GeForce RTX 3060; the site's GPU capex is for NVIDIA H100 SXM");
    // The rental row is the site's H100 at its rated power, never the 3060's watts at the H100's price.
    const rent = row('gpu-rental');
    expect(rent.priced).toBe(true);
    expect(rent.basis).toBe(`site rated power, not measured${HALL}`);
    // GPU mining is priced by the network, but the H100's capex is not the 3060's: no margin after capex.
    const mining = row('gpu-mining');
    expect(mining.priced).toBe(true);
    expect(mining.perMW!.capexUsd).toBeNull();
    expect(mining.perMW!.marginUsdPerDay).toBeNull();
    expect(rep.decision.excluded.find((e) => e.id === 'gpu-mining')!.reason).toMatch(/capex unknown/);
  });

  it('the matching H100 + Llama-3.1-8B run is priced, with the H100 capex in its margin', async () => {
    const { row } = await profit(h100);
    const inf = row('gpu-inference-tokens');
    expect(inf.priced).toBe(true);
    expect(inf.perMW!.capexUsd).toBeGreaterThan(0);
    expect(inf.perMW!.marginUsdPerDay).not.toBeNull();
    // The rental row now rents the measured H100 at its measured power.
    expect(row('gpu-rental').basis).toBe(`measured (nvml, gpu-board)${HALL}`);
  });

  it('a model within ±15 % of the priced parameter count is priced; a name match needs no count', async () => {
    const qwen7b = file('qwen7b.json', profitDoc({ ...H100_LLAMA8B, model: { preset: 'qwen2.5-7b', mirrors: 'Qwen/Qwen2.5-7B', parameters: 7.62e9 } }));
    expect((await profit(qwen7b)).row('gpu-inference-tokens').priced).toBe(true);
    const named = file('named.json', profitDoc({ ...H100_LLAMA8B, model: { preset: 'Meta-Llama-3.1-8B-Instruct-Turbo', parameters: null } }));
    expect((await profit(named)).row('gpu-inference-tokens').priced).toBe(true);
    const big = file('big.json', profitDoc({ ...H100_LLAMA8B, model: { preset: 'x', mirrors: 'some/Model-10B', parameters: 9.4e9 } }));
    expect((await profit(big)).row('gpu-inference-tokens').notPricedReason).toMatch(/measured Model-10B \(9\.4 B params\); the price is for/);
  });

  it('--price-anyway prices the mismatch and says so in the row, the table and a warning', async () => {
    const { row, text, stderr, rep } = await profit(rtx, ['--price-anyway']);
    const inf = row('gpu-inference-tokens');
    expect(inf.priced).toBe(true);
    expect(inf.pricedAnyway).toMatch(/measured on NVIDIA GeForce RTX 3060/);
    // Priced at the 1B rung of the ladder ($0.10/Mtok), not at the 8B price.
    // (rep is that run's --json report: the same command a second call would repeat.)
    expect(rep.inputs.usdPerMTok).toMatchObject({ value: 0.1, provenance: { kind: 'site', field: 'inference.tokenPrices[0]' } });
    expect(text).toMatch(/GPU inference \(\$\/Mtok\) · Llama-3\.2-1B on RTX 3060 \[PRICED ANYWAY\]/);
    expect(text).toContain('PRICED ANYWAY (--price-anyway)');
    expect(stderr).toMatch(/gpu-inference-tokens PRICED ANYWAY/);
  });
});
