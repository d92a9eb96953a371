/**
 * The projection moves both sides: token and GPU-hour prices decline per year, utilization ramps,
 * fees grow, the halving comes with its estimated date, the lease stays at its contract price, and
 * every month's margin carries the depreciation of every use (capex parity over time).
 */
import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH, projectMonths, estimateDateOfHeight } from '../../src/profit/projection.js';
import { pricedRows, siteComparison, type ComparisonInput } from '../../src/profit/model.js';
import { findAsic } from '../../src/profit/asics.js';

const base: ComparisonInput = {
  hash: null,
  infer: { tokensPerSecond: 5000, powerW: 600 },
  rental: { gpu: 'H100', powerW: 700 },
  lease: { usdPerKwMonth: 121.53, loadFraction: 1, powerPaidBy: 'tenant' },
  site: {
    powerPriceUsdPerKWh: 0.05,
    miningPue: 1.05,
    aiPue: 1.25,
    powerCapacityMW: 10,
    uptimeFraction: 0.98,
    utilizationFraction: 0.8,
    fixedOpexUsdPerMWYear: 0,
    gpu: { capexUsd: 30_000, serverCapexUsd: 20_000, depreciationYears: 5, serverOverheadFactor: 1.85 },
    asics: [{ spec: findAsic('antminer-s21')!, capexUsd: 3540, depreciationYears: 3 }],
    retrofit: { capexUsdPerMW: 8e6, years: 12 },
  },
  market: { btcPriceUsd: 90_000, difficulty: 150e12, subsidyBtc: 3.125, feesPerBlockBtc: 0.02, poolFeeFraction: 0.02, usdPerMTok: 0.18, usdPerGpuHour: 2.65 },
};

const flat = { difficultyGrowthPerMonth: 0, btcPrice: { growthPerMonth: 0 } };

describe('symmetric projection', () => {
  it('token and GPU-hour prices decline per year, compounding by month; the lease does not move', () => {
    const p = projectMonths(base, { months: 25, startHeightBlocks: 900_000, ...flat, tokenPriceDeclinePerYear: 0.2, gpuHourPriceDeclinePerYear: 0.1 });
    expect(p.months[12]!.usdPerMTok).toBeCloseTo(0.18 * 0.8, 12);
    expect(p.months[24]!.usdPerMTok).toBeCloseTo(0.18 * 0.64, 12);
    expect(p.months[6]!.usdPerGpuHour).toBeCloseTo(2.65 * Math.sqrt(0.9), 12);
    const rev = (m: number, id: string) => p.months[m]!.perMW.find((c) => c.id === id)!.revenueUsd;
    expect(rev(12, 'gpu-inference-tokens') / rev(0, 'gpu-inference-tokens')).toBeCloseTo(0.8, 12);
    expect(rev(12, 'gpu-rental') / rev(0, 'gpu-rental')).toBeCloseTo(0.9, 12);
    expect(rev(24, 'hosting-lease')).toBe(rev(0, 'hosting-lease'));
  });

  it('utilization ramps linearly to its target over the ramp months', () => {
    const p = projectMonths(base, { months: 6, startHeightBlocks: 900_000, ...flat, utilizationRampMonths: 4 });
    expect(p.months.map((m) => m.utilizationFraction)).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 0.8, 0.8].map((x) => expect.closeTo(x, 12)));
  });

  it('fees grow per month and raise ASIC revenue by (S + F·g^m)/(S + F)', () => {
    const p = projectMonths(base, { months: 3, startHeightBlocks: 900_000, ...flat, feesGrowthPerMonth: 0.5 });
    expect(p.months[2]!.feesPerBlockBtc).toBeCloseTo(0.02 * 2.25, 12);
    const rev = (m: number) => p.months[m]!.perMW.find((c) => c.id === 'asic:antminer-s21')!.revenueUsd;
    expect(rev(2) / rev(0)).toBeCloseTo((3.125 + 0.045) / (3.125 + 0.02), 10);
  });

  it('the halving comes with its estimated date: 10-minute blocks from the start height and date', () => {
    const start = 1_050_000 - 144 * 100; // 100 days before the halving
    const p = projectMonths(base, { months: 5, startHeightBlocks: start, ...flat, startDateIso: '2027-01-01' });
    expect(p.halvings).toEqual([{ height: 1_050_000, estimatedDateIso: '2027-04-11' }]);
    expect(estimateDateOfHeight(start, '2027-01-01', 1_050_000)).toBe('2027-04-11');
  });

  it('each month\'s margin is the snapshot margin after capex (depreciation on every side) with nothing moving', () => {
    const p = projectMonths(base, { months: 2, startHeightBlocks: 900_000, ...flat });
    for (const row of pricedRows(siteComparison(base).rows)) {
      expect(row.perMW.depreciationUsdPerDay, row.id).toBeGreaterThan(0);
      expect(p.months[1]!.perMW.find((c) => c.id === row.id)!.marginUsd).toBeCloseTo(row.perMW.marginUsdPerDay! * DAYS_PER_MONTH, 6);
    }
    expect(p.bestUseId).toBe(pricedRows(siteComparison(base).rows).sort((a, b) => b.perMW.marginUsdPerDay! - a.perMW.marginUsdPerDay!)[0]!.id);
  });
});
