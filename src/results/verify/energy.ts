/**
 * Energy records against themselves and against the work they measured: window arithmetic (time
 * from the edges, average power from joules and time), the window holding the work it claims
 * (never shorter than the timed phase), the window rule behind `complete`, the meter's scope (a
 * CPU-package meter for GPU work, or a GPU board for CPU work, must be labelled), the energy basis
 * (declared watts are never a measurement), and the raw trace bracketing the recorded joules.
 */
import { close, fieldPath, num, relText, type Findings } from './findings.js';

/** What an energy record's joules rest on. */
export type Basis = 'metered' | 'declared' | 'none';

/** The joules of a record, as the per-joule checks need them. */
export interface WindowJoules {
  basis: Basis;
  energyJ: number | null;
  timeS: number | null;
  complete: boolean;
}

/** Where the record sits and what it must hold. */
export interface EnergyContext {
  /** Path of the energy record. */
  path: Array<string | number>;
  /** Seconds of work inside the window (the timed phase), and what that work is. */
  workS?: number | null;
  workLabel?: string;
  /** The window rule's minimum when the record does not carry `requiredWindowS`. */
  requiredS?: number | null;
  /** CPU or GPU work (for the scope check); null when unknown. */
  work: 'cpu' | 'gpu' | null;
  /** The measurement's span, Unix ms. */
  spanMs?: { start: number; end: number } | null;
}

/** The scope each meter reports (README "Energy meters"); `cmd` takes any (`--meter-scope`). */
const METER_SCOPE: Record<string, string> = { nvml: 'gpu-board', hwmon: 'gpu-board', rapl: 'cpu-package', shelly: 'wall', tasmota: 'wall', declared: 'declared' };

/** Classify a record without the project's helper: declared watts, a meter reading, or nothing. */
export function basisOf(e: Record<string, unknown> | null | undefined): Basis {
  if (!e) return 'none';
  if (e.declared === true || e.scope === 'declared' || e.meter === 'declared') return 'declared';
  return e.measured === true ? 'metered' : 'none';
}

const numOf = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Time, power and coverage of one record against each other. */
function arithmetic(e: Record<string, unknown>, at: (k: string) => string, f: Findings): void {
  const timeS = numOf(e.timeS);
  const energyJ = numOf(e.energyJ);
  const t0 = numOf(e.startUnixMs);
  const t1 = numOf(e.endUnixMs);
  if (timeS !== null && t0 !== null && t1 !== null) {
    const span = (t1 - t0) / 1000;
    f.check(close(timeS, span, 0, 0.002), at('timeS'), () => `${num(timeS)} s, but its edges (endUnixMs − startUnixMs) span ${num(span)} s`);
  }
  const covered = numOf(e.coveredS);
  if (covered !== null && timeS !== null) f.check(covered <= timeS + 1e-6, at('coveredS'), () => `${num(covered)} s covered of a ${num(timeS)} s window`);
  const denom = covered ?? timeS;
  const avg = numOf(e.avgPowerW);
  if (energyJ !== null && denom !== null && denom > 0 && avg !== null) {
    const want = energyJ / denom;
    f.check(close(avg, want, 1e-6, 1e-9), at('avgPowerW'), () => `${num(avg)} W, but energyJ / ${covered !== null ? 'coveredS' : 'timeS'} = ${num(want)} W (${relText(avg, want)})`);
  }
  const lo = numOf(e.minPowerW);
  const hi = numOf(e.maxPowerW);
  if (avg !== null && lo !== null && hi !== null) f.check(avg >= lo * (1 - 1e-9) - 1e-9 && avg <= hi * (1 + 1e-9) + 1e-9, at('avgPowerW'), () => `${num(avg)} W lies outside the window's readings (${num(lo)}–${num(hi)} W)`);
  const idle = numOf(e.idlePowerW);
  const net = numOf(e.netEnergyJ);
  if (idle !== null && net !== null && energyJ !== null && timeS !== null) {
    const want = energyJ - idle * timeS;
    f.check(close(net, want, 1e-6, 1e-6), at('netEnergyJ'), () => `${num(net)} J, but energyJ − idlePowerW × timeS = ${num(want)} J`);
  }
}

