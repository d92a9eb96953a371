/**
 * Site profitability: what each use of a site's power earns, per device and per MW.
 *
 * Pure functions, no I/O. Inputs are plain numbers (their provenance is tracked by the caller,
 * see inputs.ts). Conventions:
 * - Device power `powerW` is IT power at the device (GPU board × server overhead, or ASIC wall).
 * - Site power = IT power × PUE of the hall (mining hall vs AI hall).
 * - "Per MW" means per MW of site power (IT + cooling/overhead): units per MW = 1e6 / (W × PUE).
 * - profit = revenue − energy cost (what mining calculators call profit; its break-even power
 *   price is Braiins' `fiat_break_even_electricity_price`). margin = profit − depreciation −
 *   fixed opex (the all-in figure).
 */
import { btcPerDay, hashpriceUsdPerPHDay, hashpriceUsdPerTHDay, networkHashrateHps, breakEvenBtcPriceUsd, type ChainState } from './mining.js';
import { asicJPerTH, type AsicSpec } from './asics.js';

const DAYS_PER_YEAR = 365;

/** Market inputs (prices and chain state). */
export interface MarketParams {
  btcPriceUsd: number;
  difficulty: number;
  subsidyBtc: number;
  feesPerBlockBtc: number;
  poolFeeFraction: number;
  /** Price per million output tokens, USD. */
  usdPerMTok: number;
  /** Contract price per GPU-hour, USD; null when not given (no GPU-hour row). */
  usdPerGpuHour: number | null;
}

/** Capex of one device and its straight-line depreciation life. */
export interface CapexSpec {
  capexUsd: number | null;
  depreciationYears: number;
}

/** An ASIC to compare against, with its capex terms. */
export interface SiteAsic extends CapexSpec {
  spec: AsicSpec;
}

/** Site inputs. */
export interface SiteParams {
  powerPriceUsdPerKWh: number;
  /** PUE of the mining hall (≥ 1). */
  miningPue: number;
  /** PUE of the AI hall (≥ 1). */
  aiPue: number;
  /** Site power capacity, MW (for site totals). */
  powerCapacityMW: number;
  /** Mining uptime fraction (curtailment): miners draw no power while down. */
  uptimeFraction: number;
  /** Inference utilization: fraction of time the GPU serves paid tokens / is rented. */
  utilizationFraction: number;
  fixedOpexUsdPerMWYear: number;
  /** Per-GPU capex terms (the measured GPU). */
  gpu: CapexSpec & { serverOverheadFactor: number };
  asics: SiteAsic[];
}

/** A measured (or stated) mining figure for the GPU. */
export interface HashFigure {
  hashesPerSecond: number;
  /** GPU power while hashing, W (before server overhead). */
  powerW: number;
  /**
   * Server overhead for this figure's power, overriding `site.gpu.serverOverheadFactor` (1 when
   * the power was measured at the wall, which already includes the server).
   */
  serverOverheadFactor?: number;
}

/** A measured (or stated) inference figure for the GPU. */
export interface InferFigure {
  tokensPerSecond: number;
  /** GPU power while decoding, W (before server overhead). */
  powerW: number;
  /** Server overhead for this figure's power, overriding `site.gpu.serverOverheadFactor` (see HashFigure). */
  serverOverheadFactor?: number;
}

/** What a device does with its power. */
export type OptionKind = 'gpu-mining' | 'gpu-inference-tokens' | 'gpu-inference-hourly' | 'asic-mining';

