/**
 * Dates in a site profile must be real calendar dates (a source dated 2024-13 or a profile as of
 * 2026-02-30 is a typo, not a date), and a non-finite number is reported as such, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { validateSiteProfile } from '../../src/profit/profile.js';

const good = { name: 'x', asOf: '2026-02-28', powerCapacityMW: 10, powerPriceUsdPerKWh: 0.05, pue: { mining: 1.05, ai: 1.2 } };

function err(doc: unknown): string {
  const v = validateSiteProfile(doc);
  if (v.ok) throw new Error('expected a validation error');
  return v.error;
}

describe('profile dates and numbers', () => {
  it('accepts real dates at year, month and day precision', () => {
    for (const date of ['2024', '2024-07', '2024-02-29']) {
      expect(validateSiteProfile({ ...good, powerPriceUsdPerKWh: { value: 0.05, source: 's', date } }).ok).toBe(true);
    }
  });

  it('rejects impossible dates, naming the field', () => {
    expect(err({ ...good, asOf: '2026-02-30' })).toBe("field 'asOf' must be a real date, YYYY-MM-DD");
    expect(err({ ...good, asOf: '2026-13-01' })).toMatch(/^field 'asOf' /);
    expect(err({ ...good, powerPriceUsdPerKWh: { value: 0.05, date: '2024-13' } })).toMatch(/^field 'powerPriceUsdPerKWh\.date' date must be a real date/);
    expect(err({ ...good, powerPriceUsdPerKWh: { value: 0.05, date: '2023-02-29' } })).toMatch(/^field 'powerPriceUsdPerKWh\.date' /);
  });

  it('names Infinity and NaN instead of printing null', () => {
    expect(err({ ...good, powerPriceUsdPerKWh: Infinity })).toBe("field 'powerPriceUsdPerKWh' must be a finite number, got Infinity");
    expect(err({ ...good, powerCapacityMW: NaN })).toBe("field 'powerCapacityMW' must be a finite number, got NaN");
  });
});
