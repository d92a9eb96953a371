/**
 * What flips the verdict (pure): a tornado of the inputs that move the best option's margin most
 * (each input ±20 %, bounded: prices ≥ 0, fractions ≤ 1, PUE ≥ 1), the value of each input at which
 * another option becomes best (flip points, found by scanning away from today's value and
 * bisecting the first change), the break-even value of the main inputs for each use (its decision
 * margin = 0), and a rental grid ($/GPU-hour × utilization). Every point re-prices the site with
 * siteComparison() and ranks it with the verdict's own rules (src/profit/options.ts: hurdle rates
 * per kind, the current use's capex sunk, value-creating options first, the power left unused), so
 * the figures and the verdict share one model. When the verdict is to leave the power unused, the
 * tornado follows the best use instead (what would make it worth building).
 */
import { siteComparison } from './model.js';
import { opexKindOf, rateOf } from './use-rows.js';
import { IDLE_ID, rankOptions, type RankRules, type UseMargin } from './options.js';
import type { ComparisonInput, PricedRow } from './model-types.js';

/** Relative range of the tornado: each input at ±20 % of today's value. */
export const TORNADO_RANGE = 0.2;

/** One input the verdict depends on, and how to set it. */
interface Knob {
  name: string;
  label: string;
  unit: string;
  base: number;
  min: number;
  max: number;
  set: (c: ComparisonInput, v: number) => ComparisonInput;
}

/** One bar of the tornado: the best use's margin at the input's low and high value. */
export interface TornadoBar {
  input: string;
  label: string;
  unit: string;
  base: number;
  low: number;
  high: number;
  marginAtLowUsdPerMWDay: number | null;
  marginAtHighUsdPerMWDay: number | null;
  /** |high − low| of the margin. */
  swingUsdPerMWDay: number;
  /** The best use at the low / high value (when it is another use, the bar crosses a flip point). */
  bestAtLow: string | null;
  bestAtHigh: string | null;
}

/** The value of an input at which another use becomes best. */
export interface FlipPoint {
  input: string;
  label: string;
  unit: string;
  base: number;
  value: number;
  /** (value − base) / base. */
  change: number;
  fromUseId: string;
  toUseId: string;
}

/** Values at which a use's margin after capital charge is 0 (null: none in range, or not an input of the use). */
export interface BreakEven {
  useId: string;
  label: string;
  powerPriceUsdPerKWh: number | null;
  btcPriceUsd: number | null;
  usdPerMTok: number | null;
  usdPerGpuHour: number | null;
  leaseUsdPerKwMonth: number | null;
}

/** Margin after capital charge of the rental row over $/GPU-hour × utilization. */
export interface RentalGrid {
  usdPerGpuHour: number[];
  utilization: number[];
  /** cells[i][j]: margin per MW-day at usdPerGpuHour[i], utilization[j]. */
  cellsUsdPerMWDay: (number | null)[][];
}

/** Everything that says what flips the verdict. */
export interface VerdictSensitivity {
  /** The verdict's option (a use id, or 'idle'). */
  bestUseId: string | null;
  /** The use whose margin the tornado shows: the verdict's, or the best use when the verdict is to leave the power unused. */
  marginOfUseId: string | null;
  /** The margin: after capital charge for a new use, after the opportunity cost for the current one (its decision margin). */
  metric: 'decisionMarginUsdPerMWDay';
  rangeFraction: number;
  /** Biggest swing first; inputs that do not move the best use's margin are left out. */
  tornado: TornadoBar[];
  flips: FlipPoint[];
  breakEvens: BreakEven[];
  rentalGrid: RentalGrid | null;
}

export type { RankRules } from './options.js';

/** The verdict's options at an input point, ranked (the first is the verdict). */
function rankAt(c: ComparisonInput, rules: RankRules): UseMargin[] {
  const cmp = siteComparison(c, { projects: 'npv' });
  const rk = rankOptions(cmp.rows, cmp.idle, rules);
  return [...rk.uses, ...rk.over];
}

