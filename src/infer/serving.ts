/**
 * Batch sweeps and the serving figure (pure: no ORT, no I/O).
 *
 * A serving stack batches: the figure a served GPU delivers is decode throughput at the batch a
 * scheduler would run within a latency target, not batch-1 decode. `infer bench --batch 1,4,16`
 * measures each batch size as its own test; `chooseServing` picks, among the batches whose p99
 * decode step latency meets `--slo-ms-per-token`, the one with the most tokens per joule (the most
 * tokens per second when energy was not measured, labelled). The rule follows MLPerf Inference's
 * Server scenario: throughput counted only while the p99 time per output token (TPOT) stays within
 * the benchmark's limit (mlcommons/inference loadgen/mlperf.conf, `target_latency_percentile = 99`,
 * e.g. llama3_1-8b TPOT 100 ms, llama3_1-8b-interactive 30 ms); ML.ENERGY reports energy per token
 * across batch sizes the same way (https://ml.energy/leaderboard). One decode step of a batch of B
 * sequences emits B tokens, one per sequence, so its wall time is each sequence's time per output
 * token: the step latency is what the target bounds.
 */
import { UsageError } from '../util/errors.js';

/** Largest batch `--batch` accepts (a KV cache and prefill logits of more sequences are not a benchmark of this harness). */
export const MAX_BATCH = 4096;
/** Most batch sizes one sweep takes (each is two energy windows of ≥ --min-window). */
export const MAX_SWEEP_LENGTH = 16;
/** Largest --slo-ms-per-token accepted, ms (one minute per token is no serving target). */
export const MAX_SLO_MS_PER_TOKEN = 60_000;

/**
 * Parse `--batch 1,4,16,64` (or a single `8`): positive integers ≤ MAX_BATCH, each once, at most
 * MAX_SWEEP_LENGTH of them. Returned in ascending order (the order the sweep runs: a batch that
 * fails to allocate then marks every larger one). UsageError, one line naming the flag, otherwise.
 */
