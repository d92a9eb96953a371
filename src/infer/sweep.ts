/**
 * `infer bench --batch 1,4,16`: each batch size as its own test (its own pp and tg energy windows,
 * src/infer/phase-windows.ts), smallest first, on one session. A batch whose KV cache and logits
 * would not fit is skipped before it runs (src/infer/serving.ts `batchFit`), and one that fails to
 * allocate while running is recorded with onnxruntime's error, every larger batch then skipped.
 * The rows this module builds are `details.batchSweep`; the chooser of the serving figure is pure
 * (src/infer/serving.ts).
 */
import os from 'node:os';
import type { Energy, Metric } from '../results/schema.js';
import { perJoule, perJouleBasis, perJouleReason } from '../power/monitor.js';
import { energyJoules } from '../power/energy-basis.js';
import { percentileSorted, summarize } from '../stats/summary.js';
import { summaryToJson } from '../results/files.js';
import { TimeoutError, UsageError } from '../util/errors.js';
import { decodePoolMaxRunners, InterruptedPhase, measureBatch, type BatchContext, type BatchMeasurement } from './phase-windows.js';
import { InterruptedError } from '../util/interrupt.js';
import { batchFit, meetsSlo, type BatchFit, type ServingFigure, type SweepPoint } from './serving.js';
import type { DecoderIO } from './decoder.js';

/** A listed batch that was not measured, and why. */
export interface SkippedBatch {
  batch: number;
  reason: string;
}

/** What the memory check of a sweep needs from the session and the options. */
export interface SweepFitContext {
  io: DecoderIO;
  prompt: number;
  gen: number;
  minRuns: number;
  metered: boolean;
  /** 'host' on the cpu EP and on a software adapter (its device memory is host memory). */
  kvOn: 'host' | 'device';
  maxBufferBytes: number | null;
  /** Host memory available now (os.freemem: MemAvailable on Linux), bytes. */
  hostAvailableBytes?: number;
}

/** The memory check of every listed batch, against what is available now (after the model loaded). */
export function sweepFits(batches: readonly number[], x: SweepFitContext): BatchFit[] {
  const bytesPerElement = x.io.kvType === 'float16' ? 2 : 4;
  const perSeq = 2 * x.io.layers.length * x.io.numKvHeads * (x.prompt + x.gen) * x.io.headDim * bytesPerElement;
  const avail = x.hostAvailableBytes ?? os.freemem();
  return batches.map((b) =>
    batchFit({
      batch: b,
      kvBytesPerSequence: perSeq,
      kvTensors: 2 * x.io.layers.length,
      poolRunners: decodePoolMaxRunners(x.minRuns, perSeq * b, x.metered),
      prompt: x.prompt,
      vocabSize: x.io.vocabSize,
      logitsBytesPerElement: x.io.logitsType === 'float16' ? 2 : 4,
      kvOn: x.kvOn,
      hostAvailableBytes: avail,
      maxBufferBytes: x.maxBufferBytes,
    }),
  );
}

/**
 * Measures one batch size of a sweep: `measureHere` in this thread, or the decode worker
 * (decode-host.ts). `profileWarmup`: end the onnxruntime profile after this batch's warmup (the
 * first batch attempted only).
 */
export type MeasureBatchFn = (batch: number, opts: { windowTag: string; kvBytesPerRunner: number; profileWarmup: boolean }) => Promise<BatchMeasurement>;

/** A MeasureBatchFn running `measureBatch` on `ctx` in this thread (its afterWarmup on the first batch only). */
export function measureHere(ctx: Omit<BatchContext, 'kvBytesPerRunner' | 'windowTag'>): MeasureBatchFn {
  return (batch, o) => measureBatch({ ...ctx, afterWarmup: o.profileWarmup ? ctx.afterWarmup : undefined, kvBytesPerRunner: o.kvBytesPerRunner, windowTag: o.windowTag }, batch);
}