/** The window against the work and the rule it must meet, and the measurement's span. */
function windowAgainstWork(e: Record<string, unknown>, ctx: EnergyContext, at: (k: string) => string, f: Findings): void {
  const timeS = numOf(e.timeS);
  if (timeS === null) return;
  if (ctx.workS != null) {
    const w = ctx.workS;
    f.check(timeS >= w - 0.002, at('timeS'), () => `${num(timeS)} s: the energy window is shorter than the work it measured (${num(w)} s, ${ctx.workLabel ?? 'the timed phase'})`);
  }
  const req = numOf(e.requiredWindowS) ?? ctx.requiredS ?? null;
  if (e.complete !== false && req !== null) {
    f.check(timeS >= req - 1e-3, at('complete'), () => `complete, but the ${num(timeS)} s window is shorter than its rule requires (${num(req)} s${typeof e.windowRule === 'string' ? `: ${e.windowRule}` : ''})`);
  }
  const t0 = numOf(e.startUnixMs);
  const t1 = numOf(e.endUnixMs);
  if (ctx.spanMs && t0 !== null && t1 !== null) {
    const { start, end } = ctx.spanMs;
    f.check(t0 >= start - 1000 && t1 <= end + 1000, at('startUnixMs'), () => `window [${new Date(t0).toISOString()}, ${new Date(t1).toISOString()}] lies outside its measurement (${new Date(start).toISOString()} to ${new Date(end).toISOString()})`);
  }
}

/** Meter and scope, and the scope against the work. */
function scopeChecks(e: Record<string, unknown>, ctx: EnergyContext, at: (k: string) => string, f: Findings): void {
  const meter = typeof e.meter === 'string' ? e.meter : null;
  const scope = typeof e.scope === 'string' ? e.scope : null;
  const want = meter ? METER_SCOPE[meter] : undefined;
  if (want && scope) f.check(scope === want, at('scope'), () => `'${scope}', but meter '${meter}' measures '${want}'`);
  if (basisOf(e) !== 'metered' || !ctx.work || !scope) return;
  const off = (ctx.work === 'cpu' && scope === 'gpu-board') || (ctx.work === 'gpu' && scope === 'cpu-package');
  if (off) f.check(typeof e.scopeMismatch === 'string' && e.scopeMismatch.length > 0, at('scopeMismatch'), () => `missing: a '${scope}' meter does not measure ${ctx.work === 'cpu' ? 'CPU' : 'GPU'} work, and the record must say so`);
}

/** Check one energy record; returns its joules for the per-joule checks. */
export function checkEnergy(raw: unknown, ctx: EnergyContext, f: Findings): WindowJoules {
  const e = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : null;
  const basis = basisOf(e);
  if (!e || basis === 'none') return { basis, energyJ: null, timeS: null, complete: false };
  const at = (k: string) => fieldPath(...ctx.path, k);
  arithmetic(e, at, f);
  windowAgainstWork(e, ctx, at, f);
  scopeChecks(e, ctx, at, f);
  if (e.trace) checkTrace(e, at, f);
  return { basis, energyJ: numOf(e.energyJ), timeS: numOf(e.timeS), complete: e.complete !== false };
}

/** A trace's points, sorted by time (they are written sorted; unsorted is itself a finding). */
function tracePoints(e: Record<string, unknown>, at: (k: string) => string, f: Findings): Array<[number, number]> | null {
  const tr = e.trace as { unit?: unknown; points?: unknown } | undefined;
  const pts = Array.isArray(tr?.points) ? (tr.points as Array<[number, number]>) : [];
  if (pts.length < 2) return null;
  const sorted = pts.every((p, i) => i === 0 || p[0] >= pts[i - 1]![0]);
  return f.check(sorted, at('trace'), () => 'trace points are not in time order') ? pts : null;
}

