/**
 * Harness overhead: `joulebench infer bench` decode tokens/s against an independent bare
 * onnxruntime-node greedy loop (bench/bare-ort-loop.mjs: onnxruntime-node and Node built-ins only,
 * onnxruntime's default session options) on the same model.onnx, each in its own fresh process,
 * alternating which goes first round by round (issue 19: the harness must reach ≥ 0.97× the bare
 * loop, with the bootstrap interval's lower end ≥ 0.95).
 *
 *   npm run build && node --import tsx bench/infer-bare-loop.ts [--model gpt2] [--ep cpu] [--dtype fp32]
 *       [--rounds 9] [--prompt 64] [--gen 64] [--reps 3] [--tokens greedy] [--threads N]
 *       [--max-other-cpu 0.05] [--max-retries 3] [--retry-wait 20] [--harness-args "..."] [--harness-node-args "..."]
 *       [--harness-cli path/to/dist/src/cli/main.js --harness-label TEXT] [--lock /tmp/jb-cpu.lock] [--out bench/out/infer-bare-loop-<model>-<ep>.json | --no-out] [--check]
 *
 * Per round: one harness process (`node dist/src/cli/main.js infer bench --model <preset> --ep <ep>
 * --dtype <dtype> --tokens greedy --json`, exactly what a user runs) and one bare process; even
 * rounds start with the harness, odd rounds with the bare loop. Each process reports `reps`
 * per-repetition decode tokens/s (generated tokens / decode wall time) after one untimed warmup;
 * its median is that process's figure, and the round's ratio is harness / bare.
 *
 * Quietness is measured, not assumed: /proc/stat is read around every process, and the CPU time
 * the machine spent on anything but this script and its child (other processes, and steal by the
 * hypervisor), as a fraction of all CPUs' time over the process's life, is recorded with it. A
 * round where either process saw more than --max-other-cpu of that is marked disturbed and run
 * again (up to --max-retries times, --retry-wait seconds apart); every attempt is printed and kept in the output, and the
 * figures and verdict come from the undisturbed rounds. Verdict: 'meets' when the median ratio is
 * ≥ 0.97 and its 95 % percentile-bootstrap interval's lower end ≥ 0.95; 'below' when the interval
 * lies under 0.97; else 'inconclusive'. --check exits 1 unless 'meets'.
 *
 * --control: an A/A run. Both processes of every round are the bare loop (the first one stands where
 * the harness stands), so the spread of its per-round ratios is the machine's own run-to-run noise
 * between two fresh processes: the yardstick for the harness run's spread (a harness that added
 * noise would show a wider spread than this). Its output is <...>-control.json and its verdict
 * 'control'.
 *
 * GC census (unless --no-gc-census): one more process a side, after the rounds and not counted,
 * run with `node --trace-gc`; the V8 collections of the whole process (every isolate) are counted
 * and their pauses summed: what the harness's decode thread pays that the bare loop does not.
 *
 * --lock PATH takes flock(1) on PATH for each round (both processes), so a long run shares a
 * machine's CPU lock politely instead of holding it throughout.
 *
 * Output (written atomically): bench/out/infer-bare-loop-<model>-<ep>.json with every round and
 * process, the ratios and interval, CPU model and flags, adapter (webgpu), onnxruntime and Node
 * versions, the session options of both sides, date, commit and command.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/util/random.js';
import { percentileSorted } from '../src/stats/summary.js';
import { gcCensus, type GcCensus } from './trace-gc.js';
import { benchOutHeader, writeBenchOut } from '../src/results/bench-out.js';

const ROOT = join(import.meta.dirname, '..');
const DEFAULT_CLI = join(ROOT, 'dist/src/cli/main.js');
const BARE = join(ROOT, 'bench/bare-ort-loop.mjs');
const PROCESS_TIMEOUT_MS = 30 * 60_000;
/** Goal of issue 19: median ratio ≥ GOAL with the interval's lower end ≥ FLOOR. */
const GOAL = 0.97;
const FLOOR = 0.95;
/** Fewest undisturbed rounds a verdict is drawn from. */
const MIN_CLEAN_ROUNDS = 5;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        model: { type: 'string', default: 'gpt2' },
        ep: { type: 'string', default: 'cpu' },
        dtype: { type: 'string' },
        rounds: { type: 'string', default: '9' },
        prompt: { type: 'string', default: '64' },
        gen: { type: 'string', default: '64' },
        reps: { type: 'string', default: '3' },
        tokens: { type: 'string', default: 'greedy' },
        threads: { type: 'string' },
        'max-other-cpu': { type: 'string', default: '0.05' },
        'max-retries': { type: 'string', default: '3' },
        'retry-wait': { type: 'string', default: '20' },
        'harness-args': { type: 'string', default: '' },
        'harness-node-args': { type: 'string', default: '' },
        'harness-cli': { type: 'string' },
        'harness-label': { type: 'string' },
        lock: { type: 'string' },
        'no-gc-census': { type: 'boolean', default: false },
        control: { type: 'boolean', default: false },
        out: { type: 'string' },
        'no-out': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    // e.g. --harness-args --no-profile: a value that starts with '-' must be attached with '='.
    process.stderr.write(`infer-bare-loop: ${(err as Error).message.split('\n')[0]} (attach a value that starts with '-' with '=', e.g. --harness-args=--no-profile)\n`);
    process.exit(2);
  }
})();

