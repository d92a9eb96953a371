/**
 * The economics of a result document: the hash and inference figures it holds (with their device,
 * model, serving basis and energy) as the profit model's measured inputs, and the site's per-MW
 * comparison priced from them. `run` adds it to its own document (profitFromRun); `report --site`
 * re-prices stored runs and `profit --results` reads one (src/cli/). The model itself is pure
 * (src/profit/).
 */
import { energyBasis } from '../power/energy-basis.js';
import {
  buildProfitReport,
  InputError,
  profitMeasurement,
  resolveProfitInputs,
  type MeasuredDevice,
  type MeasuredInferRate,
  type MeasuredInputs,
  type MeasuredModel,
  type MeasuredRate,
  type ProfitFlags,
  type ProfitReport,
  type ServingInfo,
  servingInfoOf,
  type SiteProfile,
} from '../profit/index.js';
import type { Measurement, ResultDoc } from '../results/schema.js';
import { rethrowAsUsage, UsageError } from '../util/errors.js';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown) => (typeof x === 'string' && x.length ? x : null);
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** A rate or power read from a result must be a finite number > 0: one line naming where it is. */
function positiveIn(file: string, path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new UsageError(`--results ${file}: ${path} = ${JSON.stringify(v)}: must be a finite number > 0 (a rate or a power); the file is damaged or was edited`);
  }
  return v;
}

/** Where a measurement ran: its adapter (GPU or software), the CPU (CPU execution provider), or unknown. */
function deviceOf(doc: ResultDoc, m: Measurement): MeasuredDevice {
  if (m.kind === 'infer' && m.params.ep === 'cpu') return { kind: 'cpu', name: doc.environment.cpu.model };
  const a = m.adapter ?? doc.environment.adapter;
  if (!a) return { kind: 'unknown' };
  const name = a.name || a.description || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return a.isSoftware ? { kind: 'software', name } : { kind: 'gpu', name };
}

function modelOf(m: Measurement): MeasuredModel | null {
  const d = isObj(m.details?.model) ? m.details.model : {};
  const preset = str(m.params.model);
  const out = { preset, name: str(d.name), mirrors: str(d.mirrors), parameters: num(d.parameters) };
  return out.preset || out.name || out.mirrors ? out : null;
}

function servingOf(m: Measurement): { info: ServingInfo; s: Record<string, unknown> } | null {
  const s = m.details?.serving;
  if (!isObj(s)) return null;
  return { info: servingInfoOf(s), s };
}

/** Energy of a measurement as a power figure (metered or declared) or the reason there is none. */
function powerOf(file: string, m: Measurement, i: number): Pick<MeasuredRate, 'powerW' | 'powerPath' | 'energyReason' | 'scope' | 'energyKind' | 'meter'> {
  const e = m.energy;
  const b = energyBasis(e);
  if (b.kind === 'none') {
    const reason = e && !e.measured ? e.reason : 'no energy block in the measurement';
    return { powerW: null, powerPath: null, energyReason: reason, scope: null, energyKind: 'none', meter: null };
  }
  const r = e as Record<string, unknown>;
  const path = `measurements[${i}].energy.avgPowerW`;
  const w = r.avgPowerW ?? (num(r.energyJ) !== null && num(r.timeS) ? (r.energyJ as number) / (r.timeS as number) : undefined);
  return { powerW: positiveIn(file, path, w), powerPath: path, energyReason: null, scope: b.scope, energyKind: b.kind, meter: b.meter };
}

