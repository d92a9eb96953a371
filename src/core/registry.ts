/**
 * Workload definitions and the registry that names them. A definition turns its options into a
 * benchmark plan (src/core/run.ts) and the record the core returns into its result; the registry
 * runs any registered workload the same way. Adding a workload is its own folder (its Workload and
 * its WorkloadDefinition) plus one `.register(…)` line in src/run/workloads.ts.
 */
import { runBenchmark, type BenchmarkPlan, type BenchmarkRecord } from './run.js';
import type { WindowMonitor } from './window.js';
import type { Clock } from './workload.js';

/** What every workload run gets from the caller, whatever the workload. */
export interface RunEnv {
  /** Energy monitor (null: energy not measured, for `notMeasured`). */
  monitor: WindowMonitor | null;
  notMeasured: string;
  signal?: AbortSignal;
  clock?: Clock;
  log?: (line: string) => void;
}

/** A prepared benchmark: the plan to run and how its record becomes the workload's result. */
export interface PreparedBenchmark<R, D = unknown, S = unknown> {
  plan: BenchmarkPlan<D, S>;
  result(record: BenchmarkRecord<D, S>): R | Promise<R>;
}

/** What every definition says about itself. */
interface DefinitionInfo {
  /** Registry name, e.g. 'hash.sha256d'. */
  readonly name: string;
  /** One line on what it measures. */
  readonly summary: string;
}

/** A workload that is one benchmark on the core: options → plan (untimed set-up first), record → result. */
export interface BenchmarkDefinition<O = unknown, R = unknown> extends DefinitionInfo {
  /** Build the benchmark from options (may do untimed set-up such as autotuning). */
  prepare(options: O, env: RunEnv): Promise<PreparedBenchmark<R, any, any>>;
}

/**
 * A workload made of several benchmarks on the core, run where its work lives: `infer bench` runs
 * a prefill and a decode benchmark per batch (src/infer/phase-windows.ts, each a runBenchmark)
 * inside its decode worker, so the plan cannot be handed back to this thread to run.
 */
export interface CompositeDefinition<O = unknown, R = unknown> extends DefinitionInfo {
  /** Run every benchmark of the workload and return its result. */
  run(options: O, env: RunEnv): Promise<R>;
}

/** One kind of workload, by name. */
export type WorkloadDefinition<O = unknown, R = unknown> = BenchmarkDefinition<O, R> | CompositeDefinition<O, R>;

/** Named workload definitions. */
export class WorkloadRegistry {
  private readonly defs = new Map<string, WorkloadDefinition<any, any>>();

  /** Add a definition (a name twice is a programming error). Returns the registry for chaining. */
  register(def: WorkloadDefinition<any, any>): this {
    if (this.defs.has(def.name)) throw new Error(`workload '${def.name}' is registered twice`);
    this.defs.set(def.name, def);
    return this;
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.defs.keys()];
  }

  /** The definition of `name`; an error naming the registered ones when there is none. */
  get<O, R>(name: string): WorkloadDefinition<O, R> {
    const d = this.defs.get(name);
    if (!d) throw new Error(`no workload '${name}'; registered: ${this.names().join(', ') || 'none'}`);
    return d as WorkloadDefinition<O, R>;
  }

  /** Prepare, run on the core and turn the record into the workload's result. */
  async run<O, R>(name: string, options: O, env: RunEnv): Promise<R> {
    const def = this.get<O, R>(name);
    if ('run' in def) return def.run(options, env);
    const prepared = await def.prepare(options, env);
    const record = await runBenchmark({ ...prepared.plan, clock: prepared.plan.clock ?? env.clock, signal: prepared.plan.signal ?? env.signal });
    return prepared.result(record);
  }
}
