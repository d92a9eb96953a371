/**
 * The plan's inference steps: the inference bench (prefill and decode, a batch sweep whose most
 * efficient batch within the latency target is the serving figure) and, with `--serving load`,
 * `infer serve` under Poisson load, whose sustainable rate is then the serving figure
 * (details.serving, basis 'load') that `profit` prices. Each runs in its energy window; a failed
 * bench is recorded as failed and rethrown for the executor.
 */
import { runInferBench } from '../infer/bench.js';
import { runInferServe } from '../infer/serve/serve.js';
import { servingLine } from '../infer/sweep-format.js';
import type { Measurement } from '../results/schema.js';
import { UsageError } from '../util/errors.js';
import { InterruptedError, throwIfInterrupted } from '../util/interrupt.js';
import { si } from '../util/si.js';
import { enterWindow } from './devices.js';
import type { InferStep, ServeStep } from './plan.js';
import { failed, type RunState } from './state.js';

/** The inference bench itself: the one call of the step. */
function measureInfer(st: RunState, step: InferStep, log: (line: string) => void): Promise<Measurement> {
  const { opts } = st;
  return runInferBench(
    {
      model: step.model, ep: step.ep, prompt: step.prompt, gen: step.gen, repetitions: step.repetitions, batch: step.batch, sloMsPerToken: step.sloMsPerToken,
      ...(opts.adapter !== undefined ? { adapterSpec: opts.adapter } : {}), allowAdapterMismatch: Boolean(opts.allowAdapterMismatch), ...(st.energyReason ? { energyReason: st.energyReason } : {}),
      maxWindowS: step.maxWindowS, ...(step.picked ? { dtype: step.picked.dtype } : {}), log, signal: st.signal,
    },
    st.monitor,
  );
}

/** Run the inference step (the model the plan chose, on the device its window covers). */
export async function runInferStep(st: RunState, step: InferStep): Promise<void> {
  const { doc, progress } = st;
  for (const line of step.notes) progress.info(line);
  await enterWindow(st, step.energy);
  // runInferBench logs "warmup: …" and one line per test (pp, tg) of each batch.
  progress.phase('inference', 3 * step.batch.length, 'tests');
  let reps = 0;
  try {
    const m = await measureInfer(st, step, (line) => {
      if (/^warmup|^pp\d|^tg\d/.test(line)) progress.update(++reps, line.slice(0, 60));
      else if (/^model: generat/.test(line)) progress.update(reps, line.slice(0, 60));
    });
    const p = step.picked;
    if (p) m.details = { ...(m.details ?? {}), modelChoice: { preset: p.model, dtype: p.dtype, pricedAs: p.pricedAs, memory: p.memory, needBytes: p.needBytes, reason: p.reason } };
    doc.measurements.push(m);
    progress.end(`pp ${si(m.metrics.prefillTokensPerSecond?.value ?? null)}tok/s, tg ${si(m.metrics.decodeTokensPerSecond?.value ?? null)}tok/s`);
    throwIfInterrupted(st.signal);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InterruptedError) throw err;
    doc.measurements.push(failed(step.id, 'infer', (err as Error).message));
    throw err;
  }
}

/** `infer serve` itself: the one call of the serve step. */
function measureServe(st: RunState, step: ServeStep, log: (line: string) => void): Promise<Measurement> {
  const { opts } = st;
  return runInferServe(
    {
      model: step.model, ...(step.dtype ? { dtype: step.dtype } : {}), ep: step.ep, qps: step.qps, durationS: step.durationS, maxBatch: step.maxBatch,
      prompt: { kind: 'fixed', value: step.prompt }, gen: { kind: 'fixed', value: step.gen }, slo: step.slo, searchSteps: step.searchSteps, batching: 'auto', seed: step.seed, tokens: 'random',
      ...(opts.adapter !== undefined ? { adapterSpec: opts.adapter } : {}), allowAdapterMismatch: Boolean(opts.allowAdapterMismatch), ...(st.energyReason ? { energyReason: st.energyReason } : {}),
      log,
    },
    st.monitor,
  );
}

/** Run the serve step (`--serving load`) on the inference step's model and device. */
export async function runServeStep(st: RunState, step: ServeStep): Promise<void> {
  const { progress } = st;
  try {
    progress.info(`serving: Poisson load, ${step.reason}; targets TTFT ≤ ${step.slo.ttftMs} ms, TPOT ≤ ${step.slo.tpotMs} ms at p99`);
    await enterWindow(st, step.energy);
    progress.phase('serving', step.qps.length + step.searchSteps, 'levels');
    let n = 0;
    const m = await measureServe(st, step, (line) => {
      if (/^level .*: \d+ done/.test(line)) progress.update(++n, line.slice(0, 60));
    });
    progress.end(servingLine(m) ?? 'done');
    st.doc.measurements.push(m);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    st.doc.measurements.push(failed(step.id, 'infer', (err as Error).message));
    throw err;
  }
}
