/**
 * Hourly price profiles with negative hours (Nordic SE1 has them; the EU day-ahead floor is
 * −500 €/MWh): the site file accepts them. A miner runs in a negative hour — its revenue beats any
 * negative price, and it is paid to draw — and a negative hour sells nothing: energy is not bought
 * to be resold when the market pays to take it. (Before, the profile was refused; and a
 * switched-off miner would have "resold" energy bought at −3 ¢ for s + 3 ¢.)
 *
 * By hand: 1 MW of Antminer S21s (200 TH/s at 3,500 W, PUE 1, uptime 1, no pool fee), BTC $90,000,
 * D 150 T, subsidy 3.125 + fees 0.02: 200e12 × 86,400 × 3.145 / (150e12 × 2^32) = 8.4355474e-5 BTC
 * = $7.591993 a day per miner = $0.0903809 per kWh (84 kWh a day). 285.714 miners, 24,000 kWh a day.
 * Profile (USD/kWh): 4 hours at −0.03, 10 at 0.03, 10 at 0.114; mean 0.055 = the site's price.
 *   No sale price: on when 0.0903809 ≥ p: the 14 hours at −0.03 and 0.03; energy cost
 *     24,000 × (4 × −0.03 + 10 × 0.03) / 24 = $180.00/MW-day; sales 7.591993 × 285.714 × 14/24 = $1,265.33.
 *   Sale price $0.10/kWh: in hours ≥ 0 the miner runs only when it beats 0.10 (never), and resells
 *     max(0, 0.10 − p): 10 × 0.07 → 24,000 × 0.7 / 24 = $700.00/MW-day; in the 4 negative hours it runs
 *     (no resale): cost 24,000 × (4 × −0.03) / 24 = −$120.00 (paid), sales 7.591993 × 285.714 × 4/24 = $361.52.
 */
import { describe, expect, it } from 'vitest';
import { siteComparison, type ComparisonInput } from '../../src/profit/index.js';
import { findAsic } from '../../src/profit/asics.js';
import { validateSiteProfile } from '../../src/profit/profile.js';

const profile = [...Array(4).fill(-0.03), ...Array(10).fill(0.03), ...Array(10).fill(0.114)] as number[];
const input = (sale: number | null): ComparisonInput => ({
  hash: null,
  infer: null,
  site: {
    powerPriceUsdPerKWh: 0.055,
    miningPue: 1,
    aiPue: 1,
    powerCapacityMW: 1,
    uptimeFraction: 1,
    utilizationFraction: 1,
    fixedOpexUsdPerMWYear: 0,
    gpu: { capexUsd: null, depreciationYears: 5, serverOverheadFactor: 1 },
    asics: [{ spec: findAsic('antminer-s21')!, capexUsd: 3540, depreciationYears: 3 }],
    powerPriceProfile: profile,
    powerSaleUsdPerKWh: sale,
  },
  market: { btcPriceUsd: 90_000, difficulty: 150e12, subsidyBtc: 3.125, feesPerBlockBtc: 0.02, poolFeeFraction: 0, usdPerMTok: 0.18, usdPerGpuHour: null },
});
const s21 = (sale: number | null) => {
  const r = siteComparison(input(sale)).rows[0]!;
  if (!r.priced) throw new Error('not priced');
  return r.perMW;
};

describe('negative hourly prices', () => {
  it('the site file accepts them (down to −1 USD/kWh) when the mean is above 0', () => {
    const base = { name: 'se1', asOf: '2026-01-01', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.055, pue: { mining: 1, ai: 1 } };
    expect(validateSiteProfile({ ...base, powerPriceProfile: { hourlyUsdPerKWh: profile } }).ok).toBe(true);
    expect(validateSiteProfile({ ...base, powerPriceProfile: { hourlyUsdPerKWh: Array(24).fill(-0.01) } })).toEqual({ ok: false, error: "field 'powerPriceProfile.hourlyUsdPerKWh' must have a mean above 0 (the shape is scaled so its mean is powerPriceUsdPerKWh)" });
    expect(validateSiteProfile({ ...base, powerPriceProfile: { hourlyUsdPerKWh: [-2, ...Array(23).fill(0.1)] } })).toMatchObject({ ok: false, error: expect.stringMatching(/^field 'powerPriceProfile\.hourlyUsdPerKWh\.0' must be ≥ -1/) });
  });

  it('no sale price: the miner runs in the negative and cheap hours, paid in the negative ones', () => {
    const e = s21(null);
    expect(e.dispatch!.onFraction).toBeCloseTo(14 / 24, 12);
    expect(e.energyCostUsdPerDay).toBeCloseTo(180, 6);
    expect(e.revenueUsdPerDay).toBeCloseTo(1265.3321, 3);
  });

  it('a sale price: a negative hour sells nothing, so the miner runs in it and is paid to draw', () => {
    const e = s21(0.1);
    expect(e.dispatch!.onFraction).toBeCloseTo(4 / 24, 12);
    expect(e.dispatch!.powerSaleUsdPerDay).toBeCloseTo(700, 6);
    expect(e.energyCostUsdPerDay).toBeCloseTo(-120, 6);
    // Revenue = BTC sales in the 4 negative hours + the energy resold in the 10 hours at 0.03.
    expect(e.revenueUsdPerDay).toBeCloseTo(361.5235 + 700, 3);
    // Leaving the power unused resells the same 10 hours: 24,000 × 0.07 × 10 / 24 = $700/MW-day.
    expect(siteComparison(input(0.1)).idle.powerSaleUsdPerMWDay).toBeCloseTo(700, 6);
  });
});
