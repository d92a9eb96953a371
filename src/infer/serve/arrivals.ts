/**
 * Open-loop arrival schedules for `infer serve` (pure: no clock, no I/O).
 *
 * A finite offered rate λ (requests/s) is a Poisson process: inter-arrival gaps are exponential
 * with mean 1/λ, drawn from a seeded generator and pre-computed before the level starts, so the
 * schedule never depends on how fast the server answers (open loop: no coordinated omission,
 * https://github.com/giltene/wrk2). This is MLPerf Inference LoadGen's Server scenario
 * (mlcommons/inference loadgen/loadgen.cc: exponentially distributed gaps) and vLLM's serving
 * benchmark with `--burstiness 1` (vllm-project/vllm vllm/benchmarks/serve.py `get_request`:
 * gamma(shape 1) = exponential gaps). Unlike current vLLM, the gaps are not rescaled so the last
 * arrival lands on a round number: the count in a window of T seconds is Poisson(λT), as a Poisson
 * process's is. `inf` releases every request at t = 0 (vLLM's `--request-rate inf`): a burst test
 * of maximum throughput and queueing, not latency at a rate.
 */
import { UsageError } from '../../util/errors.js';
import { mulberry32 } from '../../util/random.js';

/** One offered load: requests per second, or 'inf' (every request at t = 0). */
export type OfferedQps = number | 'inf';

/** Most levels one `--qps` list takes. */
export const MAX_QPS_LEVELS = 16;
/** Largest finite rate accepted, requests/s. */
export const MAX_QPS = 100_000;

/**
 * Parse `--qps 0.5,2,inf`: positive finite rates (≤ MAX_QPS) and `inf`, each once. Returned in
 * ascending order with `inf` last (the order the levels run: a light load first, the burst last).
 */
export function parseQpsList(raw: string, flag = '--qps'): OfferedQps[] {
  const text = String(raw).trim();
  const example = `e.g. ${flag} 1,2,4,inf`;
  if (text === '') throw new UsageError(`${flag} '': empty; give request rates per second or inf, ${example}`);
  const parts = text.split(',').map((p) => p.trim().toLowerCase());
  if (parts.length > MAX_QPS_LEVELS) throw new UsageError(`${flag} '${text}': ${parts.length} levels; at most ${MAX_QPS_LEVELS}`);
  const out: OfferedQps[] = [];
  for (const p of parts) {
    if (p === '') throw new UsageError(`${flag} '${text}': empty entry; separate rates with single commas, ${example}`);
    const v: OfferedQps = p === 'inf' ? 'inf' : Number(p);
    if (v !== 'inf' && (!/^[0-9.e+-]+$/.test(p) || !Number.isFinite(v))) throw new UsageError(`${flag} '${text}': '${p}' is not a number of requests per second nor inf; ${example}`);
    if (v !== 'inf' && !(v > 0 && v <= MAX_QPS)) throw new UsageError(`${flag} '${text}': ${p} out of range, a rate must be > 0 and ≤ ${MAX_QPS} requests/s`);
    if (out.includes(v)) throw new UsageError(`${flag} '${text}': ${p} is listed twice; list each rate once`);
    out.push(v);
  }
  return out.sort((a, b) => (a === 'inf' ? 1 : b === 'inf' ? -1 : a - b));
}

/** A uniform generator on [0, 1) from the project's seeded PRNG (32 random bits per draw). */
export function uniform01(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 2 ** 32;
}

/**
 * Arrival times (ms from the level start) of a Poisson process of `ratePerS` over
 * [0, durationS): cumulative sums of exponential gaps −ln(1 − U)/λ (inverse-CDF sampling), U
 * uniform on [0, 1) from `u`.
 */
export function poissonArrivalsMs(ratePerS: number, durationS: number, u: () => number): number[] {
  if (!(ratePerS > 0) || !Number.isFinite(ratePerS)) throw new RangeError(`poissonArrivalsMs: rate ${ratePerS} must be finite and > 0`);
  const endMs = durationS * 1000;
  const out: number[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - u()) / ratePerS) * 1000;
    if (t >= endMs) return out;
    out.push(t);
  }
}

/** `n` arrivals at t = 0 (the `inf` burst). */
export function burstArrivalsMs(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** "2 req/s" or "inf (burst)". */
export function qpsText(q: OfferedQps): string {
  return q === 'inf' ? 'inf (burst)' : `${Number(q.toPrecision(4))} req/s`;
}
