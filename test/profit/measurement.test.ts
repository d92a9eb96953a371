/**
 * The profit report as a results-schema measurement: valid against the schema, and the report
 * reader (src/report/rows.ts extractProfit) finds the same per-MW rows the model computed.
 */
import { describe, expect, it } from 'vitest';
import { buildProfitReport, pricedRows, profitMeasurement, resolveProfitInputs } from '../../src/profit/index.js';
import { measurementSchema } from '../../src/results/schema.js';
import { extractProfit } from '../../src/report/rows.js';

describe('profitMeasurement', () => {
  it('validates and round-trips its per-MW rows through the report reader', () => {
    const resolved = resolveProfitInputs({
      flags: { hashrate: 3.2e6, watts: 40, tokensPerSecond: 25, powerPrice: 0.05, btcPrice: 90_000, difficulty: 150e12, feesPerBlock: 0.02, height: 990_000 },
      profile: null,
      profileFile: null,
      measured: null,
      todayIso: '2026-11-22',
    });
    const rep = buildProfitReport(resolved, { asOf: '2026-11-22', site: null, days: 1, months: 0, sensitivity: false });
    const m = measurementSchema.parse(profitMeasurement(rep));
    expect(m.kind).toBe('profit');
    const block = extractProfit(m);
    expect(block).not.toBeNull();
    expect(block!.powerPriceUsdPerKWh).toBe(0.05);
    expect(block!.rows.map((r) => r.use)).toEqual(rep.rows.map((r) => r.id));
    for (const r of pricedRows(rep.rows)) {
      const got = block!.rows.find((x) => x.use === r.id)!;
      expect(got.profitUsdPerDay).toBeCloseTo(r.perMW.profitUsdPerDay, 6);
      expect(got.energyKWhPerDay).toBeCloseTo(r.perMW.energyKWhPerDay, 6);
    }
  });
});
