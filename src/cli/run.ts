/**
 * `joulebench run` — the main job (what `npm start` runs), one screen like hyperfine's pipeline:
 *
 *   adapter → energy monitor → hash bench → inference bench → profit per MW → result file + summary
 *
 * Hashing and inference run on the same adapter (checked by the inference bench, which refuses a
 * mismatch unless --allow-adapter-mismatch). Each bench runs inside its own energy window when a
 * meter exists; with none, energy is "not measured" with the reason and per-joule / per-MW figures
 * are left out rather than guessed. Ctrl-C or a failing phase writes what was measured so far as an
 * incomplete result and exits non-zero.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { Command, CommanderError } from 'commander';
import { NoAdapterError, identityOf, openDevice, type AdapterIdentity, type GpuContext } from '../gpu/adapter.js';
import { runHashBench } from '../hash/bench.js';
import { defaultRunInferOptions, runInferBench } from '../infer/bench.js';
import { choosePricedPreset, type PricedModelChoice } from '../infer/priced-default.js';
import { defaultRunServeOptions, runInferServe, SERVE_DEFAULTS } from '../infer/serve/serve.js';
import { parseBatchList, parseSloMsPerToken } from '../infer/serving.js';
import { servingLine } from '../infer/sweep-format.js';
import { addMeterOptions, createEnergyMonitor, monitorForNextWorkload, workloadFor, type EnergyMonitor, type Workload } from '../power/monitor.js';
import { formatComparison, tokenLadderOf, type ProfitReport, type SiteProfile } from '../profit/index.js';
import { energyBasis, energyJoules } from '../power/energy-basis.js';
import { newResultDoc } from '../report/environment.js';
import { resultFileName, resultsDir, writeNewResult, writeResult } from '../report/results.js';
import type { Measurement, Metric, ResultDoc } from '../report/schema.js';
import { rethrowAsUsage, UsageError } from '../util/errors.js';
import { killAllChildGroups } from '../util/child.js';
import { InterruptedError, onInterrupt, signalExitCode, throwIfInterrupted } from '../util/interrupt.js';
import { numberArg, printJson } from './common.js';
import { profitMeasurementForDoc } from './profit.js';
import { createProgress, type Progress } from './progress.js';
import { attemptWrite, checkResultOutputs, type ResultWrites } from './result-file.js';
import { addKernelOptions, launchFromFlags } from './hash.js';
import { addTimedPhaseOptions } from './timed-phase-options.js';
import { checkRunOptions, type RunCheckInput, type RunChecked } from '../run/checks.js';
import { headlineDef, headlineLegend, headlineOf, plusMinus } from '../report/headline.js';
import { hostActivityLine, notSteadyLines } from '../report/run-notes.js';

/** Options of `joulebench run`. */
export interface RunOptions extends RunCheckInput {
  adapter?: string;
  seconds: number;
  /** false: no autotune; the hashing phase uses --kernel/--wg/--npi (or the default x1 kernel). */
  autotune?: boolean;
  model?: string;
  ep?: 'webgpu' | 'cpu' | 'cuda';
  prompt?: number;
  gen?: number;
  repetitions?: number;
  /** Inference batch sizes (a sweep when several); default per adapter (src/infer/bench.ts defaultRunInferOptions). */
  batch?: number[];
  sloMsPerToken?: number;
  /** Where the serving figure comes from: 'sweep' (static batches within --slo-ms-per-token, default) or 'load' (`infer serve`: the highest Poisson rate within p99 TTFT/TPOT targets). */
  serving?: 'sweep' | 'load';
  site?: string;
  powerPrice?: number;
  json?: boolean;
  out?: string;
  allowAdapterMismatch?: boolean;
  progress?: 'auto' | 'bar' | 'plain' | 'quiet';
}

export { defaultSiteFile } from '../run/checks.js';

function skipped(id: string, kind: Measurement['kind'], reason: string): Measurement {
  return { id, kind, status: 'skipped', reason, params: {}, metrics: {}, warnings: [] };
}

function failed(id: string, kind: Measurement['kind'], reason: string): Measurement {
  return { id, kind, status: 'failed', reason, params: {}, metrics: {}, warnings: [] };
}

