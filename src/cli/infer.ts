/**
 * `joulebench infer bench|build|presets`: LLM inference tokens/s (and tokens/J) with onnxruntime-node.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Command, Option } from 'commander';
import { addMeterOptions, createEnergyMonitor, validateMeterOptions, workloadFor, type MeterOptions } from '../power/monitor.js';
import { energyJoules } from '../power/energy-basis.js';
import type { Measurement } from '../results/schema.js';
import { identityOf, openAdapter, type AdapterIdentity } from '../gpu/adapter.js';
import { UsageError } from '../util/errors.js';
import { INFER_DEFAULTS, runInferBench } from '../infer/bench.js';
import { EPS, type Ep } from '../infer/decoder.js';
import { ensureModel } from '../infer/model-store.js';
import { forcedExit, InterruptedError, onInterrupt, signalExitCode } from '../util/interrupt.js';
import { PRESETS, PRESET_NAMES, parameterCount } from '../infer/presets.js';
import { VARIANTS, type Variant } from '../infer/builder.js';
import { MODEL_DTYPES, type ModelDtype } from '../infer/weights.js';
import { MAX_BATCH, parseBatchList, parseSloMsPerToken } from '../infer/serving.js';
import { formatSweepHuman } from '../infer/sweep-format.js';
import { numberArg, printJson, warn } from './common.js';
import { addResultFileOptions, assertResultsWritten, checkResultOutputs, modelInputFiles, writeMeasurementResult } from './result-file.js';
import { registerInferServe } from './infer-serve.js';

interface BenchFlags extends MeterOptions {
  model: string;
  ep: Ep;
  dtype?: ModelDtype;
  variant?: Variant;
  batch: number[];
  sloMsPerToken?: number;
  /** Unset: the defaults, fitted to the model's context (src/infer/bench.ts fitTestToContext). */
  prompt?: number;
  gen?: number;
  repetitions: number;
  seed: number;
  warmup: boolean;
  profile: boolean;
  threads?: number;
  tokens: 'random' | 'greedy';
  allowAdapterMismatch?: boolean;
  json?: boolean;
  out?: string;
  save?: boolean;
  verbose?: boolean;
}

function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
function fmtParams(n: number | null): string {
  if (n === null) return '?';
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} B` : `${(n / 1e6).toFixed(2)} M`;
}

/** The parameter line: exact count (and how many are stored 4-bit), weight bytes, where the model facts came from. */
function paramLine(model: Record<string, any>): string {
  if (model.parameters === null || model.parameters === undefined) return `parameters: unknown (${model.parametersMethod})`;
  const q = model.quantizedParameters ? ` (${model.quantizedParameters.toLocaleString('en-US')} stored 4-bit)` : '';
  const w = typeof model.weightBytes === 'number' ? `, weights ${fmtBytes(model.weightBytes)}` : '';
  return `parameters: ${model.parameters.toLocaleString('en-US')}${q}${w}, counted from the graph's initializers; model facts from ${model.facts?.source ?? '?'}`;
}

/** An interrupted bench that timed prefills only (src/infer/partial.ts): what it measured, marked. */
function formatInferPartial(m: Measurement): string {
  const p = m.params as Record<string, any>;
  const pp = m.metrics.prefillTokensPerSecond!;
  const ttft = m.metrics.timeToFirstTokenMs!;
  return [
    `INCOMPLETE: ${m.reason ?? 'interrupted'}`,
    `${m.id} on ${p.ep}, batch ${p.batch}: pp${p.prompt} ${pp.value!.toFixed(2)} tokens/s (mean of ${pp.samples?.length ?? '?'} prefill(s)), time to first token ${ttft.value!.toFixed(2)} ms`,
    `decode (tg${p.gen}): ${m.metrics.decodeTokensPerSecond?.reason ?? 'not measured'}`,
  ].join('\n');
}

