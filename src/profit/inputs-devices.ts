/**
 * Input resolution, device phase: each measured or stated figure (hash rate, tokens/s) with its
 * power, host overhead by device class, capex and pricing verdict, and the GPU rental row. Pure.
 */
import { DEFAULTS } from './defaults.js';
import { sourced, type Sourced } from './provenance.js';
import { sameGpu, shortGpuName, type MeasuredDevice } from './match.js';
import { deviceLabel, energyLabel, hashPricing, inferPricing, modelLabel, rentalPricing, servingLabel } from './pricing.js';
import { deviceClassOf, hostOverheadOf, type DeviceClass } from './host-overhead.js';
import { InputError, type MeasuredInferRate, type MeasuredRate, type PriceTargets, type Resolver, type TokenPrice } from './inputs-core.js';
import type { resolveSite } from './inputs-site.js';
import type { DeviceCapex, FigureCommon, HashFigure, InferFigure, Pricing, RentalFigure } from './model.js';

/** The device figures of a comparison. */
export interface Devices {
  hash: HashFigure | null;
  infer: InferFigure | null;
  rental: RentalFigure | null;
}

type SiteOut = ReturnType<typeof resolveSite>;
type HostTerms = Pick<FigureCommon, 'serverOverheadFactor' | 'hostWPerDevice' | 'hostOverheadBasis' | 'notAGpu'>;

/** What the per-figure resolution needs. */
interface DeviceCtx {
  R: Resolver;
  site: SiteOut;
  targets: PriceTargets;
  anyway: boolean;
  siteGpu: string | null;
  siteCapex: DeviceCapex | null;
  sitePowerW: Sourced<number> | null;
  /** Token prices of the site (their models name the ladder in a not-priced reason). */
  ladder: TokenPrice[];
}

/** Device class of the site's own GPU: gpu.deviceClass, else its name. */
function siteClass(ctx: DeviceCtx): DeviceClass | null {
  const g = ctx.R.req.profile?.gpu;
  return (g?.deviceClass?.value as DeviceClass | undefined) ?? (g?.name ? deviceClassOf(g.name) : null);
}

/**
 * Host overhead of a figure measured on `d` (undefined: stated by flags, the site's own GPU):
 * none at the wall, on a software adapter or the CPU; the site's gpu.serverOverheadFactor for its
 * own GPU; else by device class (HGX, PCIe server, workstation); else the GPU power alone.
 */
function hostFor(ctx: DeviceCtx, d: MeasuredDevice | undefined, atWall: boolean): HostTerms {
  const { R, site } = ctx;
  if (atWall) return { serverOverheadFactor: 1, hostWPerDevice: 0, hostOverheadBasis: 'power at the wall: no host overhead' };
  if (d && (d.kind === 'software' || d.kind === 'cpu')) return { serverOverheadFactor: 1, hostWPerDevice: 0, notAGpu: true, hostOverheadBasis: `${d.kind === 'cpu' ? 'the CPU' : 'a software adapter'}: no host overhead` };
  const own = !d || d.kind === 'unknown' || (ctx.siteGpu !== null && sameGpu(d.name, ctx.siteGpu));
  const k = site.gpu.serverOverheadFactor;
  if (own && R.req.profile?.gpu?.serverOverheadFactor) return { serverOverheadFactor: k, hostWPerDevice: 0, hostOverheadBasis: `host ×${k} (site gpu.serverOverheadFactor)` };
  const cls = d?.kind === 'gpu' ? deviceClassOf(d.name) : own ? siteClass(ctx) : null;
  if (cls) {
    const h = hostOverheadOf(cls);
    R.inputs[h.defaultName] = R.fromDefault(h.defaultName);
    return { serverOverheadFactor: h.factor, hostWPerDevice: h.hostW, hostOverheadBasis: h.label };
  }
  return { serverOverheadFactor: k, hostWPerDevice: 0, hostOverheadBasis: d?.kind === 'gpu' ? `device class unknown (${shortGpuName(d.name)}): GPU power only` : k !== 1 ? `host ×${k}` : 'GPU power only' };
}

/** Capex for a figure on device `d` (undefined = stated by flags: the user's own device). */
function capexFor(ctx: DeviceCtx, d: MeasuredDevice | undefined, p: Pricing): { capex: DeviceCapex; note: string | null } {
  const none = (why: string) => ({ capex: { deviceUsd: null, serverUsd: 0, depreciationYears: ctx.site.gpu.depreciationYears }, note: why });
  const { siteCapex, targets } = ctx;
  if (!siteCapex) return none(`capex unknown: no margin after capex (pass --gpu-capex-usd <USD>${ctx.R.req.profile ? ' or set gpu.capexUsd' : ''})`);
  if (!d || p.pricedAnyway || !targets.gpuCapex) return { capex: siteCapex, note: null };
  if (d.kind === 'gpu' && sameGpu(d.name, targets.gpuCapex)) return { capex: siteCapex, note: null };
  return none(`capex unknown: the GPU capex is for ${targets.gpuCapex}, not ${deviceLabel(d)} (pass --gpu-capex-usd <USD> --price-gpu '<name>')`);
}

