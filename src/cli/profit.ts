/**
 * `joulebench profit`: what each use of a site's power earns, from measured numbers, and which use
 * to choose. I/O lives here (site files, result files); the model is pure (src/profit/).
 */
import type { Command } from 'commander';
import { rethrowAsUsage, UsageError } from '../util/errors.js';
import { readResult } from '../results/files.js';
import { numberArg, percentHint, parseNumberFlag, printJson, warn } from './common.js';
import { OPEX_KINDS, type OpexKind, buildProfitReport, formatProfitReport, InputError, isCalendarDate, resolveProfitInputs, type ProfitFlags, type ProfitReport } from '../profit/index.js';
import { readSiteProfile } from '../profit/site-file.js';
import { measuredFromResult } from '../run/economics.js';

export { parseSiteText, readSiteProfile } from '../profit/site-file.js';
/** How a result document's figures become the model's inputs (src/run/economics.ts). */
export { measuredFromResult, profitForDoc, profitMeasurementForDoc } from '../run/economics.js';

function positive(flag: string) {
  return (raw: string) => {
    const v = parseNumberFlag(flag, raw, { min: 0 });
    if (v <= 0) throw new UsageError(`${flag} ${raw}: must be > 0`);
    return v;
  };
}

function pricePath(raw: string): number[] {
  const parts = raw.split(',').map((x) => x.trim());
  if (!parts.length || parts.some((x) => x === '')) throw new UsageError(`--btc-price-path '${raw}': must be comma-separated USD prices, e.g. 90000,95000,100000`);
  return parts.map((x) => positive('--btc-price-path')(x));
}

function paidBy(raw: string): 'site' | 'tenant' {
  if (raw !== 'site' && raw !== 'tenant') throw new UsageError(`--lease-power-paid-by '${raw}': must be site or tenant`);
  return raw;
}

/**
 * Parser of a repeatable `<kind>=<number>` flag (--opex-fixed, --opex-revenue-fraction): one use
 * kind per occurrence, accumulated into a record; bad input names the flag and the fix.
 */
export function kindValue(flag: string, bounds: { min: number; max: number }, example: string) {
  return (raw: string, prev: Partial<Record<OpexKind, number>> | undefined): Partial<Record<OpexKind, number>> => {
    const m = /^\s*([A-Za-z0-9_-]+)\s*=\s*(\S+)\s*$/.exec(raw);
    if (!m) throw new UsageError(`${flag} '${raw}': must be <kind>=<value>, e.g. ${flag} ${example} (kinds: ${OPEX_KINDS.join(', ')})`);
    const kind = m[1]! as OpexKind;
    if (!OPEX_KINDS.includes(kind)) throw new UsageError(`${flag} '${raw}': unknown use kind '${m[1]}'; one of: ${OPEX_KINDS.join(', ')}`);
    // Silently keeping the last of two values hides a typo in a long command: refuse it.
    if (prev?.[kind] !== undefined) throw new UsageError(`${flag} ${kind}= given twice (${kind}=${prev[kind]} and ${raw.trim()}): pass each kind once`);
    const v = Number(m[2]);
    const hint = bounds.min === 0 && bounds.max === 1 ? percentHint(m[2]!) : '';
    if (!Number.isFinite(v)) throw new UsageError(`${flag} '${raw}': the value after '=' must be a number, e.g. ${flag} ${example}${hint}`);
    if (v < bounds.min || v > bounds.max) throw new UsageError(`${flag} ${raw}: out of range, must be a number from ${bounds.min} to ${bounds.max}${hint}`);
    return { ...(prev ?? {}), [kind]: v };
  };
}

function nonEmpty(flag: string) {
  return (raw: string) => {
    if (!raw.trim()) throw new UsageError(`${flag} '': must name something (e.g. ${flag === '--price-gpu' ? "'NVIDIA H100 SXM'" : 'Llama-3.1-8B-Instruct'})`);
    return raw.trim();
  };
}

interface ProfitOpts extends ProfitFlags {
  site?: string;
  results?: string;
  json?: boolean;
  asOf?: string;
  days: number;
  months?: number;
  grid?: boolean;
  btcPricePath?: number[];
}