/** Engineering notation with SI prefix: 19.8 M, 310, 4.1 k. */
export function si(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  let v = Math.abs(x);
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${(Math.sign(x) * v).toPrecision(digits)}${units[i] ? ` ${units[i]}` : ' '}`;
}

/** " ± 1.7 % (2 outliers kept)": the 95 % CI of the figure as its headline definition computes it (src/report/headline.ts). */
function noise(meas: Measurement, name: string): string {
  const m: Metric | undefined = meas.metrics[name];
  if (!m || m.value === null) return '';
  const h = headlineOf(meas, name, m);
  return `${plusMinus(h)}${h.outliers ? ` (${h.outliers} outlier${h.outliers === 1 ? '' : 's'} kept)` : ''}`;
}

/**
 * Profit per MW from this run's measurements (only when energy was measured or declared: per-MW
 * figures need watts, and the run never guesses them). The pricing rules (a price is only for the
 * model and GPU it names; software adapters are never priced) live in src/cli/profit.ts.
 */
export function profitFromRun(
  doc: ResultDoc,
  site: { file: string; profile: SiteProfile },
  powerPrice?: number,
): { measurement: Measurement; report: ProfitReport | null } {
  const energy = doc.measurements.filter((m) => (m.kind === 'hash' || m.kind === 'infer') && energyBasis(m.energy).kind !== 'none');
  if (!doc.measurements.some((m) => m.kind === 'hash' || m.kind === 'infer')) {
    return { measurement: skipped('profit.site', 'profit', 'no hash or inference figure was measured in this run'), report: null };
  }
  if (!energy.length) {
    return {
      measurement: skipped('profit.site', 'profit', 'per-MW figures left out: energy not measured (see the hash and inference energy records); pass --meter <name> or --watts <W>'),
      report: null,
    };
  }
  const todayIso = new Date().toISOString().slice(0, 10);
  const r = profitMeasurementForDoc(doc, 'this run', site, powerPrice !== undefined ? { powerPrice } : {}, todayIso);
  if (!r) return { measurement: skipped('profit.site', 'profit', 'no hash or inference figure was measured in this run'), report: null };
  return r;
}

/**
 * `run`'s inference defaults for an adapter and site: the sized-for-time defaults of
 * src/infer/bench.ts, with the model replaced, on a hardware adapter, by the largest preset whose
 * tokens the site prices that fits the device's memory (src/infer/priced-default.ts).
 */
export function runInferDefaults(adapter: { isSoftware: boolean; name: string; description?: string } | null, site: SiteProfile | null): ReturnType<typeof defaultRunInferOptions> & { priced: PricedModelChoice | null } {
  const d = defaultRunInferOptions(adapter);
  const priced = choosePricedPreset(adapter, tokenLadderOf(site), { prompt: d.prompt ?? 512, gen: d.gen ?? 128, batch: d.batch, repetitions: d.repetitions ?? 3 });
  return priced ? { ...d, model: priced.model, reason: priced.reason, priced } : { ...d, priced: null };
}

/** One-screen summary of a run document. */
export function formatRunSummary(doc: ResultDoc, profit: ProfitReport | null, path: string): string {
  const out: string[] = [];
  const a = doc.environment.adapter;
  out.push('');
  out.push(`joulebench ${doc.tool.version} run${doc.complete ? '' : '  [INCOMPLETE: ' + (doc.incompleteReason ?? '') + ']'}`);
  out.push(
    a
      ? `device     ${a.name} (${a.backend}, ${a.vendor || '?'})${a.isSoftware ? '  [software adapter: CPU timings, not GPU figures]' : ''}`
      : 'device     no WebGPU adapter (hashing skipped; inference on the CPU execution provider)',
  );
  const hash = doc.measurements.find((m) => m.kind === 'hash');
  const inf = doc.measurements.find((m) => m.kind === 'infer' && !m.id.startsWith('infer.serve.'));
  const served = doc.measurements.find((m) => m.kind === 'infer' && m.id.startsWith('infer.serve.'));
  // Energy: one line per bench when measured; the "not measured" reason once (it is long: it
  // lists every meter and why it is absent).
  const notMeasured = new Set<string>();
  const energyText = (m: Measurement | undefined): string | null => {
    if (!m?.energy) return null;
    const j = energyJoules(m.energy);
    if (!j) {
      notMeasured.add(m.energy.measured ? 'no joules' : m.energy.reason);
      return null;
    }
    const e = m.energy as { meter?: string; scope?: string };
    return `energy ${j.energyJ.toFixed(1)} J over ${j.timeS.toFixed(1)} s, ${j.avgPowerW.toFixed(1)} W avg [${j.kind === 'declared' ? 'DECLARED watts, not measured' : `${e.meter}, scope ${e.scope}`}${j.complete ? '' : ', INCOMPLETE'}]`;
  };
  if (hash) {
    if (hash.status === 'complete' || hash.status === 'incomplete') {
      const hps = hash.metrics.hashesPerSecond;
      const hpj = hash.metrics.hashesPerJoule;
      out.push(`hashing    SHA256d ${si(hps?.value ?? null)}H/s${noise(hash, 'hashesPerSecond')}   H/J ${hpj?.value != null ? si(hpj.value) + 'H/J' + (hpj.energyBasis === 'declared' ? ' (declared)' : '') : 'not measured'}`);
      const et = energyText(hash);
      if (et) out.push(`           ${et}`);
      for (const l of [...notSteadyLines(hash), hostActivityLine(hash)]) if (l) out.push(`           ${l}`);
    } else out.push(`hashing    ${hash.status.toUpperCase()}: ${hash.reason ?? ''}`);
  }
  if (inf) {
    if (inf.status === 'complete' || inf.status === 'incomplete') {
      const pp = inf.metrics.prefillTokensPerSecond;
      const tg = inf.metrics.decodeTokensPerSecond;
      const tpj = inf.metrics.tokensPerJoule;
      out.push(
        `inference  ${String(inf.params.model ?? inf.id)} on ${String(inf.params.ep ?? '?')}: pp ${si(pp?.value ?? null)}tok/s${noise(inf, 'prefillTokensPerSecond')}, tg ${si(tg?.value ?? null)}tok/s${noise(inf, 'decodeTokensPerSecond')}   tok/J ${tpj?.value != null ? si(tpj.value) + 'tok/J' + (tpj.energyBasis === 'declared' ? ' (declared)' : '') : 'not measured'}`,
      );
      const et = energyText(inf);
      if (et) out.push(`           ${et}`);
      const choice = inf.details?.modelChoice as { reason?: string } | undefined;
      if (choice?.reason) out.push(`model      default: ${choice.reason}`);
      for (const l of notSteadyLines(inf)) out.push(`           ${l}`);
      const sl = servingLine(inf);
      if (sl) out.push(`serving    ${sl}${Array.isArray(inf.params.batch) ? ` [sweep ${inf.params.batch.join(',')}]` : ''}`);
    } else out.push(`inference  ${inf.status.toUpperCase()}: ${inf.reason ?? ''}`);
  }
  if (served) out.push(`serving    ${served.status === 'failed' ? `FAILED: ${served.reason ?? ''}` : (servingLine(served) ?? 'no serving figure')}`);
  for (const r of notMeasured) out.push(`energy     not measured: ${r}`);
  const has = (m: Measurement | undefined, name: string) => m?.metrics[name]?.value != null;
  const shown = [
    has(hash, 'hashesPerSecond') && headlineDef('hash', 'hashesPerSecond'),
    has(inf, 'prefillTokensPerSecond') && headlineDef('infer', 'prefillTokensPerSecond'),
    has(inf, 'decodeTokensPerSecond') && headlineDef('infer', 'decodeTokensPerSecond'),
  ].filter((d) => d !== false);
  for (const [i, l] of headlineLegend(shown).entries()) out.push(`${i === 0 ? 'figures' : '       '}    ${l}`);
  const pm = doc.measurements.find((m) => m.kind === 'profit');
  if (profit) {
    out.push('');
    out.push(`Site economics (${profit.site?.name ?? 'site'}, ${profit.inputs.powerPriceUsdPerKWh?.value ?? '?'} USD/kWh, as of ${profit.asOf}):`);
    out.push(formatComparison(profit).trimEnd());
  } else if (pm) {
    out.push(`per MW     ${notMeasured.size ? 'left out: energy not measured (per-MW figures need watts; the run never guesses them)' : (pm.reason ?? 'not computed')}`);
  }
  if (doc.warnings.length) {
    out.push('');
    for (const w of doc.warnings) out.push(`Warning: ${w}`);
  }
  out.push('');
  out.push(`Result: ${path}`);
  return out.join('\n') + '\n';
}

/** Where a run's result went: its path, and why it could not be written there (null: written). */
export interface RunWrite {
  path: string;
  error: string | null;
}

/**
 * Write the run's result to `out` (replaced), else to a new
 * `results/<date>_<host>_<device>_run[-N].json` (never another run's file: two runs started in the
 * same second get -2, …). A failed write (a full disk) is returned with the path, not thrown: the
 * run still prints its figures and then fails.
 */
export function writeRunResult(doc: ResultDoc, out: string | null, startedAt: Date): RunWrite {
  const w: ResultWrites = { written: [], failed: [] };
  if (out) attemptWrite(w, out, () => (writeResult(out, doc), out), true);
  else {
    const name = resultFileName({ startedAt, host: os.hostname(), device: doc.environment.adapter?.name ?? 'cpu-only', label: 'run' });
    attemptWrite(w, join(resultsDir(), name), () => writeNewResult(resultsDir(), name, doc), true);
  }
  return w.written.length ? { path: w.written[0]!, error: null } : { path: w.failed[0]!.path, error: w.failed[0]!.reason };
}

/** "Result: <path>" for the summary, or the failure when the file could not be written. */
function resultLine(w: RunWrite): string {
  if (w.error) return `NOT WRITTEN: ${w.path} (${w.error})`;
  const rel = relative(process.cwd(), w.path);
  return rel && !rel.startsWith('..') ? rel : w.path;
}

/**
 * `run --serving load`: `infer serve` on the run's model, EP and lengths (a burst, then bisection
 * below its completion rate, src/infer/serve/serve.ts defaultRunServeOptions), TPOT target =
 * --slo-ms-per-token, TTFT target MLPerf's 2000 ms. Its sustainable figure is the run's serving
 * figure (details.serving, basis 'load'), which `profit` prices.
 */
async function servingUnderLoad(x: { opts: RunOptions; model: string; dtype?: PricedModelChoice['dtype']; ep: 'webgpu' | 'cpu' | 'cuda'; prompt: number; gen: number; sloMsPerToken: number; adapter: { isSoftware: boolean } | null; monitor: EnergyMonitor | null; energyReason: string | undefined; progress: Progress }): Promise<Measurement> {
  const d = defaultRunServeOptions(x.adapter);
  x.progress.info(`serving: Poisson load, ${d.reason}; targets TTFT ≤ ${SERVE_DEFAULTS.sloTtftMs} ms, TPOT ≤ ${x.sloMsPerToken} ms at p99`);
  x.progress.phase('serving', d.qps.length + d.searchSteps, 'levels');
  let n = 0;
  const m = await runInferServe(
    {
      model: x.model, ...(x.dtype ? { dtype: x.dtype } : {}), ep: x.ep, qps: d.qps, durationS: d.durationS, maxBatch: d.maxBatch, prompt: { kind: 'fixed', value: x.prompt }, gen: { kind: 'fixed', value: x.gen },
      slo: { ttftMs: SERVE_DEFAULTS.sloTtftMs, tpotMs: x.sloMsPerToken }, searchSteps: d.searchSteps, batching: 'auto', seed: SERVE_DEFAULTS.seed, tokens: 'random',
      ...(x.opts.adapter !== undefined ? { adapterSpec: x.opts.adapter } : {}), allowAdapterMismatch: Boolean(x.opts.allowAdapterMismatch), ...(x.energyReason ? { energyReason: x.energyReason } : {}),
      log: (line: string) => {
        if (/^level .*: \d+ done/.test(line)) x.progress.update(++n, line.slice(0, 60));
      },
    },
    x.monitor,
  );
  x.progress.end(servingLine(m) ?? 'done');
  return m;
}

/** Where the partial result of a cut-short run went (or why it could not be written). */
function partialLine(w: RunWrite): string {
  return w.error ? `partial result NOT written: ${w.path} (${w.error})` : `partial result written to ${w.path} (marked incomplete, with what was measured)`;
}

/** What the phases of one `run` share. */
interface RunState {
  readonly opts: RunOptions;
  readonly doc: ResultDoc;
  readonly progress: Progress;
  /** Ctrl-C / SIGTERM (src/util/interrupt.ts). */
  readonly signal: AbortSignal;
  ctx: GpuContext | null;
  monitor: EnergyMonitor | null;
  /** Why energy is not measured, when there is no monitor. */
  energyReason: string | undefined;
}

/** The adapter (hashing and the webgpu EP share it); none: hashing skipped, inference on the CPU EP. */
async function adapterPhase(st: RunState): Promise<void> {
  const { doc, progress } = st;
  try {
    st.ctx = await openDevice(st.opts.adapter, 'joulebench-run');
    const r = st.ctx.report;
    doc.environment.adapter = identityOf(r) as ResultDoc['environment']['adapter'];
    progress.info(`adapter: [${r.index}] ${r.backend}: ${r.name}${r.isSoftware ? ' (software: CPU timings, not GPU figures)' : ''}`);
    if (r.isSoftware) doc.warnings.push('software adapter: all timings are CPU timings, not GPU figures');
  } catch (err) {
    if (!(err instanceof NoAdapterError)) throw err;
    const msg = `NO WEBGPU ADAPTER: hashing skipped, inference runs on the CPU execution provider. Fix: ${err.message.replace(/^no WebGPU adapter found\. /, '')}`;
    doc.warnings.push(msg);
    process.stderr.write(`\n*** ${msg} ***\n\n`);
  }
}

/** The energy monitor for the first workload, and the idle baseline before any GPU work. */
async function energyPhase(st: RunState): Promise<Workload | undefined> {
  const adapterId = (st.doc.environment.adapter ?? null) as AdapterIdentity | null;
  // No adapter: no hashing, and inference runs on the CPU.
  const firstWork = workloadFor('hash', adapterId) ?? workloadFor('cpu', null);
  const choice = await createEnergyMonitor(st.opts, { adapter: adapterId, workload: firstWork });
  st.doc.warnings.push(...choice.warnings);
  st.monitor = choice.monitor;
  st.energyReason = choice.monitor ? undefined : choice.reason;
  st.progress.info(st.monitor ? `energy: meter '${st.monitor.meter}'` : `energy: not measured (${st.energyReason})`);
  // Idle baseline before any GPU work (the monitor would otherwise take it at the first window,
  // after autotune has warmed the device up).
  if (st.monitor && st.opts.idleBaseline) {
    st.progress.info(`energy: idle baseline, ${st.opts.idleBaseline} s`);
    await st.monitor.idleBaseline(st.opts.idleBaseline);
  }
  return firstWork;
}

/** The hash bench on the adapter (skipped without one); an interrupted one is kept, then rethrown. */
async function hashPhase(st: RunState, checked: RunChecked): Promise<void> {
  const { opts, doc, progress, signal } = st;
  const ctx = st.ctx;
  if (!ctx) {
    doc.measurements.push(skipped('hash.sha256d', 'hash', 'no WebGPU adapter: install a Vulkan driver (see README) to run the WGSL hashing benchmark'));
    return;
  }
  // Autotune (7 launch configurations × 0.6 s; none with --kernel/--wg/--npi or --no-autotune)
  // and a warm-up precede the timed phase.
  const launch = launchFromFlags(checked.launchFlags, ctx.device.limits.maxComputeInvocationsPerWorkgroup);
  const tuneS = launch ? 0 : 6;
  const expectedS = opts.seconds + tuneS;
  progress.phase('hashing', expectedS, 's');
  const t0 = performance.now();
  const tick = setInterval(() => {
    const el = (performance.now() - t0) / 1000;
    progress.update(Math.min(expectedS, Math.round(el)), el < tuneS ? 'autotune' : 'timed search');
  }, 500);
  try {
    const m = await runHashBench(ctx, { seconds: opts.seconds, launch, maxWindowS: opts.maxWindow, ...checked.timed, signal }, st.monitor, st.energyReason);
    doc.measurements.push(m);
    progress.end(`${si(m.metrics.hashesPerSecond?.value ?? null)}H/s`);
    throwIfInterrupted(signal);
  } catch (err) {
    if (!(err instanceof InterruptedError)) doc.measurements.push(failed('hash.sha256d', 'hash', (err as Error).message));
    throw err;
  } finally {
    clearInterval(tick);
    ctx.close();
    st.ctx = null;
  }
}

/** What the serving phase (`--serving load`) needs from the inference phase. */
interface InferPlan {
  model: string;
  picked: PricedModelChoice | null;
  ep: 'webgpu' | 'cpu' | 'cuda';
  prompt: number;
  gen: number;
  sloMsPerToken: number;
  load: boolean;
}

/** The inference bench (default model and batches per adapter and site; a meter matching its device). */
async function inferencePhase(st: RunState, siteProfile: SiteProfile, firstWork: Workload | undefined): Promise<InferPlan> {
  const { opts, doc, progress, signal } = st;
  const adapterId = (doc.environment.adapter ?? null) as AdapterIdentity | null;
  const defaults = runInferDefaults(doc.environment.adapter ?? null, siteProfile);
  const picked = opts.model ? null : defaults.priced;
  const ep = opts.ep ?? (doc.environment.adapter ? 'webgpu' : 'cpu');
  const model = opts.model ?? defaults.model;
  const load = opts.serving === 'load';
  // Under load the static bench runs batch 1 only (pp/tg figures); the serving figure comes from `infer serve`.
  const batch = load ? [1] : (opts.batch ?? defaults.batch);
  const sloMsPerToken = opts.sloMsPerToken ?? defaults.sloMsPerToken;
  if (!opts.model) progress.info(`inference: default model '${model}' (${defaults.reason})`);
  if (!opts.batch && !load) progress.info(`inference: batch ${batch.join(',')}, target ${sloMsPerToken} ms/token p99 (${defaults.batchReason})`);
  // Inference on another device than hashing (--ep cpu next to a GPU): a meter that matches it.
  const next = await monitorForNextWorkload(st.monitor, opts, { adapter: adapterId, from: firstWork, to: workloadFor(ep, adapterId) });
  if (next) {
    st.monitor = next.monitor;
    st.energyReason = next.monitor ? undefined : next.reason;
    doc.warnings.push(...next.warnings);
  }
  // runInferBench logs "warmup: …" and one line per test (pp, tg) of each batch.
  progress.phase('inference', 3 * batch.length, 'tests');
  let reps = 0;
  try {
    const m = await runInferBench(
      {
        model,
        ep,
        prompt: opts.prompt ?? defaults.prompt,
        gen: opts.gen ?? defaults.gen,
        repetitions: opts.repetitions ?? defaults.repetitions ?? 5,
        batch,
        sloMsPerToken: load ? null : sloMsPerToken,
        ...(opts.adapter !== undefined ? { adapterSpec: opts.adapter } : {}),
        allowAdapterMismatch: Boolean(opts.allowAdapterMismatch),
        ...(st.energyReason ? { energyReason: st.energyReason } : {}),
        maxWindowS: opts.maxWindow,
        ...(picked ? { dtype: picked.dtype } : {}),
        log: (line: string) => {
          if (/^warmup|^pp\d|^tg\d/.test(line)) progress.update(++reps, line.slice(0, 60));
          else if (/^model: generat/.test(line)) progress.update(reps, line.slice(0, 60));
        },
        signal,
      },
      st.monitor,
    );
    if (picked) m.details = { ...(m.details ?? {}), modelChoice: { preset: picked.model, dtype: picked.dtype, pricedAs: picked.pricedAs, memory: picked.memory, needBytes: picked.needBytes, reason: picked.reason } };
    doc.measurements.push(m);
    progress.end(`pp ${si(m.metrics.prefillTokensPerSecond?.value ?? null)}tok/s, tg ${si(m.metrics.decodeTokensPerSecond?.value ?? null)}tok/s`);
    throwIfInterrupted(signal);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InterruptedError) throw err;
    doc.measurements.push(failed(`infer.${model}`, 'infer', (err as Error).message));
    throw err;
  }
  return { model, picked, ep, prompt: opts.prompt ?? defaults.prompt!, gen: opts.gen ?? defaults.gen!, sloMsPerToken, load };
}

/** `--serving load`: the serving figure under Poisson load (servingUnderLoad). */
async function servingPhase(st: RunState, p: InferPlan): Promise<void> {
  try {
    const { model, picked, ep, prompt, gen, sloMsPerToken } = p;
    st.doc.measurements.push(await servingUnderLoad({ opts: st.opts, model, ...(picked ? { dtype: picked.dtype } : {}), ep, prompt, gen, sloMsPerToken, adapter: st.doc.environment.adapter ?? null, monitor: st.monitor, energyReason: st.energyReason, progress: st.progress }));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    st.doc.measurements.push(failed(`infer.serve.${p.model}`, 'infer', (err as Error).message));
    throw err;
  }
}

/** Write the run's document, marked complete or not; a later write replaces the run's own file. */
function docWriter(doc: ResultDoc, out: string | null, startedAt: Date): (complete: boolean, reason?: string) => RunWrite {
  let outPath = out;
  return (complete, reason) => {
    doc.complete = complete;
    if (!complete && reason) doc.incompleteReason = reason;
    doc.endedAt = new Date().toISOString();
    const w = writeRunResult(doc, outPath, startedAt);
    if (!w.error) outPath = w.path; // a later write (an interruption) replaces this run's own file
    return w;
  };
}

/**
 * A run cut short in `phase` (interrupted, or a phase failed): close what is open, write what was
 * measured marked incomplete, say where it went; the exit code (128 + n, 1, or 2 for bad input).
 */
async function cutShort(st: RunState, err: unknown, phase: string, finish: ReturnType<typeof docWriter>): Promise<number> {
  st.progress.stop();
  st.ctx?.close();
  await st.monitor?.close().catch(() => undefined);
  if (err instanceof InterruptedError) {
    const w = finish(false, `interrupted by ${err.sig} during phase '${phase}'`);
    process.stderr.write(`\njoulebench: interrupted (${err.sig}) during '${phase}': ${partialLine(w)}\n`);
    if (st.opts.json) printJson(st.doc);
    return signalExitCode(err.sig);
  }
  if (err instanceof UsageError && st.doc.measurements.length === 0) throw err;
  const w = finish(false, `phase '${phase}' failed: ${(err as Error).message}`);
  process.stderr.write(`joulebench: error: phase '${phase}' failed: ${(err as Error).message}\n  ${partialLine(w)}\n`);
  if (st.opts.json) printJson(st.doc);
  return err instanceof UsageError ? 2 : 1;
}

/** Run the whole pipeline; returns the exit code. */
export async function runMain(opts: RunOptions): Promise<number> {
  const progress: Progress = createProgress(opts.json ? 'quiet' : (opts.progress ?? 'auto'));
  // Every flag, the model reference and the site file, before any device or meter opens (the same
  // checks `fleet submit` makes on the arguments it forwards).
  const checked = checkRunOptions(opts);
  const { siteFile, siteProfile } = checked;
  await checkResultOutputs({ out: opts.out, save: opts.out === undefined }, 'run (no --out)', { files: [siteFile, ...(opts.model && existsSync(opts.model) ? [opts.model] : [])] });
  const startedAt = new Date();
  const doc: ResultDoc = newResultDoc(null, startedAt);
  const finish = docWriter(doc, opts.out ?? null, startedAt);
  let phase = 'start';
  // Ctrl-C / SIGTERM: the bench in progress stops at its next unit (a hash slice, a prefill, a
  // decode sequence) and returns what it measured, marked incomplete; the document is written
  // marked incomplete and the exit code is 128 + n. If the phase does not stop within the grace
  // (a long onnxruntime run() blocks this thread), or on a second signal, what is in the
  // document so far is written at once.
  const interrupt = onInterrupt({
    force: (sig) => {
      progress.stop();
      const w = finish(false, `interrupted by ${sig} during phase '${phase}' (ended before the phase could stop)`);
      process.stderr.write(`\njoulebench: interrupted (${sig}) during '${phase}': ${partialLine(w)}\n`);
      killAllChildGroups();
      process.exit(signalExitCode(sig));
    },
  });
  const st: RunState = { opts, doc, progress, signal: interrupt.signal, ctx: null, monitor: null, energyReason: undefined };
  try {
    phase = 'adapter';
    progress.info('joulebench run: adapter → energy → hashing → inference → site economics');
    await adapterPhase(st);
    phase = 'energy';
    const firstWork = await energyPhase(st);
    phase = 'hashing';
    throwIfInterrupted(st.signal);
    await hashPhase(st, checked);
    phase = 'inference';
    throwIfInterrupted(st.signal);
    const plan = await inferencePhase(st, siteProfile, firstWork);
    if (plan.load) {
      phase = 'serving';
      await servingPhase(st, plan);
    }

    phase = 'profit';
    const pr = profitFromRun(doc, { file: siteFile, profile: siteProfile }, opts.powerPrice);
    doc.measurements.push(pr.measurement);
    const profit = pr.report;
    // The run already says once that the adapter is software; drop the per-measurement echoes.
    if (profit) doc.warnings.push(...profit.warnings.filter((w) => !doc.warnings.includes(w) && !/ran on a software adapter/.test(w)));

    phase = 'write';
    await st.monitor?.close();
    st.monitor = null;
    const w = finish(true);
    progress.stop();
    // The figures are printed even when the file could not be written (a full disk): then exit 1.
    if (opts.json) printJson(doc);
    else process.stdout.write(formatRunSummary(doc, profit, resultLine(w)));
    if (w.error) {
      process.stderr.write(`joulebench: error: could not write the result file ${w.path} (${w.error}): the figures above are not saved\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    return await cutShort(st, err, phase, finish);
  } finally {
    interrupt.dispose();
  }
}

