/**
 * The plan's hash step: the SHA256d bench on the run's adapter inside its energy window, with a
 * progress estimate (autotune, then the timed search); an interrupted bench is kept (marked
 * incomplete by the bench), then the interruption is rethrown for the executor.
 */
import type { GpuContext } from '../gpu/adapter.js';
import { runHashBench } from '../hash/bench.js';
import type { Measurement } from '../results/schema.js';
import { InterruptedError, throwIfInterrupted } from '../util/interrupt.js';
import { si } from '../util/si.js';
import { enterWindow } from './devices.js';
import type { HashStep } from './plan.js';
import { failed, type RunState } from './state.js';

/** The hash bench itself: the one call of the step. */
function measureHash(ctx: GpuContext, st: RunState, step: HashStep): Promise<Measurement> {
  return runHashBench(ctx, { seconds: step.seconds, launch: step.launch, maxWindowS: step.maxWindowS, ...step.timed, signal: st.signal }, st.monitor, st.energyReason);
}

/** Run the hash step; the adapter is closed after it (inference opens its own). */
export async function runHashStep(st: RunState, step: HashStep): Promise<void> {
  const { doc, progress } = st;
  const ctx = st.ctx;
  if (!ctx) throw new Error('the plan has a hash step but no adapter is open');
  await enterWindow(st, step.energy);
  // Autotune and a warm-up precede the timed phase.
  const expectedS = step.seconds + step.autotuneS;
  progress.phase('hashing', expectedS, 's');
  const t0 = performance.now();
  const tick = setInterval(() => {
    const el = (performance.now() - t0) / 1000;
    progress.update(Math.min(expectedS, Math.round(el)), el < step.autotuneS ? 'autotune' : 'timed search');
  }, 500);
  try {
    const m = await measureHash(ctx, st, step);
    doc.measurements.push(m);
    progress.end(`${si(m.metrics.hashesPerSecond?.value ?? null)}H/s`);
    throwIfInterrupted(st.signal);
  } catch (err) {
    if (!(err instanceof InterruptedError)) doc.measurements.push(failed(step.id, 'hash', (err as Error).message));
    throw err;
  } finally {
    clearInterval(tick);
    ctx.close();
    st.ctx = null;
  }
}
