/**
 * The default sensitivity axes keep the site's own power price and BTC / token price exactly, so
 * one grid cell is the snapshot figure itself (not a value rounded to 4 digits next to it).
 */
import { describe, expect, it } from 'vitest';
import { buildProfitReport, pricedRows, resolveProfitInputs } from '../../src/profit/index.js';

describe('sensitivity grid centre', () => {
  it('contains the snapshot per-MW margin at the exact site power price and BTC / token price', () => {
    const flags = { hashrate: 1e15, watts: 3500, tokensPerSecond: 500, powerPrice: 0.04837, btcPrice: 89_316, usdPerMtok: 0.1837, difficulty: 148.2e12, feesPerBlock: 0.016, height: 900_000 };
    const r = resolveProfitInputs({ flags, profile: null, profileFile: null, measured: null, todayIso: '2026-11-22' });
    const rep = buildProfitReport(r, { asOf: '2026-11-22', site: null, days: 1, months: 0, sensitivity: true });
    expect(rep.sensitivity!.length).toBeGreaterThanOrEqual(2);
    for (const g of rep.sensitivity!) {
      const i = g.rows.values.indexOf(0.04837);
      const centre = g.cols.name === 'btcPriceUsd' ? 89_316 : 0.1837;
      const j = g.cols.values.indexOf(centre);
      expect(i, `${g.optionId} power axis ${g.rows.values}`).toBeGreaterThanOrEqual(0);
      expect(j, `${g.optionId} ${g.cols.name} axis ${g.cols.values}`).toBeGreaterThanOrEqual(0);
      const row = pricedRows(rep.rows).find((x) => x.id === g.optionId)!;
      expect(g.cells[i]![j]).toBeCloseTo(row.perMW.marginUsdPerYear!, 6);
      // Axes are sorted ascending, no duplicates.
      expect([...g.cols.values].sort((a, b) => a - b)).toEqual(g.cols.values);
      expect(new Set(g.cols.values).size).toBe(g.cols.values.length);
    }
  });
});
