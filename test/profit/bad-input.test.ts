/**
 * Bad input to `joulebench profit`: one line naming the flag or field and the fix, exit 2, nothing
 * on stdout. Covers flags that were accepted or silently ignored (an impossible --as-of date,
 * --btc-price-path without --months, --asic none with an ASIC id), values out of range in a site
 * file, and impossible figures read from a result file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';
import { H100_LLAMA8B, profitDoc } from '../fixtures/results/profit-docs.js';

const tmp = mkdtempSync(join(tmpdir(), 'jb-profit-bad-'));

async function bad(args: string[], re: RegExp): Promise<void> {
  const r = await runCliInProcess(['profit', ...args], { cwd: ROOT });
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(re);
}

const base = ['--hashrate', '1e12', '--watts', '100', '--power-price', '0.05'];

describe('profit flags that were accepted or ignored', () => {
  it.each([
    [['--as-of', '2026-02-30'], /--as-of '2026-02-30': must be a real date YYYY-MM-DD/],
    [['--as-of', '2026-13-01'], /--as-of '2026-13-01'/],
    [['--btc-price-path', '90000,100000'], /--btc-price-path needs --months <n>: .*would be ignored/],
    [['--difficulty-growth', '0.02'], /--difficulty-growth needs --months <n>/],
    [['--token-price-decline-per-year', '0.1'], /--token-price-decline-per-year needs --months/],
    [['--months', '2', '--btc-price-path', '1,2,3'], /--btc-price-path has 3 prices for --months 2/],
    [['--asic', 'none', 'antminer-s21'], /--asic none antminer-s21: 'none' cannot be combined with ASIC ids/],
    [['--lease-power-paid-by', 'landlord'], /--lease-power-paid-by 'landlord': must be site or tenant/],
    [['--price-model-params', '8e9'], /--price-model-params needs --price-model <name>/],
    [['--power-price', '48'], /--power-price 48: out of range/],
    [['--curtailment-credit', '50'], /--curtailment-credit needs --curtailment-hours/],
    [['--construction-months', '6'], /--construction-months needs an AI hall to build: pass --site <file> or --retrofit-capex-usd-per-mw <USD>/],
    [['--lease-retrofit-capex-usd-per-mw', '3000000'], /--lease-retrofit-capex-usd-per-mw needs a lease: pass --lease-usd-per-kw-month <USD> or --site <file>/],
    [['--discount-rate', 'ten'], /--discount-rate 'ten': must be a number from 0 to 1/],
    [['--gpu-resale-fraction', '1.2'], /--gpu-resale-fraction 1\.2: out of range/],
  ])('%s', async (args, re) => {
    await bad([...base, ...(args as string[])], re);
  });
});

describe('site file values out of range: one line naming the field', () => {
  const good = { name: 'x', asOf: '2026-11-22', powerCapacityMW: 10, powerPriceUsdPerKWh: 0.05, pue: { mining: 1.05, ai: 1.2 } };
  it.each([
    ['price in $/MWh', { powerPriceUsdPerKWh: 48 }, /field 'powerPriceUsdPerKWh' must be ≤ 5 \(USD per kWh.*USD\/MWh\)/],
    ['PUE 5', { pue: { mining: 1.05, ai: 5 } }, /field 'pue.ai' must be ≤ 3/],
    ['negative GPU capex', { gpu: { name: 'H100', capexUsd: -1 } }, /field 'gpu.capexUsd' must be ≥ 0/],
    ['GPU capex without a GPU name', { gpu: { capexUsd: 30000 } }, /field 'gpu.name' is required with gpu.capexUsd: name the GPU/],
    ['token price without its model', { inference: { usdPerMTok: 0.18 } }, /field 'inference.usdPerMTok.model' is required: a token price names its model/],
    ['GPU-hour price without its GPU', { inference: { usdPerGpuHour: 2.65 } }, /field 'inference.usdPerGpuHour.gpu' is required/],
    ['curtailment hours > a year', { curtailment: { hoursPerYear: 9000, creditUsdPerMWh: 0 } }, /field 'curtailment.hoursPerYear' must be ≤ 8760/],
    ['lease load fraction 1.5', { hosting: { loadFraction: 1.5 } }, /field 'hosting.loadFraction' must be ≤ 1/],
    ['who pays the power', { hosting: { powerPaidBy: 'nobody' } }, /field 'hosting.powerPaidBy' must be one of: site, tenant/],
    ['depreciation 0 years', { asic: { model: 'antminer-s21', depreciationYears: 0 } }, /field 'asic.depreciationYears' must be > 0/],
    ['BTC price 0', { market: { btcPriceUsd: 0 } }, /field 'market.btcPriceUsd' must be > 0/],
  ])('%s', async (name, extra, re) => {
    const f = join(tmp, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(f, stringify({ ...good, ...extra }));
    await bad(['--site', f, '--hashrate', '1e12', '--watts', '100'], re);
  });
});

describe('result file values out of range', () => {
  it.each([
    // Negative figures are refused when the result file is read (src/results/schema.ts), before pricing.
    ['negative hash rate', { hashesPerSecond: -5 }, /field 'measurements\.0\.metrics\.hashesPerSecond\.value': -5 H\/s is negative/],
    ['zero tokens/s', { decodeTokensPerSecond: 0 }, /measurements\[1\]\.metrics\.decodeTokensPerSecond\.value = 0: must be a finite number > 0/],
    ['negative power', { energy: { metered: -300 } }, /field 'measurements\.0\.(metrics\.hashesPerJoule\.value|energy\.avgPowerW)': -[\d.]+ (H\/J|W) is negative/],
  ])('%s', async (name, patch, re) => {
    const f = join(tmp, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(f, JSON.stringify(profitDoc({ ...H100_LLAMA8B, ...patch } as typeof H100_LLAMA8B)));
    await bad(['--results', f, '--power-price', '0.05'], re);
  });
});