/**
 * Power of a figure: measured, --watts, or the site GPU's rated power (only for the site's own GPU
 * or a flag-stated figure). Null when there is none and the figure is not priced anyway (or the
 * request wants unpriced rows); otherwise an InputError asking for --watts.
 */
function powerFor(ctx: DeviceCtx, what: 'hash' | 'infer', m: MeasuredRate | null, d: MeasuredDevice | undefined, pricing: Pricing): { power: Sourced<number>; basis: string } | null {
  const { flags, measured } = ctx.R.req;
  if (m && m.powerW !== null && m.powerPath && measured) {
    // Declared watts stored in a result (--watts) keep their own provenance: never "measured".
    const prov = m.energyKind === 'declared' ? { kind: 'declared' as const, file: measured.file, path: m.powerPath } : { kind: 'measured' as const, file: measured.file, path: m.powerPath };
    return { power: sourced(m.powerW, 'W', prov), basis: energyLabel(m.energyKind, m.meter, m.scope) };
  }
  if (flags.watts !== undefined) return { power: sourced(flags.watts, 'W', { kind: 'flag', flag: '--watts' }), basis: 'stated (--watts), not measured' };
  const own = !m || (d?.kind === 'gpu' && ctx.siteGpu !== null && sameGpu(d.name, ctx.siteGpu));
  if (ctx.sitePowerW && own) return { power: ctx.sitePowerW, basis: 'site rated power, not measured' };
  if (!pricing.priced || ctx.R.req.missingPower === 'unpriced') return null;
  const why = m?.energyReason ? `the result's ${what} energy was not measured (${m.energyReason})` : `no power figure for the ${what} rate`;
  throw new InputError(`${why}: per-joule and per-MW figures need power; pass --watts <W> or set gpu.powerW in the site file`);
}

/** One device figure (hash or inference) with its rate, power, capex and pricing verdict. */
interface ResolvedFigure {
  rate: number;
  m: MeasuredRate | null;
  figure: FigureCommon;
  /** Energy basis of the power alone (for the rental row). */
  energyBasis: string | undefined;
  device: MeasuredDevice | undefined;
}

/** A model mismatch names the site's other rungs too, so the user sees which models it prices. */
function withLadder(p: Pricing, ctx: DeviceCtx): Pricing {
  if (p.priced && !p.pricedAnyway) return p;
  if (ctx.ladder.length < 2 || !p.reason || !/the price is for/.test(p.reason)) return p;
  return { ...p, reason: `${p.reason} (the site prices tokens of ${ctx.ladder.map((t) => t.model.name).join(', ')})` };
}

function resolveFigure(ctx: DeviceCtx, what: 'hash' | 'infer'): ResolvedFigure | null {
  const { R, targets, anyway } = ctx;
  const { flags, measured } = R.req;
  const flagRate = what === 'hash' ? flags.hashrate : flags.tokensPerSecond;
  const m = flagRate === undefined ? ((what === 'hash' ? measured?.hash : measured?.infer) ?? null) : null;
  if (flagRate === undefined && !m) return null;
  const [name, unit, flag] = what === 'hash' ? ['hashesPerSecond', 'H/s', '--hashrate'] : ['tokensPerSecond', 'tokens/s', '--tokens-per-second'];
  const rate = flagRate !== undefined ? sourced(flagRate, unit, { kind: 'flag', flag }) : sourced(m!.value, unit, { kind: 'measured', file: measured!.file, path: m!.path });
  R.inputs[name] = rate;
  const d = m ? (m.device ?? { kind: 'unknown' as const }) : undefined;
  const mi = what === 'infer' ? (m as MeasuredInferRate | null) : null;
  const pricing: Pricing = !m ? { priced: true, reason: null } : what === 'hash' ? hashPricing(d, anyway) : inferPricing(d, mi!.model, targets.usdPerMTok, targets.gpuCapex, anyway, mi!.serving);
  const pw = powerFor(ctx, what, m, d, pricing);
  if (pw) R.inputs[`${what}PowerW`] = pw.power;
  if (m && pw && m.energyReason && pw.power.provenance.kind !== 'measured' && pw.power.provenance.kind !== 'declared') R.warnings.push(`${what}: energy not measured in ${measured?.file} (${m.energyReason}); using ${pw.power.value} W (${pw.basis})`);
  const atWall = Boolean(pw && m?.scope === 'wall' && pw.power.provenance.kind === 'measured');
  if (atWall) R.inputs[`${what}ServerOverheadFactor`] = wallOverhead();
  const c = capexFor(ctx, d, pricing);
  const final: Pricing = pw ? withLadder(pricing, ctx) : { priced: false, reason: pricing.reason ?? `energy not measured (${m?.energyReason ?? 'no power'}): pass --watts <W> or a meter` };
  const notes = c.note && final.priced ? [c.note] : [];
  if (what === 'infer' && !m && targets.usdPerMTok) notes.push(`token price for ${targets.usdPerMTok.name}: the stated tokens/s are taken to be that model's`);
  const serving = mi ? servingLabel(mi.serving) : null;
  return {
    rate: rate.value,
    m,
    device: d,
    energyBasis: pw?.basis,
    figure: {
      powerW: pw?.power.value ?? 0,
      ...hostFor(ctx, d, atWall),
      capex: c.capex,
      pricing: final,
      device: deviceLabel(d),
      basis: [serving, pw?.basis ?? 'energy not measured'].filter(Boolean).join('; '),
      notes,
    },
  };
}

