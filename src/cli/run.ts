/**
 * `joulebench run` — the main job (what `npm start` runs): its flags, one call to the executor
 * (src/run/execute.ts: adapter → plan → energy monitor → hash → inference → profit per MW → result
 * file), and what is printed — the one-screen summary, or the document with --json, and the line
 * saying where a cut-short run's partial result went.
 */
import { relative } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parseBatchList, parseSloMsPerToken } from '../infer/serving.js';
import { servingLine } from '../infer/sweep-format.js';
import { addMeterOptions } from '../power/monitor.js';
import { formatComparison, type ProfitReport } from '../profit/index.js';
import { energyJoules } from '../power/energy-basis.js';
import type { Measurement, Metric, ResultDoc } from '../results/schema.js';
import { UsageError } from '../util/errors.js';
import { killAllChildGroups } from '../util/child.js';
import { signalExitCode } from '../util/interrupt.js';
import { si } from '../util/si.js';
import { numberArg, printJson } from './common.js';
import { createProgress } from './progress.js';
import { addKernelOptions } from './hash.js';
import { addTimedPhaseOptions } from './timed-phase-options.js';
import { executeRun, type RunOutcome } from '../run/execute.js';
import type { RunOptions } from '../run/options.js';
import type { RunWrite } from '../run/result-file.js';
import { headlineDef, headlineLegend, headlineOf, plusMinus } from '../results/headline.js';
import { hostActivityLine, notSteadyLines } from '../report/run-notes.js';

export type { RunOptions } from '../run/options.js';
export { defaultSiteFile } from '../run/checks.js';
export { si } from '../util/si.js';

/** " ± 1.7 % (2 outliers kept)": the 95 % CI of the figure as its headline definition computes it (src/results/headline.ts). */
function noise(meas: Measurement, name: string): string {
  const m: Metric | undefined = meas.metrics[name];
  if (!m || m.value === null) return '';
  const h = headlineOf(meas, name, m);
  return `${plusMinus(h)}${h.outliers ? ` (${h.outliers} outlier${h.outliers === 1 ? '' : 's'} kept)` : ''}`;
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

/** "Result: <path>" for the summary, or the failure when the file could not be written. */
function resultLine(w: RunWrite): string {
  if (w.error) return `NOT WRITTEN: ${w.path} (${w.error})`;
  const rel = relative(process.cwd(), w.path);
  return rel && !rel.startsWith('..') ? rel : w.path;
}

/** Where the partial result of a cut-short run went (or why it could not be written). */
function partialLine(w: RunWrite): string {
  return w.error ? `partial result NOT written: ${w.path} (${w.error})` : `partial result written to ${w.path} (marked incomplete, with what was measured)`;
}

/** Print how the run ended (the figures even when the file could not be written); returns the exit code. */
function printOutcome(opts: RunOptions, o: RunOutcome): number {
  if (o.status === 'interrupted') process.stderr.write(`\njoulebench: interrupted (${o.sig}) during '${o.phase}': ${partialLine(o.write)}\n`);
  if (o.status === 'failed') process.stderr.write(`joulebench: error: phase '${o.phase}' failed: ${o.message}\n  ${partialLine(o.write)}\n`);
  if (opts.json) printJson(o.doc);
  else if (o.status === 'complete') process.stdout.write(formatRunSummary(o.doc, o.profit, resultLine(o.write)));
  if (o.status === 'complete' && o.write.error) {
    process.stderr.write(`joulebench: error: could not write the result file ${o.write.path} (${o.write.error}): the figures above are not saved\n`);
  }
  return o.exitCode;
}

/** Run the whole job with progress on stderr; returns the exit code. */
export async function runMain(opts: RunOptions): Promise<number> {
  const outcome = await executeRun(opts, {
    progress: createProgress(opts.json ? 'quiet' : (opts.progress ?? 'auto')),
    alert: (message) => void process.stderr.write(`\n*** ${message} ***\n\n`),
    forceExit: (sig, phase, w) => {
      process.stderr.write(`\njoulebench: interrupted (${sig}) during '${phase}': ${partialLine(w)}\n`);
      killAllChildGroups();
      process.exit(signalExitCode(sig));
    },
  });
  return printOutcome(opts, outcome);
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
