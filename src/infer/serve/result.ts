/**
 * The result of `infer serve` (pure: builds the schema Measurement from the measured levels).
 *
 * `levels[]` holds every level's figures and per-request records; `sustainable` the highest offered
 * rate within the latency targets (src/infer/serve/search.ts) with its tokens/s and tokens/J;
 * `details.serving` the same figure in the shape `profit` and `report` read for a served figure
 * (basis 'load': "Poisson load at x req/s within TTFT/TPOT p99 …").
 */
import { depVersion } from '../../util/package.js';
import type { Energy, Measurement, Metric } from '../../results/schema.js';
import type { Ep } from '../decoder.js';
import { qpsText } from './arrivals.js';
import { lengthText } from './lengths.js';
import type { ServeLevel } from './levels.js';
import { bracketOf, levelVerdict, sloText, type Bracket } from './search.js';
import type { InferServeOptions } from './options.js';
import type { ServeSession } from './session.js';

/** The sustainable figure (the result's `sustainable`). */
export interface SustainableFigure {
  /** Highest offered rate meeting the targets, req/s (null: none did, or no target). */
  offeredQps: number | null;
  basis: 'slo' | 'none-met' | 'no-slo';
  sloTtftMs: number | null;
  sloTpotMs: number | null;
  outputTokensPerSecond: number | null;
  tokensPerJoule: number | null;
  energyBasis: 'metered' | 'declared' | null;
  avgPowerW: number | null;
  ttftP99Ms: number | null;
  tpotP99Ms: number | null;
  /** Index of its level in levels[] (null without one). */
  level: number | null;
  bracket: Bracket;
  note: string;
}

const fmtMs = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const outcome = (l: ServeLevel) => ({ offeredQps: l.offeredQps, completedRequests: l.completedRequests, unfinishedRequests: l.unfinishedRequests, ttftP99Ms: l.ttftMs?.p99 ?? null, tpotP99Ms: l.tpotMs?.p99 ?? null, requestsPerSecond: l.requestsPerSecond });

/** The sustainable figure of measured levels. */
export function sustainableOf(levels: readonly ServeLevel[], slo: InferServeOptions['slo']): SustainableFigure {
  const bracket = bracketOf(levels.map(outcome), slo);
  const base = { sloTtftMs: slo.ttftMs, sloTpotMs: slo.tpotMs, bracket };
  const none = { offeredQps: null, outputTokensPerSecond: null, tokensPerJoule: null, energyBasis: null, avgPowerW: null, ttftP99Ms: null, tpotP99Ms: null, level: null };
  if (slo.ttftMs === null && slo.tpotMs === null) return { ...none, ...base, basis: 'no-slo', note: 'no latency target (--slo-ttft-ms / --slo-tpot-ms): no sustainable rate' };
  if (bracket.passQps === null) {
    const tried = levels.filter((l) => l.offeredQps !== 'inf').map((l) => `${qpsText(l.offeredQps)} (${levelVerdict(outcome(l), slo).why})`);
    return { ...none, ...base, basis: 'none-met', note: `no offered rate met ${sloText(slo)}${tried.length ? `: ${tried.join('; ')}` : ': no finite rate was measured (add one to --qps)'}; lower the rate, relax the targets, or use a faster device` };
  }
  const i = levels.findIndex((l) => l.offeredQps === bracket.passQps);
  const l = levels[i]!;
  const upper = bracket.failQps !== null ? `${qpsText(bracket.failQps)} failed` : bracket.serviceRate !== null ? `the burst completed ${bracket.serviceRate.toPrecision(3)} req/s` : 'no higher rate was measured (add a higher rate or inf to --qps)';
  return {
    ...base,
    offeredQps: bracket.passQps,
    basis: 'slo',
    outputTokensPerSecond: l.outputTokensPerSecond,
    tokensPerJoule: l.tokensPerJoule,
    energyBasis: l.energyBasis ?? null,
    avgPowerW: l.avgPowerW,
    ttftP99Ms: l.ttftMs?.p99 ?? null,
    tpotP99Ms: l.tpotMs?.p99 ?? null,
    level: i,
    note: `Poisson load at ${qpsText(bracket.passQps)} within ${sloText(slo)} (p99 TTFT ${fmtMs(l.ttftMs?.p99)} ms, p99 TPOT ${fmtMs(l.tpotMs?.p99)} ms); above it: ${upper}`,
  };
}

