/**
 * Wrap a profit report as a results-schema Measurement (kind "profit", id "profit.site"), so
 * `joulebench run` can store it next to the hash and inference measurements it was computed
 * from, and `joulebench report/compare` can read its per-MW rows (details.rows[].perMW).
 */
import type { Measurement } from '../results/schema.js';
import type { ProfitReport } from './report.js';

/** Build the "profit.site" measurement from a report. Infinity (never breaks even) serialises as null. */
export function profitMeasurement(rep: ProfitReport): Measurement {
  const price = rep.inputs.powerPriceUsdPerKWh?.value ?? null;
  return {
    id: 'profit.site',
    kind: 'profit',
    status: 'complete',
    params: {
      site: rep.site?.name ?? null,
      siteFile: rep.site?.file ?? null,
      powerPriceUsdPerKWh: price,
      asOf: rep.asOf,
    },
    metrics: {},
    details: JSON.parse(JSON.stringify(rep)) as Record<string, unknown>,
    warnings: [...rep.warnings],
  };
}