/**
 * Measure each batch that fits, smallest first. A single listed batch that does not fit, or a
 * sweep in which none does, is refused (UsageError). A batch failing after one was measured (e.g.
 * an allocation failure) is recorded and every larger batch skipped; the first batch failing, a
 * single listed batch failing or a timed-out run() is the error (`status.timedOut`, set by the
 * runs, is read after a failure). An interruption (InterruptedError from `measure`) stops the
 * sweep: what was measured is returned with it.
 */
export async function runSweep(
  measure: MeasureBatchFn,
  fits: readonly BatchFit[],
  log: (s: string) => void,
  status: { timedOut: boolean },
): Promise<{ measured: BatchMeasurement[]; skipped: SkippedBatch[]; interrupted: InterruptedError | null }> {
  const sweep = fits.length > 1;
  const tooBig = fits.filter((f) => f.reason);
  if (tooBig.length === fits.length) {
    const f = fits[0]!;
    throw new UsageError(sweep ? `--batch ${fits.map((x) => x.batch).join(',')}: no batch fits; batch ${f.batch} ${f.reason}` : `--batch ${f.batch}: ${f.reason}`);
  }
  const measured: BatchMeasurement[] = [];
  const skipped: SkippedBatch[] = [];
  let failed: { batch: number; message: string } | null = null;
  let first = true;
  let interrupted: InterruptedError | null = null;
  for (const f of fits) {
    if (interrupted) {
      skipped.push({ batch: f.batch, reason: `not run: ${interrupted.message.replace(/ after the pp test.*$/, '')}` });
      continue;
    }
    if (f.reason) {
      skipped.push({ batch: f.batch, reason: `not run: ${f.reason}` });
      continue;
    }
    if (failed) {
      skipped.push({ batch: f.batch, reason: `not run: batch ${failed.batch} failed (${failed.message})` });
      continue;
    }
    if (sweep) log(`batch ${f.batch}: pp and tg windows`);
    try {
      // Profiling covers the first batch's warmup only (the session's profiler is ended there).
      measured.push(await measure(f.batch, { windowTag: sweep ? `.b${f.batch}` : '', kvBytesPerRunner: f.kvCacheBytes, profileWarmup: first }));
    } catch (err) {
      // Ctrl-C: stop the sweep; the caller keeps what was measured (InterruptedPhase: a pp test).
      if (err instanceof InterruptedError) {
        interrupted = err;
        if (err instanceof InterruptedPhase) skipped.push({ batch: f.batch, reason: `not counted: ${err.message} (${err.pp.runs} prefill(s) timed)` });
        continue;
      }
      // Nothing measured yet, a hung run() or a single batch: the error is the outcome.
      if (!measured.length || err instanceof TimeoutError || status.timedOut || !sweep) throw err;
      // onnxruntime's own words (DecoderRunner wraps them with a context-length hint that does not apply here).
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error) : (err as Error);
      failed = { batch: f.batch, message: String(cause.message).split('\n')[0]!.slice(0, 300) };
      skipped.push({ batch: f.batch, reason: `failed: ${failed.message}` });
      log(`batch ${f.batch}: failed (${failed.message}); larger batches are skipped`);
    } finally {
      first = false;
    }
  }
  return { measured, skipped, interrupted };
}

