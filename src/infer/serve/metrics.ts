/**
 * Per-request records and the figures of one load level (pure).
 *
 * Definitions follow vLLM's serving benchmark as its code computes them (vllm-project/vllm
 * vllm/benchmarks/serve.py `calculate_metrics`), with one open-loop correction:
 *
 * - TTFT = first token − SCHEDULED arrival. The arrival time is the schedule's, not the moment the
 *   server got round to the request, so queueing is inside TTFT (measuring from the admission would
 *   hide a stalled server: coordinated omission, https://github.com/giltene/wrk2 README).
 * - TPOT per request = (last token − first token) / (output tokens − 1); requests with one output
 *   token have none and stay out of the TPOT percentiles (vLLM; MLPerf LoadGen loadgen/logging.cc
 *   computes the same per-sample TPOT). p99 TPOT is the 99th percentile of these per-request means.
 * - ITL = every gap between consecutive tokens of a request, pooled over all requests. Here one
 *   token is one event (no streamed chunks bundling tokens), so ITL is per token.
 * - E2EL = last token − scheduled arrival.
 * - Throughput = output tokens / level duration, the duration running from the level start (t = 0,
 *   the schedule's origin) to the last completion, so the drain of the last requests is inside it
 *   (vLLM's benchmark duration: first dispatch to last completion).
 * - Goodput = requests meeting every given SLO (TTFT ≤ its limit and TPOT ≤ its limit) per second
 *   of the level: vLLM's `request_goodput`, after DistServe's definition (Zhong et al., OSDI 2024,
 *   arXiv:2401.09670). A request with one output token meets any TPOT limit (vLLM counts TPOT 0).
 * - Percentiles: linear interpolation between order statistics (numpy.percentile's default, which
 *   vLLM uses); MLPerf LoadGen reads sorted[floor(n·p)] instead (loadgen/results.cc), which can give
 *   a different p99 on the same data.
 */
import { percentileSorted } from '../../stats/summary.js';

/** What happened to one request (times in ms from the level start). */
export interface RequestRecord {
  id: number;
  /** Slot (sequence position in the batch, 0..max-batch−1) it was served in; null if never admitted. */
  slot: number | null;
  /** Scheduled arrival. */
  arrivalMs: number;
  /** Its prefill started (null: never admitted before the level was cut). */
  admittedMs: number | null;
  /** First output token (end of its prefill + argmax). */
  firstTokenMs: number | null;
  /** Last output token. */
  doneMs: number | null;
  promptTokens: number;
  /** Output tokens it was to produce (forced length). */
  outputTokens: number;
  /** Time of every output token produced (first = firstTokenMs, last = doneMs when complete). */
  tokenMs: number[];
}

/** p50 / p90 / p99 of a figure, ms. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** Latency targets (null: not given). */
export interface Slos {
  ttftMs: number | null;
  tpotMs: number | null;
}

/** Figures of one level, all recomputable from its records. */
export interface LevelFigures {
  completedRequests: number;
  /** Requests not finished when the level was cut (their latencies are not in the percentiles). */
  unfinishedRequests: number;
  promptTokens: number;
  outputTokens: number;
  durationS: number;
  outputTokensPerSecond: number | null;
  requestsPerSecond: number | null;
  ttftMs: Percentiles | null;
  tpotMs: Percentiles | null;
  itlMs: Percentiles | null;
  e2elMs: Percentiles | null;
  /** Scheduled arrival → prefill start. */
  queueMs: Percentiles | null;
  /** Requests meeting every given SLO; null without SLOs. */
  goodRequests: number | null;
  goodputRequestsPerSecond: number | null;
}

/** p50/p90/p99 with numpy's linear interpolation; null for no values. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentileSorted(s, 0.5), p90: percentileSorted(s, 0.9), p99: percentileSorted(s, 0.99) };
}

/** A record's TTFT, ms (null until its first token). */
export function ttftOf(r: RequestRecord): number | null {
  return r.firstTokenMs === null ? null : r.firstTokenMs - r.arrivalMs;
}

/** A record's TPOT, ms (null when incomplete or with one output token). */
export function tpotOf(r: RequestRecord): number | null {
  if (r.doneMs === null || r.firstTokenMs === null || r.outputTokens <= 1) return null;
  return (r.doneMs - r.firstTokenMs) / (r.outputTokens - 1);
}

/** Does a completed request meet every given SLO? */
export function meetsSlos(r: RequestRecord, slo: Slos): boolean {
  const ttft = ttftOf(r);
  if (r.doneMs === null || ttft === null) return false;
  if (slo.ttftMs !== null && !(ttft <= slo.ttftMs)) return false;
  const tpot = tpotOf(r) ?? 0;
  return slo.tpotMs === null || tpot <= slo.tpotMs;
}

const nonNull = (xs: Array<number | null>): number[] => xs.filter((x): x is number => x !== null);

/**
 * The figures of one level from its records. `durationS`: level start → last completion (or → the
 * cut); a level with no completed request has null rates.
 */
export function levelFigures(records: readonly RequestRecord[], durationS: number, slo: Slos): LevelFigures {
  const done = records.filter((r) => r.doneMs !== null);
  const outputTokens = done.reduce((a, r) => a + r.outputTokens, 0);
  const itl: number[] = [];
  for (const r of done) for (let i = 1; i < r.tokenMs.length; i++) itl.push(r.tokenMs[i]! - r.tokenMs[i - 1]!);
  const haveSlo = slo.ttftMs !== null || slo.tpotMs !== null;
  const good = haveSlo ? done.filter((r) => meetsSlos(r, slo)).length : null;
  const rate = (x: number) => (durationS > 0 && done.length ? x / durationS : null);
  return {
    completedRequests: done.length,
    unfinishedRequests: records.length - done.length,
    promptTokens: done.reduce((a, r) => a + r.promptTokens, 0),
    outputTokens,
    durationS,
    outputTokensPerSecond: rate(outputTokens),
    requestsPerSecond: rate(done.length),
    ttftMs: percentiles(nonNull(done.map(ttftOf))),
    tpotMs: percentiles(nonNull(done.map(tpotOf))),
    itlMs: percentiles(itl),
    e2elMs: percentiles(done.map((r) => r.doneMs! - r.arrivalMs)),
    queueMs: percentiles(nonNull(done.map((r) => (r.admittedMs === null ? null : r.admittedMs - r.arrivalMs)))),
    goodRequests: good,
    goodputRequestsPerSecond: good === null ? null : (rate(good) ?? 0),
  };
}
