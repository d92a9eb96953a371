/**
 * `joulebench profit` end to end: JSON fields, provenance of every input, result files with and
 * without measured energy, and bad profiles exiting 2 with one line naming the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const cli = (args: string[]) => runCliInProcess(['profit', ...args], { cwd: ROOT });

const tmp = mkdtempSync(join(tmpdir(), 'jb-profit-'));

function resultDoc(measurements: unknown[]) {
  const t = '2026-11-22T10:00:00.000Z';
  return {
    schemaVersion: '1.0',
    tool: { name: 'joulebench', version: '0.1.0' },
    git: { sha: null, dirty: null },
    argv: [],
    startedAt: t,
    endedAt: t,
    complete: true,
    environment: {
      hostname: 'h',
      os: { platform: 'linux', release: 'x', distro: null, arch: 'x64' },
      cpu: { model: 'cpu', cores: 2 },
      memoryBytes: 1,
      node: 'v20',
      versions: { webgpu: null, onnxruntime: null },
      adapter: null,
    },
    measurements,
    warnings: [],
  };
}

const energyMeasured = (w: number) => ({
  measured: true,
  energyJ: w * 10,
  timeS: 10,
  avgPowerW: w,
  method: 'test',
  scope: 'gpu-board',
  meter: 'test',
  samples: 100,
  uncertaintyJ: null,
  complete: true,
});
const metric = (value: number, unit: string) => ({ value, unit, higherIsBetter: true, method: 'test' });

describe('joulebench profit', () => {
  it('--json with explicit overrides reproduces the Foundry 1 PH/s day and prints the required fields', async () => {
    const r = await cli([
      '--json', '--hashrate', '1e15', '--watts', '20000', '--power-price', '0.05', '--difficulty', '21448277761059',
      '--subsidy', '6.25', '--fees-per-block', '0', '--pool-fee', '0', '--btc-price', '28000', '--days', '14', '--asic', 'none',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['btcPerDay', 'revenueUsdPerDay', 'energyCostUsdPerDay', 'profitUsdPerDay', 'breakEvenUsdPerKWh', 'hashpriceUsdPerPHDay']) {
      expect(typeof j[k], k).toBe('number');
    }
    expect(j.btcPerDay.toFixed(7)).toBe('0.0058619');
    expect(j.energyCostUsdPerDay).toBeCloseTo(24, 10);
    expect(j.hashpriceUsdPerPHDay).toBeCloseTo(0.0058619 * 28000, 1);
    expect(j.period.profitUsd).toBeCloseTo(14 * j.profitUsdPerDay, 8);
    expect(j.inputs.difficulty.provenance).toEqual({ kind: 'flag', flag: '--difficulty' });
    expect(j.inputs.hashPowerW.provenance).toEqual({ kind: 'flag', flag: '--watts' });
    // every input says where it came from
    for (const [k, v] of Object.entries<{ provenance: { kind: string } }>(j.inputs)) {
      expect(['measured', 'site', 'flag', 'default', 'derived'], k).toContain(v.provenance.kind);
    }
  });

  it('--site with a shipped profile: site-file provenance with source and date; defaults dated', async () => {
    const r = await cli(['--json', '--site', 'sites/paraguay-yguazu.json', '--tokens-per-second', '1000', '--watts', '700', '--months', '30', '--height', '1000000', '--grid', '--btc-price-path', '80000,100000', '--as-of', '2026-11-22']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.powerPriceUsdPerKWh.provenance).toMatchObject({ kind: 'site', file: 'sites/paraguay-yguazu.json', field: 'powerPriceUsdPerKWh', date: '2024-07-09' });
    expect(j.inputs.btcPriceUsd.provenance.kind).toBe('default');
    expect(j.inputs.btcPriceUsd.provenance.date).toMatch(/^\d{4}/);
    expect(j.rows.map((x: { id: string }) => x.id)).toEqual(['asic:antminer-s21plus-hydro', 'gpu-inference-tokens', 'gpu-rental', 'hosting-lease']);
    expect(j.projection.halvingsInWindow).toEqual([1_050_000]);
    expect(j.projection.months.slice(0, 3).map((m: { btcPriceUsd: number }) => m.btcPriceUsd)).toEqual([80_000, 100_000, 100_000]);
    expect(j.inputs.btcPricePathUsd.provenance).toEqual({ kind: 'flag', flag: '--btc-price-path' });
    expect(j.sensitivity.length).toBe(2);
    expect(r.stderr).toMatch(/btcPriceUsd = 89316 USD\/BTC is a shipped default from 2025-12-14/);
  });

  it('--results: uses measured rates and power, marks them measured with their JSON path', async () => {
    const f = join(tmp, 'measured.json');
    writeFileSync(
      f,
      JSON.stringify(
        resultDoc([
          { id: 'hash.sha256d', kind: 'hash', status: 'complete', metrics: { hashesPerSecond: metric(3.2e6, 'H/s') }, energy: energyMeasured(40) },
          { id: 'infer.decode', kind: 'infer', status: 'complete', metrics: { decodeTokensPerSecond: metric(25, 'tokens/s') }, energy: energyMeasured(35) },
        ]),
      ),
    );
    const r = await cli(['--json', '--results', f, '--power-price', '0.05', '--btc-price', '90000', '--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.hashesPerSecond).toMatchObject({ value: 3.2e6, provenance: { kind: 'measured', file: f, path: 'measurements[0].metrics.hashesPerSecond.value' } });
    expect(j.inputs.hashPowerW).toMatchObject({ value: 40, provenance: { kind: 'measured', path: 'measurements[0].energy.avgPowerW' } });
    expect(j.inputs.inferPowerW).toMatchObject({ value: 35, provenance: { kind: 'measured', path: 'measurements[1].energy.avgPowerW' } });
    expect(j.energyCostUsdPerDay).toBeCloseTo((40 / 1000) * 24 * 0.05, 10);
    expect(j.subsidyBtc).toBe(3.125);
  });

  it('--results without measured energy: exit 2 asking for --watts; with --watts it runs and says so', async () => {
    const f = join(tmp, 'no-energy.json');
    writeFileSync(
      f,
      JSON.stringify(
        resultDoc([{ id: 'hash.sha256d', kind: 'hash', status: 'complete', metrics: { hashesPerSecond: metric(3.2e6, 'H/s') }, energy: { measured: false, reason: 'no meter' } }]),
      ),
    );
    const bad = await cli(['--results', f, '--power-price', '0.05']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/energy was not measured \(no meter\).*--watts/);
    const ok = await cli(['--json', '--results', f, '--power-price', '0.05', '--watts', '45', '--asic', 'none']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).inputs.hashPowerW.provenance).toEqual({ kind: 'flag', flag: '--watts' });
    expect(ok.stderr).toMatch(/energy not measured/);
  });

  it.each([
    ['missing field', { pue: { mining: 1.05, ai: 1.2 } }, "field 'powerPriceUsdPerKWh' is required"],
    ['negative price', { powerPriceUsdPerKWh: -0.02, pue: { mining: 1.05, ai: 1.2 } }, "field 'powerPriceUsdPerKWh' must be ≥ 0"],
    ['PUE < 1', { powerPriceUsdPerKWh: 0.04, pue: { mining: 1.05, ai: 0.9 } }, "field 'pue.ai' must be ≥ 1"],
    ['utilization > 1', { powerPriceUsdPerKWh: 0.04, pue: { mining: 1.05, ai: 1.2 }, inference: { utilizationFraction: 1.2 } }, "field 'inference.utilizationFraction' must be ≤ 1"],
  ])('bad profile (%s): exit 2, one line naming the field', async (_n, extra, msg) => {
    const f = join(tmp, `bad-${_n.replace(/\W+/g, '-')}.yaml`);
    const doc = { name: 'bad', asOf: '2026-11-22', powerCapacityMW: 5, ...extra };
    writeFileSync(f, Object.entries(doc).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
    const r = await cli(['--site', f, '--hashrate', '1e9', '--watts', '100']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`site file ${f}: ${msg}`);
  });
});