/** Economics of one device, per day unless named otherwise. */
export interface UnitEconomics {
  /** Device IT power, W. */
  powerW: number;
  /** Site power per device incl. PUE, W. */
  sitePowerW: number;
  /** Fraction of the day the device draws `powerW`. */
  dutyFraction: number;
  btcPerDay: number | null;
  revenueUsdPerDay: number;
  energyKWhPerDay: number;
  energyCostUsdPerDay: number;
  /** revenue − energy cost. */
  profitUsdPerDay: number;
  profitUsdPerYear: number;
  depreciationUsdPerDay: number | null;
  fixedOpexUsdPerDay: number;
  /** profit − depreciation − fixed opex (depreciation 0 when capex is unknown). */
  marginUsdPerDay: number;
  marginUsdPerYear: number;
  /** Power price at which profit = 0 (energy only). */
  breakEvenUsdPerKWh: number;
  /** Power price at which margin = 0 (after depreciation and fixed opex); may be negative. */
  breakEvenAllInUsdPerKWh: number;
  /** BTC price at which profit = 0 (mining only). */
  breakEvenBtcPriceUsd: number | null;
  capexUsd: number | null;
  /** capex / (revenue − energy − fixed opex); null when capex unknown or never paid back. */
  paybackDays: number | null;
}

/** One comparison row: a way to use the site's power. */
export interface ComparisonRow {
  id: string;
  kind: OptionKind;
  label: string;
  hall: 'mining' | 'ai';
  /** Efficiency in the row's native unit: J/TH for mining, J/token for inference. */
  efficiency: { value: number; unit: 'J/TH' | 'J/token' } | null;
  /** Devices per MW of site power. */
  unitsPerMW: number;
  perUnit: UnitEconomics;
  perMW: UnitEconomics;
  /** Whole site: perMW × powerCapacityMW. */
  site: UnitEconomics;
  notes: string[];
}

/** Input to siteComparison(). */
export interface ComparisonInput {
  hash: HashFigure | null;
  infer: InferFigure | null;
  site: SiteParams;
  market: MarketParams;
}

/** Result of siteComparison(). */
export interface Comparison {
  chain: ChainState;
  btcPriceUsd: number;
  hashpriceUsdPerTHDay: number;
  hashpriceUsdPerPHDay: number;
  networkHashrateHps: number;
  rows: ComparisonRow[];
}

interface UnitInput {
  powerW: number;
  pue: number;
  dutyFraction: number;
  revenueUsdPerDay: number;
  btcPerDay: number | null;
  btcPriceUsd: number | null;
  capex: CapexSpec;
}

/** Economics of one device at a site. Exported for tests and for custom rows. */
export function unitEconomics(u: UnitInput, site: Pick<SiteParams, 'powerPriceUsdPerKWh' | 'fixedOpexUsdPerMWYear'>): UnitEconomics {
  const sitePowerW = u.powerW * u.pue;
  const energyKWhPerDay = (sitePowerW / 1000) * 24 * u.dutyFraction;
  const energyCostUsdPerDay = energyKWhPerDay * site.powerPriceUsdPerKWh;
  const profitUsdPerDay = u.revenueUsdPerDay - energyCostUsdPerDay;
  const depreciationUsdPerDay = u.capex.capexUsd === null ? null : u.capex.capexUsd / (u.capex.depreciationYears * DAYS_PER_YEAR);
  // Fixed opex is charged by site power (capacity held for the device), not by energy drawn.
  const fixedOpexUsdPerDay = ((site.fixedOpexUsdPerMWYear / DAYS_PER_YEAR) * sitePowerW) / 1e6;
  const marginUsdPerDay = profitUsdPerDay - (depreciationUsdPerDay ?? 0) - fixedOpexUsdPerDay;
  const breakEvenUsdPerKWh = energyKWhPerDay > 0 ? u.revenueUsdPerDay / energyKWhPerDay : Infinity;
  const breakEvenAllInUsdPerKWh =
    energyKWhPerDay > 0 ? (u.revenueUsdPerDay - (depreciationUsdPerDay ?? 0) - fixedOpexUsdPerDay) / energyKWhPerDay : Infinity;
  const cashPerDay = profitUsdPerDay - fixedOpexUsdPerDay;
  const paybackDays = u.capex.capexUsd !== null && cashPerDay > 0 ? u.capex.capexUsd / cashPerDay : null;
  return {
    powerW: u.powerW,
    sitePowerW,
    dutyFraction: u.dutyFraction,
    btcPerDay: u.btcPerDay,
    revenueUsdPerDay: u.revenueUsdPerDay,
    energyKWhPerDay,
    energyCostUsdPerDay,
    profitUsdPerDay,
    profitUsdPerYear: profitUsdPerDay * DAYS_PER_YEAR,
    depreciationUsdPerDay,
    fixedOpexUsdPerDay,
    marginUsdPerDay,
    marginUsdPerYear: marginUsdPerDay * DAYS_PER_YEAR,
    breakEvenUsdPerKWh,
    breakEvenAllInUsdPerKWh,
    breakEvenBtcPriceUsd: u.btcPerDay === null || u.btcPriceUsd === null ? null : breakEvenBtcPriceUsd(energyCostUsdPerDay, u.btcPerDay),
    capexUsd: u.capex.capexUsd,
    paybackDays,
  };
}