/** Register the `run` command. */
export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('the main job: hash bench + inference bench on one adapter, energy, per-MW site economics; writes one result file')
    .option('--seconds <s>', 'time limit of the timed hashing phase, seconds (after autotune; stops earlier at --target-rel-ci)', numberArg('--seconds', { min: 1, max: 3600 }), 20)
    .option('--model <preset|path>', "inference model (default: on a hardware adapter, the largest preset whose tokens the site prices that fits the device's memory; else sized so the run takes ≤ 2 min)")
    .option('--ep <ep>', 'onnxruntime execution provider: webgpu (default with an adapter), cpu, cuda')
    .option('--prompt <P>', 'prompt tokens', numberArg('--prompt', { min: 1, integer: true }))
    .option('--gen <N>', 'generated tokens', numberArg('--gen', { min: 1, integer: true }))
    .option('-r, --repetitions <R>', 'timed inference repetitions', numberArg('--repetitions', { min: 1, integer: true }))
    .option('--batch <B[,B...]>', 'inference batch sizes, a list sweeps them (default: 1,4,16 on a hardware adapter, smaller on a software one or the CPU)', (raw: string) => parseBatchList(raw))
    .option('--slo-ms-per-token <ms>', 'latency target of the serving figure, p99 ms per output token (default 50)', (raw: string) => parseSloMsPerToken(raw))
    .option('--serving <basis>', 'serving figure: sweep (static batches within the target, default) or load (infer serve: highest Poisson rate within p99 TTFT 2000 ms and TPOT = the target)', 'sweep')
    .option('--site <file>', 'site profile (JSON/YAML) for the per-MW economics (default: sites/boden-sweden.yaml)')
    .option('--power-price <USD/kWh>', 'override the site power price', numberArg('--power-price', { min: 0 }))
    .option('--allow-adapter-mismatch', "run even when onnxruntime's WebGPU adapter differs from the hashing adapter")
    .option('--out <file>', 'result file (default: results/<date>_<host>_<device>_run.json)')
    .option('--progress <style>', 'progress output: auto (bars on a TTY, lines otherwise), bar, plain, quiet', 'auto')
    .option('--json', 'print only the result document on stdout');
  cmd.option('--no-autotune', 'skip the hashing autotune (use --kernel/--wg/--npi or the default x1 kernel)');
  addKernelOptions(cmd);
  addTimedPhaseOptions(cmd);
  addMeterOptions(cmd);
  cmd.action(async (opts: RunOptions, c: Command) => {
    const g = c.optsWithGlobals() as { adapter?: string };
    const code = await runMain({ ...opts, ...(g.adapter !== undefined ? { adapter: g.adapter } : {}) });
    process.exitCode = code;
  });
}

/**
 * Parse `joulebench run` arguments with run's own option definitions, running nothing (`fleet
 * submit` forwards them to every task, and checks them with checkRunOptions first). Commander's
 * own errors (unknown option, missing value) become one-line UsageErrors.
 */
export async function parseRunArgs(args: readonly string[]): Promise<RunOptions> {
  let err = '';
  const p = new Command().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: (m) => (err += m) });
  p.option('--adapter <index|substring>');
  registerRun(p);
  let seen: RunOptions | null = null;
  p.commands.find((c) => c.name() === 'run')!.action((opts: RunOptions) => {
    seen = opts;
  });
  try {
    await p.parseAsync(['run', ...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    throw new UsageError((err.split('\n').find((l) => l.trim()) ?? e.message).replace(/^error:\s*/, ''));
  }
  return seen!;
}
