/**
 * A curtailment (demand-response) credit pays for load the site stops drawing when the grid asks.
 * A miner its operator has switched off (revenue below the power cost) draws nothing, so it has no
 * load to curtail and earns no credit: before this fix an "off" month still earned the full
 * credit (Boden, 500 h/year at $50/MWh: +$2,085 per MW-month while off).
 *
 * Hand computation: Antminer S21, 200 TH/s at 3,500 W, PUE 1, uptime 1, pool fee 0, fees 0,
 * D = 100 T, subsidy 3.125, BTC $100,000, power $0.12/kWh, curtailed 876 h/year credited $60/MWh:
 *   duty 1 − 876/8,760 = 0.9; revenue 200e12 × 86,400 × 3.125 / (100e12 × 2^32) × 100,000 × 0.9
 *   = $11.315570/day; energy 3.5 kW × 24 h × 0.9 = 75.6 kWh × $0.12 = $9.072/day;
 *   credit 876 h / 365 d × $60/MWh × 3.5 kW / 1,000 = $0.504/day.
 *   Difficulty +10 %/month: revenue / 1.1^m beats $9.072 for m = 0, 1, 2 (on), not for m = 3, 4, 5 (off).
 *   On: cash = 11.315570 / 1.1^m + 0.504 − 9.072; off: 0 (no sales, no power, no credit).
 *   Per MW: 1e6 / 3,500 units; a projection month is 365.25 / 12 days.
 */
import { describe, expect, it } from 'vitest';
import { projectMonths } from '../../src/profit/projection.js';
import type { ComparisonInput } from '../../src/profit/model.js';
import { findAsic } from '../../src/profit/asics.js';

const base: ComparisonInput = {
  hash: null,
  infer: null,
  lease: null,
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
    curtailment: { hoursPerYear: 876, creditUsdPerMWh: 60 },
  },
  market: { btcPriceUsd: 100_000, difficulty: 100e12, subsidyBtc: 3.125, feesPerBlockBtc: 0, poolFeeFraction: 0, usdPerMTok: 0.18, usdPerGpuHour: null },
};
const PER_MW_MONTH = (1e6 / 3500) * (365.25 / 12);

describe('curtailment credit and operator dispatch', () => {
  it('earned in the months the miner runs, not in the months it is off', () => {
    const p = projectMonths(base, { months: 6, startHeightBlocks: 900_000, difficultyGrowthPerMonth: 0.1, btcPrice: { growthPerMonth: 0 } });
    const cell = (m: number) => p.months[m]!.perMW.find((c) => c.id === 'asic:antminer-s21')!;
    for (const m of [0, 1, 2]) {
      expect(cell(m).onFraction, `month ${m + 1}`).toBe(1);
      expect(cell(m).cashUsd, `month ${m + 1}`).toBeCloseTo((11.31557 / 1.1 ** m + 0.504 - 9.072) * PER_MW_MONTH, 0);
    }
    for (const m of [3, 4, 5]) {
      expect(cell(m).onFraction, `month ${m + 1}`).toBe(0);
      expect(cell(m).revenueUsd, `month ${m + 1}`).toBe(0);
      expect(cell(m).cashUsd, `month ${m + 1}`).toBe(0);
    }
  });
});
