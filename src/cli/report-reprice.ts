/**
 * `joulebench report <results...> --site <file> [--btc-price …]`: re-price stored results at a site
 * and today's market. Each result's hash and inference figures are priced again with the site file
 * and the market flags (the same rules as `joulebench profit`: a price is only for the model and GPU
 * it names), and the result's stored `profit.site` block is replaced in the report (the files on
 * disk are not touched). The re-priced block records the site file and the date.
 */
import { isCalendarDate, type ProfitFlags } from '../profit/index.js';
import type { LoadedResult } from '../report/rows.js';
import { UsageError } from '../util/errors.js';
import { warn } from './common.js';
import { readSiteProfile } from './profit.js';
import { profitMeasurementForDoc } from '../run/economics.js';

/** Options `report` takes for re-pricing (see addMarketOptions in profit.ts). */
export interface RepriceOptions extends ProfitFlags {
  site?: string;
  asOf?: string;
}

const MARKET_FLAGS: [keyof ProfitFlags, string][] = [
  ['btcPrice', '--btc-price'],
  ['difficulty', '--difficulty'],
  ['feesPerBlock', '--fees-per-block'],
  ['height', '--height'],
  ['poolFee', '--pool-fee'],
  ['powerPrice', '--power-price'],
  ['usdPerMtok', '--usd-per-mtok'],
  ['usdPerGpuHour', '--usd-per-gpu-hour'],
  ['priceAnyway', '--price-anyway'],
  ['currentUse', '--current-use'],
  ['discountRate', '--discount-rate'],
  ['discountRateKind', '--discount-rate-kind'],
];

/** Re-price every loaded result at `opts.site`; without --site, refuse market flags (they would be ignored). */
export function repriceResults(loaded: LoadedResult[], opts: RepriceOptions): LoadedResult[] {
  if (!opts.site) {
    const given = MARKET_FLAGS.filter(([k]) => opts[k] !== undefined).map(([, f]) => f);
    if (opts.asOf !== undefined) given.push('--as-of');
    if (given.length) throw new UsageError(`${given[0]} re-prices stored results and needs --site <file> (e.g. --site sites/boden-sweden.yaml)`);
    return loaded;
  }
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !isCalendarDate(asOf)) throw new UsageError(`--as-of '${asOf}': must be a real date YYYY-MM-DD`);
  const profile = readSiteProfile(opts.site);
  const flags: ProfitFlags = {};
  for (const [k] of MARKET_FLAGS) if (opts[k] !== undefined) (flags as Record<string, unknown>)[k] = opts[k];
  const warnings = new Set<string>();
  const out = loaded.map((l) => {
    const r = profitMeasurementForDoc(l.doc, l.path, { file: opts.site!, profile }, flags, asOf);
    if (!r) return l;
    for (const w of r.report.warnings) warnings.add(w);
    r.measurement.params.repriced = { siteFile: opts.site!, asOf };
    const measurements = [...l.doc.measurements.filter((m) => m.kind !== 'profit'), r.measurement];
    return { path: l.path, doc: { ...l.doc, measurements } };
  });
  for (const w of warnings) warn(w);
  return out;
}