/** A positive integer flag, or a one-line error naming it. */
function intFlag(name: string, raw: string | undefined, min = 1): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) fail(`--${name} ${raw}: must be an integer ≥ ${min}`);
  return v;
}
function fail(msg: string): never {
  process.stderr.write(`infer-bare-loop: ${msg}\n`);
  process.exit(2);
}

const ep = values.ep!;
if (ep !== 'cpu' && ep !== 'webgpu') fail(`--ep ${ep}: use cpu or webgpu`);
// The WebGPU EP's default precision on an adapter with shader-f16 (as `infer bench` picks); fp32 on the CPU EP.
const dtype = values.dtype ?? (ep === 'webgpu' ? 'fp16' : 'fp32');
const rounds = intFlag('rounds', values.rounds);
const reps = intFlag('reps', values.reps);
const maxRetries = intFlag('max-retries', values['max-retries'], 0);
const retryWaitS = intFlag('retry-wait', values['retry-wait'], 0);
const maxOtherCpu = Number(values['max-other-cpu']);
if (!(maxOtherCpu > 0 && maxOtherCpu <= 1)) fail(`--max-other-cpu ${values['max-other-cpu']}: a fraction in (0, 1]`);
if (values.tokens !== 'greedy' && values.tokens !== 'random') fail(`--tokens ${values.tokens}: greedy or random`);
const test = ['--prompt', String(intFlag('prompt', values.prompt)), '--gen', String(intFlag('gen', values.gen)), ...(values.threads ? ['--threads', String(intFlag('threads', values.threads))] : [])];
// Another build of the CLI (e.g. an older commit's dist/) for before/after figures; its models are
// this checkout's (JOULEBENCH_MODELS_DIR), so both sides read the same model.onnx.
const CLI = values['harness-cli'] ?? DEFAULT_CLI;
process.env.JOULEBENCH_MODELS_DIR ??= join(ROOT, 'models');
for (const cli of new Set([CLI, DEFAULT_CLI])) if (!existsSync(cli)) fail(`${cli} missing; run 'npm run build' first (the harness is measured as users run it)`);
const control = values.control!;
if (control && (values['harness-cli'] || values['harness-args'] || values['harness-node-args'])) fail('--control runs the bare loop on both sides: drop --harness-cli/--harness-args/--harness-node-args');
if (control && values.check) fail('--control has no goal to check (its verdict is \'control\'): drop --check');
const outPath = values['no-out'] ? null : (values.out ?? join(ROOT, 'bench/out', `infer-bare-loop-${values.model}-${ep}${control ? '-control' : ''}.json`));
process.env.XDG_RUNTIME_DIR ??= '/tmp';

/** Process groups this script started and has not seen end: ended with it on SIGINT/SIGTERM. */
const liveGroups = new Set<number>();
function endGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const pid of liveGroups) endGroup(pid);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/** Run a node process to completion (bounded; its process group ended on timeout); returns stdout. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    liveGroups.add(child.pid!);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => endGroup(child.pid!), PROCESS_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      liveGroups.delete(child.pid!);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.slice(0, 4).join(' ')} … exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/**
 * Hold an flock(1) lock (e.g. a shared machine's CPU lock) for one round: resolves once held,
 * with the function that releases it.
 */
function acquireLock(path: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const holder = spawn('flock', [path, 'sh', '-c', 'echo held; exec sleep 86400'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    liveGroups.add(holder.pid!);
    holder.on('error', reject);
    holder.stdout.once('data', () =>
      resolve(() => {
        endGroup(holder.pid!, 'SIGTERM');
        liveGroups.delete(holder.pid!);
      }),
    );
  });
}

