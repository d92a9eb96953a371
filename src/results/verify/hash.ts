/**
 * A hash measurement re-derived from its raw record. H/s is "total nonces / timed span" (README
 * "Headline figures"): each sample is one slice's nonces over the time since the previous slice
 * completed, kept with that time (`sampleDurationsS`), so sample × duration is a whole slice of
 * nonces, the durations add up to the timed span and the slices to the nonce total. H/J is the
 * nonces hashed inside the energy window over its joules.
 */
import { checkEnergy, checkPerJoule, type EnergyContext } from './energy.js';
import { checkHeadlineInterval, checkSummary, samplesOf, type RawMetric } from './figures.js';
import { close, fieldPath, num, relText, type Findings } from './findings.js';
import { checkSelfCheck } from './selfcheck.js';

/** What every per-measurement check needs to know about the document. */
export interface MeasurementContext {
  index: number;
  /** Schema minor version of the document (0 for 1.0). */
  schemaMinor: number;
  /** The measurement's span, Unix ms. */
  spanMs: { start: number; end: number } | null;
}

const numOf = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The slices: durations, their sum against the timed span, whole nonce counts, their total. */
function checkSlices(m: RawMetric, details: Record<string, unknown>, base: Array<string | number>, f: Findings): number[] | null {
  const s = samplesOf(m);
  const d = Array.isArray(m.sampleDurationsS) ? (m.sampleDurationsS as number[]) : null;
  if (!s || !d) return null;
  const at = (...p: Array<string | number>) => fieldPath(...base, 'metrics', 'hashesPerSecond', ...p);
  if (!f.check(d.length === s.length, at('sampleDurationsS'), () => `${d.length} durations for ${s.length} samples`)) return null;
  const timedS = numOf(details.timedS);
  const sumD = d.reduce((a, b) => a + b, 0);
  if (timedS !== null) f.check(close(sumD, timedS, 1e-9), at('sampleDurationsS'), () => `add up to ${num(sumD)} s, but details.timedS is ${num(timedS)} s`);
  const nonces = s.map((x, i) => x * d[i]!);
  // One finding for the first broken slice is enough to name the field.
  const bad = nonces.findIndex((n) => Math.abs(n - Math.round(n)) > 1e-3 + 1e-12 * n);
  f.check(bad < 0, at('samples', Math.max(bad, 0)), () => `${num(s[bad]!)} H/s × ${num(d[bad]!)} s = ${num(nonces[bad]!)} nonces: a slice is a whole number of nonces`);
  const total = nonces.reduce((a, b) => a + b, 0);
  const totalHashes = numOf(details.totalHashes);
  if (totalHashes !== null) f.check(close(total, totalHashes, 1e-9, 1e-3), at('samples'), () => `the slices add up to ${num(total)} nonces, but details.totalHashes is ${num(totalHashes)}`);
  return d;
}

/** H/s: the value against total nonces / timed span, and its interval and summary. */
function checkRate(meas: Record<string, unknown>, base: Array<string | number>, f: Findings): void {
  const m = (meas.metrics as Record<string, RawMetric> | undefined)?.hashesPerSecond;
  if (!m || typeof m.value !== 'number') return;
  const details = (meas.details ?? {}) as Record<string, unknown>;
  const durations = checkSlices(m, details, base, f);
  const field = fieldPath(...base, 'metrics', 'hashesPerSecond', 'value');
  const total = numOf(details.totalHashes);
  const timed = numOf(details.timedS);
  const s = samplesOf(m);
  let want: number | null = null;
  let how = '';
  if (total !== null && timed !== null && timed > 0) [want, how] = [total / timed, `details.totalHashes / details.timedS = ${num(total)} / ${num(timed)}`];
  else if (s && durations) [want, how] = [s.reduce((a, x, i) => a + x * durations[i]!, 0) / durations.reduce((a, b) => a + b, 0), 'the slices\' nonces / their time'];
  if (want === null) f.warn(field, 'cannot be re-derived: no nonce total and timed span (details.totalHashes, details.timedS) nor sample durations');
  else f.check(close(m.value, want, 1e-9), field, () => `${num(m.value as number)} H/s, but ${how} = ${num(want!)} H/s (${relText(m.value as number, want!)})`);
  const weights = durations ?? (s && s.every((x) => x > 0) ? s.map((x) => 1 / x) : null);
  checkHeadlineInterval(m, [...base, 'metrics', 'hashesPerSecond'], 'batch-means', weights, f);
  checkSummary(m, [...base, 'metrics', 'hashesPerSecond'], f);
}

/** Check a `hash` measurement. */
export function checkHashMeasurement(meas: Record<string, unknown>, ctx: MeasurementContext, f: Findings): void {
  if (meas.status !== 'complete' && meas.status !== 'incomplete') return;
  const base = ['measurements', ctx.index];
  const details = (meas.details ?? {}) as Record<string, unknown>;
  checkRate(meas, base, f);
  const adapter = meas.adapter as { isSoftware?: unknown } | null | undefined;
  const window = details.energyWindow as { requiredS?: unknown } | undefined;
  const ectx: EnergyContext = {
    path: [...base, 'energy'],
    workS: numOf(details.timedS),
    workLabel: 'the timed phase, details.timedS',
    requiredS: numOf(window?.requiredS),
    work: adapter ? (adapter.isSoftware === true ? 'cpu' : 'gpu') : null,
    spanMs: ctx.spanMs,
  };
  const joules = checkEnergy(meas.energy, ectx, f);
  const windowHashes = numOf(details.windowHashes);
  const totalHashes = numOf(details.totalHashes);
  if (windowHashes !== null && totalHashes !== null) {
    f.check(windowHashes >= totalHashes, fieldPath(...base, 'details', 'windowHashes'), () => `${num(windowHashes)} nonces in the energy window, fewer than the ${num(totalHashes)} timed inside it`);
  }
  const hpj = (meas.metrics as Record<string, RawMetric> | undefined)?.hashesPerJoule;
  checkPerJoule(hpj, [...base, 'metrics', 'hashesPerJoule'], windowHashes, 'details.windowHashes', joules, ctx.schemaMinor, f);
  checkSelfCheck(details, base, f);
  if (typeof details.sharesFound === 'number' && typeof details.sharesVerified === 'number') {
    f.check(details.sharesFound === details.sharesVerified, fieldPath(...base, 'details', 'sharesVerified'), () => `${details.sharesVerified} of ${details.sharesFound} GPU shares verified on the host: every share must be`);
  }
}
