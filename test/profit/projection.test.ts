/**
 * Projection over months: the 1,050,000 halving lands where 10-minute blocks put it, difficulty
 * compounds, a flat zero-growth projection equals the snapshot, and grids match the snapshot.
 */
import { describe, expect, it } from 'vitest';
import { projectMonths, DAYS_PER_MONTH } from '../../src/profit/projection.js';
import { pricedRows, siteComparison, type ComparisonInput } from '../../src/profit/model.js';
import { miningGrid, inferenceGrid } from '../../src/profit/sensitivity.js';
import { findAsic } from '../../src/profit/asics.js';

const base: ComparisonInput = {
  hash: null,
  infer: { tokensPerSecond: 1000, powerW: 700 },
  site: {
    powerPriceUsdPerKWh: 0.05,
    miningPue: 1.05,
    aiPue: 1.25,
    powerCapacityMW: 10,
    uptimeFraction: 0.97,
    utilizationFraction: 0.7,
    fixedOpexUsdPerMWYear: 50_000,
    gpu: { capexUsd: 30_000, depreciationYears: 5, serverOverheadFactor: 1 },
    asics: [{ spec: findAsic('antminer-s21')!, capexUsd: 3540, depreciationYears: 3 }],
  },
  market: { btcPriceUsd: 90_000, difficulty: 150e12, subsidyBtc: 3.125, feesPerBlockBtc: 0.02, poolFeeFraction: 0.02, usdPerMTok: 0.18, usdPerGpuHour: null },
};

describe('projectMonths', () => {
  it('puts the halving at block 1,050,000 and halves the subsidy after it', () => {
    const blocksPerMonth = 144 * DAYS_PER_MONTH; // 4,383
    const start = 1_050_000 - Math.round(2.5 * blocksPerMonth); // halving in the 3rd month
    // Always on: after the halving the S21 earns less than its power at $0.05/kWh, and an operator
    // would switch it off (profit-projection-dispatch.test.ts); here the revenue itself is checked.
    const p = projectMonths(base, { months: 5, startHeightBlocks: start, difficultyGrowthPerMonth: 0, btcPrice: { growthPerMonth: 0 }, dispatch: 'always-on' });
    expect(p.halvingsInWindow).toEqual([1_050_000]);
    const subs = p.months.map((m) => m.meanSubsidyBtc);
    expect(subs[0]).toBe(3.125);
    expect(subs[1]).toBe(3.125);
    expect(subs[2]).toBeGreaterThan(1.5625);
    expect(subs[2]).toBeLessThan(3.125);
    expect(subs[3]).toBe(1.5625);
    // ASIC revenue follows (S + F): month 4 vs month 1.
    const rev = (i: number) => p.months[i]!.perMW.find((c) => c.id === 'asic:antminer-s21')!.revenueUsd;
    expect(rev(3) / rev(0)).toBeCloseTo((1.5625 + 0.02) / (3.125 + 0.02), 10);
  });

  it('with no growth, every month equals the snapshot per-MW margin × days per month', () => {
    const p = projectMonths(base, { months: 3, startHeightBlocks: 900_000, difficultyGrowthPerMonth: 0, btcPrice: { growthPerMonth: 0 } });
    const snap = siteComparison(base);
    for (const m of p.months) {
      for (const row of pricedRows(snap.rows)) {
        expect(m.perMW.find((c) => c.id === row.id)!.marginUsd!).toBeCloseTo(row.perMW.marginUsdPerDay! * DAYS_PER_MONTH, 6);
      }
    }
    const tot = p.totalsPerMW.find((t) => t.id === 'gpu-inference-tokens')!;
    expect(tot.marginUsd!).toBeCloseTo(3 * pricedRows(snap.rows).find((r) => r.id === 'gpu-inference-tokens')!.perMW.marginUsdPerDay! * DAYS_PER_MONTH, 6);
  });

  it('compounds difficulty growth and follows an explicit price path', () => {
    const p = projectMonths(base, { months: 4, startHeightBlocks: 900_000, difficultyGrowthPerMonth: 0.03, btcPrice: { pathUsd: [90_000, 100_000] } });
    expect(p.months[3]!.difficulty).toBeCloseTo(150e12 * 1.03 ** 3, 0);
    expect(p.months.map((m) => m.btcPriceUsd)).toEqual([90_000, 100_000, 100_000, 100_000]);
    const btc = (i: number) => p.months[i]!.perMW.find((c) => c.id === 'asic:antminer-s21')!.btc!;
    expect(btc(2) / btc(1)).toBeCloseTo(1 / 1.03, 10);
  });
});

describe('sensitivity grids', () => {
  it('cells equal the snapshot per-MW margin at those inputs', () => {
    const g = miningGrid(base, 'asic:antminer-s21', [0.03, 0.05], [60_000, 90_000]);
    const snap = pricedRows(siteComparison(base).rows).find((r) => r.id === 'asic:antminer-s21')!;
    expect(g.cells[1]![1]!).toBeCloseTo(snap.perMW.marginUsdPerYear!, 6);
    expect(g.cells[0]![1]).toBeGreaterThan(g.cells[1]![1]!); // cheaper power, more margin
    expect(g.cells[1]![0]).toBeLessThan(g.cells[1]![1]!); // lower BTC price, less margin
    const ig = inferenceGrid(base, [0.05], [0.18, 0.36]);
    const tok = pricedRows(siteComparison(base).rows).find((r) => r.id === 'gpu-inference-tokens')!;
    expect(ig.cells[0]![0]!).toBeCloseTo(tok.perMW.marginUsdPerYear!, 6);
    expect(ig.cells[0]![1]).toBeGreaterThan(ig.cells[0]![0]!);
  });
});