/** The verdict's option at an input point. */
export function bestUse(c: ComparisonInput, rules: RankRules): UseMargin | null {
  const cmp = siteComparison(c, { projects: 'npv' });
  return rankOptions(cmp.rows, cmp.idle, rules).uses[0] ?? null;
}

/** An option's decision margin per MW-day, or null when it is not an option there. */
const marginOf = (uses: UseMargin[], id: string) => uses.find((u) => u.id === id)?.decisionMarginUsdPerMWDay ?? null;

/** A figure with its GPU card capex (and the card's resale, a fraction of it) scaled by `k`; the server share stays. */
const scaleCard = <T extends { capex?: import('./model-types.js').DeviceCapex } | null | undefined>(f: T, k: number): T =>
  f && f.capex && f.capex.deviceUsd !== null ? { ...f, capex: { ...f.capex, deviceUsd: f.capex.deviceUsd * k, resaleUsd: (f.capex.resaleUsd ?? 0) * k } } : f;

/** A figure with the server, network and storage share of its GPU capex scaled by `k`; the card stays. */
const scaleServer = <T extends { capex?: import('./model-types.js').DeviceCapex } | null | undefined>(f: T, k: number): T =>
  f && f.capex ? { ...f, capex: { ...f.capex, serverUsd: f.capex.serverUsd * k } } : f;

