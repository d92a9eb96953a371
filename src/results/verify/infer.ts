/**
 * An inference measurement re-derived from its raw record (README "Headline figures", models/README
 * "What infer bench reports"): prefill and decode tok/s are the mean of the per-run rates (each
 * run's tokens over its wall time), the runs sit back to back inside their phase's window (so
 * their implied times cannot add up to more than the window), tok/J is the decode window's tokens
 * over its joules, and a batch sweep's rows, serving figure and per-batch metrics agree with each
 * other and with the batch's own window.
 */
import { basisOf, checkEnergy, checkPerJoule, type WindowJoules } from './energy.js';
import { checkHeadlineInterval, checkMeanValue, checkSummary, samplesOf, type RawMetric } from './figures.js';
import { close, fieldPath, num, type Findings } from './findings.js';
import type { MeasurementContext } from './hash.js';

type Rec = Record<string, unknown>;
const numOf = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** A per-run rate metric against its phase: run count, implied busy time inside the window. */
function checkPhaseRuns(m: RawMetric | undefined, phase: Rec | undefined, path: Array<string | number>, f: Findings): void {
  const s = samplesOf(m);
  if (!s || !phase) return;
  const runs = numOf(phase.runs);
  const tokens = numOf(phase.tokens);
  const windowS = numOf(phase.windowS);
  if (runs !== null) f.check(s.length === runs, fieldPath(...path, 'samples'), () => `${s.length} samples, but the phase ran ${runs} runs`);
  if (runs === null || tokens === null || windowS === null || runs === 0) return;
  const perRun = tokens / runs;
  const busyS = s.reduce((a, x) => a + perRun / x, 0);
  f.check(busyS <= windowS + 0.002, fieldPath(...path, 'samples'), () => `imply ${num(busyS)} s of runs (${num(perRun)} tokens each), more than the ${num(windowS)} s window that held them back to back`);
  // No lower bound: between runs the window also holds token generation and cache resets, which
  // on a small model take a large share of it (0.24 s of runs in a 0.31 s window was seen for tiny).
}

/** One tok/s headline: mean of its samples, interval, summary, runs against the phase. */
function checkRateMetric(metrics: Record<string, RawMetric>, name: string, phase: Rec | undefined, base: Array<string | number>, f: Findings): void {
  const m = metrics[name];
  if (!m || typeof m.value !== 'number') return;
  const path = [...base, 'metrics', name];
  checkMeanValue(m, path, 'the figure is the mean of the repetitions', f);
  checkHeadlineInterval(m, path, 'student-t', null, f);
  checkSummary(m, path, f);
  checkPhaseRuns(m, phase, path, f);
}

/** Whether inference ran on the CPU (the CPU EP, or WebGPU on a software adapter). */
function workOf(meas: Rec): 'cpu' | 'gpu' | null {
  const ep = (meas.params as Rec | undefined)?.ep;
  const adapter = meas.adapter as { isSoftware?: unknown } | null | undefined;
  if (ep === 'cpu') return 'cpu';
  if (ep === 'webgpu' && adapter) return adapter.isSoftware === true ? 'cpu' : 'gpu';
  return ep === 'cuda' ? 'gpu' : null;
}

