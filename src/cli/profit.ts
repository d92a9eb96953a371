/**
 * `joulebench profit`: what each use of a site's power earns, from measured numbers.
 * I/O lives here (site files, result files); the model is pure (src/profit/).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { rethrowAsUsage, UsageError } from '../util/errors.js';
import { readResult } from '../report/results.js';
import type { ResultDoc } from '../report/schema.js';
import { numberArg, parseNumberFlag, printJson, warn } from './common.js';
import {
  buildProfitReport,
  formatProfitReport,
  InputError,
  resolveProfitInputs,
  validateSiteProfile,
  withoutSiteGpuPrices,
  type MeasuredInputs,
  type MeasuredRate,
  type ProfitFlags,
  type ProfitReport,
  type SiteProfile,
} from '../profit/index.js';

/** Parse site-profile text (JSON or YAML by extension; unknown extension: JSON, then YAML). */
export function parseSiteText(text: string, path: string): unknown {
  const ext = extname(path).toLowerCase();
  const oneLine = (m: string) => m.split('\n')[0]?.trim() ?? m;
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`site file ${path}: not valid JSON (${oneLine((err as Error).message)})`);
    }
  }
  try {
    return parseYaml(text, { prettyErrors: false });
  } catch (err) {
    throw new UsageError(`site file ${path}: not valid YAML (${oneLine((err as Error).message)})`);
  }
}

/** Read and validate a site profile file; UsageError (exit 2) with one line naming the field. */
export function readSiteProfile(path: string): SiteProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--site ${path}: cannot read site file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const v = validateSiteProfile(parseSiteText(text, path));
  if (!v.ok) throw new UsageError(`site file ${path}: ${v.error}`);
  return v.profile;
}

/** Pull the hash and inference figures (and their energy) out of a result document. */
export function measuredFromResult(doc: ResultDoc, file: string, warnings: string[]): MeasuredInputs {
  const pickRateOf = (kind: 'hash' | 'infer', preferId: string, metric: string): { rate: MeasuredRate; index: number } | null => {
    const idx = doc.measurements
      .map((m, i) => ({ m, i }))
      .filter(({ m }) => m.kind === kind && typeof m.metrics[metric]?.value === 'number')
      .sort((a, b) => Number(b.m.id === preferId) - Number(a.m.id === preferId));
    const hit = idx[0];
    if (!hit) return null;
    const { m, i } = hit;
    if (m.status !== 'complete') warnings.push(`${file}: ${m.id} has status '${m.status}'${m.reason ? ` (${m.reason})` : ''}; its figures are used as measured`);
    if (m.adapter?.isSoftware) warnings.push(`${file}: ${m.id} ran on a software adapter (${m.adapter.name}): CPU timings, not GPU figures`);
    const e = m.energy;
    const measured = e && e.measured === true;
    const rate: MeasuredRate = {
      value: m.metrics[metric]!.value as number,
      path: `measurements[${i}].metrics.${metric}.value`,
      powerW: measured ? e.avgPowerW : null,
      powerPath: measured ? `measurements[${i}].energy.avgPowerW` : null,
      energyReason: measured ? null : e && e.measured === false ? e.reason : 'no energy block in the measurement',
      scope: measured ? e.scope : null,
    };
    return { rate, index: i };
  };
  let softwareAdapter: string | null = null;
  const pickRate = (kind: 'hash' | 'infer', preferId: string, metric: string): MeasuredRate | null => {
    const r = pickRateOf(kind, preferId, metric);
    const a = r ? doc.measurements[r.index]?.adapter : undefined;
    if (a?.isSoftware) softwareAdapter = a.name;
    return r ? r.rate : null;
  };
  const hash = pickRate('hash', 'hash.sha256d', 'hashesPerSecond');
  const infer = pickRate('infer', 'infer.decode', 'decodeTokensPerSecond');
  if (!hash && !infer) {
    throw new UsageError(`--results ${file}: no hash (metrics.hashesPerSecond) or infer (metrics.decodeTokensPerSecond) measurement with a value`);
  }
  return { file, hash, infer, softwareAdapter };
}

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

