/**
 * Which measured figures a site's prices may price (pure). A result file says where each figure was
 * measured (adapter, software or CPU), which model it ran (preset, mirrored checkpoint, parameter
 * count), how its energy was obtained (metered, declared) and whether the inference figure is a
 * served one (batch sweep within a latency target) or batch-1 decode. The site's prices say what
 * they are for. This module compares the two and says, in one line, why a figure is not priced.
 */
import { describeMeasuredModel, deviceMismatch, isTestModel, measuredModelName, modelMismatch, shortDeviceName, type MeasuredDevice, type MeasuredModel, type PricedModel } from './match.js';
import type { Pricing } from './model.js';

/** How an inference figure was served. */
export interface ServingInfo {
  /**
   * 'slo' | 'best-efficiency' (a sweep), 'batch-1-only', 'batch-1-decode' (no sweep at all), or
   * 'slo-unmet' (a latency target no batch met: the closest batch, never priced as served);
   * 'load' (`infer serve`: the highest Poisson rate within p99 TTFT/TPOT targets) or 'load-unmet'
   * (no offered rate met them: never priced as served).
   */
  basis: 'slo' | 'best-efficiency' | 'batch-1-only' | 'batch-1-decode' | 'slo-unmet' | 'load' | 'load-unmet';
  batch: number;
  sloMsPerToken: number | null;
  /** p99 decode step latency of the batch, ms (named when the target was missed). */
  stepLatencyP99Ms?: number | null;
  /** Load basis: the offered rate (req/s), the p99 TTFT target (ms) and how requests were batched. */
  offeredQps?: number | null;
  sloTtftMs?: number | null;
  batching?: 'continuous' | 'boundary' | null;
}

const numOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const BASES: ReadonlyArray<ServingInfo['basis']> = ['slo', 'best-efficiency', 'batch-1-only', 'slo-unmet', 'load', 'load-unmet'];

/** A result's `details.serving` as ServingInfo (an unknown basis reads as batch-1 only). */
export function servingInfoOf(s: Record<string, unknown>): ServingInfo {
  const basis = BASES.includes(s.basis as ServingInfo['basis']) ? (s.basis as ServingInfo['basis']) : 'batch-1-only';
  const batching = s.batching === 'continuous' || s.batching === 'boundary' ? s.batching : null;
  return { basis, batch: numOrNull(s.batch) ?? 1, sloMsPerToken: numOrNull(s.sloMsPerToken), stepLatencyP99Ms: numOrNull(s.stepLatencyP99Ms), offeredQps: numOrNull(s.offeredQps), sloTtftMs: numOrNull(s.sloTtftMs), batching };
}

/** "TTFT ≤ 2000 ms and TPOT ≤ 200 ms at p99". */
function loadTargets(s: ServingInfo): string {
  const t = [s.sloTtftMs != null ? `TTFT ≤ ${s.sloTtftMs} ms` : null, s.sloMsPerToken != null ? `TPOT ≤ ${s.sloMsPerToken} ms` : null].filter(Boolean);
  return t.length ? `${t.join(' and ')} at p99` : 'no latency target';
}

/** Label of a serving figure, as every table prints it. */
export function servingLabel(s: ServingInfo | null | undefined): string {
  if (!s || s.basis === 'batch-1-decode' || s.basis === 'batch-1-only') return 'batch-1 decode, not a served figure';
  if (s.basis === 'load') return `Poisson load at ${s.offeredQps ?? '?'} req/s within ${loadTargets(s)} (${s.batching === 'boundary' ? 'static batches refilled at boundaries, ' : s.batching === 'continuous' ? 'continuous batching, ' : ''}max batch ${s.batch})`;
  if (s.basis === 'load-unmet') return `NO offered Poisson rate within ${loadTargets(s)}${s.offeredQps != null ? ` (lightest tried: ${s.offeredQps} req/s)` : ''}`;
  if (s.basis === 'slo') return `served at batch ${s.batch} within ${s.sloMsPerToken ?? '?'} ms/token p99`;
  if (s.basis === 'slo-unmet') return `NO batch within ${s.sloMsPerToken ?? '?'} ms/token p99 (closest: batch ${s.batch}${typeof s.stepLatencyP99Ms === 'number' ? `, p99 ${s.stepLatencyP99Ms.toFixed(1)} ms` : ''})`;
  return `served at batch ${s.batch} (most efficient; no latency target)`;
}