/** Flags that only shape a projection: refused without --months (they would be ignored). */
const PROJECTION_ONLY: [keyof ProfitOpts, string][] = [
  ['btcPricePath', '--btc-price-path'],
  ['difficultyGrowth', '--difficulty-growth'],
  ['btcPriceGrowth', '--btc-price-growth'],
  ['feesGrowth', '--fees-growth'],
  ['tokenPriceDeclinePerYear', '--token-price-decline-per-year'],
  ['gpuHourPriceDeclinePerYear', '--gpu-hour-price-decline-per-year'],
  ['utilizationRampMonths', '--utilization-ramp-months'],
];

/** Checks across flags, before any file is read. */
function validateOpts(opts: ProfitOpts): string {
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !isCalendarDate(asOf)) throw new UsageError(`--as-of '${asOf}': must be a real date YYYY-MM-DD`);
  if (opts.subsidy !== undefined && opts.height !== undefined) throw new UsageError('--subsidy and --height both given: pass one (the height determines the subsidy)');
  if (!opts.months) {
    const given = PROJECTION_ONLY.filter(([k]) => opts[k] !== undefined).map(([, f]) => f);
    if (given.length) throw new UsageError(`${given[0]} needs --months <n>: it shapes the projection, and without one it would be ignored`);
  } else if (opts.btcPricePath && opts.btcPricePath.length > opts.months) {
    throw new UsageError(`--btc-price-path has ${opts.btcPricePath.length} prices for --months ${opts.months}: the last ${opts.btcPricePath.length - opts.months} would be ignored; pass at most ${opts.months}`);
  }
  if (opts.btcPricePath && opts.btcPriceGrowth !== undefined) throw new UsageError('--btc-price-path and --btc-price-growth both given: the path sets every month; pass one');
  if (opts.asic && opts.asic.includes('none') && opts.asic.length > 1) {
    throw new UsageError(`--asic ${opts.asic.join(' ')}: 'none' cannot be combined with ASIC ids; pass either --asic none or the ids`);
  }
  return asOf;
}

/** Run the profit command with parsed options; returns the report (also printed). */
export function runProfit(opts: ProfitOpts): ProfitReport {
  const asOf = validateOpts(opts);
  const profile = opts.site ? readSiteProfile(opts.site) : null;
  const warnings: string[] = [];
  const measured = opts.results ? measuredFromResult(readResult(opts.results), opts.results, warnings) : null;
  const { site: _site, results: _results, json: _json, asOf: _asOf, days: _days, months: _months, grid: _grid, btcPricePath: _path, ...flags } = opts;
  let report: ProfitReport;
  try {
    const resolved = resolveProfitInputs({ flags, profile, profileFile: opts.site ?? null, measured, todayIso: asOf });
    resolved.warnings.unshift(...warnings);
    report = buildProfitReport(resolved, {
      asOf,
      site: profile && opts.site ? { name: profile.name, file: opts.site } : null,
      days: opts.days,
      months: opts.months ?? 0,
      sensitivity: Boolean(opts.grid),
      ...(opts.btcPricePath ? { btcPricePathUsd: opts.btcPricePath } : {}),
    });
    if (opts.btcPricePath) {
      report.inputs.btcPricePathUsd = { value: null, unit: `USD/BTC per month: ${opts.btcPricePath.join(', ')}`, provenance: { kind: 'flag', flag: '--btc-price-path' } };
    }
  } catch (err) {
    rethrowAsUsage(err, InputError, RangeError);
  }
  for (const w of report.warnings) warn(w);
  if (opts.json) printJson(report);
  else process.stdout.write(formatProfitReport(report));
  return report;
}