/** Scale the extensive quantities of a unit by `k` (k devices); intensive ones stay. */
export function scaleUnit(e: UnitEconomics, k: number): UnitEconomics {
  const m = (x: number | null) => (x === null ? null : x * k);
  return {
    ...e,
    powerW: e.powerW * k,
    sitePowerW: e.sitePowerW * k,
    btcPerDay: m(e.btcPerDay),
    revenueUsdPerDay: e.revenueUsdPerDay * k,
    energyKWhPerDay: e.energyKWhPerDay * k,
    energyCostUsdPerDay: e.energyCostUsdPerDay * k,
    profitUsdPerDay: e.profitUsdPerDay * k,
    profitUsdPerYear: e.profitUsdPerYear * k,
    depreciationUsdPerDay: m(e.depreciationUsdPerDay),
    fixedOpexUsdPerDay: e.fixedOpexUsdPerDay * k,
    marginUsdPerDay: e.marginUsdPerDay * k,
    marginUsdPerYear: e.marginUsdPerYear * k,
    capexUsd: m(e.capexUsd),
  };
}

function row(
  id: string,
  kind: OptionKind,
  label: string,
  hall: 'mining' | 'ai',
  efficiency: ComparisonRow['efficiency'],
  perUnit: UnitEconomics,
  site: SiteParams,
  notes: string[],
): ComparisonRow {
  const unitsPerMW = 1e6 / perUnit.sitePowerW;
  const perMW = scaleUnit(perUnit, unitsPerMW);
  return { id, kind, label, hall, efficiency, unitsPerMW, perUnit, perMW, site: scaleUnit(perMW, site.powerCapacityMW), notes };
}