/**
 * The trace against the record. Counter traces (J since the last update before the window): the
 * window's energy lies between the updates strictly inside it and the updates that bracket it
 * (each update carries the energy since the previous one). Polled traces (W at read midpoints):
 * the energy is a time-weighted mean of readings taken inside the window, so joules / seconds lies
 * within the readings' range. Either trace holds at most one (counter) or two (polled: a read
 * straddling the end, then the next) readings past the window end: more means the window was
 * cut short after the fact.
 */
export function checkTrace(e: Record<string, unknown>, at: (k: string) => string, f: Findings): void {
  const pts = tracePoints(e, at, f);
  const timeS = numOf(e.timeS);
  const energyJ = numOf(e.energyJ);
  const unit = (e.trace as { unit?: unknown }).unit;
  if (!pts || timeS === null || energyJ === null) return;
  const T = timeS * 1000;
  const after = pts.filter((p) => p[0] > T + 1).length;
  const allowed = unit === 'J' ? 1 : 2;
  f.check(after <= allowed, at('timeS'), () => `${num(timeS)} s, but the meter's trace holds ${after} readings after that window end (at most ${allowed} belong there): the window ends later than recorded`);
  if (e.complete === false || numOf(e.coveredS) !== null && numOf(e.coveredS)! < timeS - 1e-6) return;
  if (unit === 'J') {
    const inside = pts.filter((p) => p[0] >= 0 && p[0] <= T);
    const before = pts.filter((p) => p[0] <= 0).at(-1);
    const afterPt = pts.find((p) => p[0] >= T);
    if (!before || !afterPt || !inside.length) return;
    const lo = inside.at(-1)![1] - inside[0]![1];
    const hi = afterPt[1] - before[1];
    f.check(energyJ >= lo - 1e-6 * hi - 1e-6 && energyJ <= hi * (1 + 1e-6) + 1e-6, at('energyJ'), () => `${num(energyJ)} J, but the counter trace puts the window's energy between ${num(lo)} and ${num(hi)} J`);
  } else if (unit === 'W') {
    const ws = pts.map((p) => p[1]);
    const lo = Math.min(...ws) * timeS;
    const hi = Math.max(...ws) * timeS;
    f.check(energyJ >= lo * (1 - 1e-6) - 1e-6 && energyJ <= hi * (1 + 1e-6) + 1e-6, at('energyJ'), () => `${num(energyJ)} J over ${num(timeS)} s, but the power trace's readings (${num(Math.min(...ws))}–${num(Math.max(...ws))} W) allow only ${num(lo)}–${num(hi)} J`);
  }
}

/**
 * A per-joule figure against its window: it needs joules from a complete window, its
 * `energyBasis` must say what the joules rest on (declared watts are never 'metered'), and its
 * value must be `work / energyJ`.
 */
export function checkPerJoule(metric: Record<string, unknown> | undefined, field: Array<string | number>, work: number | null, workLabel: string, j: WindowJoules, schemaMinor: number, f: Findings): void {
  if (!metric || metric.value === null || metric.value === undefined) return;
  const v = metric.value as number;
  const at = (k: string) => fieldPath(...field, k);
  if (!f.check(j.basis !== 'none' && j.energyJ !== null, at('value'), () => `${num(v)}, but its energy window holds no joules (energy not measured)`)) return;
  f.check(j.complete, at('value'), () => `${num(v)} from an incomplete energy window: an incomplete window gives no per-joule figure`);
  const basis = metric.energyBasis;
  if (basis === undefined && schemaMinor < 1) f.warn(at('energyBasis'), `absent (schema 1.0): the figure rests on ${j.basis} energy`);
  else f.check(basis === j.basis, at('energyBasis'), () => `${JSON.stringify(basis)}, but its energy window is ${j.basis === 'declared' ? 'declared watts (not a measurement)' : 'metered'}`);
  if (work === null) {
    f.warn(at('value'), `cannot be re-derived: the record does not carry ${workLabel}`);
    return;
  }
  const want = work / j.energyJ!;
  f.check(close(v, want, 1e-9), at('value'), () => `${num(v)}, but ${workLabel} / energyJ = ${num(work)} / ${num(j.energyJ!)} = ${num(want)} (${relText(v, want)})`);
}