/** Check an `infer` measurement. */
export function checkInferMeasurement(meas: Rec, ctx: MeasurementContext, f: Findings): void {
  if (meas.status !== 'complete' && meas.status !== 'incomplete') return;
  const base = ['measurements', ctx.index];
  const metrics = (meas.metrics ?? {}) as Record<string, RawMetric>;
  const details = (meas.details ?? {}) as Rec;
  const phases = (details.phases ?? {}) as Record<string, Rec>;
  checkRateMetric(metrics, 'prefillTokensPerSecond', phases.pp, base, f);
  checkRateMetric(metrics, 'decodeTokensPerSecond', phases.tg, base, f);
  const work = workOf(meas);
  const tg = checkEnergy(meas.energy, { path: [...base, 'energy'], workS: numOf(phases.tg?.windowS), workLabel: 'the decode phase, details.phases.tg.windowS', requiredS: numOf(phases.tg?.requiredWindowS), work, spanMs: ctx.spanMs }, f);
  const pp = checkEnergy(details.energyPrefill, { path: [...base, 'details', 'energyPrefill'], workS: numOf(phases.pp?.windowS), workLabel: 'the prefill phase, details.phases.pp.windowS', requiredS: numOf(phases.pp?.requiredWindowS), work, spanMs: ctx.spanMs }, f);
  const tokens = (details.tokens ?? {}) as Rec;
  for (const [k, ph] of [['decode', phases.tg], ['prefill', phases.pp]] as const) {
    if (numOf(tokens[k]) !== null && numOf(ph?.tokens) !== null) f.check(tokens[k] === ph!.tokens, fieldPath(...base, 'details', 'tokens', k), () => `${String(tokens[k])}, but its phase counted ${String(ph!.tokens)} tokens`);
  }
  checkPerJoule(metrics.tokensPerJoule, [...base, 'metrics', 'tokensPerJoule'], numOf(tokens.decode) ?? numOf(phases.tg?.tokens), 'the decode tokens (details.tokens.decode)', tg, ctx.schemaMinor, f);
  checkPerJoule(metrics.prefillTokensPerJoule, [...base, 'metrics', 'prefillTokensPerJoule'], numOf(phases.pp?.tokens) ?? numOf(tokens.prefill), 'the prompt tokens (details.phases.pp.tokens)', pp, ctx.schemaMinor, f);
  const rows = Array.isArray(details.batchSweep) ? (details.batchSweep as Rec[]) : [];
  rows.forEach((row, k) => checkSweepRow(row, k, meas, ctx, work, f));
  if (details.serving && typeof details.serving === 'object') checkServing(details.serving as Rec, rows, metrics, base, f);
}

/** One batch of a sweep: its own window, its tokens, its metrics. */
function checkSweepRow(row: Rec, k: number, meas: Rec, ctx: MeasurementContext, work: 'cpu' | 'gpu' | null, f: Findings): void {
  const base = ['measurements', ctx.index];
  const at = (...p: Array<string | number>) => fieldPath(...base, 'details', 'batchSweep', k, ...p);
  const batch = numOf(row.batch);
  const tokens = numOf(row.decodeTokens);
  const windowS = numOf(row.decodeWindowS);
  const gen = numOf((meas.params as Rec | undefined)?.gen);
  const seqs = numOf(row.decodeSequences);
  if (batch === null || tokens === null) return;
  if (gen !== null && seqs !== null) f.check(tokens === batch * gen * seqs, at('decodeTokens'), () => `${tokens}, but batch ${batch} × gen ${gen} × ${seqs} sequences = ${batch * gen * seqs}`);
  if (windowS !== null && windowS > 0 && typeof row.windowTokensPerSecond === 'number') {
    const want = tokens / windowS;
    f.check(close(row.windowTokensPerSecond, want, 1e-9), at('windowTokensPerSecond'), () => `${num(row.windowTokensPerSecond as number)}, but decodeTokens / decodeWindowS = ${num(want)}`);
  }
  const metrics = (meas.metrics ?? {}) as Record<string, RawMetric>;
  const rate = metrics[`decodeTokensPerSecond.b${batch}`];
  if (rate) {
    const path = [...base, 'metrics', `decodeTokensPerSecond.b${batch}`];
    checkMeanValue(rate, path, `batch ${batch}: the mean of its sequences`, f);
    checkSummary(rate, path, f);
    checkPhaseRuns(rate, { runs: seqs, tokens, windowS }, path, f);
    if (typeof row.decodeTokensPerSecond === 'number' && typeof rate.value === 'number') {
      f.check(close(row.decodeTokensPerSecond, rate.value, 1e-9), at('decodeTokensPerSecond'), () => `${num(row.decodeTokensPerSecond as number)}, but metrics["decodeTokensPerSecond.b${batch}"] is ${num(rate.value as number)}`);
    }
  }
  const j: WindowJoules = checkEnergy(row.energy, { path: [...base, 'details', 'batchSweep', k, 'energy'], workS: windowS, workLabel: `batch ${batch}'s decode window, decodeWindowS`, work, spanMs: ctx.spanMs }, f);
  checkEnergy(row.energyPrefill, { path: [...base, 'details', 'batchSweep', k, 'energyPrefill'], work, spanMs: ctx.spanMs }, f);
  if (typeof row.tokensPerJoule === 'number') {
    checkPerJoule({ value: row.tokensPerJoule, energyBasis: row.energyBasis }, [...base, 'details', 'batchSweep', k, 'tokensPerJoule'], tokens, 'decodeTokens', j, ctx.schemaMinor, f);
  }
  const tpj = metrics[`tokensPerJoule.b${batch}`];
  if (tpj && typeof tpj.value === 'number') checkPerJoule(tpj, [...base, 'metrics', `tokensPerJoule.b${batch}`], tokens, `batch ${batch}'s decodeTokens`, j, ctx.schemaMinor, f);
  else if (tpj && tpj.value === null && j.complete && j.energyJ !== null && basisOf(row.energy as Rec) !== 'none') f.warn(fieldPath(...base, 'metrics', `tokensPerJoule.b${batch}`, 'value'), 'null although its window holds complete energy');
}

