/**
 * The plan of one `joulebench run`: which workloads run, in which order, each inside which energy
 * window (the device its meter must cover), then the economics. Built from the checked options and
 * the opened adapter — pure, so it is printable and testable without a GPU — and carried out step
 * by step by src/run/execute.ts.
 *
 * The split follows hyperfine (benchmark / executor / exporters apart,
 * https://github.com/sharkdp/hyperfine) and Zeus's measurement windows over one monitor
 * (https://ml.energy/zeus/): the plan says what is measured where; the executor owns the devices,
 * the meter, interruption and the result file.
 */
import type { AdapterIdentity } from '../gpu/adapter.js';
import type { HashBenchOptions } from '../hash/bench.js';
import type { LaunchConfig } from '../hash/kernels.js';
import { launchFromFlags } from '../hash/launch-flags.js';
import { defaultRunInferOptions } from '../infer/bench.js';
import { choosePricedPreset, type PricedModelChoice } from '../infer/priced-default.js';
import type { OfferedQps } from '../infer/serve/arrivals.js';
import { defaultRunServeOptions, SERVE_DEFAULTS } from '../infer/serve/serve.js';
import { sameWorkDevice, workloadFor, type Workload } from '../power/monitor.js';
import { tokenLadderOf, type SiteProfile } from '../profit/index.js';
import type { RunChecked } from './checks.js';
import type { RunOptions } from './options.js';

/** The energy window a step's work runs in. */
export interface EnergyWindow {
  /** The device doing the work, which the meter must cover (power/monitor.ts workloadFor). */
  workload: Workload | undefined;
  /**
   * True when it is another device than the previous window's: an auto-detected meter is chosen
   * again for it, an explicit one is kept and labelled if its scope does not match
   * (power/monitor.ts monitorForNextWorkload).
   */
  newDevice: boolean;
}

/** A measurement that is not made, recorded as skipped with the reason. */
export interface SkipStep {
  kind: 'skip';
  id: string;
  measurement: 'hash' | 'infer';
  reason: string;
}

/** The SHA256d hash bench on the adapter (src/hash/bench.ts). */
export interface HashStep {
  kind: 'hash';
  id: 'hash.sha256d';
  /** Time limit of the timed search, s. */
  seconds: number;
  /** --kernel/--wg/--npi (or --no-autotune's x1); undefined: autotune chooses. */
  launch: LaunchConfig | undefined;
  /** Autotune time before the timed phase, s (for the progress estimate; 0 with a fixed launch). */
  autotuneS: number;
  /** Stopping rule of the timed phase and the autotune cache (src/run/checks.ts). */
  timed: Pick<HashBenchOptions, 'minSeconds' | 'targetRelCi' | 'autotuneCache'>;
  /** Longest a phase is extended to reach the meter's window, s. */
  maxWindowS: number | undefined;
  energy: EnergyWindow;
}

/** The inference bench: prefill and decode, a batch sweep when several batches (src/infer/bench.ts). */
export interface InferStep {
  kind: 'infer';
  /** Id of the failure record when the bench fails. */
  id: string;
  model: string;
  /** The priced preset picked for the site on a hardware adapter; null: --model or the sized-for-time default. */
  picked: PricedModelChoice | null;
  ep: 'webgpu' | 'cpu' | 'cuda';
  prompt: number;
  gen: number;
  repetitions: number;
  batch: number[];
  /** Latency target of the sweep's serving figure, p99 ms/token; null under --serving load (the serve step makes it). */
  sloMsPerToken: number | null;
  maxWindowS: number | undefined;
  /** What the step says before it starts (the defaults it chose and why). */
  notes: string[];
  energy: EnergyWindow;
}

/** `--serving load`: the serving figure under Poisson load (src/infer/serve/serve.ts). */
export interface ServeStep {
  kind: 'serve';
  id: string;
  model: string;
  dtype: PricedModelChoice['dtype'] | undefined;
  ep: 'webgpu' | 'cpu' | 'cuda';
  prompt: number;
  gen: number;
  qps: OfferedQps[];
  durationS: number;
  maxBatch: number;
  searchSteps: number;
  /** p99 targets: time to first token and time per output token, ms. */
  slo: { ttftMs: number; tpotMs: number };
  /** Seed of the arrival schedule and the random prompts. */
  seed: number;
  /** Why these levels (per adapter). */
  reason: string;
  energy: EnergyWindow;
}

