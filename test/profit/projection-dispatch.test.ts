/**
 * Projections that behave like operators (issue 22 item 3): a miner is off in every month whose
 * revenue is below its power cost, the energy is not bought (or, with a sale price, resold), and
 * firm AI load keeps running. With an hourly price profile it runs only in the hours its revenue
 * per kWh beats the price. Hand-computed case:
 *
 *   Antminer S21: 200 TH/s, 3,500 W; PUE 1, uptime 1, pool fee 0, fees 0; D = 100 T, subsidy 3.125,
 *   BTC $100,000:  BTC/day = 200e12 × 86,400 × 3.125 / (100e12 × 2^32) = 0.000125728548
 *                  revenue = $12.572855/day; energy 3.5 kW × 24 h = 84 kWh at $0.12 = $10.08/day.
 *   Difficulty +10 %/month: revenue in month m = 12.572855 / 1.1^m
 *                  m = 0: 12.573, 1: 11.430, 2: 10.391 (above $10.08: on); 3: 9.446, 4: 8.587, 5: 7.807 (off).
 *   Per MW: 1e6 / 3,500 = 285.714 units; a month is 365.25 / 12 = 30.4375 days.
 */
import { describe, expect, it } from 'vitest';
import { projectMonths } from '../../src/profit/projection.js';
import { pricedRows, siteComparison, type ComparisonInput } from '../../src/profit/model.js';
import { findAsic } from '../../src/profit/asics.js';

const base: ComparisonInput = {
  hash: null,
  infer: null,
  lease: { usdPerKwMonth: 100, loadFraction: 1, powerPaidBy: 'site' },
  site: {
    powerPriceUsdPerKWh: 0.12,
    miningPue: 1,
    aiPue: 1,
    powerCapacityMW: 1,
    uptimeFraction: 1,
    utilizationFraction: 1,
    fixedOpexUsdPerMWYear: 0,
    gpu: { capexUsd: null, depreciationYears: 5, serverOverheadFactor: 1 },
    asics: [{ spec: findAsic('antminer-s21')!, capexUsd: 3540, depreciationYears: 3 }],
  },
  market: { btcPriceUsd: 100_000, difficulty: 100e12, subsidyBtc: 3.125, feesPerBlockBtc: 0, poolFeeFraction: 0, usdPerMTok: 0.18, usdPerGpuHour: null },
};
const UNITS = 1e6 / 3500;
const MONTH = 365.25 / 12;
const spec = { months: 6, startHeightBlocks: 900_000, difficultyGrowthPerMonth: 0.1, btcPrice: { growthPerMonth: 0 } };

describe('projections that behave like operators', () => {
  it('the S21 runs in months 1-3 and is off in months 4-6, when its revenue is below its $10.08/day of power', () => {
    const p = projectMonths(base, spec);
    const cell = (m: number) => p.months[m]!.perMW.find((c) => c.id === 'asic:antminer-s21')!;
    for (const m of [0, 1, 2]) {
      expect(cell(m).onFraction, `month ${m + 1}`).toBe(1);
      expect(cell(m).revenueUsd).toBeCloseTo((12.572855 / 1.1 ** m) * UNITS * MONTH, 0);
      expect(cell(m).energyCostUsd).toBeCloseTo(10.08 * UNITS * MONTH, 6); // $87,660 per MW-month
    }
    for (const m of [3, 4, 5]) {
      expect(cell(m).onFraction, `month ${m + 1}`).toBe(0);
      expect(cell(m).revenueUsd).toBe(0);
      expect(cell(m).energyCostUsd).toBe(0);
      // Off: no sales, no power bought, no opex here; the capex is still charged.
      expect(cell(m).cashUsd).toBe(0);
      expect(cell(m).marginUsd).toBeLessThan(0);
    }
    // The lease is firm load: it runs every month whatever the power price.
    for (const mo of p.months) expect(mo.perMW.find((c) => c.id === 'hosting-lease')!.onFraction).toBeNull();
  });

  it('always-on (the old behaviour) pays for the power in the loss-making months', () => {
    const on = projectMonths(base, { ...spec, dispatch: 'always-on' });
    const c = on.months[4]!.perMW.find((x) => x.id === 'asic:antminer-s21')!;
    // Month 5: revenue 12.572855 / 1.1^4 = $8.587429/day < $10.08 of power: a loss of $1.492571/day per unit.
    expect(c.cashUsd).toBeCloseTo((8.587429 - 10.08) * UNITS * MONTH, 0);
  });

  it('with a sale price above its revenue per kWh the miner stays off and sells the energy: 84 kWh × ($0.15 − $0.12)', () => {
    // Revenue per kWh 12.572855 / 84 = $0.149677 < $0.15: off from the first month; each unit's 84 kWh
    // is bought at $0.12 under the contract and resold at $0.15: $2.52/day.
    const p = projectMonths({ ...base, site: { ...base.site, powerSaleUsdPerKWh: 0.15 } }, spec);
    const c = p.months[0]!.perMW.find((x) => x.id === 'asic:antminer-s21')!;
    expect(c.onFraction).toBe(0);
    expect(c.revenueUsd).toBeCloseTo(2.52 * UNITS * MONTH, 6);
    expect(c.energyCostUsd).toBe(0);
  });

  it('an hourly price profile: on in the cheap half of the day, off in the dear half', () => {
    // Shape 0.5 × 12 h, 1.5 × 12 h around $0.12: $0.06 and $0.18/kWh. Revenue per kWh $0.149677 beats
    // $0.06, not $0.18: on half the time. Per unit: revenue 12.572855 / 2 = $6.286427; energy 42 kWh at
    // $0.06 = $2.52.
    const profile = [...Array<number>(12).fill(0.5), ...Array<number>(12).fill(1.5)];
    const s = pricedRows(siteComparison({ ...base, site: { ...base.site, powerPriceProfile: profile } }).rows).find((r) => r.id === 'asic:antminer-s21')!;
    expect(s.perUnit.dispatch!.onFraction).toBe(0.5);
    expect(s.perUnit.revenueUsdPerDay).toBeCloseTo(6.286427, 6);
    expect(s.perUnit.energyKWhPerDay).toBeCloseTo(42, 9);
    expect(s.perUnit.energyCostUsdPerDay).toBeCloseTo(2.52, 9);
    // The lease the site pays the power of takes the profile's mean: $0.12 × 1,000 kW × 24 h.
    const l = pricedRows(siteComparison({ ...base, site: { ...base.site, powerPriceProfile: profile } }).rows).find((r) => r.id === 'hosting-lease')!;
    expect(l.perMW.energyCostUsdPerDay).toBeCloseTo(2880, 9);
  });
});