/** Register the site and market options shared by `profit` and `report --site` (re-pricing). */
export function addMarketOptions(cmd: Command): Command {
  return cmd
    .option('--btc-price <USD>', 'BTC price, USD', positive('--btc-price'))
    .option('--difficulty <D>', 'network difficulty', positive('--difficulty'))
    .option('--fees-per-block <BTC>', 'average transaction fees per block, BTC', numberArg('--fees-per-block', { min: 0, max: 50 }))
    .option('--height <n>', 'block height: sets the subsidy (Bitcoin Core GetBlockSubsidy) and the projection start', numberArg('--height', { min: 0, integer: true }))
    .option('--pool-fee <fraction>', 'pool fee as a fraction of revenue (0.02 = 2%)', numberArg('--pool-fee', { min: 0, max: 1 }))
    .option('--power-price <USD/kWh>', 'power price, USD/kWh', numberArg('--power-price', { min: 0, max: 5 }))
    .option('--usd-per-mtok <USD>', 'price per million output tokens, USD (for the site file\'s model, or --price-model)', numberArg('--usd-per-mtok', { min: 0, max: 1000 }))
    .option('--usd-per-gpu-hour <USD>', 'GPU-hour contract price, USD (for the site\'s GPU, or --price-gpu)', numberArg('--usd-per-gpu-hour', { min: 0, max: 1000 }))
    .option('--price-anyway', 'price measured rows whose model or GPU does not match their price (LOUDLY labelled)')
    .option('--current-use <id>', 'the use the site runs today, for the verdict (default: the reference ASIC)')
    .option('--discount-rate <fraction>', "cost of capital per year for the capital charge, NPV and IRR of every use kind without its own --discount-rate-kind (0.10 = 10 %; 0 = straight-line); replaces the site file's rates", numberArg('--discount-rate', { min: 0, max: 1 }))
    .option('--discount-rate-kind <kind=fraction>', `hurdle rate of one use kind, repeatable, e.g. gpu-rental=0.15 (kinds: ${OPEX_KINDS.join(', ')})`, kindValue('--discount-rate-kind', { min: 0, max: 1 }, 'gpu-rental=0.15'));
}

