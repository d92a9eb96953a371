/**
 * A site-file block that is not a mapping (`finance: 0.1`, an empty `opex:`, a list) is one line
 * naming the field and the shape it takes, like `pue` and `curtailment` already were; it was zod's
 * "Invalid input: expected object, received number" (no fix given).
 */
import { describe, expect, it } from 'vitest';
import { validateSiteProfile } from '../../src/profit/profile.js';

const base = { name: 'x', asOf: '2026-01-01', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.05, pue: { mining: 1, ai: 1 } };
const err = (extra: Record<string, unknown>) => {
  const v = validateSiteProfile({ ...base, ...extra });
  return v.ok ? 'ok' : v.error;
};

describe('site-file blocks of the wrong shape', () => {
  it('finance and opex (issue 22) name their shape', () => {
    expect(err({ finance: 0.1 })).toBe("field 'finance' must be {discountRate, discountRateByKind, capexBudgetUsd, constructionMonths, asicResaleFraction, asicResaleDeclinePerYear, gpuResaleFraction, powerSaleUsdPerKWh}");
    expect(err({ finance: null })).toMatch(/^field 'finance' must be \{discountRate, /);
    expect(err({ opex: 5 })).toBe("field 'opex' must be a map of use kind to {fixedUsdPerMWYear, revenueFraction} (kinds: asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease)");
    expect(err({ opex: ['gpu-rental'] })).toMatch(/^field 'opex' must be a map of use kind to /);
    expect(err({ opex: null })).toMatch(/^field 'opex' must be a map of use kind to /);
  });
  it('the other blocks too', () => {
    expect(err({ gpu: 'H100' })).toMatch(/^field 'gpu' must be \{name, powerW, /);
    expect(err({ asic: 'antminer-s21' })).toBe("field 'asic' must be {model, capexUsd, depreciationYears}");
    expect(err({ inference: 0.18 })).toMatch(/^field 'inference' must be \{usdPerMTok, /);
    expect(err({ hosting: [] })).toMatch(/^field 'hosting' must be \{leaseUsdPerKwMonth, /);
    expect(err({ market: 90000 })).toMatch(/^field 'market' must be \{btcPriceUsd, /);
    for (const e of [err({ finance: 1 }), err({ opex: 1 }), err({ market: 1 })]) expect(e).not.toMatch(/Invalid input|expected/);
  });
});