/** `details.batchSweep[i]`: one batch's figures. */
export interface SweepRow {
  batch: number;
  /** Mean over decode sequences of batch·gen / sequence time (llama-bench tg, like the top-level metric). */
  decodeTokensPerSecond: number;
  /**
   * Tokens decoded in the decode window / the window's wall time: the throughput its energy is
   * divided by (tokens/J = this / avgPowerW), so the serving figure uses it. A mean of per-sequence
   * rates (decodeTokensPerSecond) runs higher than this when sequences vary in speed.
   */
  windowTokensPerSecond: number;
  tokensPerJoule: number | null;
  tokensPerJouleReason: string | null;
  energyBasis: 'metered' | 'declared' | null;
  /** Average power of the decode window, W (metered or declared). */
  avgPowerW: number | null;
  stepLatencyP50Ms: number;
  stepLatencyP90Ms: number;
  stepLatencyP99Ms: number;
  stepLatencyMeanMs: number;
  /** Decode steps timed (each emits `batch` tokens, one per sequence). */
  decodeSteps: number;
  /** Tokens decoded inside the decode window (batch × gen × sequences). */
  decodeTokens: number;
  decodeSequences: number;
  /** Wall time of the decode window, s (tokens / window = the window's aggregate tok/s). */
  decodeWindowS: number;
  prefillTokensPerSecond: number;
  prefillTokensPerJoule: number | null;
  timeToFirstTokenMs: number;
  /** KV cache of one runner (batch sequences at prompt + gen tokens), bytes. */
  kvCacheBytes: number;
  /** KV cache the decode pool held at once (runners prefilled before the window), bytes. */
  kvPoolBytes: number;
  prefillLogitsBytes: number | null;
  /** Largest process RSS sampled while this batch held its pool or prefilled, bytes. */
  peakRssBytes: number;
  meetsSlo: boolean | null;
  /** llama-bench names and mean ± sd of this batch's two tests. */
  llamaBench: Record<string, string>;
  /** Why a window is shorter than the meter needs, when it is. */
  windowNotes: string[];
  energy: Energy;
  energyPrefill: Energy;
}

function meanSd(samples: number[]): string {
  const s = summarize(samples);
  return `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}`;
}

/** One batch's row (energy records stand in with `notMeasured` when there is no meter). */
export function sweepRow(bm: BatchMeasurement, fit: BatchFit, x: { prompt: number; gen: number; sloMsPerToken: number | null; notMeasured: string }): SweepRow {
  const energy: Energy = bm.tg.energy ?? { measured: false, reason: x.notMeasured };
  const energyPrefill: Energy = bm.pp.energy ?? { measured: false, reason: x.notMeasured };
  const sorted = [...bm.tg.stepMs].sort((a, b) => a - b);
  const pct = (p: number) => percentileSorted(sorted, p);
  const j = energyJoules(energy);
  const tpj = perJoule(bm.tg.tokens, energy);
  const p99 = pct(0.99);
  return {
    batch: bm.batch,
    decodeTokensPerSecond: summarize(bm.tg.tokensPerSecond).mean,
    windowTokensPerSecond: bm.tg.windowS > 0 ? bm.tg.tokens / bm.tg.windowS : 0,
    tokensPerJoule: tpj,
    tokensPerJouleReason: tpj === null ? perJouleReason(energy) : null,
    energyBasis: perJouleBasis(energy),
    avgPowerW: j && j.complete ? j.avgPowerW : null,
    stepLatencyP50Ms: pct(0.5),
    stepLatencyP90Ms: pct(0.9),
    stepLatencyP99Ms: p99,
    stepLatencyMeanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    decodeSteps: sorted.length,
    decodeTokens: bm.tg.tokens,
    decodeSequences: bm.tg.runs,
    decodeWindowS: bm.tg.windowS,
    prefillTokensPerSecond: summarize(bm.pp.tokensPerSecond).mean,
    prefillTokensPerJoule: perJoule(bm.pp.tokens, energyPrefill),
    timeToFirstTokenMs: summarize(bm.pp.runMs).mean,
    kvCacheBytes: fit.kvCacheBytes,
    kvPoolBytes: fit.kvCacheBytes * bm.tg.runs,
    prefillLogitsBytes: fit.prefillLogitsBytes,
    peakRssBytes: Math.max(bm.pp.peakRssBytes, bm.tg.peakRssBytes),
    meetsSlo: meetsSlo({ stepLatencyP99Ms: p99 }, x.sloMsPerToken),
    llamaBench: { [`pp${x.prompt}`]: meanSd(bm.pp.tokensPerSecond), [`tg${x.gen} @ d${x.prompt}`]: meanSd(bm.tg.tokensPerSecond) },
    windowNotes: [bm.pp.note ? `pp${x.prompt}: ${bm.pp.note}` : null, bm.tg.note ? `tg${x.gen}: ${bm.tg.note}` : null].filter((s): s is string => s !== null),
    energy,
    energyPrefill,
  };
}