/** Pull the hash and inference figures (with their device, model, serving basis and energy) out of a result document. */
export function measuredFromResult(doc: ResultDoc, file: string, warnings: string[]): MeasuredInputs {
  const indexed = doc.measurements.map((m, i) => ({ m, i }));
  const note = (m: Measurement) => {
    if (m.status !== 'complete') warnings.push(`${file}: ${m.id} has status '${m.status}'${m.reason ? ` (${m.reason})` : ''}; its figures are used as measured`);
    if (m.adapter?.isSoftware) warnings.push(`${file}: ${m.id} ran on a software adapter (${m.adapter.name}): CPU timings, not GPU figures`);
  };
  const h = indexed.filter(({ m }) => m.kind === 'hash' && m.metrics.hashesPerSecond?.value !== undefined && m.metrics.hashesPerSecond.value !== null).sort((a, b) => Number(b.m.id === 'hash.sha256d') - Number(a.m.id === 'hash.sha256d'))[0];
  let hash: MeasuredRate | null = null;
  if (h) {
    note(h.m);
    const path = `measurements[${h.i}].metrics.hashesPerSecond.value`;
    hash = { value: positiveIn(file, path, h.m.metrics.hashesPerSecond!.value), path, ...powerOf(file, h.m, h.i), device: deviceOf(doc, h.m) };
  }
  // Inference: the serving figure when a result has one (a batch sweep within a latency target), else batch-1 decode.
  const inf = indexed
    .filter(({ m }) => m.kind === 'infer' && (isObj(m.details?.serving) || typeof m.metrics.decodeTokensPerSecond?.value === 'number'))
    .sort((a, b) => Number(isObj(b.m.details?.serving)) - Number(isObj(a.m.details?.serving)) || Number(b.m.id === 'infer.decode') - Number(a.m.id === 'infer.decode'))[0];
  let infer: MeasuredInferRate | null = null;
  if (inf) {
    note(inf.m);
    const sv = servingOf(inf.m);
    const base = { device: deviceOf(doc, inf.m), model: modelOf(inf.m) };
    if (sv) {
      const path = `measurements[${inf.i}].details.serving.decodeTokensPerSecond`;
      const pw = powerOf(file, inf.m, inf.i);
      const servedW = num(sv.s.avgPowerW);
      const power =
        servedW !== null
          ? { ...pw, powerW: positiveIn(file, `measurements[${inf.i}].details.serving.avgPowerW`, servedW), powerPath: `measurements[${inf.i}].details.serving.avgPowerW`, energyReason: null }
          : { ...pw, powerW: null, powerPath: null, energyReason: pw.energyReason ?? 'the serving figure carries no power (details.serving.avgPowerW is null)' };
      infer = { value: positiveIn(file, path, sv.s.decodeTokensPerSecond), path, ...power, ...base, serving: sv.info };
    } else {
      const path = `measurements[${inf.i}].metrics.decodeTokensPerSecond.value`;
      infer = { value: positiveIn(file, path, inf.m.metrics.decodeTokensPerSecond!.value), path, ...powerOf(file, inf.m, inf.i), ...base, serving: { basis: 'batch-1-decode', batch: 1, sloMsPerToken: null } };
    }
  }
  if (!hash && !infer) {
    throw new UsageError(`--results ${file}: no hash (metrics.hashesPerSecond) or infer (metrics.decodeTokensPerSecond, details.serving) measurement with a value`);
  }
  const sw = [hash?.device, infer?.device].find((d) => d?.kind === 'software');
  return { file, hash, infer, softwareAdapter: sw && sw.kind === 'software' ? sw.name : null };
}

/**
 * Profit for a stored result document at a site (used by `joulebench run` and `report --site`):
 * measured rows the site's prices are not for stay unpriced (with the reason), the site's own uses
 * (ASIC, lease, GPU rental at rated power) are priced. Returns null when the document holds no
 * hash or inference figure.
 */
export function profitForDoc(
  doc: ResultDoc,
  fileLabel: string,
  site: { file: string; profile: SiteProfile },
  flags: ProfitFlags,
  asOf: string,
): { report: ProfitReport; warnings: string[] } | null {
  const warnings: string[] = [];
  let measured: MeasuredInputs;
  try {
    measured = measuredFromResult(doc, fileLabel, warnings);
  } catch (err) {
    if (err instanceof UsageError && /no hash .* or infer/.test(err.message)) return null;
    throw err;
  }
  try {
    const resolved = resolveProfitInputs({ flags, profile: site.profile, profileFile: site.file, measured, todayIso: asOf, missingPower: 'unpriced' });
    resolved.warnings.unshift(...warnings);
    return { report: buildProfitReport(resolved, { asOf, site: { name: site.profile.name, file: site.file }, days: 1, months: 0, sensitivity: false }), warnings };
  } catch (err) {
    rethrowAsUsage(err, InputError, RangeError);
  }
}

/** profitForDoc as a results-schema measurement (`profit.site`). */
export function profitMeasurementForDoc(doc: ResultDoc, fileLabel: string, site: { file: string; profile: SiteProfile }, flags: ProfitFlags, asOf: string): { measurement: Measurement; report: ProfitReport } | null {
  const r = profitForDoc(doc, fileLabel, site, flags, asOf);
  return r ? { measurement: profitMeasurement(r.report), report: r.report } : null;
}

function skipped(reason: string): Measurement {
  return { id: 'profit.site', kind: 'profit', status: 'skipped', reason, params: {}, metrics: {}, warnings: [] };
}

/**
 * Profit per MW from this run's measurements (only when energy was measured or declared: per-MW
 * figures need watts, and the run never guesses them). The pricing rules (a price is only for the
 * model and GPU it names; software adapters are never priced) are profitForDoc's.
 */
export function profitFromRun(
  doc: ResultDoc,
  site: { file: string; profile: SiteProfile },
  powerPrice?: number,
): { measurement: Measurement; report: ProfitReport | null } {
  const energy = doc.measurements.filter((m) => (m.kind === 'hash' || m.kind === 'infer') && energyBasis(m.energy).kind !== 'none');
  if (!doc.measurements.some((m) => m.kind === 'hash' || m.kind === 'infer')) {
    return { measurement: skipped('no hash or inference figure was measured in this run'), report: null };
  }
  if (!energy.length) {
    return {
      measurement: skipped('per-MW figures left out: energy not measured (see the hash and inference energy records); pass --meter <name> or --watts <W>'),
      report: null,
    };
  }
  const todayIso = new Date().toISOString().slice(0, 10);
  const r = profitMeasurementForDoc(doc, 'this run', site, powerPrice !== undefined ? { powerPrice } : {}, todayIso);
  if (!r) return { measurement: skipped('no hash or inference figure was measured in this run'), report: null };
  return r;
}