/** llama-bench-like markdown table plus the details people need to trust the numbers. */
export function formatInferHuman(m: Measurement): string {
  const d = m.details as Record<string, any>;
  const p = m.params as Record<string, any>;
  if (!d.llamaBench) return formatInferPartial(m);
  const model = d.model;
  const lines: string[] = [];
  if (m.status === 'incomplete') lines.push(`INCOMPLETE: ${m.reason ?? 'cut short'}`, '');
  const name = `${model.name}${model.synthetic ? ' (synthetic)' : ''}`;
  lines.push('| model | params | size | ep | dtype | batch | test | t/s |');
  lines.push('| --- | ---: | ---: | --- | --- | ---: | ---: | ---: |');
  // A sweep: one pp and one tg row per batch, as llama-bench prints one row per test.
  const tests: Array<[number, string, string]> = Array.isArray(d.batchSweep) && Array.isArray(p.batch)
    ? (d.batchSweep as Array<{ batch: number; llamaBench: Record<string, string> }>).flatMap((r) => Object.entries(r.llamaBench).map(([t, v]): [number, string, string] => [r.batch, t, v]))
    : Object.entries(d.llamaBench as Record<string, string>).map(([t, v]): [number, string, string] => [p.batch as number, t, v]);
  for (const [b, test, v] of tests) {
    lines.push(`| ${name} | ${fmtParams(model.parameters)} | ${fmtBytes(model.bytesOnDisk)} | ${p.ep} | ${p.dtype}${p.variant ? `/${p.variant}` : ''} | ${b} | ${test} | ${v} |`);
  }
  const mt = m.metrics;
  const lat = d.tokenLatencyPercentilesMs;
  lines.push('');
  // In a sweep these lines are the headline (smallest) batch's; the sweep table has every batch.
  const hb = Array.isArray(p.batch) ? ` at batch ${d.headlineBatch?.batch ?? '?'}` : '';
  lines.push(`time to first token${hb}: ${mt.timeToFirstTokenMs!.value!.toFixed(2)} ms (mean of ${p.repetitions})`);
  if (lat) lines.push(`decode step latency${hb}: p50 ${lat.p50.toFixed(3)} ms, p90 ${lat.p90.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms, max ${lat.max.toFixed(3)} ms (${lat.n} steps)`);
  const tpj = mt.tokensPerJoule!;
  const declared = tpj.energyBasis === 'declared' ? ' (DECLARED watts, not measured)' : '';
  lines.push(`tokens/J (decode${hb}): ${tpj.value === null ? `not measured (${tpj.reason})` : tpj.value.toFixed(3) + declared}`);
  const j = energyJoules(m.energy);
  if (j && m.energy) {
    const e = m.energy as { meter?: string; method?: string };
    lines.push(`energy (decode window${hb}): ${j.energyJ.toFixed(2)} J over ${j.timeS.toFixed(2)} s, ${j.avgPowerW.toFixed(1)} W avg${j.kind === 'declared' ? ' DECLARED' : ''} [${e.meter}: ${e.method}]${j.complete ? '' : ` INCOMPLETE: ${j.incompleteReason ?? ''}`}`);
  }
  lines.push(paramLine(model));
  lines.push(`KV cache${hb} at ${model.kvCacheContextTokens} tokens: ${fmtBytes(model.kvCacheBytes)} (${model.kvType}); peak host RSS ${fmtBytes(d.memory.peakRssBytes)}`);
  if (d.placement) {
    const pl = Object.entries(d.placement.nodesByProvider as Record<string, number>).map(([k, v]) => `${k.replace('ExecutionProvider', '')} ${v}`).join(', ');
    lines.push(`node placement (ORT profile of the warmup): ${pl}`);
  }
  if (d.adapterMatch?.hashing) {
    const a = d.adapterMatch;
    lines.push(`adapter: hashing '${a.hashing.name}', onnxruntime WebGPU EP '${a.onnxruntime?.name ?? '?'}' (${a.same ? 'same' : 'DIFFERENT'}, ${a.confidence})`);
  }
  lines.push(`model: ${model.note}`);
  const sweep = formatSweepHuman(m);
  if (sweep) lines.push('', sweep);
  return lines.join('\n');
}