function metric(value: number | null, unit: string, method: string, extra: Partial<Metric> = {}): Metric {
  return { value, unit, higherIsBetter: !/ms$/.test(unit), method, ...extra };
}

/** Top-level metrics: the sustainable figure and the burst throughput. */
function serveMetrics(sus: SustainableFigure, levels: readonly ServeLevel[], maxBatch: number): Record<string, Metric> {
  const bursts = levels.filter((l) => l.offeredQps === 'inf' && l.outputTokensPerSecond !== null);
  const burst = bursts.length ? bursts.reduce((a, b) => (b.outputTokensPerSecond! > a.outputTokensPerSecond! ? b : a)) : null;
  const why = sus.note;
  return {
    sustainableQps: metric(sus.offeredQps, 'requests/s', `highest offered Poisson rate whose p99 TTFT and p99 TPOT met the targets (MLPerf Server rule), max batch ${maxBatch}`, sus.offeredQps === null ? { reason: why } : {}),
    servedOutputTokensPerSecond: metric(sus.outputTokensPerSecond, 'tokens/s', 'output tokens / level duration (level start → last completion, drain included) at the sustainable rate', sus.outputTokensPerSecond === null ? { reason: why } : {}),
    servedTokensPerJoule: metric(sus.tokensPerJoule, 'tokens/J', "output tokens / energy of the sustainable level's window (the whole level: prefills, decode, idle gaps)", {
      ...(sus.tokensPerJoule === null ? { reason: sus.offeredQps === null ? why : 'energy not measured or incomplete for that level (see levels[].tokensPerJouleReason)' } : {}),
      ...(sus.tokensPerJoule !== null && sus.energyBasis ? { energyBasis: sus.energyBasis } : {}),
    }),
    burstOutputTokensPerSecond: metric(burst?.outputTokensPerSecond ?? null, 'tokens/s', 'output tokens / duration of the inf (burst) level: every request released at t = 0, the batch kept full until the queue drains (saturated throughput)', burst ? {} : { reason: 'no inf level in --qps' }),
  };
}

/** details.serving: the sustainable figure where profit and report read a served figure. */
function servingDetails(sus: SustainableFigure, maxBatch: number, levels: readonly ServeLevel[], batching: 'continuous' | 'boundary'): Record<string, unknown> {
  const slo = { sloTtftMs: sus.sloTtftMs, sloTpotMs: sus.sloTpotMs, sloMsPerToken: sus.sloTpotMs, batching };
  if (sus.offeredQps !== null) {
    return { basis: 'load', batch: maxBatch, offeredQps: sus.offeredQps, decodeTokensPerSecond: sus.outputTokensPerSecond, tokensPerJoule: sus.tokensPerJoule, avgPowerW: sus.avgPowerW, stepLatencyP99Ms: sus.tpotP99Ms, ttftP99Ms: sus.ttftP99Ms, ...slo, note: sus.note };
  }
  // None met the targets: the lightest finite level (else the burst) is recorded as the closest, never a served figure.
  const lightest = levels.filter((l) => l.offeredQps !== 'inf').sort((a, b) => (a.offeredQps as number) - (b.offeredQps as number))[0] ?? levels.find((l) => l.outputTokensPerSecond !== null);
  return { basis: 'load-unmet', batch: maxBatch, offeredQps: typeof lightest?.offeredQps === 'number' ? lightest.offeredQps : null, decodeTokensPerSecond: lightest?.outputTokensPerSecond ?? null, tokensPerJoule: lightest?.tokensPerJoule ?? null, avgPowerW: lightest?.avgPowerW ?? null, stepLatencyP99Ms: lightest?.tpotMs?.p99 ?? null, ttftP99Ms: lightest?.ttftMs?.p99 ?? null, ...slo, note: sus.note };
}

function modelDetails(s: ServeSession): Record<string, unknown> {
  const m = s.model;
  const synthetic = m.info !== null;
  const mirrors = m.info?.mirrors ?? null;
  const testModel = synthetic && /^synthetic test model/.test(mirrors ?? '');
  const note = !synthetic ? 'user-supplied model' : testModel ? `synthetic seeded weights, ${mirrors}: a harness test model, its figures say nothing about a real LLM` : `synthetic seeded weights with the exact shapes of ${mirrors}: compute and memory traffic are the real architecture's, outputs are meaningless`;
  return { source: m.source, name: m.name, path: m.file, synthetic, note, mirrors, parameters: m.inventory?.parameters ?? null, weightBytes: m.inventory?.weightBytes ?? null, bytesOnDisk: m.bytesOnDisk, layers: s.io.layers.length, numKvHeads: s.io.numKvHeads, headDim: s.io.headDim, vocabSize: s.vocabSize, kvType: s.io.kvType, contextTokens: s.maxContext };
}