/** Run the profit command with parsed options; returns the report (also printed). */
export function runProfit(opts: ProfitOpts): ProfitReport {
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) throw new UsageError(`--as-of '${asOf}': must be a date YYYY-MM-DD`);
  if (opts.subsidy !== undefined && opts.height !== undefined) throw new UsageError('--subsidy and --height both given: pass one (the height determines the subsidy)');
  let profile = opts.site ? readSiteProfile(opts.site) : null;
  const warnings: string[] = [];
  const measured = opts.results ? measuredFromResult(readResult(opts.results), opts.results, warnings) : null;
  // Figures measured on a software adapter (and not overridden by flags) say nothing about the
  // site's GPU: leave its contract price and capex out, as `joulebench run` does.
  const usesSoftware =
    measured?.softwareAdapter && ((measured.hash && opts.hashrate === undefined) || (measured.infer && opts.tokensPerSecond === undefined));
  if (profile && usesSoftware && measured?.softwareAdapter) {
    const stripped = withoutSiteGpuPrices(profile, measured.softwareAdapter);
    profile = stripped.profile;
    warnings.push(...stripped.warnings);
  }
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

/** Register the `profit` command. */
export function registerProfit(program: Command): void {
  program
    .command('profit')
    .description("What a site's power earns: GPU mining vs GPU inference vs reference ASICs, per device and per MW, with the source of every number")
    .option('--site <file>', 'site profile, JSON or YAML (examples: sites/)')
    .option('--results <result.json>', 'joulebench result file: measured hash rate, tokens/s and power')
    .option('--json', 'print only the JSON report on stdout')
    .option('--as-of <YYYY-MM-DD>', 'report date (default: today); shipped defaults older than 30 days are flagged')
    .option('--btc-price <USD>', 'BTC price, USD', positive('--btc-price'))
    .option('--difficulty <D>', 'network difficulty', positive('--difficulty'))
    .option('--fees-per-block <BTC>', 'average transaction fees per block, BTC', numberArg('--fees-per-block', { min: 0 }))
    .option('--subsidy <BTC>', 'block subsidy, BTC (default: from --height)', numberArg('--subsidy', { min: 0, max: 50 }))
    .option('--height <n>', 'block height: sets the subsidy (Bitcoin Core GetBlockSubsidy) and the projection start', numberArg('--height', { min: 0, integer: true }))
    .option('--pool-fee <fraction>', 'pool fee as a fraction of revenue (0.02 = 2%)', numberArg('--pool-fee', { min: 0, max: 1 }))
    .option('--hashrate <H/s>', 'mining hash rate of the device, H/s (overrides the result file)', numberArg('--hashrate', { min: 0 }))
    .option('--watts <W>', 'device power, W, where the result file has no measured energy (or without one)', positive('--watts'))
    .option('--power-price <USD/kWh>', 'power price, USD/kWh', numberArg('--power-price', { min: 0 }))
    .option('--days <n>', 'also report totals over n days at today\'s inputs', numberArg('--days', { min: 0 }), 1)
    .option('--tokens-per-second <n>', 'inference output tokens/s (overrides the result file)', numberArg('--tokens-per-second', { min: 0 }))
    .option('--usd-per-mtok <USD>', 'price per million output tokens, USD', numberArg('--usd-per-mtok', { min: 0 }))
    .option('--usd-per-gpu-hour <USD>', 'GPU-hour contract price, USD (adds a rental row)', numberArg('--usd-per-gpu-hour', { min: 0 }))
    .option('--utilization <fraction>', 'inference utilization, 0..1', numberArg('--utilization', { min: 0, max: 1 }))
    .option('--uptime <fraction>', 'mining uptime, 0..1', numberArg('--uptime', { min: 0, max: 1 }))
    .option('--pue <ratio>', 'PUE for both halls (overrides the site file)', numberArg('--pue', { min: 1 }))
    .option('--capacity-mw <MW>', 'site power capacity, MW', positive('--capacity-mw'))
    .option('--asic <id...>', "reference ASICs to compare ('none' for no ASIC rows)")
    .option('--months <n>', 'project over n months (difficulty growth, halvings, price path)', numberArg('--months', { min: 0, max: 600, integer: true }))
    .option('--difficulty-growth <fraction>', 'difficulty growth per month for --months (0.03 = 3%)', numberArg('--difficulty-growth', { min: -0.5, max: 1 }))
    .option('--btc-price-growth <fraction>', 'BTC price growth per month for --months (0 = flat)', numberArg('--btc-price-growth', { min: -0.5, max: 1 }))
    .option('--btc-price-path <USD,...>', 'BTC price per projected month, comma-separated (last value repeats); overrides --btc-price-growth', pricePath)
    .option('--grid', 'sensitivity grids: margin per MW over power price × BTC price and × token price')
    .action((opts: ProfitOpts) => {
      runProfit(opts);
    });
}
