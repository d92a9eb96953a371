/**
 * `joulebench run`, the main job, as one function: check the options, open the adapter, build the
 * plan (src/run/plan.ts), open the energy monitor, carry out the plan's steps in order, write one
 * result file. Returns an outcome the caller prints; it writes nothing to stdout or stderr itself
 * (progress, an alert and a forced exit go through the hooks the CLI passes).
 *
 *   adapter → plan → energy monitor → hash → inference [→ serving under load] → profit per MW → result file
 *
 * Hashing and inference run on the same adapter (checked by the inference bench, which refuses a
 * mismatch unless --allow-adapter-mismatch). Each bench runs inside its own energy window when a
 * meter exists; with none, energy is "not measured" with the reason and per-joule / per-MW figures
 * are left out rather than guessed. Ctrl-C or a failing step writes what was measured so far as an
 * incomplete result.
 */
import { existsSync } from 'node:fs';
import type { ProfitReport } from '../profit/index.js';
import { newResultDoc } from '../host/environment.js';
import { resultsDir } from '../results/files.js';
import type { ResultDoc } from '../results/schema.js';
import { checkResultOutputs } from '../results/output-paths.js';
import { UsageError } from '../util/errors.js';
import { InterruptedError, onInterrupt, signalExitCode, throwIfInterrupted } from '../util/interrupt.js';
import { checkRunOptions, type RunChecked } from './checks.js';
import { openAdapter, openEnergy } from './devices.js';
import { profitFromRun } from './economics.js';
import { runHashStep } from './hash-step.js';
import { runInferStep, runServeStep } from './infer-step.js';
import type { RunOptions } from './options.js';
import { buildRunPlan, type ProfitStep, type RunPlan, type RunStep } from './plan.js';
import type { Progress } from './progress.js';
import { docWriter, type DocWriter, type RunWrite } from './result-file.js';
import { skipped, type RunState } from './state.js';

/** What the caller (the CLI) provides: how progress looks, and what reaches the user at once. */
export interface RunHooks {
  progress: Progress;
  /** A warning the user must see at once, whatever the progress style (no adapter). */
  alert(message: string): void;
  /**
   * A second signal, or a step that did not stop within the grace: the document as it stands is
   * written (`write`); the caller says so and ends the process (nothing after this runs).
   */
  forceExit(sig: NodeJS.Signals, phase: string, write: RunWrite): void;
}

/** How a run ended; the exit code the CLI returns. */
export type RunOutcome =
  | { status: 'complete'; plan: RunPlan; doc: ResultDoc; profit: ProfitReport | null; write: RunWrite; exitCode: 0 | 1 }
  | { status: 'interrupted'; doc: ResultDoc; phase: string; sig: NodeJS.Signals; write: RunWrite; exitCode: number }
  | { status: 'failed'; doc: ResultDoc; phase: string; message: string; write: RunWrite; exitCode: 1 | 2 };

/** The progress phase name of each step (the phase an interruption or failure is reported in). */
function phaseOf(step: RunStep): string {
  if (step.kind === 'skip') return step.measurement === 'hash' ? 'hashing' : 'inference';
  return { hash: 'hashing', infer: 'inference', serve: 'serving', profit: 'profit' }[step.kind];
}

/** The economics step: per-MW figures from this run's measurements. */
function profitStep(st: RunState, step: ProfitStep): ProfitReport | null {
  const { doc } = st;
  const pr = profitFromRun(doc, step.site, step.powerPriceUsdPerKWh);
  doc.measurements.push(pr.measurement);
  // The run already says once that the adapter is software; drop the per-measurement echoes.
  if (pr.report) doc.warnings.push(...pr.report.warnings.filter((w) => !doc.warnings.includes(w) && !/ran on a software adapter/.test(w)));
  return pr.report;
}

/** Carry out one step; the economics step returns its report. */
async function runStep(st: RunState, step: RunStep): Promise<ProfitReport | null | void> {
  switch (step.kind) {
    case 'skip':
      st.doc.measurements.push(skipped(step.id, step.measurement, step.reason));
      return;
    case 'hash':
      return runHashStep(st, step);
    case 'infer':
      return runInferStep(st, step);
    case 'serve':
      return runServeStep(st, step);
    case 'profit':
      return profitStep(st, step);
  }
}

