/**
 * `joulebench report <results> --site <file> [--btc-price …]` re-prices stored results at a site
 * and today's market, with the same like-with-like rules as `profit`; the result files on disk are
 * not touched. Market flags without --site are refused (they would be ignored).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { H100_LLAMA8B, RTX3060_LLAMA1B, profitDoc } from '../fixtures/results/profit-docs.js';
import type { RunRow } from '../../src/report/rows.js';

const tmp = mkdtempSync(join(tmpdir(), 'jb-reprice-'));
const h100 = join(tmp, 'h100.json');
const rtx = join(tmp, 'rtx.json');
writeFileSync(h100, JSON.stringify(profitDoc({ ...H100_LLAMA8B, host: 'h100-box' })));
writeFileSync(rtx, JSON.stringify(profitDoc({ ...RTX3060_LLAMA1B, host: 'rtx-box', startedAt: '2026-11-22T11:00:00.000Z' })));
const market = ['--as-of', '2026-11-22', '--difficulty', '150e12', '--height', '990000', '--fees-per-block', '0.02'];

async function report(extra: string[]): Promise<RunRow[]> {
  const r = await runCliInProcess(['report', h100, rtx, '--site', 'sites/boden-sweden.yaml', ...market, '--json', ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { rows: RunRow[] }).rows;
}

describe('report --site re-prices stored results', () => {
  it('prices the matching H100 run, leaves the RTX 3060 run unpriced, and records the re-pricing', async () => {
    const before = readFileSync(h100, 'utf8');
    const rows = await report(['--btc-price', '90000']);
    const [a, b] = rows;
    expect(a!.host).toBe('h100-box');
    expect(a!.profit!.repriced).toEqual({ siteFile: 'sites/boden-sweden.yaml', asOf: '2026-11-22' });
    expect(a!.profit!.decision!.headline).toMatch(/^Verdict \(per MW of site power\)/);
    expect(a!.profit!.rows.find((u) => u.use === 'gpu-inference-tokens')!.priced).toBe(true);
    // The site prices 1B tokens (its ladder), but its GPU capex is the H100's, not the 3060's.
    expect(b!.profit!.rows.find((u) => u.use === 'gpu-inference-tokens')).toMatchObject({ priced: false, notPricedReason: expect.stringMatching(/^measured on NVIDIA GeForce RTX 3060; the site's GPU capex is for NVIDIA H100 SXM/) });
    expect(readFileSync(h100, 'utf8')).toBe(before);
  });

  it('--btc-price moves mining revenue in proportion (Boden has no curtailment credit)', async () => {
    const asic = (rows: RunRow[]) => rows[0]!.profit!.rows.find((u) => u.use === 'asic:antminer-s21')!.revenueUsdPerDay!;
    const at90 = asic(await report(['--btc-price', '90000']));
    const at180 = asic(await report(['--btc-price', '180000']));
    expect(at180 / at90).toBeCloseTo(2, 12);
  });

  it('the Markdown says the figures were re-priced', async () => {
    const r = await runCliInProcess(['report', h100, '--site', 'sites/boden-sweden.yaml', ...market, '--btc-price', '90000'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Per-MW verdict \(Boden, Sweden .* as of 2026-11-22, re-priced; run #1\): at each use's hurdle rate \(.*\), switch to /);
  });

  it('market flags without --site are refused in one line', async () => {
    const r = await runCliInProcess(['report', h100, '--btc-price', '100000'], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--btc-price re-prices stored results and needs --site <file>/);
  });
});