/** Whole-machine jiffies and this process's own + reaped children's CPU jiffies. */
function cpuTicks(): { total: number; busy: number; steal: number; mine: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  const self = readFileSync('/proc/self/stat', 'utf8');
  const s = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
  // fields 14-17 of /proc/<pid>/stat (utime, stime, cutime, cstime) are 12-15 after the state field
  const mine = s[11]! + s[12]! + s[13]! + s[14]!;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, busy: user + nice + system + irq + softirq, steal, mine };
}

interface ProcessRun {
  side: 'harness' | 'bare';
  tokensPerSecond: number[];
  median: number;
  wallS: number;
  /** CPU time of other processes over this process's life, fraction of all CPUs' time. */
  otherCpuFraction: number;
  /** Time the hypervisor stole, fraction of all CPUs' time. */
  stealFraction: number;
  loadAverage1m: number;
  meta: Record<string, unknown>;
}

const median = (xs: readonly number[]) => percentileSorted([...xs].sort((a, b) => a - b), 0.5);

/** One process of one side, with the machine's activity around it. */
async function measure(side: 'harness' | 'bare', file: string): Promise<ProcessRun> {
  const loadAverage1m = os.loadavg()[0]!;
  const a = cpuTicks();
  const t0 = performance.now();
  const asHarness = side === 'harness' && !control;
  const out = await run(asHarness ? harnessArgs() : bareArgs(file));
  const wallS = (performance.now() - t0) / 1000;
  const b = cpuTicks();
  const total = Math.max(1, b.total - a.total);
  const other = Math.max(0, b.busy - a.busy - (b.mine - a.mine));
  const parsed = asHarness ? parseHarness(out) : parseBare(out);
  return { side, ...parsed, median: median(parsed.tokensPerSecond), wallS, otherCpuFraction: other / total, stealFraction: (b.steal - a.steal) / total, loadAverage1m };
}

function bareArgs(file: string): string[] {
  return [BARE, '--model', file, '--ep', ep, '--reps', String(reps), '--tokens', values.tokens!, ...test];
}

function harnessArgs(): string[] {
  const nodeArgs = values['harness-node-args']!.split(/\s+/).filter(Boolean);
  const extra = values['harness-args']!.split(/\s+/).filter(Boolean);
  return [...nodeArgs, CLI, 'infer', 'bench', '--model', values.model!, '--ep', ep, '--dtype', dtype, '-r', String(reps), '--tokens', values.tokens!, ...test, ...extra, '--json'];
}

function parseHarness(out: string): { tokensPerSecond: number[]; meta: Record<string, unknown> } {
  const m = JSON.parse(out) as { metrics: { decodeTokensPerSecond: { samples: number[] } }; adapter: Record<string, unknown> | null; details: { session: Record<string, unknown> } };
  return { tokensPerSecond: m.metrics.decodeTokensPerSecond.samples, meta: { adapter: m.adapter, session: m.details.session } };
}

function parseBare(out: string): { tokensPerSecond: number[]; meta: Record<string, unknown> } {
  const j = JSON.parse(out.trim().split('\n').at(-1)!) as { tg: number[]; ort: string; sessionOptions: unknown };
  return { tokensPerSecond: j.tg, meta: { ort: j.ort, sessionOptions: j.sessionOptions } };
}

/** One untimed process a side under `node --trace-gc`: the collections each pays. */
async function census(file: string) {
  const out = {} as Record<'harness' | 'bare', GcCensus>;
  for (const side of ['harness', 'bare'] as const) {
    const args = ['--trace-gc', ...(side === 'harness' ? harnessArgs() : bareArgs(file))];
    const c = gcCensus(await run(args));
    out[side] = { ...c, markCompactPauseMs: +c.markCompactPauseMs.toFixed(2), scavengePauseMs: +c.scavengePauseMs.toFixed(2) };
  }
  return { method: 'node --trace-gc, one process a side after the rounds (not timed, not counted): every V8 collection of the process (all isolates) and its pause', ...out };
}

/** 95 % percentile-bootstrap interval of the median (seeded: the same data gives the same interval). */
function bootstrapMedian(xs: number[], seed = 13, n = 4000): [number, number] {
  const rnd = mulberry32(seed);
  const meds: number[] = [];
  for (let b = 0; b < n; b++) meds.push(median(Array.from({ length: xs.length }, () => xs[rnd() % xs.length]!)));
  meds.sort((a, b) => a - b);
  return [percentileSorted(meds, 0.025), percentileSorted(meds, 0.975)];
}

