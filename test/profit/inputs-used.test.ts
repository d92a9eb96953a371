/**
 * The report's inputs table lists what the report used: no token price without an inference
 * row, no growth rates without a projection, no ASIC capex/depreciation without an ASIC row. With
 * those rows present they are listed with their provenance.
 */
import { describe, expect, it } from 'vitest';
import { buildProfitReport, resolveProfitInputs, type ProfitFlags } from '../../src/profit/index.js';

function inputs(flags: ProfitFlags, months = 0) {
  const r = resolveProfitInputs({ flags: { powerPrice: 0.05, ...flags }, profile: null, profileFile: null, measured: null, todayIso: '2026-11-22' });
  return Object.keys(buildProfitReport(r, { asOf: '2026-11-22', site: null, days: 1, months, sensitivity: false }).inputs);
}

describe('inputs listed in the report', () => {
  it('leaves out inputs no row or projection uses', () => {
    const k = inputs({ hashrate: 1e12, watts: 100, asic: ['none'] });
    for (const unused of ['usdPerMTok', 'utilizationFraction', 'difficultyGrowthPerMonth', 'btcPriceGrowthPerMonth', 'asicCapexUsdPerTH', 'asicDepreciationYears']) {
      expect(k, unused).not.toContain(unused);
    }
    for (const used of ['btcPriceUsd', 'difficulty', 'subsidyBtc', 'poolFeeFraction', 'powerPriceUsdPerKWh', 'hashesPerSecond', 'hashPowerW']) expect(k, used).toContain(used);
  });

  it('lists them when an inference row, an ASIC row and a projection use them', () => {
    const k = inputs({ hashrate: 1e12, tokensPerSecond: 10, watts: 100, asic: ['antminer-s21'] }, 2);
    for (const used of ['usdPerMTok', 'utilizationFraction', 'difficultyGrowthPerMonth', 'btcPriceGrowthPerMonth', 'asicCapexUsdPerTH', 'asicDepreciationYears']) {
      expect(k, used).toContain(used);
    }
  });
});