async function benchAction(flags: BenchFlags, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals() as { adapter?: string };
  if (!(EPS as readonly string[]).includes(flags.ep)) throw new UsageError(`--ep '${flags.ep}': use one of ${EPS.join(', ')}`);
  validateMeterOptions(flags); // before any adapter or meter opens
  await checkResultOutputs(flags, '--save', { files: modelInputFiles(flags.model) }); // a bad --out costs one line, not a measurement
  // The meter must cover the device the graph runs on: the WebGPU adapter for the webgpu EP
  // (NVML/hwmon picked by vendor), the CPU package otherwise.
  let adapter: AdapterIdentity | null = null;
  if (flags.ep === 'webgpu') {
    try {
      const opened = await openAdapter(g.adapter);
      adapter = identityOf(opened.report);
    } catch (err) {
      if (err instanceof UsageError) throw err;
    }
  }
  // The meter must measure where the graph runs: the CPU package for --ep cpu, never a GPU board.
  const choice = await createEnergyMonitor(flags, { adapter, workload: workloadFor(flags.ep, adapter) });
  for (const w of choice.warnings) warn(w);
  const monitor = choice.monitor;
  const startedAt = new Date();
  let m: Measurement;
  // Ctrl-C / SIGTERM: each phase stops after the run in progress and what completed is kept,
  // marked incomplete (written with --out/--save), exit 128 + n. onnxruntime's run() blocks this
  // thread, so the signal is taken between runs; a run longer than the grace forces the exit.
  const stop = onInterrupt({ force: (sig) => forcedExit(sig, 'infer bench') });
  try {
    if (monitor && flags.idleBaseline) await monitor.idleBaseline(flags.idleBaseline);
    m = await runInferBench(
      {
        model: flags.model,
        ep: flags.ep,
        dtype: flags.dtype,
        variant: flags.variant,
        batch: flags.batch,
        sloMsPerToken: flags.sloMsPerToken ?? null,
        prompt: flags.prompt,
        gen: flags.gen,
        repetitions: flags.repetitions,
        seed: flags.seed,
        warmup: flags.warmup,
        profile: flags.profile,
        threads: flags.threads,
        tokens: flags.tokens,
        adapterSpec: g.adapter,
        allowAdapterMismatch: flags.allowAdapterMismatch,
        energyReason: choice.monitor ? undefined : choice.reason,
        maxWindowS: flags.maxWindow,
        // Progress on a terminal (or --verbose) only: errors in scripts stay one line.
        log: flags.verbose || (process.stderr.isTTY && !flags.json) ? (s) => process.stderr.write(`${s}\n`) : undefined,
        signal: stop.signal,
      },
      monitor,
    );
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    process.stderr.write(`\njoulebench: infer bench ${err.message}: nothing timed yet, no result written\n`);
    process.exitCode = signalExitCode(err.sig);
    return;
  } finally {
    stop.dispose();
    await monitor?.close();
  }
  for (const w of m.warnings) warn(w);
  const sig = stop.received();
  const device = m.adapter?.name ?? `${flags.ep}-${os.cpus()[0]?.model ?? 'cpu'}`;
  const written = writeMeasurementResult(m, { out: flags.out, save: flags.save, quiet: flags.json }, startedAt, { device, label: `infer-${m.id.replace(/^infer\./, '')}` }, sig ? (m.reason ?? `interrupted by ${sig}`) : undefined);
  if (sig) process.exitCode = signalExitCode(sig);
  if (flags.json) printJson(m);
  else process.stdout.write(formatInferHuman(m) + '\n');
  assertResultsWritten(written); // a full disk loses the file, not the figures: printed above, exit 1
}