export function parseBatchList(raw: string, flag = '--batch'): number[] {
  const text = String(raw).trim();
  const example = `e.g. ${flag} 1,4,16`;
  if (text === '') throw new UsageError(`${flag} '': empty; give a batch size or a comma-separated list, ${example}`);
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_SWEEP_LENGTH) throw new UsageError(`${flag} '${text}': ${parts.length} batch sizes; a sweep takes at most ${MAX_SWEEP_LENGTH}`);
  const seen = new Set<number>();
  for (const p of parts) {
    if (p === '') throw new UsageError(`${flag} '${text}': empty entry in the list; separate batch sizes with single commas, ${example}`);
    if (!/^\d+$/.test(p)) throw new UsageError(`${flag} '${text}': '${p}' is not a positive integer; ${example}`);
    const b = Number(p);
    if (b < 1 || b > MAX_BATCH) throw new UsageError(`${flag} '${text}': batch ${p} out of range, must be an integer from 1 to ${MAX_BATCH}`);
    if (seen.has(b)) throw new UsageError(`${flag} '${text}': batch ${b} is listed twice; list each batch size once, ${example}`);
    seen.add(b);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Parse `--slo-ms-per-token <ms>`: a finite number > 0 and ≤ MAX_SLO_MS_PER_TOKEN. */
export function parseSloMsPerToken(raw: string, flag = '--slo-ms-per-token'): number {
  const v = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} '${raw}': must be a number of milliseconds per output token > 0, e.g. ${flag} 50`);
  if (!(v > 0) || v > MAX_SLO_MS_PER_TOKEN) throw new UsageError(`${flag} ${raw}: out of range, must be > 0 and ≤ ${MAX_SLO_MS_PER_TOKEN} ms per token`);
  return v;
}

/** One measured batch, as the chooser sees it. */
export interface SweepPoint {
  batch: number;
  /** Decode throughput of the batch's window (tokens in it / its wall time). */
  decodeTokensPerSecond: number;
  /** Null when the decode window's energy is missing or incomplete. */
  tokensPerJoule: number | null;
  /** Average power of the decode window (metered or declared), W. */
  avgPowerW: number | null;
  stepLatencyP99Ms: number;
  /** What the joules rest on; null without energy. */
  energyBasis: 'metered' | 'declared' | null;
}

/** `details.serving` of an infer measurement (read by src/run/economics.ts and src/report/rows.ts). */
export interface ServingFigure {
  batch: number;
  decodeTokensPerSecond: number;
  tokensPerJoule: number | null;
  avgPowerW: number | null;
  stepLatencyP99Ms: number;
  sloMsPerToken: number | null;
  /**
   * 'slo': the most efficient batch meeting the target; 'best-efficiency': the most efficient batch
   * of a sweep without a target; 'batch-1-only': only batch 1 was measured (not a served figure);
   * 'slo-unmet': a target was given and no batch met it: the batch closest to it (lowest p99) is
   * recorded, and it is not a serving figure at that target (economics do not price it).
   */
  basis: 'slo' | 'best-efficiency' | 'batch-1-only' | 'slo-unmet';
  /** What the batch was chosen by. */
  chosenBy: 'tokens-per-joule' | 'tokens-per-second' | 'lowest-p99' | 'only-batch';
  /** Batches the rule chose among (measured ones meeting the target, or all measured). */
  candidates: number[];
  note: string;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const list = (xs: readonly number[]) => xs.join(', ');

/** Whether a batch meets the target (null without a target). */
export function meetsSlo(p: Pick<SweepPoint, 'stepLatencyP99Ms'>, sloMsPerToken: number | null): boolean | null {
  return sloMsPerToken === null ? null : p.stepLatencyP99Ms <= sloMsPerToken;
}

/** The most efficient of `pts`: by tokens/J when any has it, else by tokens/s; ties go to the lower p99. */
function mostEfficient(pts: readonly SweepPoint[]): { best: SweepPoint; by: 'tokens-per-joule' | 'tokens-per-second'; noEnergy: number[] } {
  const withJ = pts.filter((p) => p.tokensPerJoule !== null);
  const by = withJ.length ? 'tokens-per-joule' : 'tokens-per-second';
  const pool = withJ.length ? withJ : pts;
  const key = (p: SweepPoint) => (by === 'tokens-per-joule' ? p.tokensPerJoule! : p.decodeTokensPerSecond);
  const best = pool.reduce((a, b) => (key(b) > key(a) || (key(b) === key(a) && b.stepLatencyP99Ms < a.stepLatencyP99Ms) ? b : a));
  return { best, by, noEnergy: withJ.length ? pts.filter((p) => p.tokensPerJoule === null).map((p) => p.batch) : [] };
}

function byText(by: 'tokens-per-joule' | 'tokens-per-second', p: SweepPoint, noEnergy: number[]): string {
  if (by === 'tokens-per-second') return `the most decode tokens/s (${p.decodeTokensPerSecond.toPrecision(4)}; energy not measured, so chosen by tokens/s, not tokens/J)`;
  const declared = p.energyBasis === 'declared' ? '; DECLARED watts, so the ranking is that of tokens/s' : '';
  const missing = noEnergy.length ? `; batch ${list(noEnergy)} not compared: no complete energy window` : '';
  return `the most tokens/J (${p.tokensPerJoule!.toPrecision(4)}${declared})${missing}`;
}

function figure(p: SweepPoint, slo: number | null, basis: ServingFigure['basis'], chosenBy: ServingFigure['chosenBy'], candidates: number[], note: string): ServingFigure {
  return { batch: p.batch, decodeTokensPerSecond: p.decodeTokensPerSecond, tokensPerJoule: p.tokensPerJoule, avgPowerW: p.avgPowerW, stepLatencyP99Ms: p.stepLatencyP99Ms, sloMsPerToken: slo, basis, chosenBy, candidates, note };
}

/**
 * Choose the serving figure of a sweep. `points` are the measured batches (any order; at least
 * one); `skipped` the batches that were listed but not measured (named in the note).
 */
export function chooseServing(points: readonly SweepPoint[], sloMsPerToken: number | null, skipped: readonly number[] = []): ServingFigure {
  if (!points.length) throw new Error('chooseServing: no measured batch');
  const pts = [...points].sort((a, b) => a.batch - b.batch);
  const all = pts.map((p) => p.batch);
  const skippedText = skipped.length ? `; batch ${list(skipped)} not measured (see batchSweepSkipped)` : '';
  const slo = sloMsPerToken;
  const meeting = slo === null ? pts : pts.filter((p) => p.stepLatencyP99Ms <= slo);
  if (slo !== null && !meeting.length) {
    const closest = pts.reduce((a, b) => (b.stepLatencyP99Ms < a.stepLatencyP99Ms ? b : a));
    return figure(
      closest,
      slo,
      'slo-unmet',
      'lowest-p99',
      [],
      `no batch meets ${slo} ms/token at p99 (batch ${list(all)} measured; lowest p99 ${ms(closest.stepLatencyP99Ms)} at batch ${closest.batch}): NOT a serving figure at this target, recorded as the closest; relax --slo-ms-per-token, or use a faster device or a smaller model${skippedText}`,
    );
  }
  if (pts.length === 1 && pts[0]!.batch === 1) {
    const p = pts[0]!;
    const met = slo === null ? '' : ` (its p99 ${ms(p.stepLatencyP99Ms)} meets ${slo} ms/token)`;
    return figure(p, slo, 'batch-1-only', 'only-batch', [1], `only batch 1 was measured${met}: batch-1 decode, not a served figure; sweep batch sizes (e.g. --batch 1,4,16) for one${skippedText}`);
  }
  const { best, by, noEnergy } = mostEfficient(meeting);
  const cand = meeting.map((p) => p.batch);
  if (slo === null) {
    const among = pts.length === 1 ? `the only batch measured (${best.batch})` : `batch ${best.batch}: ${byText(by, best, noEnergy)} of batch ${list(all)}`;
    return figure(best, null, 'best-efficiency', by, cand, `${among}; no latency target given (--slo-ms-per-token), its p99 step latency ${ms(best.stepLatencyP99Ms)} is not checked against one${skippedText}`);
  }
  const missed = pts.filter((p) => p.stepLatencyP99Ms > slo);
  const missedText = missed.length ? `; batch ${missed.map((p) => `${p.batch} (p99 ${ms(p.stepLatencyP99Ms)})`).join(', ')} miss${missed.length === 1 ? 'es' : ''} it` : '';
  return figure(best, slo, 'slo', by, cand, `batch ${best.batch}: ${byText(by, best, noEnergy)} of the batches whose p99 decode step latency meets ${slo} ms/token (${list(cand)}; its p99 ${ms(best.stepLatencyP99Ms)})${missedText}${skippedText}`);
}

/** What one batch would hold in memory, and whether that fits. */
export interface BatchFit {
  batch: number;
  /** KV cache of one runner (batch sequences at full context), bytes. */
  kvCacheBytes: number;
  /** KV held at once by the decode pool (≥ repetitions runners, each prefilled before the window), bytes. */
  kvPoolBytes: number;
  /** Logits of one prefill (batch × prompt × vocab), copied to the host, bytes; null when the vocab is unknown. */
  prefillLogitsBytes: number | null;
  /** Largest single KV tensor (one layer's key or value), bytes. */
  kvTensorBytes: number;
  /** Why the batch does not fit, or null. */
  reason: string | null;
}

/** What the memory check needs to know. */
export interface FitInputs {
  batch: number;
  /** KV cache bytes of ONE sequence at full context (all layers, key and value). */
  kvBytesPerSequence: number;
  /** Layers × 2 (key, value): the number of KV tensors one runner holds. */
  kvTensors: number;
  /** Most runners the decode pool may hold at once (≥ --repetitions; more when a meter needs a longer window). */
  poolRunners: number;
  prompt: number;
  vocabSize: number | null;
  logitsBytesPerElement: number;
  /** Where the KV cache lives: 'host' (cpu EP, or a software adapter whose device memory is host memory) or 'device'. */
  kvOn: 'host' | 'device';
  /** Host memory available now (after the model loaded), bytes. */
  hostAvailableBytes: number;
  /** The adapter's maxBufferSize / maxStorageBufferBindingSize (WebGPU), when known. */
  maxBufferBytes: number | null;
}

/** Share of available host memory a batch may plan to use (the rest is activations, the arena, the OS). */
export const HOST_MEMORY_SHARE = 0.8;
/**
 * Copies of one prefill's logits alive at once on the host: onnxruntime's output buffer (its arena
 * keeps the block), the copy onnxruntime-node makes into a JavaScript typed array, and the previous
 * prefill's copy not yet collected. Seen here: gpt2 on the cpu EP at batch 2048 × prompt 16
 * (6.6 GB of logits, 3 GB of KV) grew to 24 GB of RSS before the kernel's OOM killer ended it.
 */
export const LOGITS_COPIES = 3;

const gib = (n: number) => `${(n / 2 ** 30).toFixed(n >= 2 ** 30 ? 1 : 2)} GiB`;

/**
 * Will a batch fit? Counted: the decode pool's KV cache (it holds ≥ --repetitions prefilled
 * runners at once: prefill must stay out of the decode window) plus the new cache of the runner
 * being stepped (past and present coexist during a step), and LOGITS_COPIES of one prefill's
 * logits on the host. Host memory must hold them within HOST_MEMORY_SHARE of what is available; on a device, one
 * KV tensor must fit the adapter's largest buffer (WebGPU does not report device memory, so a
 * batch that passes here can still fail to allocate: the sweep then records the failure).
 */
export function batchFit(x: FitInputs): BatchFit {
  const kv = x.kvBytesPerSequence * x.batch;
  const pool = x.poolRunners * kv;
  const logits = x.vocabSize === null ? null : x.batch * x.prompt * x.vocabSize * x.logitsBytesPerElement;
  const tensor = kv / Math.max(1, x.kvTensors);
  const hostNeed = (x.kvOn === 'host' ? pool + kv : 0) + LOGITS_COPIES * (logits ?? 0);
  const budget = x.hostAvailableBytes * HOST_MEMORY_SHARE;
  let reason: string | null = null;
  if (hostNeed > budget) {
    const parts = [
      x.kvOn === 'host' ? `KV cache ${x.poolRunners + 1} × ${gib(kv)}: the decode pool and the step's new cache` : null,
      logits ? `prefill logits ${LOGITS_COPIES} × ${gib(logits)} (${x.batch} × ${x.prompt} × ${x.vocabSize}: onnxruntime's output, its JavaScript copy, the previous one awaiting collection)` : null,
    ]
      .filter(Boolean)
      .join(' + ');
    reason = `needs ≈ ${gib(hostNeed)} of host memory (${parts}), over ${Math.round(HOST_MEMORY_SHARE * 100)} % of the ${gib(x.hostAvailableBytes)} available; lower --prompt/--gen/--repetitions or drop ${x.batch} from --batch`;
  } else if (x.kvOn === 'device' && x.maxBufferBytes !== null && tensor > x.maxBufferBytes) {
    reason = `one layer's KV tensor would be ${gib(tensor)}, over the adapter's largest buffer (${gib(x.maxBufferBytes)}); lower --prompt/--gen or drop ${x.batch} from --batch`;
  }
  return { batch: x.batch, kvCacheBytes: kv, kvPoolBytes: pool, prefillLogitsBytes: logits, kvTensorBytes: tensor, reason };
}
