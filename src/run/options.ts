/**
 * The options of `joulebench run` (src/cli/run.ts parses them from flags; `fleet submit` forwards
 * them to every task). What each one changes in the run is the plan's business (src/run/plan.ts).
 */
import type { RunCheckInput } from './checks.js';

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