function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a finite number > 0, got ${v}`);
}

/**
 * Compare the uses of a site's power: GPU mining (measured hash rate), GPU inference (measured
 * tokens/s, priced per token and, when a contract price is given, per GPU-hour) and each
 * reference ASIC. Rows are per device, per MW of site power and for the whole site.
 */
export function siteComparison(input: ComparisonInput): Comparison {
  const { hash, infer, site, market } = input;
  checkPositive('difficulty', market.difficulty);
  if (site.miningPue < 1 || site.aiPue < 1) throw new RangeError('PUE must be ≥ 1');
  const chain: ChainState = { difficulty: market.difficulty, subsidyBtc: market.subsidyBtc, feesPerBlockBtc: market.feesPerBlockBtc };
  const terms = { poolFeeFraction: market.poolFeeFraction, uptimeFraction: site.uptimeFraction };
  const rows: ComparisonRow[] = [];
  const gpuCapex: CapexSpec = { capexUsd: site.gpu.capexUsd, depreciationYears: site.gpu.depreciationYears };
  const overheadOf = (f: HashFigure | InferFigure) => f.serverOverheadFactor ?? site.gpu.serverOverheadFactor;
  const noteOf = (overhead: number) => (overhead !== 1 ? [`GPU power × server overhead ${overhead}`] : []);

  if (hash) {
    checkPositive('GPU hash power (W)', hash.powerW);
    const overhead = overheadOf(hash);
    const overheadNote = noteOf(overhead);
    const btc = btcPerDay(hash.hashesPerSecond, chain, terms);
    const perUnit = unitEconomics(
      { powerW: hash.powerW * overhead, pue: site.miningPue, dutyFraction: site.uptimeFraction, revenueUsdPerDay: btc * market.btcPriceUsd, btcPerDay: btc, btcPriceUsd: market.btcPriceUsd, capex: gpuCapex },
      site,
    );
    const jPerTH = hash.hashesPerSecond > 0 ? (hash.powerW * overhead) / (hash.hashesPerSecond / 1e12) : Infinity;
    rows.push(row('gpu-mining', 'gpu-mining', 'GPU mining (SHA256d)', 'mining', { value: jPerTH, unit: 'J/TH' }, perUnit, site, [...overheadNote]));
  }
  if (infer) {
    checkPositive('GPU inference power (W)', infer.powerW);
    const overhead = overheadOf(infer);
    const overheadNote = noteOf(overhead);
    const powerW = infer.powerW * overhead;
    const jPerToken = infer.tokensPerSecond > 0 ? powerW / infer.tokensPerSecond : Infinity;
    // Energy is billed at load power for the whole day whatever the utilization: an upper
    // bound, since idle power was not measured (we do not guess it).
    const conservative = 'energy billed at measured load power 24 h/day (idle power not measured)';
    const revTok = infer.tokensPerSecond * 86_400 * site.utilizationFraction * (market.usdPerMTok / 1e6);
    rows.push(
      row(
        'gpu-inference-tokens',
        'gpu-inference-tokens',
        'GPU inference ($/Mtok)',
        'ai',
        { value: jPerToken, unit: 'J/token' },
        unitEconomics({ powerW, pue: site.aiPue, dutyFraction: 1, revenueUsdPerDay: revTok, btcPerDay: null, btcPriceUsd: null, capex: gpuCapex }, site),
        site,
        [conservative, ...overheadNote],
      ),
    );
    if (market.usdPerGpuHour !== null) {
      const revHour = market.usdPerGpuHour * 24 * site.utilizationFraction;
      rows.push(
        row(
          'gpu-inference-hourly',
          'gpu-inference-hourly',
          'GPU rental ($/GPU-h)',
          'ai',
          { value: jPerToken, unit: 'J/token' },
          unitEconomics({ powerW, pue: site.aiPue, dutyFraction: 1, revenueUsdPerDay: revHour, btcPerDay: null, btcPriceUsd: null, capex: gpuCapex }, site),
          site,
          [conservative, ...overheadNote],
        ),
      );
    }
  }
  for (const a of site.asics) {
    const btc = btcPerDay(a.spec.hashrateTHs * 1e12, chain, terms);
    const perUnit = unitEconomics(
      { powerW: a.spec.powerW, pue: site.miningPue, dutyFraction: site.uptimeFraction, revenueUsdPerDay: btc * market.btcPriceUsd, btcPerDay: btc, btcPriceUsd: market.btcPriceUsd, capex: a },
      site,
    );
    rows.push(
      row(`asic:${a.spec.id}`, 'asic-mining', `${a.spec.model} (reference ASIC)`, 'mining', { value: asicJPerTH(a.spec), unit: 'J/TH' }, perUnit, site, [
        `nameplate ${a.spec.hashrateTHs} TH/s at ${a.spec.powerW} W (${a.spec.source}, ${a.spec.date})`,
      ]),
    );
  }
  return {
    chain,
    btcPriceUsd: market.btcPriceUsd,
    hashpriceUsdPerTHDay: hashpriceUsdPerTHDay(chain, market.btcPriceUsd),
    hashpriceUsdPerPHDay: hashpriceUsdPerPHDay(chain, market.btcPriceUsd),
    networkHashrateHps: networkHashrateHps(market.difficulty),
    rows,
  };
}