interface Round {
  round: number;
  attempt: number;
  order: Array<'harness' | 'bare'>;
  harness: ProcessRun;
  bare: ProcessRun;
  ratio: number;
  disturbed: boolean;
}

/** The rounds, alternating order; a disturbed round is run again (every attempt kept). */
async function runRounds(file: string): Promise<Round[]> {
  const all: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: Array<'harness' | 'bare'> = r % 2 === 0 ? ['harness', 'bare'] : ['bare', 'harness'];
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const got: Partial<Record<'harness' | 'bare', ProcessRun>> = {};
      const release = values.lock ? await acquireLock(values.lock) : () => {};
      try {
        for (const side of order) got[side] = await measure(side, file);
      } finally {
        release();
      }
      const h = got.harness!;
      const b = got.bare!;
      const disturbed = [h, b].some((p) => p.otherCpuFraction + p.stealFraction > maxOtherCpu);
      const round: Round = { round: r + 1, attempt: attempt + 1, order, harness: h, bare: b, ratio: h.median / b.median, disturbed };
      all.push(round);
      process.stderr.write(roundLine(round));
      if (!disturbed) break;
      // Let whatever disturbed it pass (with the lock released) before the next attempt.
      if (attempt < maxRetries) await new Promise((res) => setTimeout(res, retryWaitS * 1000));
    }
  }
  return all;
}

function roundLine(r: Round): string {
  const p = (x: ProcessRun) => `${x.median.toFixed(2)} [${x.tokensPerSecond.map((t) => t.toFixed(2)).join(' ')}] other ${(100 * x.otherCpuFraction).toFixed(1)} %${x.stealFraction > 0.001 ? ` steal ${(100 * x.stealFraction).toFixed(1)} %` : ''} load ${x.loadAverage1m.toFixed(2)}`;
  const first = control ? 'bare A' : 'harness';
  return `round ${r.round}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''} ${r.order.join(' → ').replace('harness', first)}: ${first} ${p(r.harness)} | bare ${p(r.bare)} | ratio ${r.ratio.toFixed(3)}${r.disturbed ? '  DISTURBED (other CPU > ' + (100 * maxOtherCpu).toFixed(0) + ' %): run again, not counted' : ''}\n`;
}

function spread(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentileSorted(s, 0.5), p25: percentileSorted(s, 0.25), p75: percentileSorted(s, 0.75), min: s[0]!, max: s.at(-1)!, n: s.length };
}

/** Figures and verdict from the undisturbed rounds. */
function summarizeRounds(all: Round[]) {
  const clean = all.filter((r) => !r.disturbed);
  if (clean.length === 0) return { clean: 0, verdict: 'inconclusive' as const, reason: 'no undisturbed round' };
  // How far the rounds stray, both ways: a one-sided tail would be a cost the median hides.
  const tails = { below090: clean.filter((r) => r.ratio < 0.9).length, above111: clean.filter((r) => r.ratio > 1 / 0.9).length };
  const ratios = clean.map((r) => r.ratio);
  const ci = bootstrapMedian(ratios);
  const med = median(ratios);
  const enough = clean.length >= MIN_CLEAN_ROUNDS;
  const verdict = control ? 'control' : !enough ? 'inconclusive' : med >= GOAL && ci[0] >= FLOOR ? 'meets' : ci[1] < GOAL ? 'below' : 'inconclusive';
  return {
    clean: clean.length,
    harness: spread(clean.map((r) => r.harness.median)),
    bare: spread(clean.map((r) => r.bare.median)),
    perRoundRatio: { ...spread(ratios), ci95: ci },
    ratioOfMedians: median(clean.map((r) => r.harness.median)) / median(clean.map((r) => r.bare.median)),
    tails,
    verdict: verdict as 'meets' | 'below' | 'inconclusive' | 'control',
    reason: control
      ? `A/A control: both sides the bare loop; the ratios' spread is the machine's (median ${med.toFixed(3)}, 95 % CI [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}])`
      : !enough ? `only ${clean.length} undisturbed rounds (< ${MIN_CLEAN_ROUNDS})` : `median ${med.toFixed(3)}, 95 % CI [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]; goal median ≥ ${GOAL} and lower end ≥ ${FLOOR}`,
  };
}

function cpuFacts() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = (/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/).filter(Boolean);
  const simd = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx_vnni', 'amx_tile'].filter((f) => flags.includes(f));
  return { model: os.cpus()[0]?.model ?? 'unknown', logicalCpus: os.cpus().length, flags, simdFlags: simd };
}