/** What serveMeasurement needs. */
export interface ServeOutcome {
  o: InferServeOptions;
  s: ServeSession;
  ep: Ep;
  levels: ServeLevel[];
  burst: { n: number; rule: string };
  startedAt: Date;
  notMeasured: string;
}

/** The Measurement of an `infer serve` run. */
export function serveMeasurement(x: ServeOutcome): Measurement {
  const { o, s, levels } = x;
  const sus = sustainableOf(levels, o.slo);
  const energy: Energy = sus.level !== null ? levels[sus.level]!.energy : { measured: false, reason: sus.offeredQps === null ? `no sustainable level: ${sus.note}` : x.notMeasured };
  const warnings = [...s.warnings];
  if (s.batching.fallback) warnings.push(`batching: ${s.batching.reason}`);
  for (const l of levels) if (l.cut) warnings.push(`level ${qpsText(l.offeredQps)} was cut after ${l.durationS.toFixed(1)} s with ${l.unfinishedRequests} request(s) unfinished: the offered rate is above what the device serves`);
  if (sus.basis === 'none-met') warnings.push(`sustainable figure: ${sus.note}`);
  return {
    id: `infer.serve.${s.model.name}`,
    kind: 'infer',
    status: 'complete',
    startedAt: x.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    params: { mode: 'serve', model: o.model, ep: x.ep, dtype: s.dtype, variant: s.variant, qps: o.qps.map(String), durationS: o.durationS, maxBatch: o.maxBatch, promptLen: lengthText(o.prompt), genLen: lengthText(o.gen), sloTtftMs: o.slo.ttftMs, sloTpotMs: o.slo.tpotMs, searchSteps: o.searchSteps, batching: o.batching, seed: o.seed, tokens: o.tokens, burstRequests: x.burst.n, threads: o.threads ?? null },
    metrics: serveMetrics(sus, levels, o.maxBatch),
    energy,
    adapter: (s.match ? (s.match.onnxruntime ?? s.match.hashing) : null) as Measurement['adapter'],
    levels: levels as unknown as Measurement['levels'],
    sustainable: sus as unknown as Measurement['sustainable'],
    details: {
      model: modelDetails(s),
      batching: { ...s.batching, checks: s.checks.map((c) => ({ ...c, maxRelDiff: Number.isFinite(c.maxRelDiff) ? c.maxRelDiff : null })) },
      burst: { requests: x.burst.n, rule: x.burst.rule },
      load: {
        arrivals: 'open loop: Poisson (exponential gaps from a seeded generator, pre-computed; MLPerf LoadGen Server, vLLM --burstiness 1); inf = every request at t = 0',
        percentiles: 'numpy linear interpolation (vLLM); MLPerf LoadGen reads sorted[floor(n·p)]',
        ttft: 'first token − scheduled arrival (queueing included: no coordinated omission)',
        tpot: '(last token − first token) / (output tokens − 1), per request; p99 over requests',
        itl: 'gaps between consecutive tokens, pooled over requests (one token per event)',
        duration: 'level start (schedule origin) → last completion, drain included (vLLM)',
        goodput: 'requests meeting every given SLO / duration (vLLM request_goodput; DistServe)',
        cutAfterS: 3 * o.durationS + 30,
        outputLengths: 'forced (EOS ignored), as vLLM forces ignore_eos for random prompts',
      },
      serving: servingDetails(sus, o.maxBatch, levels, s.batching.mode),
      session: { createTimeS: s.createTimeS, onnxruntime: depVersion('onnxruntime-node'), kvLocation: s.batching.kvLocation },
      adapterMatch: s.match ? { hashing: s.match.hashing, onnxruntime: s.match.onnxruntime, same: s.match.same, confidence: s.match.confidence, method: s.match.method } : { note: `${x.ep} EP: no WebGPU adapter involved` },
    },
    warnings,
  };
}
