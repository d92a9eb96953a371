/**
 * Resolve every input of the profit model from, in order of precedence: a command-line flag, a
 * measured figure (result file), the site file, a shipped default. Each resolved number keeps its
 * provenance. Pure: the CLI reads the files and passes their contents in.
 */
import { DEFAULTS, DEFAULTS_COMPILED, daysBetween, estimateHeightOn, type DefaultName } from './defaults.js';
import { findAsic, REFERENCE_ASICS, type AsicSpec } from './asics.js';
import { blockSubsidyBtc } from './subsidy.js';
import { sourced, type Provenance, type Sourced } from './provenance.js';
import type { ProfileNumber, SiteProfile } from './profile.js';
import type { ComparisonInput, SiteAsic } from './model.js';

/** Explicit overrides (CLI flags). Undefined = not given. */
export interface ProfitFlags {
  btcPrice?: number;
  difficulty?: number;
  feesPerBlock?: number;
  subsidy?: number;
  height?: number;
  poolFee?: number;
  hashrate?: number;
  watts?: number;
  powerPrice?: number;
  tokensPerSecond?: number;
  usdPerMtok?: number;
  usdPerGpuHour?: number;
  utilization?: number;
  uptime?: number;
  pue?: number;
  capacityMw?: number;
  difficultyGrowth?: number;
  btcPriceGrowth?: number;
  /** Reference ASIC ids, or ['none']. */
  asic?: string[];
}

/** A figure measured by joulebench and read from a result file. */
export interface MeasuredRate {
  value: number;
  /** JSON path of the value in the result file. */
  path: string;
  /** Average power over the measurement, W; null when energy was not measured. */
  powerW: number | null;
  powerPath: string | null;
  /** Why energy is missing (from the result), when powerW is null. */
  energyReason: string | null;
  /** What the measured power covers (results schema energy.scope: gpu-board, cpu-package, wall, declared). */
  scope?: string | null;
}

/** What a result file contributed. */
export interface MeasuredInputs {
  file: string;
  hash: MeasuredRate | null;
  infer: MeasuredRate | null;
  /** Name of the software adapter (e.g. llvmpipe) the figures were measured on; null/absent for hardware. */
  softwareAdapter?: string | null;
}

/** Everything the resolver needs. */
export interface ResolveRequest {
  flags: ProfitFlags;
  profile: SiteProfile | null;
  profileFile: string | null;
  measured: MeasuredInputs | null;
  /** ISO date for "today" (default freshness and height estimate). */
  todayIso: string;
}

/** Resolved inputs: the model input plus every number with its provenance. */
export interface ResolvedInputs {
  comparison: ComparisonInput;
  /** Every input number by name, with unit and provenance. */
  inputs: Record<string, Sourced<number | null>>;
  heightBlocks: Sourced<number>;
  difficultyGrowthPerMonth: Sourced<number>;
  btcPriceGrowthPerMonth: Sourced<number>;
  asics: AsicSpec[];
  warnings: string[];
}

