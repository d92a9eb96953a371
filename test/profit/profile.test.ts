/**
 * Site profiles: the shipped examples validate and give a source and a date for every number;
 * bad profiles fail with one line naming the field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { profileNumbers, validateSiteProfile } from '../../src/profit/profile.js';

const sitesDir = join(import.meta.dirname, '..', '..', 'sites');
const shipped = readdirSync(sitesDir).filter((f) => /\.(json|ya?ml)$/.test(f));

function load(f: string): unknown {
  const text = readFileSync(join(sitesDir, f), 'utf8');
  return f.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

describe('shipped site profiles', () => {
  it('include the Boden (Sweden) and Paraguay hydro archetypes', () => {
    expect(shipped.some((f) => f.includes('boden'))).toBe(true);
    expect(shipped.some((f) => f.includes('paraguay'))).toBe(true);
  });

  it.each(shipped)('%s validates and every number has a source and a date', (f) => {
    const v = validateSiteProfile(load(f));
    if (!v.ok) throw new Error(`${f}: ${v.error}`);
    const nums = profileNumbers(v.profile);
    expect(nums.length).toBeGreaterThanOrEqual(10);
    for (const { field, num } of nums) {
      expect(num.source, `${f} ${field} source`).toMatch(/\S{3,}/);
      expect(num.date, `${f} ${field} date`).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
    }
  });
});

describe('bad profiles: one line naming the field', () => {
  const good = { name: 'x', asOf: '2026-11-22', powerCapacityMW: 10, powerPriceUsdPerKWh: 0.05, pue: { mining: 1.05, ai: 1.2 } };
  it.each([
    ['missing field', { ...good, powerPriceUsdPerKWh: undefined }, /^field 'powerPriceUsdPerKWh' is required$/],
    ['negative price', { ...good, powerPriceUsdPerKWh: -0.01 }, /^field 'powerPriceUsdPerKWh' must be ≥ 0/],
    ['negative price with source', { ...good, powerPriceUsdPerKWh: { value: -1, source: 's', date: '2024' } }, /^field 'powerPriceUsdPerKWh' must be ≥ 0/],
    ['PUE < 1', { ...good, pue: { mining: 0.95, ai: 1.2 } }, /^field 'pue.mining' must be ≥ 1/],
    ['utilization > 1', { ...good, inference: { utilizationFraction: 1.5 } }, /^field 'inference.utilizationFraction' must be ≤ 1/],
    ['misspelt key', { ...good, powerPriceUSDPerKWh: 0.05 }, /^unknown field 'powerPriceUSDPerKWh'/],
    ['unknown ASIC', { ...good, asic: { model: 's9' } }, /^field 'asic.model' unknown model; one of: antminer-s21/],
    ['bad date', { ...good, powerPriceUsdPerKWh: { value: 0.05, source: 's', date: 'July 2024' } }, /^field 'powerPriceUsdPerKWh.date' date must be/],
  ])('%s', (_name, doc, re) => {
    const v = validateSiteProfile(doc);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toMatch(re);
      expect(v.error).not.toContain('\n');
    }
  });
});