/** Register the `profit` command. */
export function registerProfit(program: Command): void {
  const cmd = program
    .command('profit')
    .description("What a site's power earns per MW — ASIC mining, GPU mining, GPU inference, GPU rental, a hosting lease — after capex, with a verdict and the source of every number")
    .option('--site <file>', 'site profile, JSON or YAML (examples: sites/); alone, it prices every use it can')
    .option('--results <result.json>', 'joulebench result file: measured hash rate, tokens/s (serving figure) and power')
    .option('--json', 'print only the JSON report on stdout')
    .option('--as-of <YYYY-MM-DD>', 'report date (default: today); shipped defaults older than 30 days are flagged');
  addMarketOptions(cmd)
    .option('--subsidy <BTC>', 'block subsidy, BTC (default: from --height)', numberArg('--subsidy', { min: 0, max: 50 }))
    .option('--hashrate <H/s>', 'mining hash rate of the device, H/s (overrides the result file)', numberArg('--hashrate', { min: 0 }))
    .option('--watts <W>', 'device power, W, where the result file has no measured energy (or without one)', positive('--watts'))
    .option('--days <n>', "also report totals over n days at today's inputs", numberArg('--days', { min: 0 }), 1)
    .option('--tokens-per-second <n>', 'inference output tokens/s (overrides the result file)', numberArg('--tokens-per-second', { min: 0 }))
    .option('--price-model <name>', 'the model --usd-per-mtok prices (e.g. Llama-3.1-8B-Instruct)', nonEmpty('--price-model'))
    .option('--price-model-params <n>', 'its parameter count (e.g. 8.03e9)', positive('--price-model-params'))
    .option('--price-gpu <name>', "the GPU --usd-per-gpu-hour and --gpu-capex-usd are for (e.g. 'NVIDIA H100 SXM')", nonEmpty('--price-gpu'))
    .option('--gpu-capex-usd <USD>', 'GPU card price, USD (server share added from the shipped default fraction)', numberArg('--gpu-capex-usd', { min: 0, max: 1e6 }))
    .option('--utilization <fraction>', 'inference utilization, 0..1', numberArg('--utilization', { min: 0, max: 1 }))
    .option('--uptime <fraction>', 'mining availability outside curtailment, 0..1', numberArg('--uptime', { min: 0, max: 1 }))
    .option('--pue <ratio>', 'PUE for both halls (overrides the site file)', numberArg('--pue', { min: 1, max: 3 }))
    .option('--capacity-mw <MW>', 'site power capacity, MW', positive('--capacity-mw'))
    .option('--asic <id...>', "reference ASICs to compare ('none' for no ASIC rows)")
    .option('--lease-usd-per-kw-month <USD>', 'colocation lease price per kW of IT per month', numberArg('--lease-usd-per-kw-month', { min: 0, max: 10_000 }))
    .option('--lease-load-fraction <fraction>', 'average tenant draw as a fraction of site power (when the site pays the power)', numberArg('--lease-load-fraction', { min: 0, max: 1 }))
    .option('--lease-power-paid-by <who>', 'who pays the lease power: site or tenant', paidBy)
    .option('--retrofit-capex-usd-per-mw <USD>', 'AI-hall retrofit capex per MW of IT', numberArg('--retrofit-capex-usd-per-mw', { min: 0, max: 1e9 }))
    .option('--retrofit-years <n>', 'retrofit depreciation life, years', numberArg('--retrofit-years', { min: 0.1, max: 50 }))
    .option('--curtailment-hours <h>', 'grid curtailment hours per year (interruptible uses stop)', numberArg('--curtailment-hours', { min: 0, max: 8760 }))
    .option('--curtailment-credit <USD/MWh>', 'credit per MWh not drawn during curtailment', numberArg('--curtailment-credit', { min: 0, max: 100_000 }))
    .option('--months <n>', 'project over n months (both sides: difficulty, fees, halving, BTC price; token and GPU-hour prices, utilization)', numberArg('--months', { min: 0, max: 600, integer: true }))
    .option('--difficulty-growth <fraction>', 'difficulty growth per month for --months (0.03 = 3%)', numberArg('--difficulty-growth', { min: -0.5, max: 1 }))
    .option('--btc-price-growth <fraction>', 'BTC price growth per month for --months (0 = flat)', numberArg('--btc-price-growth', { min: -0.5, max: 1 }))
    .option('--btc-price-path <USD,...>', 'BTC price per projected month, comma-separated (last value repeats); needs --months', pricePath)
    .option('--fees-growth <fraction>', 'fees per block growth per month for --months', numberArg('--fees-growth', { min: -0.5, max: 1 }))
    .option('--token-price-decline-per-year <fraction>', 'token price decline per year for --months (0.07 = −7 %/year)', numberArg('--token-price-decline-per-year', { min: -1, max: 0.99 }))
    .option('--gpu-hour-price-decline-per-year <fraction>', 'GPU-hour price decline per year for --months', numberArg('--gpu-hour-price-decline-per-year', { min: -1, max: 0.99 }))
    .option('--utilization-ramp-months <n>', 'months for utilization to ramp linearly to its target (--months)', numberArg('--utilization-ramp-months', { min: 0, max: 120 }))
    .option('--grid', 'sensitivity grids: margin per MW over power price × BTC price and × token price')
    .option('--capex-budget-usd <USD>', 'capex the owner can spend on the whole site: the verdict picks the best use it allows, and the best split of the MW', numberArg('--capex-budget-usd', { min: 0, max: 1e12 }))
    .option('--opex-fixed <kind=USD>', `fixed opex of a use kind per MW of site power per year, repeatable (kinds: ${OPEX_KINDS.join(', ')})`, kindValue('--opex-fixed', { min: 0, max: 1e8 }, 'gpu-rental=150000'))
    .option('--opex-revenue-fraction <kind=fraction>', 'opex of a use kind as a share of its sales revenue, repeatable', kindValue('--opex-revenue-fraction', { min: 0, max: 1 }, 'hosting-lease=0.15'))
    .option('--power-sale-usd-per-kwh <USD>', 'price the site gets for energy its miners do not draw when they switch off (resold under its contract)', numberArg('--power-sale-usd-per-kwh', { min: 0, max: 5 }))
    .option('--construction-months <n>', 'whole months an AI-hall use is built before it earns (retrofit paid monthly, GPUs at commissioning, no revenue)', numberArg('--construction-months', { min: 0, max: 120, integer: true }))
    .option('--lease-retrofit-capex-usd-per-mw <USD>', "the lease's own retrofit capex per MW of IT (default: --retrofit-capex-usd-per-mw)", numberArg('--lease-retrofit-capex-usd-per-mw', { min: 0, max: 1e9 }))
    .option('--gpu-resale-fraction <fraction>', 'resale of a GPU card at the end of its life, as a fraction of its price', numberArg('--gpu-resale-fraction', { min: 0, max: 1 }))
    .option('--asic-resale-fraction <fraction>', 'resale of the ASIC fleet at the switch, as a fraction of its capex', numberArg('--asic-resale-fraction', { min: 0, max: 1 }))
    .option('--asic-resale-decline-per-year <fraction>', "fall of the ASIC fleet's resale over the coming year (keeping the fleet forgoes its resale and that fall)", numberArg('--asic-resale-decline-per-year', { min: 0, max: 1 }))
    .action((opts: ProfitOpts) => {
      runProfit(opts);
    });
}
