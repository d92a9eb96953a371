/**
 * `joulebench hash search` and `joulebench hash bench`: SHA256d nonce search on the selected
 * WebGPU adapter (see src/hash/).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openDevice, type GpuContext } from '../gpu/adapter.js';
import { SHADER_DIR_ENV } from '../gpu/shaders.js';
import { defaultLlvmpipeThreads, isolateShaderCache, llvmpipeWidthOf, parseLlvmpipeWidth, setLlvmpipeVectorWidth } from '../gpu/llvmpipe.js';
import { runHashBench } from '../hash/bench.js';
import type { Measurement, ResultDoc } from '../results/schema.js';
import { parseHeaderHex } from '../hash/header.js';
import { defaultLaunch, KERNEL_VARIANTS } from '../hash/kernels.js';
import { launchFromFlags, type LaunchFlags } from '../hash/launch-flags.js';

export { launchFromFlags, type LaunchFlags } from '../hash/launch-flags.js';
import { NONCE_SPACE, searchNonces, validateRange } from '../hash/search.js';
import type { SelfCheckReport } from '../hash/selfcheck.js';
import { parseBitsArg, parseTargetHex, targetHex, targetToDifficulty, zeroBitsTarget } from '../hash/target.js';
import { addMeterOptions, createEnergyMonitor, validateMeterOptions, workloadFor, type MeterOptions } from '../power/monitor.js';
import { UsageError } from '../util/errors.js';
import { forcedExit, InterruptedError, onInterrupt, signalExitCode } from '../util/interrupt.js';
import { numberArg, parseNumberFlag, printJson, warn } from './common.js';
import { addResultFileOptions, assertResultsWritten, checkResultOutputs, writeMeasurementResult } from './result-file.js';
import { addTimedPhaseOptions, timedPhaseOptions, type TimedPhaseFlags } from './timed-phase-options.js';
import { annotateHeadlines, headlineOf, plusMinus } from '../results/headline.js';
import { hostActivityLine, notSteadyLines, pipelineLine } from '../report/run-notes.js';

const SOFTWARE_NOTE = 'software adapter: CPU timings, not a GPU figure';


interface SearchFlags extends LaunchFlags {
  header: string;
  start: string;
  count?: string;
  zeroBits?: string;
  bits?: string;
  target?: string;
  maxResults?: number;
  timeLimit?: number;
  resultCapacity?: number;
  json?: boolean;
}

interface BenchFlags extends LaunchFlags, MeterOptions, TimedPhaseFlags {
  seconds: number;
  autotune: boolean;
  json?: boolean;
  out?: string;
  save?: boolean;
}

/** Whether the CPU advertises AVX-512F (Linux /proc/cpuinfo; false elsewhere). */
function cpuHasAvx512(): boolean {
  try {
    return /\savx512f\s/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** Parse a u32-range integer flag (decimal or 0x hex); the range check is validateRange's. */
function integerFlag(flag: string, raw: string): number {
  return parseNumberFlag(flag, raw, { integer: true, min: 0 });
}

/** Resolve exactly one of --zero-bits / --bits / --target to a 256-bit target. */
export function resolveTarget(f: { zeroBits?: string; bits?: string; target?: string }): { target: bigint; from: string } {
  const given = [f.zeroBits !== undefined && '--zero-bits', f.bits !== undefined && '--bits', f.target !== undefined && '--target'].filter(Boolean);
  if (given.length === 0) throw new UsageError('hash search: give the target with one of --zero-bits <k>, --bits <0x...> or --target <64 hex>');
  if (given.length > 1) throw new UsageError(`hash search: ${given.join(' and ')} both given; use exactly one of --zero-bits, --bits, --target`);
  if (f.zeroBits !== undefined) return { target: zeroBitsTarget(parseNumberFlag('--zero-bits', f.zeroBits, { integer: true, min: 0, max: 256 })), from: `--zero-bits ${f.zeroBits}` };
  if (f.bits !== undefined) return { target: parseBitsArg(f.bits).target, from: `--bits ${f.bits}` };
  return { target: parseTargetHex(f.target!), from: '--target' };
}

async function withDevice<T>(cmd: Command, f: LaunchFlags, fn: (ctx: GpuContext) => Promise<T>): Promise<T> {
  const g = cmd.optsWithGlobals() as { adapter?: string };
  // llvmpipe reads its SIMD width once, when the first adapter is requested: set it first.
  if (f.llvmpipeWidth !== undefined) setLlvmpipeVectorWidth(f.llvmpipeWidth);
  else isolateShaderCache();
  defaultLlvmpipeThreads(); // a software adapter's dispatches split across 2 threads per CPU (src/gpu/llvmpipe.ts)
  const ctx = await openDevice(g.adapter, 'joulebench-hash');
  if (f.llvmpipeWidth !== undefined) {
    const got = llvmpipeWidthOf(ctx.report.name);
    if (got === null) warn(`--llvmpipe-width ${f.llvmpipeWidth}: adapter '${ctx.report.name}' is not llvmpipe; ignored`);
    else if (got !== f.llvmpipeWidth) warn(`--llvmpipe-width ${f.llvmpipeWidth}: llvmpipe reports ${got} bits (already initialised in this process?)`);
  }
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

async function searchAction(f: SearchFlags, cmd: Command): Promise<void> {
  // Validate everything before touching the GPU: bad input is exit 2 with one line, instantly.
  const header = parseHeaderHex(f.header);
  if (f.count === undefined) throw new UsageError('--count <n>: required (how many nonces to search from --start)');
  const start = integerFlag('--start', f.start);
  const count = integerFlag('--count', f.count);
  validateRange(start, count);
  const { target, from } = resolveTarget(f);
  if (target === 0n) throw new UsageError(`${from}: the target is 0; no hash can meet it`);
  const launchFlag = launchFromFlags(f, null);
  const r = await withDevice(cmd, f, async (ctx) => {
    const launch = launchFromFlags(f, ctx.device.limits.maxComputeInvocationsPerWorkgroup) ?? launchFlag ?? defaultLaunch('x1');
    const res = await searchNonces(ctx, {
      header,
      start,
      count,
      target,
      launch,
      timeLimitS: f.timeLimit,
      maxResults: f.maxResults,
      resultCapacity: f.resultCapacity,
    });
    if (ctx.uncapturedErrors.length) throw new Error(`GPU errors during the search: ${ctx.uncapturedErrors.join('; ')}`);
    return { res, isSoftware: ctx.report.isSoftware, adapter: ctx.report };
  });
  const { res } = r;
  const scanned = res.scannedEnd - res.start;
  if (r.isSoftware && !f.json) warn(SOFTWARE_NOTE);
  if (res.kernelSource.startsWith(SHADER_DIR_ENV)) warn(`kernel source replaced (${res.kernelSource}), not the packaged kernel`);
  if (res.stoppedBy !== 'done') warn(`search stopped by ${res.stoppedBy} after ${scanned} of ${count} nonces; results cover [${res.start}, ${res.scannedEnd})`);
  if (f.json) {
    printJson({
      nonces: res.nonces,
      hashes: res.hashes,
      start: res.start,
      count,
      scannedEnd: res.scannedEnd,
      complete: res.stoppedBy === 'done',
      stoppedBy: res.stoppedBy,
      target: targetHex(target),
      difficulty: targetToDifficulty(target),
      candidates: res.candidates.length,
      kernel: res.launch.variant,
      kernelSource: res.kernelSource,
      launch: res.launch,
      selfCheck: res.selfCheck,
      elapsedS: res.elapsedS,
      // Includes device set-up and pipeline compilation: a search is not a benchmark (use `hash bench`).
      hashesPerSecondInclSetup: scanned / res.elapsedS,
      engine: res.engine,
      adapter: { index: r.adapter.index, name: r.adapter.name, backend: r.adapter.backend, isSoftware: r.adapter.isSoftware },
      ...(r.isSoftware ? { note: SOFTWARE_NOTE } : {}),
    });
    return;
  }
  const lines: string[] = [];
  lines.push(`searched nonces [${res.start}, ${res.scannedEnd}) with ${res.launchLabel} on ${r.adapter.name}`);
  lines.push(`target ${targetHex(target)} (${from})`);
  lines.push(`kernel self-check passed: ${selfCheckText(res.selfCheck)}`);
  lines.push(`${res.nonces.length} hit(s) of ${res.candidates.length} GPU candidate(s), all re-checked on the host; ${(scanned / res.elapsedS / 1e6).toFixed(2)} MH/s incl. setup${r.isSoftware ? ` (${SOFTWARE_NOTE})` : ''}`);
  res.nonces.forEach((n, i) => lines.push(`  nonce ${n} (0x${n.toString(16).padStart(8, '0')})  hash ${res.hashes[i]}`));
  process.stdout.write(lines.join('\n') + '\n');
}

/** "4 known nonces at target top 0x000cf26d (near miss 2083237554, 1 above, excluded), 5 at 0x000cf26e". */
function selfCheckText(r: SelfCheckReport): string {
  const [a, ...rest] = r.cases;
  if (!a) return 'no cases';
  return [`${a.hits} known nonces at target top ${a.targetTop} (near miss ${a.nearMiss}, ${a.nearMissBy} above, excluded)`, ...rest.map((c) => `${c.hits} at ${c.targetTop}`)].join(', ');
}

function formatBenchHuman(m: Measurement, isSoftware: boolean): string {
  const hps = m.metrics.hashesPerSecond!;
  const s = hps.summary!;
  const d = m.details as Record<string, any>;
  const mh = (x: number) => `${(x / 1e6).toFixed(2)} MH/s`;
  const out: string[] = [];
  out.push(`hash.sha256d on ${m.adapter?.name ?? '?'}${isSoftware ? `  [${SOFTWARE_NOTE}]` : ''}`);
  if (m.status === 'incomplete') out.push(`INCOMPLETE: ${m.reason ?? 'cut short'}`);
  const trials = d.autotune as Array<{ label: string; hashesPerSecond: number }>;
  if (trials.length) {
    out.push('autotune:');
    for (const t of trials) out.push(`  ${t.label.padEnd(44)} ${mh(t.hashesPerSecond)}`);
  }
  out.push(`kernel: ${d.kernel.variant} (${d.kernel.source}); launch ${d.launch.label}; ${d.launch.sliceNonces} nonces/dispatch, ${d.launch.inFlight} in flight`);
  if (d.autotuneCache) out.push(`autotune cache: ${d.autotuneCache.note}`);
  out.push(`kernel self-check passed before timing: ${selfCheckText(d.selfCheck as SelfCheckReport)}`);
  const hl = headlineOf(m, 'hashesPerSecond', hps);
  out.push(`throughput: ${mh(hps.value!)}${plusMinus(hl)}${hl.ci95HalfWidth !== null ? ' (95 % CI, batch means)' : ''} = ${hl.statistic}; stopped by ${d.stoppedBy}`);
  out.push(`  ${s.n} slices over ${Number(d.timedS).toFixed(1)} s: median ${mh(s.median)}, rel. stdev ${(100 * s.relStdev).toFixed(1)} %, ${hl.outliers ?? 0} outlier(s) labelled and kept`);
  const st = hps.steadyState as { steady: boolean; pValue?: number } | undefined;
  if (st?.steady) out.push(`  steady: no significant trend in the slices (Mann-Kendall p = ${st.pValue?.toPrecision(2) ?? '?'}); warm-up ${Number(d.warmup?.seconds ?? 0).toFixed(1)} s, ${d.warmup?.endedBy ?? '?'}`);
  for (const l of [...notSteadyLines(m), pipelineLine(m), hostActivityLine(m)]) if (l) out.push(`  ${l}`);
  const hpj = m.metrics.hashesPerJoule!;
  out.push(hpj.value === null ? `hashes/J: not measured (${hpj.reason})` : `hashes/J: ${(hpj.value / 1e6).toFixed(3)} MH/J${hpj.energyBasis === 'declared' ? ' (DECLARED watts, not measured)' : ''}`);
  out.push(`shares (difficulty 1) found: ${d.sharesFound}, all verified on the host`);
  return out.join('\n');
}

async function benchAction(f: BenchFlags, cmd: Command): Promise<void> {
  const startedAt = new Date();
  if (!f.autotune && f.kernel === undefined && f.wg === undefined && f.npi === undefined) {
    // --no-autotune alone: the default fast kernel.
    f.kernel = 'x1';
  }
  launchFromFlags(f, null); // validate flags, meter flags and output paths before opening anything
  const timed = timedPhaseOptions(f, f.seconds);
  validateMeterOptions(f);
  await checkResultOutputs(f);
  // Ctrl-C / SIGTERM: the timed phase stops at the next slice and what it measured is kept,
  // marked incomplete (written with --out/--save), exit 128 + n.
  const stop = onInterrupt({ force: (sig) => forcedExit(sig, 'hash bench') });
  let r: { m: Measurement; isSoftware: boolean };
  try {
    r = await withDevice(cmd, f, async (ctx) => {
      const choice = await createEnergyMonitor(f, { adapter: ctx.report, workload: workloadFor('hash', ctx.report) });
      for (const w of choice.warnings) warn(w);
      const monitor = choice.monitor;
      try {
        if (monitor && f.idleBaseline) await monitor.idleBaseline(f.idleBaseline);
        const launch = launchFromFlags(f, ctx.device.limits.maxComputeInvocationsPerWorkgroup);
        const m = await runHashBench(ctx, { seconds: f.seconds, launch, maxWindowS: f.maxWindow, ...timed, signal: stop.signal }, monitor, choice.monitor ? undefined : choice.reason);
        return { m, isSoftware: ctx.report.isSoftware };
      } finally {
        await monitor?.close();
      }
    });
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    process.stderr.write(`\njoulebench: hash bench ${err.message}: nothing measured, no result written\n`);
    process.exitCode = signalExitCode(err.sig);
    return;
  } finally {
    stop.dispose();
  }
  const m = r.m;
  const sig = stop.received();
  // The software-adapter note is in the human output's header line; other warnings go to stderr.
  if (!f.json) for (const w of m.warnings) if (w !== SOFTWARE_NOTE) warn(w);
  if (!f.json && f.llvmpipeWidth === undefined && llvmpipeWidthOf(m.adapter?.name ?? '') === 256 && cpuHasAvx512()) {
    process.stderr.write('hint: this CPU has AVX-512; --llvmpipe-width 512 runs 16 invocations per SIMD op (measured ~2x here; changes the adapter name)\n');
  }
  const written = writeMeasurementResult(m, { out: f.out, save: f.save, quiet: f.json }, startedAt, { device: m.adapter?.name ?? 'unknown', label: 'hash' }, sig ? (m.reason ?? `interrupted by ${sig}`) : undefined);
  if (sig) process.exitCode = signalExitCode(sig);
  if (f.json) {
    annotateHeadlines({ measurements: [m] } as ResultDoc); // statistic + outliers, as result files carry them
    printJson({
      hashesPerSecond: m.metrics.hashesPerSecond!.value,
      hashesPerJoule: m.metrics.hashesPerJoule!.value,
      energy: m.energy,
      kernel: (m.details as Record<string, unknown>).kernel,
      launch: (m.details as Record<string, unknown>).launch,
      ...(r.isSoftware ? { note: SOFTWARE_NOTE } : {}),
      measurement: m,
    });
  } else process.stdout.write(formatBenchHuman(m, r.isSoftware) + '\n');
  assertResultsWritten(written); // a full disk loses the file, not the figures: printed above, exit 1
}

/** --kernel, --wg and --npi: a fixed launch configuration (hash commands and `run`). */
export function addKernelOptions(cmd: Command): Command {
  return cmd
    .option('--kernel <variant>', `kernel: ${KERNEL_VARIANTS.join(', ')} (ref = readable reference; x1/x2/x4 = generated fast kernels with 1/2/4 nonces per value)`)
    .option('--wg <n>', 'workgroup size (override constant WG)', numberArg('--wg', { min: 1, max: 1024, integer: true }))
    .option('--npi <n>', 'values per invocation (override constant NPI; fast kernels)', numberArg('--npi', { min: 1, max: 256, integer: true }));
}

function addLaunchOptions(cmd: Command): Command {
  return addKernelOptions(cmd)
    .option('--llvmpipe-width <bits>', 'software adapter only: llvmpipe SIMD width 128/256/512 (LP_NATIVE_VECTOR_WIDTH; 512 uses AVX-512 zmm; changes the adapter name)', (raw: string) => parseLlvmpipeWidth(raw));
}

/** Register `hash search` and `hash bench`. */
export function registerHash(program: Command): void {
  const hash = program.command('hash').description('SHA256d (Bitcoin) nonce search as WGSL compute shaders');

  const search = hash
    .command('search')
    .description('find the nonces in [start, start+count) whose SHA256d header hash meets a target; every hit re-checked on the host')
    .requiredOption('--header <hex>', '80-byte serialised block header as 160 hex characters (raw block byte order; its nonce field is ignored)')
    .option('--start <u32>', 'first nonce', '0')
    .option('--count <n>', `number of nonces (start + count <= 2^32 = ${NONCE_SPACE}; no wrap)`)
    .option('--zero-bits <k>', 'target: hash has at least k leading zero bits as displayed (big-endian)')
    .option('--bits <compact>', 'target: compact nBits in hex, with or without 0x, as bitcoin-cli prints it (e.g. 1d00ffff, 17034219)')
    .option('--target <hex>', 'target: 64 hex characters, big-endian as displayed')
    .option('--max-results <n>', 'stop after this many hits (results then cover a prefix of the range)', numberArg('--max-results', { min: 1, integer: true }), 1_000_000)
    .option('--time-limit <s>', 'stop scheduling new work after this many seconds (results cover the scanned prefix)', numberArg('--time-limit', { above: 0 }))
    .option('--result-capacity <n>', 'candidate slots per dispatch (a full buffer re-scans the slice)', numberArg('--result-capacity', { min: 1, max: 1 << 24, integer: true }))
    .option('--json', 'print JSON: { nonces, hashes, ... }');
  addLaunchOptions(search).action(searchAction);

  const bench = hash
    .command('bench')
    .description('sustained SHA256d search throughput (H/s) with autotuned launch configuration, and H/J with a meter')
    .option('--seconds <S>', 'time limit of the timed phase, seconds (it stops earlier once the rate is within --target-rel-ci)', numberArg('--seconds', { min: 0.5, max: 86_400 }), 10)
    .option('--no-autotune', 'skip autotune (use --kernel/--wg/--npi or the default x1 kernel)')
    .option('--json', 'print JSON: { hashesPerSecond, hashesPerJoule, energy, measurement, ... }');
  addResultFileOptions(bench);
  addTimedPhaseOptions(bench);
  addLaunchOptions(bench);
  addMeterOptions(bench);
  bench.action(benchAction);
}