/** The site economics priced from the run's own figures (src/run/economics.ts profitFromRun). */
export interface ProfitStep {
  kind: 'profit';
  id: 'profit.site';
  site: { file: string; profile: SiteProfile };
  /** --power-price, USD/kWh (undefined: the site's). */
  powerPriceUsdPerKWh: number | undefined;
}

/** One step of the run, in order. */
export type RunStep = SkipStep | HashStep | InferStep | ServeStep | ProfitStep;

/** The whole run. */
export interface RunPlan {
  /** The adapter hashing and the webgpu EP share (null: none; inference on the CPU EP). */
  adapter: AdapterIdentity | null;
  energy: {
    /** What the meter flags ask for, in words. */
    meter: string;
    /** The device the first window covers: the monitor is opened for it. */
    first: Workload | undefined;
    /** Idle power measured before any work, s (0: none; only with a measuring meter). */
    idleBaselineS: number;
  };
  steps: RunStep[];
}

/** The opened device the plan is built for. */
export interface PlanDevice {
  adapter: AdapterIdentity | null;
  /** The adapter's maxComputeInvocationsPerWorkgroup (checks --wg); null without one. */
  maxWorkgroupInvocations: number | null;
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

/** The meter flags in words. */
function meterAsked(o: RunOptions): string {
  if (o.watts !== undefined) return `declared ${o.watts} W`;
  if (o.meterCmd !== undefined) return `cmd '${o.meterCmd}'`;
  return o.meter ?? 'auto (the meter whose scope matches the work)';
}

/** The hash step: skipped without an adapter; autotune unless the launch is given. */
function hashStep(o: RunOptions, checked: RunChecked, device: PlanDevice, first: Workload | undefined): SkipStep | HashStep {
  if (!device.adapter) return { kind: 'skip', id: 'hash.sha256d', measurement: 'hash', reason: 'no WebGPU adapter: install a Vulkan driver (see README) to run the WGSL hashing benchmark' };
  const launch = launchFromFlags(checked.launchFlags, device.maxWorkgroupInvocations);
  // Autotune: 7 launch configurations × 0.6 s (none with --kernel/--wg/--npi or --no-autotune).
  return { kind: 'hash', id: 'hash.sha256d', seconds: o.seconds, launch, autotuneS: launch ? 0 : 6, timed: checked.timed, maxWindowS: o.maxWindow, energy: { workload: first, newDevice: false } };
}

/** The inference step: default model and batches per adapter and site, its device's window. */
function inferStep(o: RunOptions, checked: RunChecked, adapter: AdapterIdentity | null, first: Workload | undefined): InferStep {
  const defaults = runInferDefaults(adapter, checked.siteProfile);
  const picked = o.model ? null : defaults.priced;
  const ep = o.ep ?? (adapter ? 'webgpu' : 'cpu');
  const model = o.model ?? defaults.model!;
  const load = o.serving === 'load';
  // Under load the static bench runs batch 1 only (pp/tg figures); the serving figure comes from `infer serve`.
  const batch = load ? [1] : (o.batch ?? defaults.batch);
  const slo = o.sloMsPerToken ?? defaults.sloMsPerToken;
  const notes: string[] = [];
  if (!o.model) notes.push(`inference: default model '${model}' (${defaults.reason})`);
  if (!o.batch && !load) notes.push(`inference: batch ${batch.join(',')}, target ${slo} ms/token p99 (${defaults.batchReason})`);
  // Inference on another device than hashing (--ep cpu next to a GPU) gets a meter that matches it.
  const workload = workloadFor(ep, adapter);
  return {
    kind: 'infer', id: `infer.${model}`, model, picked, ep,
    prompt: o.prompt ?? defaults.prompt!, gen: o.gen ?? defaults.gen!, repetitions: o.repetitions ?? defaults.repetitions ?? 5,
    batch, sloMsPerToken: load ? null : slo, maxWindowS: o.maxWindow, notes, energy: { workload, newDevice: !sameWorkDevice(first, workload) },
  };
}

/**
 * `--serving load`: `infer serve` on the inference step's model, EP and lengths (a burst, then
 * bisection below its completion rate, src/infer/serve/serve.ts defaultRunServeOptions), TPOT
 * target = --slo-ms-per-token, TTFT target MLPerf's 2000 ms.
 */
function serveStep(o: RunOptions, adapter: AdapterIdentity | null, inf: InferStep): ServeStep {
  const d = defaultRunServeOptions(adapter);
  const tpotMs = o.sloMsPerToken ?? defaultRunInferOptions(adapter).sloMsPerToken;
  return {
    kind: 'serve', id: `infer.serve.${inf.model}`, model: inf.model, dtype: inf.picked?.dtype, ep: inf.ep, prompt: inf.prompt, gen: inf.gen,
    qps: d.qps, durationS: d.durationS, maxBatch: d.maxBatch, searchSteps: d.searchSteps, slo: { ttftMs: SERVE_DEFAULTS.sloTtftMs, tpotMs }, seed: SERVE_DEFAULTS.seed, reason: d.reason,
    energy: { workload: inf.energy.workload, newDevice: false },
  };
}

/** The plan for these options on this device. Throws a UsageError when a flag does not fit the adapter (--wg above its limit). */
export function buildRunPlan(o: RunOptions, checked: RunChecked, device: PlanDevice): RunPlan {
  // No adapter: no hashing, and inference runs on the CPU.
  const first = workloadFor('hash', device.adapter) ?? workloadFor('cpu', null);
  const inf = inferStep(o, checked, device.adapter, first);
  const steps: RunStep[] = [hashStep(o, checked, device, first), inf];
  if (o.serving === 'load') steps.push(serveStep(o, device.adapter, inf));
  steps.push({ kind: 'profit', id: 'profit.site', site: { file: checked.siteFile, profile: checked.siteProfile }, powerPriceUsdPerKWh: o.powerPrice });
  return { adapter: device.adapter, energy: { meter: meterAsked(o), first, idleBaselineS: o.idleBaseline ?? 0 }, steps };
}

/** A window's device in words. */
function windowText(w: EnergyWindow): string {
  const d = w.workload;
  const what = !d ? 'no device' : d.device === 'cpu' ? `CPU (${d.why})` : d.device === 'cuda' ? `CUDA device ${d.deviceId}` : `GPU '${d.adapter.name}'`;
  return `${what}${w.newDevice ? ', meter chosen again for it' : ''}`;
}

/** One line per step. */
function stepText(s: RunStep): string {
  switch (s.kind) {
    case 'skip':
      return `${s.id}: skipped (${s.reason})`;
    case 'hash':
      return `${s.id}: ${s.launch ? `${s.launch.variant} wg ${s.launch.workgroupSize} npi ${s.launch.valuesPerInvocation}` : `autotune ≈ ${s.autotuneS} s`}, timed search ≤ ${s.seconds} s; window on ${windowText(s.energy)}`;
    case 'infer':
      return `${s.id}: ${s.model} on ${s.ep}, pp${s.prompt} tg${s.gen} ×${s.repetitions}, batch ${s.batch.join(',')}${s.sloMsPerToken !== null ? `, serving figure within ${s.sloMsPerToken} ms/token p99` : ''}; window on ${windowText(s.energy)}`;
    case 'serve':
      return `${s.id}: Poisson load, ${s.reason}; p99 TTFT ≤ ${s.slo.ttftMs} ms, TPOT ≤ ${s.slo.tpotMs} ms; window on ${windowText(s.energy)}`;
    case 'profit':
      return `${s.id}: ${s.site.profile.name ?? 'site'} (${s.site.file})${s.powerPriceUsdPerKWh !== undefined ? ` at ${s.powerPriceUsdPerKWh} USD/kWh` : ''}, per MW from this run's figures`;
  }
}

/** The plan in words, one line each: the adapter, the meter, then the steps in order. */
export function formatRunPlan(p: RunPlan): string {
  const a = p.adapter;
  const lines = [
    `adapter  ${a ? `${a.name} (${a.backend}${a.isSoftware ? ', software: CPU timings' : ''})` : 'none: hashing skipped, inference on the CPU execution provider'}`,
    `energy   meter ${p.energy.meter}; first window on ${windowText({ workload: p.energy.first, newDevice: false })}${p.energy.idleBaselineS ? `; idle baseline ${p.energy.idleBaselineS} s` : ''}`,
    ...p.steps.map((s, i) => `${i + 1}. ${stepText(s)}`),
  ];
  return lines.join('\n') + '\n';
}