/** The serving figure: the row it names, the metrics it feeds, and the rule that chose it. */
function checkServing(s: Rec, rows: Rec[], metrics: Record<string, RawMetric>, base: Array<string | number>, f: Findings): void {
  const at = (k: string) => fieldPath(...base, 'details', 'serving', k);
  const row = rows.find((r) => r.batch === s.batch);
  if (!f.check(row !== undefined, at('batch'), () => `batch ${String(s.batch)} is not in details.batchSweep`)) return;
  const same = (a: unknown, b: unknown) => (a === null && b === null) || (typeof a === 'number' && typeof b === 'number' && close(a, b, 1e-9));
  f.check(same(s.decodeTokensPerSecond, row!.windowTokensPerSecond), at('decodeTokensPerSecond'), () => `${String(s.decodeTokensPerSecond)}, but batch ${String(s.batch)}'s window gives ${String(row!.windowTokensPerSecond)} tokens/s`);
  f.check(same(s.tokensPerJoule, row!.tokensPerJoule), at('tokensPerJoule'), () => `${String(s.tokensPerJoule)}, but batch ${String(s.batch)}'s row has ${String(row!.tokensPerJoule)}`);
  f.check(same(s.stepLatencyP99Ms, row!.stepLatencyP99Ms), at('stepLatencyP99Ms'), () => `${String(s.stepLatencyP99Ms)}, but batch ${String(s.batch)}'s row has ${String(row!.stepLatencyP99Ms)}`);
  for (const [metric, key] of [['servingTokensPerSecond', 'decodeTokensPerSecond'], ['servingTokensPerJoule', 'tokensPerJoule'], ['servingStepLatencyP99Ms', 'stepLatencyP99Ms']] as const) {
    const v = metrics[metric]?.value;
    if (typeof v === 'number') f.check(same(v, s[key]), fieldPath(...base, 'metrics', metric, 'value'), () => `${num(v)}, but details.serving.${key} is ${String(s[key])}`);
  }
  const slo = numOf(s.sloMsPerToken);
  const p99 = (r: Rec) => numOf(r.stepLatencyP99Ms) ?? Infinity;
  if (s.basis === 'slo' || s.basis === 'best-efficiency') {
    if (slo !== null) f.check(p99(row!) <= slo, at('batch'), () => `batch ${String(s.batch)} is the serving figure at ${slo} ms/token, but its p99 step latency is ${num(p99(row!))} ms`);
    const byJ = s.chosenBy === 'tokens-per-joule';
    const key = (r: Rec) => numOf(byJ ? r.tokensPerJoule : r.windowTokensPerSecond) ?? -Infinity;
    const better = rows.filter((r) => (slo === null || p99(r) <= slo) && key(r) > key(row!) * (1 + 1e-12));
    f.check(better.length === 0, at('batch'), () => `batch ${String(s.batch)} chosen, but batch ${String(better[0]?.batch)} meets the target with more ${byJ ? 'tokens/J' : 'tokens/s'} (${num(key(better[0]!))} > ${num(key(row!))})`);
  } else if (s.basis === 'slo-unmet' && slo !== null) {
    const meeting = rows.filter((r) => p99(r) <= slo);
    f.check(meeting.length === 0, at('basis'), () => `'slo-unmet', but batch ${String(meeting[0]?.batch)} meets ${slo} ms/token (p99 ${num(p99(meeting[0]!))} ms)`);
  }
}