/** The inputs that matter for the priced rows of `c`. */
function knobs(c: ComparisonInput, rows: PricedRow[]): Knob[] {
  const has = (k: string) => rows.some((r) => r.kind === k);
  const mining = has('asic-mining') || has('gpu-mining');
  const ai = has('gpu-inference-tokens') || has('gpu-rental') || has('hosting-lease');
  const gpu = has('gpu-mining') || has('gpu-inference-tokens') || has('gpu-rental');
  const out: Knob[] = [];
  const add = (k: Knob) => {
    if (Number.isFinite(k.base) && k.base > 0) out.push(k);
  };
  add({ name: 'powerPriceUsdPerKWh', label: 'power price', unit: 'USD/kWh', base: c.site.powerPriceUsdPerKWh, min: 0, max: 5, set: (x, v) => ({ ...x, site: { ...x.site, powerPriceUsdPerKWh: v } }) });
  // One hurdle-rate input per use kind priced here (each use is charged its own kind's rate).
  for (const kind of [...new Set(rows.map((r) => opexKindOf(r.kind)))]) {
    add({ name: `discountRate:${kind}`, label: `hurdle rate, ${kind}`, unit: 'fraction/year', base: rateOf(c.site, kind === 'gpu-inference' ? 'gpu-inference-tokens' : kind), min: 0, max: 1, set: (x, v) => ({ ...x, site: { ...x.site, discountRateByKind: { ...x.site.discountRateByKind, [kind]: v } } }) });
  }
  if (mining) {
    add({ name: 'btcPriceUsd', label: 'BTC price', unit: 'USD', base: c.market.btcPriceUsd, min: 0, max: 1e8, set: (x, v) => ({ ...x, market: { ...x.market, btcPriceUsd: v } }) });
    add({ name: 'difficulty', label: 'difficulty', unit: 'difficulty', base: c.market.difficulty, min: 1, max: 1e18, set: (x, v) => ({ ...x, market: { ...x.market, difficulty: v } }) });
    add({ name: 'miningPue', label: 'mining PUE', unit: 'ratio', base: c.site.miningPue, min: 1, max: 3, set: (x, v) => ({ ...x, site: { ...x.site, miningPue: v } }) });
  }
  if (has('asic-mining')) {
    const k0 = c.site.asics[0]?.capexUsd ?? 0;
    add({ name: 'asicCapexUsd', label: 'ASIC capex', unit: 'USD', base: k0, min: 0, max: 1e6, set: (x, v) => ({ ...x, site: { ...x.site, asics: x.site.asics.map((a) => ({ ...a, capexUsd: a.capexUsd === null ? null : (a.capexUsd * v) / k0 })) } }) });
  }
  if (has('gpu-inference-tokens')) add({ name: 'usdPerMTok', label: 'token price', unit: 'USD/Mtok', base: c.market.usdPerMTok, min: 0, max: 1000, set: (x, v) => ({ ...x, market: { ...x.market, usdPerMTok: v } }) });
  if (has('gpu-rental') && c.market.usdPerGpuHour !== null) add({ name: 'usdPerGpuHour', label: 'GPU-hour price', unit: 'USD/GPU-h', base: c.market.usdPerGpuHour, min: 0, max: 1000, set: (x, v) => ({ ...x, market: { ...x.market, usdPerGpuHour: v } }) });
  if (has('gpu-inference-tokens') || has('gpu-rental')) add({ name: 'utilizationFraction', label: 'utilization', unit: 'fraction', base: c.site.utilizationFraction, min: 0, max: 1, set: (x, v) => ({ ...x, site: { ...x.site, utilizationFraction: v } }) });
  if (gpu) {
    // The card and its server share are two inputs: a cheaper GPU does not make its server cheaper.
    const g0 = (c.rental ?? c.infer ?? c.hash)?.capex?.deviceUsd ?? c.site.gpu.capexUsd ?? 0;
    add({ name: 'gpuCapexUsd', label: 'GPU card capex', unit: 'USD', base: g0, min: 0, max: 1e7, set: (x, v) => ({ ...x, hash: scaleCard(x.hash, v / g0), infer: scaleCard(x.infer, v / g0), rental: scaleCard(x.rental, v / g0), site: { ...x.site, gpu: { ...x.site.gpu, capexUsd: x.site.gpu.capexUsd === null ? null : (x.site.gpu.capexUsd * v) / g0 } } }) });
    const s0 = (c.rental ?? c.infer ?? c.hash)?.capex?.serverUsd ?? c.site.gpu.serverCapexUsd ?? 0;
    add({ name: 'gpuServerCapexUsd', label: 'GPU server share capex', unit: 'USD', base: s0, min: 0, max: 1e7, set: (x, v) => ({ ...x, hash: scaleServer(x.hash, v / s0), infer: scaleServer(x.infer, v / s0), rental: scaleServer(x.rental, v / s0), site: { ...x.site, gpu: { ...x.site.gpu, serverCapexUsd: x.site.gpu.serverCapexUsd == null ? x.site.gpu.serverCapexUsd : (x.site.gpu.serverCapexUsd * v) / s0 } } }) });
    add({ name: 'gpuLifeYears', label: 'GPU life', unit: 'years', base: (c.rental ?? c.infer ?? c.hash)?.capex?.depreciationYears ?? c.site.gpu.depreciationYears, min: 0.5, max: 30, set: (x, v) => ({ ...x, hash: withLife(x.hash, v), infer: withLife(x.infer, v), rental: withLife(x.rental, v), site: { ...x.site, gpu: { ...x.site.gpu, depreciationYears: v } } }) });
  }
  if (ai) add({ name: 'aiPue', label: 'AI-hall PUE', unit: 'ratio', base: c.site.aiPue, min: 1, max: 3, set: (x, v) => ({ ...x, site: { ...x.site, aiPue: v } }) });
  if (ai && c.site.retrofit) add({ name: 'retrofitCapexUsdPerMW', label: 'AI-hall retrofit capex', unit: 'USD/MW-IT', base: c.site.retrofit.capexUsdPerMW, min: 0, max: 1e9, set: (x, v) => ({ ...x, site: { ...x.site, retrofit: x.site.retrofit ? { ...x.site.retrofit, capexUsdPerMW: v } : null } }) });
  if (has('hosting-lease') && c.lease) add({ name: 'leaseUsdPerKwMonth', label: 'lease price', unit: 'USD/kW-month', base: c.lease.usdPerKwMonth, min: 0, max: 10_000, set: (x, v) => ({ ...x, lease: x.lease ? { ...x.lease, usdPerKwMonth: v } : null }) });
  return out;
}

function withLife<T extends { capex?: import('./model-types.js').DeviceCapex } | null | undefined>(f: T, years: number): T {
  return f && f.capex ? { ...f, capex: { ...f.capex, depreciationYears: years } } : f;
}