/** Thrown for inputs that cannot be resolved (missing power, unknown ASIC); the CLI maps it to exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function fromDefault(name: DefaultName, warnings: string[], todayIso: string): Sourced<number> {
  const d = DEFAULTS[name];
  if (d.market) {
    const age = daysBetween(d.date, todayIso);
    if (age > 30) warnings.push(`${name} = ${d.value} ${d.unit} is a shipped default from ${d.date} (${age} days old); pass the current figure as a flag or in the site file`);
  }
  return sourced(d.value, d.unit, { kind: 'default', source: d.source, date: d.date });
}

function fromSite(n: ProfileNumber, unit: string, file: string, field: string): Sourced<number> {
  const p: Provenance = { kind: 'site', file, field };
  if (n.source) p.source = n.source;
  if (n.date) p.date = n.date;
  return sourced(n.value, unit, p);
}

function fromFlag(v: number, unit: string, flag: string): Sourced<number> {
  return sourced(v, unit, { kind: 'flag', flag });
}

/** Resolve all inputs. Throws InputError naming the flag or field to fix. */
export function resolveProfitInputs(req: ResolveRequest): ResolvedInputs {
  const { flags, profile, measured, todayIso } = req;
  const file = req.profileFile ?? '(site)';
  const warnings: string[] = [];
  const inputs: Record<string, Sourced<number | null>> = {};

  /** flag > site > default (or device-level value without a site file). */
  const pick = (
    name: string,
    unit: string,
    flagVal: number | undefined,
    flagName: string,
    siteNum: ProfileNumber | undefined,
    siteField: string,
    fallback: (() => Sourced<number>) | DefaultName,
  ): Sourced<number> => {
    let s: Sourced<number>;
    if (flagVal !== undefined) s = fromFlag(flagVal, unit, flagName);
    else if (siteNum) s = fromSite(siteNum, unit, file, siteField);
    else if (typeof fallback === 'function') s = fallback();
    else s = fromDefault(fallback, warnings, todayIso);
    inputs[name] = s;
    return s;
  };
  const deviceLevel = (v: number, unit: string, what: string) => () =>
    sourced(v, unit, { kind: 'default', source: `no site file: device-level figure like a mining calculator (${what})`, date: DEFAULTS_COMPILED });

  const m = profile?.market;
  // --- market ---
  const btcPrice = pick('btcPriceUsd', 'USD/BTC', flags.btcPrice, '--btc-price', m?.btcPriceUsd, 'market.btcPriceUsd', 'btcPriceUsd');
  const difficulty = pick('difficulty', 'difficulty', flags.difficulty, '--difficulty', m?.difficulty, 'market.difficulty', 'difficulty');
  const fees = pick('feesPerBlockBtc', 'BTC/block', flags.feesPerBlock, '--fees-per-block', m?.feesPerBlockBtc, 'market.feesPerBlockBtc', 'feesPerBlockBtc');
  const poolFee = pick('poolFeeFraction', 'fraction', flags.poolFee, '--pool-fee', m?.poolFeeFraction, 'market.poolFeeFraction', 'poolFeeFraction');
  const height = pick('heightBlocks', 'block', flags.height, '--height', m?.heightBlocks, 'market.heightBlocks', () =>
    sourced(estimateHeightOn(todayIso), 'block', {
      kind: 'derived',
      from: ['halvingAnchorHeight'],
      note: `estimated for ${todayIso}: block 840,000 on 2024-04-20 + 144 blocks/day; pass --height for the real tip`,
    }),
  );
  let subsidy: Sourced<number>;
  if (flags.subsidy !== undefined) subsidy = fromFlag(flags.subsidy, 'BTC/block', '--subsidy');
  else subsidy = sourced(blockSubsidyBtc(height.value), 'BTC/block', { kind: 'derived', from: ['heightBlocks'], note: 'Bitcoin Core GetBlockSubsidy' });
  inputs.subsidyBtc = subsidy;
  const usdPerMTok = pick('usdPerMTok', 'USD/Mtok', flags.usdPerMtok, '--usd-per-mtok', profile?.inference?.usdPerMTok, 'inference.usdPerMTok', 'usdPerMTok');
  let usdPerGpuHour: Sourced<number> | null = null;
  if (flags.usdPerGpuHour !== undefined) usdPerGpuHour = fromFlag(flags.usdPerGpuHour, 'USD/GPU-hour', '--usd-per-gpu-hour');
  else if (profile?.inference?.usdPerGpuHour) usdPerGpuHour = fromSite(profile.inference.usdPerGpuHour, 'USD/GPU-hour', file, 'inference.usdPerGpuHour');
  if (usdPerGpuHour) inputs.usdPerGpuHour = usdPerGpuHour;
  const dGrowth = pick('difficultyGrowthPerMonth', 'fraction/month', flags.difficultyGrowth, '--difficulty-growth', m?.difficultyGrowthPerMonth, 'market.difficultyGrowthPerMonth', 'difficultyGrowthPerMonth');
  const pGrowth = pick('btcPriceGrowthPerMonth', 'fraction/month', flags.btcPriceGrowth, '--btc-price-growth', m?.btcPriceGrowthPerMonth, 'market.btcPriceGrowthPerMonth', 'btcPriceGrowthPerMonth');

  // --- site ---
  const noSite = profile === null;
  const powerPrice = pick('powerPriceUsdPerKWh', 'USD/kWh', flags.powerPrice, '--power-price', profile?.powerPriceUsdPerKWh, 'powerPriceUsdPerKWh', () => {
    throw new InputError('power price unknown: pass --power-price <USD/kWh> or --site <file> with powerPriceUsdPerKWh');
  });
  const miningPue = pick('miningPue', 'ratio', flags.pue, '--pue', profile?.pue.mining, 'pue.mining', deviceLevel(1, 'ratio', 'PUE 1'));
  const aiPue = pick('aiPue', 'ratio', flags.pue, '--pue', profile?.pue.ai, 'pue.ai', deviceLevel(1, 'ratio', 'PUE 1'));
  const capacity = pick('powerCapacityMW', 'MW', flags.capacityMw, '--capacity-mw', profile?.powerCapacityMW, 'powerCapacityMW', deviceLevel(1, 'MW', 'site totals for 1 MW'));
  const uptime = pick('uptimeFraction', 'fraction', flags.uptime, '--uptime', profile?.uptimeFraction, 'uptimeFraction', noSite ? deviceLevel(1, 'fraction', 'uptime 100%') : 'uptimeFraction');
  const util = pick('utilizationFraction', 'fraction', flags.utilization, '--utilization', profile?.inference?.utilizationFraction, 'inference.utilizationFraction', 'utilizationFraction');
  const opex = pick('fixedOpexUsdPerMWYear', 'USD/(MW·year)', undefined, '', profile?.fixedOpexUsdPerMWYear, 'fixedOpexUsdPerMWYear', 'fixedOpexUsdPerMWYear');
  const gpu = profile?.gpu;
  let gpuCapex: Sourced<number> | null = null;
  if (gpu?.capexUsd) gpuCapex = fromSite(gpu.capexUsd, 'USD', file, 'gpu.capexUsd');
  inputs.gpuCapexUsd = gpuCapex ?? sourced(null, 'USD', { kind: 'default', source: 'not given: GPU depreciation and payback left out (set gpu.capexUsd in the site file)', date: DEFAULTS_COMPILED });
  const gpuDep = pick('gpuDepreciationYears', 'years', undefined, '', gpu?.depreciationYears, 'gpu.depreciationYears', 'gpuDepreciationYears');
  const siteOverhead = pick('gpuServerOverheadFactor', 'ratio', undefined, '', gpu?.serverOverheadFactor, 'gpu.serverOverheadFactor', 'gpuServerOverheadFactor');

  // --- measured or stated device figures ---
  const sitePowerW = gpu?.powerW ? fromSite(gpu.powerW, 'W', file, 'gpu.powerW') : null;
  const device = (
    what: 'hash' | 'infer',
    rateName: string,
    rateUnit: string,
    flagRate: number | undefined,
    flagRateName: string,
    m: MeasuredRate | null,
  ): { rate: Sourced<number>; powerW: Sourced<number> } | null => {
    let rate: Sourced<number> | null = null;
    let power: Sourced<number> | null = null;
    let energyReason: string | null = null;
    if (flagRate !== undefined) rate = fromFlag(flagRate, rateUnit, flagRateName);
    else if (m && measured) {
      rate = sourced(m.value, rateUnit, { kind: 'measured', file: measured.file, path: m.path });
      if (m.powerW !== null && m.powerPath) power = sourced(m.powerW, 'W', m.scope === 'declared' ? { kind: 'declared', file: measured.file, path: m.powerPath } : { kind: 'measured', file: measured.file, path: m.powerPath });
      else energyReason = m.energyReason ?? 'energy not measured';
    }
    if (!rate) return null;
    if (!power && flags.watts !== undefined) power = fromFlag(flags.watts, 'W', '--watts');
    if (!power && sitePowerW) power = sitePowerW;
    if (!power) {
      const why = energyReason ? `the result's ${what} energy was not measured (${energyReason})` : `no power figure for the ${what} rate`;
      throw new InputError(`${why}: per-joule and per-MW figures need power; pass --watts <W> or set gpu.powerW in the site file`);
    }
    if (m && energyReason && power.provenance.kind !== 'measured' && power.provenance.kind !== 'declared') {
      warnings.push(`${what}: energy not measured in ${measured?.file} (${energyReason}); using ${power.value} W from ${power.provenance.kind === 'flag' ? '--watts' : 'the site file gpu.powerW'}`);
    }
    inputs[rateName] = rate;
    inputs[`${what}PowerW`] = power;
    return { rate, powerW: power };
  };
  const hash = device('hash', 'hashesPerSecond', 'H/s', flags.hashrate, '--hashrate', measured?.hash ?? null);
  const infer = device('infer', 'tokensPerSecond', 'tokens/s', flags.tokensPerSecond, '--tokens-per-second', measured?.infer ?? null);

  // A wall-scoped measurement already contains the whole server (host CPUs, fans, PSU losses):
  // adding the server overhead factor on top would count that power twice. Decided per figure:
  // only a power that was itself measured at the wall goes without overhead; a --watts or
  // gpu.powerW figure next to it is GPU power and still gets the site's factor.
  const wallSourced = (): Sourced<number> =>
    sourced(1, 'ratio', {
      kind: 'derived',
      from: ['energy.scope'],
      note: 'power measured at the wall (scope wall) already includes the whole server, so no server overhead is added',
    });
  const atWall = (d: typeof hash, m: MeasuredRate | null | undefined) => Boolean(d && m && m.scope === 'wall' && d.powerW.provenance.kind === 'measured');
  const hashAtWall = atWall(hash, measured?.hash);
  const inferAtWall = atWall(infer, measured?.infer);
  const used = [hash && { what: 'hash', wall: hashAtWall }, infer && { what: 'infer', wall: inferAtWall }].filter((x) => x) as { what: string; wall: boolean }[];
  if (used.length && used.every((u) => u.wall)) {
    inputs.gpuServerOverheadFactor = wallSourced();
  } else {
    for (const u of used) if (u.wall) inputs[`${u.what}ServerOverheadFactor`] = wallSourced();
  }
  const overheadFor = (wall: boolean) => (wall ? 1 : siteOverhead.value);

  // --- reference ASICs ---
  let asicIds: string[];
  if (flags.asic && flags.asic.length) asicIds = flags.asic.includes('none') ? [] : flags.asic;
  else if (profile?.asic) asicIds = [profile.asic.model];
  else asicIds = ['antminer-s21', 'whatsminer-m60'];
  const asics: AsicSpec[] = asicIds.map((id) => {
    const a = findAsic(id);
    if (!a) throw new InputError(`--asic '${id}': unknown model; one of: ${REFERENCE_ASICS.map((x) => x.id).join(', ')}, none`);
    return a;
  });
  const asicDep = pick('asicDepreciationYears', 'years', undefined, '', profile?.asic?.depreciationYears, 'asic.depreciationYears', 'asicDepreciationYears');
  // The default $/TH is resolved (listed as an input, and warned about when stale) only when some
  // ASIC actually takes its capex from it.
  let perTH: Sourced<number> | null = null;
  const siteAsics: SiteAsic[] = asics.map((a) => {
    let capex: Sourced<number>;
    if (profile?.asic?.capexUsd && profile.asic.model === a.id) capex = fromSite(profile.asic.capexUsd, 'USD', file, 'asic.capexUsd');
    else {
      perTH ??= pick('asicCapexUsdPerTH', 'USD/(TH/s)', undefined, '', undefined, '', 'asicCapexUsdPerTH');
      capex = sourced(perTH.value * a.hashrateTHs, 'USD', { kind: 'derived', from: ['asicCapexUsdPerTH', `${a.id} hashrate`] });
    }
    inputs[`asic:${a.id}:capexUsd`] = capex;
    return { spec: a, capexUsd: capex.value, depreciationYears: asicDep.value };
  });

  if (!hash && !infer && !asics.length) {
    throw new InputError('nothing to price: pass --hashrate and --watts, --tokens-per-second and --watts, --results <result.json>, or keep a reference --asic');
  }

  const comparison: ComparisonInput = {
    hash: hash ? { hashesPerSecond: hash.rate.value, powerW: hash.powerW.value, serverOverheadFactor: overheadFor(hashAtWall) } : null,
    infer: infer ? { tokensPerSecond: infer.rate.value, powerW: infer.powerW.value, serverOverheadFactor: overheadFor(inferAtWall) } : null,
    site: {
      powerPriceUsdPerKWh: powerPrice.value,
      miningPue: miningPue.value,
      aiPue: aiPue.value,
      powerCapacityMW: capacity.value,
      uptimeFraction: uptime.value,
      utilizationFraction: util.value,
      fixedOpexUsdPerMWYear: opex.value,
      gpu: { capexUsd: gpuCapex?.value ?? null, depreciationYears: gpuDep.value, serverOverheadFactor: siteOverhead.value },
      asics: siteAsics,
    },
    market: {
      btcPriceUsd: btcPrice.value,
      difficulty: difficulty.value,
      subsidyBtc: subsidy.value,
      feesPerBlockBtc: fees.value,
      poolFeeFraction: poolFee.value,
      usdPerMTok: usdPerMTok.value,
      usdPerGpuHour: usdPerGpuHour?.value ?? null,
    },
  };
  return { comparison, inputs, heightBlocks: height, difficultyGrowthPerMonth: dGrowth, btcPriceGrowthPerMonth: pGrowth, asics, warnings };
}