/** Energy label for the basis column. */
export function energyLabel(kind: 'metered' | 'declared' | 'none' | undefined, meter: string | null | undefined, scope: string | null | undefined): string {
  if (kind === 'declared') return 'declared, not measured';
  if (kind === 'metered' || (kind === undefined && scope && scope !== 'declared')) return `measured (${[meter, scope].filter(Boolean).join(', ') || 'meter'})`;
  if (scope === 'declared') return 'declared, not measured';
  return 'energy not measured';
}

/**
 * Priced, or not with the reasons. `--price-anyway` overrides a mismatch of model or GPU, never a
 * figure that is not a GPU's (a software adapter, the CPU) or not a public model's (a test preset):
 * those are never priced (README, "A price says what it prices"), whatever the flag.
 */
function allow(reasons: string[], anyway: boolean, never = false): Pricing {
  if (!reasons.length) return { priced: true, reason: null };
  const reason = reasons.join('; also ');
  if (never) return { priced: false, reason: anyway ? `${reason} (--price-anyway does not apply: software adapters, the CPU and test models are never priced)` : reason };
  return anyway ? { priced: true, reason, pricedAnyway: true } : { priced: false, reason };
}

/** Is the device a GPU at all? (software adapters and the CPU are not). */
function notAGpu(d: MeasuredDevice | undefined): string | null {
  if (!d) return null;
  if (d.kind === 'software') return `measured on a software adapter (${d.name}): CPU timings, not a GPU`;
  if (d.kind === 'cpu') return `measured on the CPU${d.name ? ` (${d.name})` : ''}, not a GPU`;
  return null;
}

/** Pricing of a measured hash figure: GPU mining needs no named price, only a GPU. */
export function hashPricing(d: MeasuredDevice | undefined, anyway: boolean): Pricing {
  const r = notAGpu(d);
  return allow(r ? [r] : [], anyway, r !== null);
}

/**
 * Pricing of a measured inference figure against the token price's model and the GPU the site's
 * capex is for (`capexGpu`, null when the capex is for the measured GPU or unknown).
 */
export function inferPricing(d: MeasuredDevice | undefined, model: MeasuredModel | null | undefined, priceModel: PricedModel | null, capexGpu: string | null, anyway: boolean, serving?: ServingInfo | null): Pricing {
  const reasons: string[] = [];
  // A token price is for a service at some latency; a device that meets no tested batch's target does not sell it.
  if (serving?.basis === 'slo-unmet') reasons.push(`no measured batch met the ${serving.sloMsPerToken ?? '?'} ms/token p99 latency target (${servingLabel(serving)})`);
  if (serving?.basis === 'load-unmet') reasons.push(`no offered load met the latency targets (${servingLabel(serving)})`);
  const m = model ?? null;
  if (priceModel) {
    const why = m ? modelMismatch(m, priceModel) : `the result does not name the model it measured; the price is for ${priceModel.name}`;
    if (why) reasons.push(why);
  } else if (m && isTestModel(m)) {
    reasons.push(`measured ${describeMeasuredModel(m)}, a synthetic test model that mirrors no public model`);
  }
  const dev = notAGpu(d);
  if (dev) reasons.push(dev);
  else if (capexGpu && d) {
    const why = deviceMismatch(d, capexGpu, "the site's GPU capex is for");
    if (why) reasons.push(why);
  }
  return allow(reasons, anyway, dev !== null || Boolean(m && isTestModel(m)));
}

/** Pricing of a GPU-hour rental of the measured device (`rentalGpu`: the GPU the price rents). */
export function rentalPricing(d: MeasuredDevice | undefined, rentalGpu: string | null, anyway: boolean): Pricing {
  const dev = notAGpu(d);
  if (dev) return allow([`${dev}${rentalGpu ? `; the GPU-hour price is for ${rentalGpu}` : ''}`], anyway, true);
  if (rentalGpu && d) {
    const why = deviceMismatch(d, rentalGpu, 'the GPU-hour price is for');
    if (why) return allow([why], anyway);
  }
  return { priced: true, reason: null };
}

/** Short model name for a row label. */
export function modelLabel(m: MeasuredModel | null | undefined): string | null {
  return m ? measuredModelName(m) : null;
}

/** Short device name for a row label (undefined device = stated by flags: no name). */
export function deviceLabel(d: MeasuredDevice | undefined): string | null {
  return d ? shortDeviceName(d) : null;
}