const clamp = (v: number, k: Knob) => Math.min(k.max, Math.max(k.min, v));


/** Where `f` changes sign between `a` and `b` (either order), by bisection. */
function crossing(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  for (let i = 0; i < 40; i++) {
    const m = (a + b) / 2;
    const fm = f(m);
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return (a + b) / 2;
}

/** Decision margins by option id. */
function marginsAt(c: ComparisonInput, rules: RankRules, k: Knob, v: number): Map<string, number> {
  return new Map(rankAt(k.set(c, v), rules).map((u) => [u.id, u.decisionMarginUsdPerMWDay]));
}

/**
 * Where the best use changes, predicted from straight lines through two points per use (most
 * inputs move margins linearly: prices, capex, utilization), and checked by re-pricing on both
 * sides and halfway. Undefined when the prediction fails (a non-linear input): the caller scans.
 */
function linearFlip(c: ComparisonInput, rules: RankRules, k: Knob, from: string, dir: -1 | 1, bestAt: (v: number) => string | null): FlipPoint | null | undefined {
  const v1 = clamp(k.base * (1 + dir * 0.1), k);
  const v2 = clamp(k.base * (1 + dir * 0.5), k);
  if (v1 === k.base) return null;
  const m0 = marginsAt(c, rules, k, k.base);
  const m1 = marginsAt(c, rules, k, v1);
  const m2 = marginsAt(c, rules, k, v2);
  const line = (id: string, v: number) => m0.get(id)! + ((m1.get(id)! - m0.get(id)!) * (v - k.base)) / (v1 - k.base);
  for (const id of m0.keys()) {
    const want = m2.get(id);
    if (!m1.has(id) || want === undefined || Math.abs(line(id, v2) - want) > 1e-6 * Math.max(1, Math.abs(want))) return undefined;
  }
  let at: number | null = null;
  for (const id of m0.keys()) {
    if (id === from) continue;
    const slope = (m1.get(id)! - m0.get(id)!) - (m1.get(from)! - m0.get(from)!);
    if (slope === 0) continue;
    const v = k.base + ((m0.get(from)! - m0.get(id)!) * (v1 - k.base)) / slope;
    if ((v - k.base) * dir > 0 && v >= k.min && v <= k.max && (at === null || Math.abs(v - k.base) < Math.abs(at - k.base))) at = v;
  }
  if (at === null) return null;
  const eps = Math.max(1e-9, Math.abs(at) * 1e-7);
  const to = bestAt(clamp(at + dir * eps, k));
  if (bestAt((k.base + at) / 2) !== from || bestAt(clamp(at - dir * eps, k)) !== from || to === from) return undefined;
  return { input: k.name, label: k.label, unit: k.unit, base: k.base, value: at, change: (at - k.base) / k.base, fromUseId: from, toUseId: to ?? 'nothing' };
}

const CAPEX_KNOBS = new Set(['gpuCapexUsd', 'gpuServerCapexUsd', 'asicCapexUsd', 'retrofitCapexUsdPerMW']);

/** The value of `k` nearest today's where the best use stops being `from`, one way; null when none in range. */
function flipOf(c: ComparisonInput, rules: RankRules, k: Knob, from: string, dir: -1 | 1): FlipPoint | null {
  const bestAt = (v: number) => bestUse(k.set(c, v), rules)?.id ?? null;
  // A budget makes capex inputs step the set of uses allowed: scan those.
  if (!(rules.capexBudgetUsd !== null && CAPEX_KNOBS.has(k.name))) {
    const lin = linearFlip(c, rules, k, from, dir, bestAt);
    if (lin !== undefined) return lin;
  }
  const end = dir < 0 ? k.min : Math.min(k.max, k.base * 10);
  const steps = 32;
  let prev = k.base;
  for (let i = 1; i <= steps; i++) {
    // Geometric steps upward, linear steps down to the bound.
    const v = dir < 0 ? k.base + ((end - k.base) * i) / steps : k.base * Math.pow(end / k.base, i / steps);
    const b = bestAt(v);
    if (b !== from) {
      const x = crossing((t) => (bestAt(t) === from ? -1 : 1), prev, v);
      const to = bestAt(clamp(x + dir * Math.max(1e-9, Math.abs(x) * 1e-7), k)) ?? b;
      return { input: k.name, label: k.label, unit: k.unit, base: k.base, value: x, change: (x - k.base) / k.base, fromUseId: from, toUseId: to ?? 'nothing' };
    }
    prev = v;
  }
  return null;
}

/** Root of an option's decision margin in one input: a straight line through two points, checked; else scan outward and bisect. */
function zeroOf(c: ComparisonInput, rules: RankRules, useId: string, k: Knob | undefined): number | null {
  if (!k) return null;
  const m = (v: number) => marginOf(rankAt(k.set(c, v), rules), useId);
  const m0 = m(k.base);
  if (m0 === null) return null;
  if (m0 === 0) return k.base;
  const v1 = k.base * 1.1;
  const m1 = m(v1);
  if (m1 !== null && m1 !== m0) {
    const v = k.base - (m0 * (v1 - k.base)) / (m1 - m0);
    const mv = v >= k.min && v <= k.max ? m(v) : null;
    if (mv !== null && Math.abs(mv) <= 1e-6 * Math.max(1, Math.abs(m0))) return v;
  }
  for (const dir of [-1, 1] as const) {
    let prev = k.base;
    const end = dir < 0 ? k.min : Math.min(k.max, k.base * 100);
    for (let i = 1; i <= 40; i++) {
      const v = dir < 0 ? k.base + ((end - k.base) * i) / 40 : k.base * Math.pow(end / k.base, i / 40);
      const mv = m(v);
      if (mv !== null && Math.sign(mv) !== Math.sign(m0)) return crossing((t) => m(t) ?? 0, prev, v);
      prev = v;
    }
  }
  return null;
}

/** One tornado bar: the subject's margin at the input's low and high value, and the verdict there. */
function barOf(c: ComparisonInput, rules: RankRules, k: Knob, subject: string, range: number): TornadoBar {
  const low = clamp(k.base * (1 - range), k);
  const high = clamp(k.base * (1 + range), k);
  const ul = rankAt(k.set(c, low), rules);
  const uh = rankAt(k.set(c, high), rules);
  const ml = marginOf(ul, subject);
  const mh = marginOf(uh, subject);
  return { input: k.name, label: k.label, unit: k.unit, base: k.base, low, high, marginAtLowUsdPerMWDay: ml, marginAtHighUsdPerMWDay: mh, swingUsdPerMWDay: Math.abs((mh ?? 0) - (ml ?? 0)), bestAtLow: ul[0]?.id ?? null, bestAtHigh: uh[0]?.id ?? null };
}

/** Break-even values of the main inputs for each use (its decision margin = 0). */
function breakEvensOf(c: ComparisonInput, rules: RankRules, uses: UseMargin[], rows: PricedRow[], ks: Knob[]): BreakEven[] {
  const byName = new Map(ks.map((k) => [k.name, k]));
  return uses
    .filter((u) => u.basis !== 'idle')
    .map((u) => {
      const r = rows.find((x) => x.id === u.id)!;
      const z = (name: string) => zeroOf(c, rules, u.id, byName.get(name));
      return {
        useId: u.id,
        label: u.label,
        powerPriceUsdPerKWh: r.perMW.energyKWhPerDay > 0 || r.interruptible ? zeroOf(c, rules, u.id, byName.get('powerPriceUsdPerKWh') ?? powerKnob(c)) : null,
        btcPriceUsd: r.kind === 'asic-mining' || r.kind === 'gpu-mining' ? z('btcPriceUsd') : null,
        usdPerMTok: r.kind === 'gpu-inference-tokens' ? z('usdPerMTok') : null,
        usdPerGpuHour: r.kind === 'gpu-rental' ? z('usdPerGpuHour') : null,
        leaseUsdPerKwMonth: r.kind === 'hosting-lease' ? z('leaseUsdPerKwMonth') : null,
      };
    });
}

/** Tornado, flip points, break-evens and the rental grid around today's inputs. */
export function verdictSensitivity(c: ComparisonInput, rules: RankRules, range = TORNADO_RANGE): VerdictSensitivity {
  const priced = siteComparison(c, { projects: false }).rows.filter((r): r is PricedRow => r.priced);
  const uses0 = rankAt(c, rules);
  const best = uses0[0] ?? null;
  // Leaving the power unused has no margin to move: follow the best use (what would make it worth building).
  const subject = best && best.id === IDLE_ID ? (uses0.find((u) => u.id !== IDLE_ID) ?? null) : best;
  const ks = knobs(c, priced);
  const tornado: TornadoBar[] = [];
  const flips: FlipPoint[] = [];
  if (best && subject) {
    for (const k of ks) {
      tornado.push(barOf(c, rules, k, subject.id, range));
      for (const dir of [-1, 1] as const) {
        const f = flipOf(c, rules, k, best.id, dir);
        if (f) flips.push(f);
      }
    }
    tornado.sort((a, b) => b.swingUsdPerMWDay - a.swingUsdPerMWDay);
    // Inputs that do not move the subject's margin (the power price of a lease whose tenant pays it) are no bar.
    const scale = Math.max(1, ...tornado.map((b) => Math.abs(b.marginAtLowUsdPerMWDay ?? 0)));
    tornado.splice(0, tornado.length, ...tornado.filter((b) => b.swingUsdPerMWDay > 1e-9 * scale));
    flips.sort((a, b) => Math.abs(a.change) - Math.abs(b.change));
  }
  const breakEvens = breakEvensOf(c, rules, uses0, priced, ks);
  return { bestUseId: best?.id ?? null, marginOfUseId: subject?.id ?? null, metric: 'decisionMarginUsdPerMWDay', rangeFraction: range, tornado, flips, breakEvens, rentalGrid: rentalGrid(c, rules, priced) };
}

/** A power-price knob even when today's price is 0 (a free-power site still has a break-even). */
function powerKnob(c: ComparisonInput): Knob {
  return { name: 'powerPriceUsdPerKWh', label: 'power price', unit: 'USD/kWh', base: Math.max(c.site.powerPriceUsdPerKWh, 0.01), min: 0, max: 5, set: (x, v) => ({ ...x, site: { ...x.site, powerPriceUsdPerKWh: v } }) };
}

/**
 * Rental grid axes: H100 prices seen in 2024–2026 — $1.65 (capex recovery, Latent Space "$2 H100s"
 * via neighborhoodsf.com), $2.35 (1-year contracts, Mar 2026, SemiAnalysis), $2.65 (Jun 2026,
 * SemiAnalysis via theinformationmachine.fyi), $2.95 (May 2026 cohort median, aimultiple.com),
 * $3.50 (specialty clouds, mercatus-ai.com) — with the site's price; utilization 30 % to 100 %.
 */
export const RENTAL_GRID_USD_PER_GPU_HOUR = [1.65, 2.35, 2.65, 2.95, 3.5];
/** Rental grid utilization axis (with the site's value added). */
export const RENTAL_GRID_UTILIZATION = [0.3, 0.5, 0.7, 0.85, 1];

function rentalGrid(c: ComparisonInput, rules: RankRules, rows: PricedRow[]): RentalGrid | null {
  if (!rows.some((r) => r.kind === 'gpu-rental') || c.market.usdPerGpuHour === null) return null;
  const prices = [...new Set([...RENTAL_GRID_USD_PER_GPU_HOUR, c.market.usdPerGpuHour])].sort((a, b) => a - b);
  const utils = [...new Set([...RENTAL_GRID_UTILIZATION, c.site.utilizationFraction])].sort((a, b) => a - b);
  const cells = prices.map((p) =>
    utils.map((u) => marginOf(rankAt({ ...c, market: { ...c.market, usdPerGpuHour: p }, site: { ...c.site, utilizationFraction: u } }, rules), 'gpu-rental')),
  );
  return { usdPerGpuHour: prices, utilization: utils, cellsUsdPerMWDay: cells };
}