/**
 * Measured or stated device figures, each with its power, capex and pricing verdict; the rental
 * row from the matching measured GPU, a flag-stated figure, or the site's rated GPU power.
 */
export function resolveDevices(R: Resolver, site: SiteOut, targets: PriceTargets, ladder: TokenPrice[], gpuResaleFraction: number): Devices {
  const { flags, profile } = R.req;
  const gpu = profile?.gpu;
  const cap = resolveGpuCapex(R, gpuResaleFraction);
  site.gpu.capexUsd = cap.site?.deviceUsd ?? null;
  site.gpu.serverCapexUsd = cap.site?.serverUsd ?? null;
  const ctx: DeviceCtx = {
    R,
    site,
    targets,
    anyway: Boolean(flags.priceAnyway),
    siteGpu: gpu?.name ?? null,
    siteCapex: cap.site,
    sitePowerW: gpu?.powerW ? R.fromSite(gpu.powerW, 'W', 'gpu.powerW') : null,
    ladder,
  };
  const h = resolveFigure(ctx, 'hash');
  const i = resolveFigure(ctx, 'infer');
  const hash: HashFigure | null = h ? { ...h.figure, hashesPerSecond: h.rate } : null;
  const infer: InferFigure | null = i ? { ...i.figure, tokensPerSecond: i.rate, model: modelLabel((i.m as MeasuredInferRate | null)?.model) } : null;
  // Both figures measured at the wall: one overhead input says so, not one per figure.
  const used = [hash, infer].filter((f): f is HashFigure | InferFigure => f !== null);
  if (used.length && used.every((f) => f.serverOverheadFactor === 1) && (R.inputs.hashServerOverheadFactor || R.inputs.inferServerOverheadFactor)) {
    R.inputs.gpuServerOverheadFactor = wallOverhead();
    delete R.inputs.hashServerOverheadFactor;
    delete R.inputs.inferServerOverheadFactor;
  }
  const rental = resolveRental(R, site, targets, cap.site, {
    hash,
    infer,
    mh: h?.m ?? null,
    mi: (i?.m as MeasuredInferRate | null) ?? null,
    sitePowerW: ctx.sitePowerW,
    anyway: ctx.anyway,
    energyBasis: { hash: h?.energyBasis, infer: i?.energyBasis },
    siteHost: hostFor(ctx, undefined, false),
  });
  return { hash, infer, rental };
}

function wallOverhead(): Sourced<number> {
  return sourced(1, 'ratio', {
    kind: 'derived',
    from: ['energy.scope'],
    note: 'power measured at the wall (scope wall) already includes the whole server, so no server overhead is added',
  });
}

/** The site's GPU capex (card + server share, resale of the card at the end of its life). */
function resolveGpuCapex(R: Resolver, resaleFraction: number): { site: DeviceCapex | null } {
  const { flags, profile } = R.req;
  const gpu = profile?.gpu;
  let card: Sourced<number> | null = null;
  if (flags.gpuCapexUsd !== undefined) card = sourced(flags.gpuCapexUsd, 'USD', { kind: 'flag', flag: '--gpu-capex-usd' });
  else if (gpu?.capexUsd) card = R.fromSite(gpu.capexUsd, 'USD', 'gpu.capexUsd');
  if (!card) return { site: null };
  R.inputs.gpuCapexUsd = card;
  let server: Sourced<number>;
  if (gpu?.serverCapexUsd && flags.gpuCapexUsd === undefined) server = R.fromSite(gpu.serverCapexUsd, 'USD', 'gpu.serverCapexUsd');
  else {
    const f = R.fromDefault('gpuServerCapexFraction');
    R.inputs.gpuServerCapexFraction = f;
    server = sourced(card.value * f.value, 'USD', { kind: 'derived', from: ['gpuCapexUsd', 'gpuServerCapexFraction'] });
  }
  R.inputs.gpuServerCapexUsd = server;
  return {
    site: { deviceUsd: card.value, serverUsd: server.value, depreciationYears: (R.inputs.gpuDepreciationYears?.value as number) ?? DEFAULTS.gpuDepreciationYears.value, resaleUsd: card.value * resaleFraction },
  };
}