/** Open the adapter, build the plan, open the monitor, carry out the steps; `at.phase` follows along. */
async function carryOut(st: RunState, checked: RunChecked, at: { phase: string }): Promise<{ plan: RunPlan; profit: ProfitReport | null }> {
  at.phase = 'adapter';
  st.progress.info('joulebench run: adapter → energy → hashing → inference → site economics');
  const plan = buildRunPlan(st.opts, checked, await openAdapter(st));
  at.phase = 'energy';
  await openEnergy(st, plan.energy);
  let profit: ProfitReport | null = null;
  for (const step of plan.steps) {
    at.phase = phaseOf(step);
    // Workloads start only when no signal came; the economics of what was measured always run.
    if (step.kind !== 'profit') throwIfInterrupted(st.signal);
    const r = await runStep(st, step);
    if (r !== undefined) profit = r;
  }
  at.phase = 'write';
  await st.monitor?.close();
  st.monitor = null;
  return { plan, profit };
}

/**
 * A run cut short in `phase` (interrupted, or a step failed): close what is open, write what was
 * measured marked incomplete; the exit code is 128 + n, 1, or 2 for bad input. Bad input before
 * anything was measured is rethrown (a one-line usage error, no file).
 */
async function cutShort(st: RunState, err: unknown, phase: string, finish: DocWriter): Promise<RunOutcome> {
  st.progress.stop();
  st.ctx?.close();
  await st.monitor?.close().catch(() => undefined);
  if (err instanceof InterruptedError) {
    const write = finish(false, `interrupted by ${err.sig} during phase '${phase}'`);
    return { status: 'interrupted', doc: st.doc, phase, sig: err.sig, write, exitCode: signalExitCode(err.sig) };
  }
  if (err instanceof UsageError && st.doc.measurements.length === 0) throw err;
  const message = (err as Error).message;
  const write = finish(false, `phase '${phase}' failed: ${message}`);
  return { status: 'failed', doc: st.doc, phase, message, write, exitCode: err instanceof UsageError ? 2 : 1 };
}

/**
 * Every flag, the model reference and the site file (the same checks `fleet submit` makes on the
 * arguments it forwards), and the output path — before any device or meter opens.
 */
async function checkRun(opts: RunOptions): Promise<RunChecked> {
  const checked = checkRunOptions(opts);
  const inputs = { files: [checked.siteFile, ...(opts.model && existsSync(opts.model) ? [opts.model] : [])] };
  await checkResultOutputs({ out: opts.out, save: opts.out === undefined }, 'run (no --out)', inputs, resultsDir());
  return checked;
}

/** Run the whole job; bad input throws a UsageError before anything opens. */
export async function executeRun(opts: RunOptions, hooks: RunHooks): Promise<RunOutcome> {
  const checked = await checkRun(opts);
  const startedAt = new Date();
  const doc: ResultDoc = newResultDoc(null, startedAt);
  const finish = docWriter(doc, opts.out ?? null, startedAt);
  const at = { phase: 'start' };
  // Ctrl-C / SIGTERM: the bench in progress stops at its next unit (a hash slice, a prefill, a
  // decode sequence) and returns what it measured, marked incomplete; the document is written
  // marked incomplete and the exit code is 128 + n. If the step does not stop within the grace
  // (a long onnxruntime run() blocks this thread), or on a second signal, what is in the
  // document so far is written at once.
  const interrupt = onInterrupt({
    force: (sig) => {
      hooks.progress.stop();
      hooks.forceExit(sig, at.phase, finish(false, `interrupted by ${sig} during phase '${at.phase}' (ended before the phase could stop)`));
    },
  });
  const st: RunState = { opts, doc, progress: hooks.progress, signal: interrupt.signal, alert: hooks.alert, ctx: null, monitor: null, energyReason: undefined, workload: undefined };
  try {
    const { plan, profit } = await carryOut(st, checked, at);
    const write = finish(true);
    st.progress.stop();
    return { status: 'complete', plan, doc, profit, write, exitCode: write.error ? 1 : 0 };
  } catch (err) {
    return await cutShort(st, err, at.phase, finish);
  } finally {
    interrupt.dispose();
  }
}