/** The chooser's view of a row. */
export function sweepPoint(r: SweepRow): SweepPoint {
  return { batch: r.batch, decodeTokensPerSecond: r.windowTokensPerSecond, tokensPerJoule: r.tokensPerJoule, avgPowerW: r.avgPowerW, stepLatencyP99Ms: r.stepLatencyP99Ms, energyBasis: r.energyBasis };
}

/** `details.serving`: the chooser's figure without its internals. */
export function servingDetails(s: ServingFigure): Record<string, unknown> {
  return { ...s };
}

const m = (value: number | null, unit: string, higherIsBetter: boolean, method: string, extra: Partial<Metric> = {}): Metric => ({ value, unit, higherIsBetter, method, ...extra });

/**
 * Metrics of the serving figure (`serving*`) and, in a sweep, of every batch (`decodeTokensPerSecond.b4`, …)
 * so that `compare` matches batch sizes across results.
 */
export function sweepMetrics(rows: readonly SweepRow[], tgSamples: ReadonlyMap<number, number[]>, serving: ServingFigure | null, sweep: boolean): Record<string, Metric> {
  const out: Record<string, Metric> = {};
  if (serving) {
    const usable = serving.basis !== 'slo-unmet';
    const why = usable ? undefined : `no serving figure: ${serving.note}`;
    const rule = `batch ${serving.batch} (${serving.basis}): ${serving.note}`;
    const row = rows.find((r) => r.batch === serving.batch)!;
    out.servingTokensPerSecond = m(usable ? serving.decodeTokensPerSecond : null, 'tokens/s', true, `decode tokens in the serving batch's decode window / its wall time (${row.decodeTokens} tokens, ${row.decodeWindowS.toFixed(2)} s): ${rule}`, why ? { reason: why } : {});
    const tpj = usable ? serving.tokensPerJoule : null;
    out.servingTokensPerJoule = m(tpj, 'tokens/J', true, `decode tokens/J at the serving batch (its own decode window): ${rule}`, {
      ...(tpj === null ? { reason: why ?? `energy at batch ${serving.batch}: ${row.tokensPerJouleReason ?? 'not measured'}` } : {}),
      ...(tpj !== null && row.energyBasis ? { energyBasis: row.energyBasis } : {}),
    });
    out.servingStepLatencyP99Ms = m(serving.stepLatencyP99Ms, 'ms', false, `p99 decode step latency (time per output token of each sequence) at batch ${serving.batch}, the ${usable ? 'serving' : 'closest'} batch${serving.sloMsPerToken !== null ? `; target ${serving.sloMsPerToken} ms/token` : ''}`);
  }
  if (!sweep) return out;
  for (const r of rows) {
    const s = tgSamples.get(r.batch) ?? [];
    out[`decodeTokensPerSecond.b${r.batch}`] = m(r.decodeTokensPerSecond, 'tokens/s', true, `batch ${r.batch} of the sweep: batch·gen tokens / wall time of each decode sequence, mean of ${r.decodeSequences} sequences in its own window`, s.length ? { samples: s, summary: summaryToJson(summarize(s)) } : {});
    out[`tokensPerJoule.b${r.batch}`] = m(r.tokensPerJoule, 'tokens/J', true, `batch ${r.batch} of the sweep: ${r.decodeTokens} decoded tokens / energy of its decode window`, {
      ...(r.tokensPerJoule === null ? { reason: r.tokensPerJouleReason ?? 'energy not measured' } : {}),
      ...(r.tokensPerJoule !== null && r.energyBasis ? { energyBasis: r.energyBasis } : {}),
    });
    out[`tokenLatencyP99Ms.b${r.batch}`] = m(r.stepLatencyP99Ms, 'ms', false, `batch ${r.batch} of the sweep: p99 of ${r.decodeSteps} decode steps`);
  }
  return out;
}
