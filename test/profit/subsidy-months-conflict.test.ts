/**
 * A hand-set --subsidy has no block height, while the projection prices each month at the exact
 * subsidy of its blocks: combining the two would make month 1 disagree with the snapshot, so it
 * is refused (one line, exit 2), and --height drives both consistently.
 */
import { describe, expect, it } from 'vitest';
import { buildProfitReport, InputError, pricedRows, resolveProfitInputs } from '../../src/profit/index.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const base = { hashrate: 1e15, watts: 3500, powerPrice: 0.05, btcPrice: 90_000, difficulty: 150e12, feesPerBlock: 0.02, asic: ['none'] };

function report(flags: Record<string, unknown>, months: number) {
  const r = resolveProfitInputs({ flags: { ...base, ...flags }, profile: null, profileFile: null, measured: null, todayIso: '2026-11-22' });
  return buildProfitReport(r, { asOf: '2026-11-22', site: null, days: 1, months, sensitivity: false });
}

describe('--subsidy with --months', () => {
  it('is refused by the report builder, naming both flags and the fix', () => {
    expect(() => report({ subsidy: 1.5625 }, 2)).toThrow(InputError);
    expect(() => report({ subsidy: 1.5625 }, 2)).toThrow(/--subsidy cannot be combined with --months.*--height/);
    // Without a projection the hand-set subsidy is used as given.
    expect(report({ subsidy: 1.5625 }, 0).subsidyBtc).toBe(1.5625);
  });

  it('with --height instead, projection month 1 equals the snapshot (same subsidy)', () => {
    const rep = report({ height: 1_100_000, difficultyGrowth: 0, btcPriceGrowth: 0 }, 2);
    expect(rep.subsidyBtc).toBe(1.5625);
    const m0 = rep.projection!.months[0]!;
    expect(m0.meanSubsidyBtc).toBe(1.5625);
    const snap = pricedRows(rep.rows).find((r) => r.id === 'gpu-mining')!;
    const cell = m0.perMW.find((c) => c.id === 'gpu-mining')!;
    expect(cell.revenueUsd).toBeCloseTo(snap.perMW.revenueUsdPerDay * (365.25 / 12), 6);
  });

  it('CLI: exit 2 with one line', async () => {
    const r = await runCliInProcess(['profit', '--hashrate', '1e15', '--watts', '3500', '--power-price', '0.05', '--subsidy', '1.5625', '--months', '3'], { cwd: ROOT });
    expect(r.code).toBe(2);
    const errLines = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error'));
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/--subsidy cannot be combined with --months/);
    expect(r.stdout).toBe('');
  });
});