/** Register `infer` and its subcommands. */
export function registerInfer(program: Command): void {
  const infer = program.command('infer').description('LLM inference benchmarks with onnxruntime-node (decoder models with KV cache)');

  const bench = infer
    .command('bench')
    .description('prefill (pp) and decode (tg) tokens/s like llama-bench, with TTFT, latency percentiles, tokens/J')
    .option('--model <preset|path>', `preset (${PRESET_NAMES.join(', ')}) or an ONNX decoder export (dir or .onnx)`, 'tiny')
    .addOption(new Option('--ep <ep>', 'onnxruntime execution provider').choices([...EPS]).default('webgpu'))
    .addOption(
      new Option('--dtype <dtype>', 'generated models: weight precision; q4/q4f16 = 4-bit MatMulNBits linear layers, fp32/fp16 elsewhere (default fp16 on webgpu with shader-f16, else fp32)').choices([
        ...MODEL_DTYPES,
      ]),
    )
    .addOption(new Option('--variant <variant>', 'generated models: gqa (com.microsoft fast path, default) or std (standard opset)').choices([...VARIANTS]))
    .addOption(
      new Option('--batch <B[,B...]>', `sequences per run; a comma-separated list (e.g. 1,4,16,64) sweeps batch sizes, each its own test and energy windows (1 to ${MAX_BATCH}, each once)`)
        .argParser((raw: string) => parseBatchList(raw))
        .default([INFER_DEFAULTS.batch], String(INFER_DEFAULTS.batch)),
    )
    .option('--slo-ms-per-token <ms>', 'latency target: the serving figure is the most energy-efficient batch whose p99 decode step latency meets it (MLPerf Server-style)', (raw: string) => parseSloMsPerToken(raw))
    .option('--prompt <P>', `prompt tokens (pp test; default ${INFER_DEFAULTS.prompt}, or halved with --gen to fit a model with a shorter context)`, numberArg('--prompt', { min: 1, integer: true }))
    .option('--gen <N>', `generated tokens (tg test, decoded after the prompt; default ${INFER_DEFAULTS.gen})`, numberArg('--gen', { min: 1, integer: true }))
    .option('-r, --repetitions <R>', 'timed repetitions', numberArg('--repetitions', { min: 1, max: 1000, integer: true }), INFER_DEFAULTS.repetitions)
    .option('--seed <n>', 'seed for the random token ids', numberArg('--seed', { min: 0, integer: true }), INFER_DEFAULTS.seed)
    .addOption(new Option('--tokens <mode>', 'decode tokens: random (llama-bench) or greedy (argmax of logits)').choices(['random', 'greedy']).default('random'))
    .option('--threads <n>', 'onnxruntime intra-op threads (default: onnxruntime picks)', numberArg('--threads', { min: 1, integer: true }))
    .option('--no-warmup', 'skip the untimed warmup repetition')
    .option('--no-profile', 'skip ORT profiling of the warmup (EP placement unknown)')
    .option('--allow-adapter-mismatch', "run even when onnxruntime's WebGPU adapter differs from the hashing adapter")
    .option('--json', 'print the measurement as JSON')
    .option('-v, --verbose', 'progress lines on stderr even when it is not a terminal');
  addResultFileOptions(bench);
  addMeterOptions(bench);
  bench.action(benchAction);
  registerInferServe(infer);

  infer
    .command('build')
    .description('generate (or refresh) a preset model directory under models/')
    .argument('<preset>', `one of ${PRESET_NAMES.join(', ')}`)
    .addOption(new Option('--dtype <dtype>', 'weight precision (q4/q4f16: 4-bit MatMulNBits linear layers)').choices([...MODEL_DTYPES]).default('fp32'))
    .addOption(new Option('--variant <variant>', 'graph variant').choices([...VARIANTS]).default('gqa'))
    .option('--force', 'rebuild even when cached')
    .option('--json', 'print JSON')
    .action((preset: string, o: { dtype: ModelDtype; variant: Variant; force?: boolean; json?: boolean }) => {
      // `build` takes a preset name only (paths are for `bench --model`): say so in its own terms.
      if (!PRESETS[preset]) throw new UsageError(`infer build '${preset}': not a preset; use one of ${PRESET_NAMES.join(', ')} ('joulebench infer presets' lists them)`);
      if (o.variant === 'std' && (o.dtype === 'q4' || o.dtype === 'q4f16')) throw new UsageError(`--dtype ${o.dtype} with --variant std: 4-bit presets use the gqa graph (MatMulNBits is an onnxruntime contrib op); drop --variant std`);
      // The generator is synchronous: Ctrl-C ends the process at once, and the build's watchdog
      // removes its temporary directory (src/infer/model-store.ts).
      const m = ensureModel(preset, { dtype: o.dtype, variant: o.variant, rebuild: o.force });
      const r = { dir: m.dir, built: m.built, buildTimeS: m.buildTimeS, bytesOnDisk: m.bytesOnDisk, ...m.info };
      if (o.json) printJson(r);
      else process.stdout.write(`${m.built ? 'built' : 'cached'} ${m.dir}: ${fmtParams(m.info.parameters)} params, weights ${fmtBytes(m.info.weightBytes)}, ${fmtBytes(m.bytesOnDisk)} on disk${m.built ? `, ${m.buildTimeS.toFixed(1)} s` : ''}\n`);
    });

  infer
    .command('presets')
    .description('list model presets and the public models whose shapes they mirror')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = PRESET_NAMES.map((n) => ({ name: n, parameters: parameterCount(PRESETS[n]!), ...PRESETS[n]! }));
      if (o.json) printJson(rows);
      else for (const r of rows) process.stdout.write(`${r.name.padEnd(14)} ${fmtParams(r.parameters).padStart(9)}  ${r.family.padEnd(6)} ${r.mirrors}\n`);
    });
}