async function main(): Promise<void> {
  const built = JSON.parse(await run([DEFAULT_CLI, 'infer', 'build', values.model!, '--dtype', dtype, '--json'])) as { dir: string };
  const file = join(built.dir, 'model.onnx');
  // The contract fields (name, date, commit, dirty, command, cpu, adapter), taken before the
  // rounds: the code measured is the checkout's at the start.
  const header = benchOutHeader(outPath ? basename(outPath, '.json') : `infer-bare-loop-${values.model}-${ep}`, `node --import tsx bench/infer-bare-loop.ts ${process.argv.slice(2).join(' ')}`.trim(), null);
  const all = await runRounds(file);
  const s = summarizeRounds(all);
  const gc = values['no-gc-census'] || control ? null : await census(file);
  const cpu = cpuFacts();
  const lastH = all.at(-1)!.harness.meta;
  const lastB = all.at(-1)!.bare.meta;
  const doc = {
    ...header,
    cpu: { ...header.cpu, logicalCpus: cpu.logicalCpus, allFlags: cpu.flags, simdFlags: cpu.simdFlags },
    adapter: ep === 'webgpu' ? ((lastH.adapter as Record<string, unknown> | null) ?? null) : null,
    onnxruntime: lastB.ort,
    node: process.version,
    model: { preset: values.model, dtype, file: relative(ROOT, file) },
    ep,
    test: { prompt: Number(test[1]), gen: Number(test[3]), repsPerProcess: reps, tokens: values.tokens, threads: values.threads ? Number(values.threads) : null },
    harnessLabel: control ? 'A/A control: a second bare-loop process in the harness\'s place' : (values['harness-label'] ?? null),
    harnessCommand: control ? `node ${bareArgs(relative(ROOT, file)).join(' ').replace(ROOT + '/', '')}` : `node ${harnessArgs().join(' ').replace(ROOT + '/', '')}`,
    bareCommand: `node bench/bare-ort-loop.mjs --model ${relative(ROOT, file)} --ep ${ep} --reps ${reps} --tokens ${values.tokens} ${test.join(' ')}`,
    sessionOptions: { harness: lastH.session, bare: lastB.sessionOptions },
    maxOtherCpuFraction: maxOtherCpu,
    gcCensus: gc,
    rounds: all.map((r) => ({ ...r, harness: { ...r.harness, meta: undefined }, bare: { ...r.bare, meta: undefined } })),
    ...s,
  };
  if (outPath) writeBenchOut(doc, dirname(outPath));
  const f = (x: { median: number; p25: number; p75: number; min: number; max: number }, d = 2) => `median ${x.median.toFixed(d)} (IQR ${x.p25.toFixed(d)}–${x.p75.toFixed(d)}, range ${x.min.toFixed(d)}–${x.max.toFixed(d)})`;
  const lines = [`${values.model} ${dtype} on ${ep}, tg${test[3]} @ d${test[1]}, ${reps} reps a process, ${values.tokens} tokens: ${all.length} rounds run, ${s.clean} undisturbed`];
  if ('harness' in s && s.harness) {
    lines.push(`  ${control ? 'bare A ' : 'harness'} tok/s ${f(s.harness)}`, `  bare    tok/s ${f(s.bare!)}`, `  per-round ratio ${f(s.perRoundRatio!, 3)}, 95 % bootstrap CI [${s.perRoundRatio!.ci95[0].toFixed(3)}, ${s.perRoundRatio!.ci95[1].toFixed(3)}]; ratio of medians ${s.ratioOfMedians!.toFixed(3)}`, `  rounds below 0.9: ${s.tails!.below090}, above 1/0.9: ${s.tails!.above111}${control ? ' (A/A control: both sides the bare loop)' : ''}`);
  }
  if (gc) {
    const g = (v: GcCensus) => {
      return `${v.markCompacts} mark-compacts (${v.markCompactPauseMs.toFixed(1)} ms), ${v.scavenges} scavenges (${v.scavengePauseMs.toFixed(1)} ms)`;
    };
    lines.push(`  GC census (node --trace-gc, one more process a side): harness ${g(gc.harness)}; bare ${g(gc.bare)}`);
  }
  lines.push(`  verdict: ${s.verdict} (${s.reason})`, `CPU: ${cpu.model}, ${cpu.logicalCpus} logical CPUs, SIMD ${cpu.simdFlags.join(' ')}; node ${process.version}; onnxruntime ${String(lastB.ort)}${outPath ? `\nwritten: ${relative(ROOT, outPath)}` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
  process.exitCode = values.check && s.verdict !== 'meets' ? 1 : 0;
}

await main();