const hostOf = (f: FigureCommon): HostTerms => ({ serverOverheadFactor: f.serverOverheadFactor, hostWPerDevice: f.hostWPerDevice, hostOverheadBasis: f.hostOverheadBasis, notAGpu: f.notAGpu });

function resolveRental(
  R: Resolver,
  site: SiteOut,
  targets: PriceTargets,
  siteCapex: DeviceCapex | null,
  x: { hash: HashFigure | null; infer: InferFigure | null; mh: MeasuredRate | null; mi: MeasuredInferRate | null; sitePowerW: Sourced<number> | null; anyway: boolean; energyBasis: { hash?: string; infer?: string }; siteHost: HostTerms },
): RentalFigure | null {
  const { flags, profile } = R.req;
  if (!R.inputs.usdPerGpuHour) return null;
  const rentalGpu = targets.usdPerGpuHour;
  const capex: DeviceCapex = siteCapex ?? { deviceUsd: null, serverUsd: 0, depreciationYears: site.gpu.depreciationYears };
  const capexNote = siteCapex ? [] : [`capex unknown: no margin after capex (pass --gpu-capex-usd <USD>${profile ? ' or set gpu.capexUsd' : ''})`];
  // 1. A measured GPU figure with power: rent that GPU when it is the one the price is for.
  const measuredFig =
    (x.mi && x.infer && x.infer.powerW > 0 ? { m: x.mi, f: x.infer, basis: x.energyBasis.infer } : null) ?? (x.mh && x.hash && x.hash.powerW > 0 ? { m: x.mh, f: x.hash, basis: x.energyBasis.hash } : null);
  if (measuredFig) {
    const d = measuredFig.m.device ?? { kind: 'unknown' as const };
    const pricing = rentalPricing(d, rentalGpu, x.anyway);
    if (pricing.priced) {
      return { gpu: rentalGpu, powerW: measuredFig.f.powerW, ...hostOf(measuredFig.f), capex, pricing, device: deviceLabel(d), basis: measuredFig.basis ?? 'measured', notes: capexNote };
    }
    // Not this GPU: the site's own GPU at its rated power still prices the rental, when given.
    if (!x.sitePowerW) return { gpu: rentalGpu, powerW: measuredFig.f.powerW, capex, pricing: { priced: false, reason: `${pricing.reason} (set gpu.powerW to price the site's GPU at its rated power)` }, device: deviceLabel(d), basis: measuredFig.basis ?? 'measured' };
  }
  // 2. A figure stated by flags (the user's own GPU).
  const stated = flags.tokensPerSecond !== undefined ? x.infer : flags.hashrate !== undefined ? x.hash : null;
  if (stated && stated.powerW > 0 && !measuredFig) {
    return { gpu: rentalGpu, powerW: stated.powerW, ...hostOf(stated), capex, pricing: { priced: true, reason: null }, device: rentalGpu ? shortGpuName(rentalGpu) : null, basis: stated.basis ?? 'stated', notes: capexNote };
  }
  // 3. The site's GPU at its rated power (not measured).
  if (x.sitePowerW && (!rentalGpu || !profile?.gpu?.name || sameGpu(profile.gpu.name, rentalGpu))) {
    R.inputs.gpuPowerW = x.sitePowerW;
    return {
      gpu: rentalGpu,
      powerW: x.sitePowerW.value,
      ...x.siteHost,
      capex: targets.gpuCapex && rentalGpu && !sameGpu(targets.gpuCapex, rentalGpu) ? { ...capex, deviceUsd: null } : capex,
      pricing: { priced: true, reason: null },
      device: rentalGpu ? shortGpuName(rentalGpu) : null,
      basis: 'site rated power, not measured',
      notes: capexNote,
    };
  }
  R.warnings.push(`GPU-hour price given but no power figure for ${rentalGpu ?? 'the GPU'}: set gpu.powerW in the site file (or measure it) to price the rental row`);
  return null;
}

