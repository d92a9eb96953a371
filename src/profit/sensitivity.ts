/**
 * Sensitivity grids: margin per MW per year (after capex) over power price × BTC price (mining rows) and
 * power price × token price (per-token inference row). Each cell re-runs siteComparison() with
 * the two inputs replaced, so the grid and the snapshot share one model.
 */
import { siteComparison, type ComparisonInput } from './model.js';

/** One grid for one option. */
export interface SensitivityGrid {
  /** Row id from the comparison (e.g. "asic:antminer-s21", "gpu-inference-tokens"). */
  optionId: string;
  metric: 'marginUsdPerMWYear';
  rows: { name: 'powerPriceUsdPerKWh'; values: number[] };
  cols: { name: 'btcPriceUsd' | 'usdPerMTok'; values: number[] };
  /** cells[i][j] = metric at rows.values[i], cols.values[j] (null: capex unknown, no margin). */
  cells: (number | null)[][];
}

function grid(base: ComparisonInput, optionId: string, powerPrices: number[], colName: 'btcPriceUsd' | 'usdPerMTok', colValues: number[]): SensitivityGrid {
  const cells = powerPrices.map((p) =>
    colValues.map((c) => {
      const cmp = siteComparison({
        ...base,
        site: { ...base.site, powerPriceUsdPerKWh: p },
        market: { ...base.market, [colName]: c },
      });
      const r = cmp.rows.find((x) => x.id === optionId);
      if (!r || !r.priced) throw new RangeError(`no priced comparison row '${optionId}'`);
      return r.perMW.marginUsdPerYear;
    }),
  );
  return { optionId, metric: 'marginUsdPerMWYear', rows: { name: 'powerPriceUsdPerKWh', values: powerPrices }, cols: { name: colName, values: colValues }, cells };
}

/** Margin per MW-year over power price × BTC price for a mining row. */
export function miningGrid(base: ComparisonInput, optionId: string, powerPricesUsdPerKWh: number[], btcPricesUsd: number[]): SensitivityGrid {
  return grid(base, optionId, powerPricesUsdPerKWh, 'btcPriceUsd', btcPricesUsd);
}

/** Margin per MW-year over power price × token price for the per-token inference row. */
export function inferenceGrid(base: ComparisonInput, powerPricesUsdPerKWh: number[], usdPerMTok: number[]): SensitivityGrid {
  return grid(base, 'gpu-inference-tokens', powerPricesUsdPerKWh, 'usdPerMTok', usdPerMTok);
}

/** Default axis: the site value in a sorted, de-duplicated spread of multiples. */
export function axisAround(center: number, multiples: number[] = [0.5, 0.75, 1, 1.25, 1.5]): number[] {
  // The centre stays exact so one column is the snapshot itself; the others are rounded for labels.
  const vals = multiples.map((k) => (k === 1 ? center : Number((center * k).toPrecision(4))));
  return [...new Set(vals)].sort((a, b) => a - b);
}

/** Default power-price axis (USD/kWh): typical industrial range plus the site price. */
export function powerPriceAxis(siteUsdPerKWh: number): number[] {
  const vals = [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, siteUsdPerKWh];
  return [...new Set(vals)].sort((a, b) => a - b);
}
