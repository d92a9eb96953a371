/**
 * The options of one `infer serve` run, apart from the run (serve.ts) and the result it writes
 * (result.ts), which both need them.
 */
import type { Ep } from '../decoder.js';
import type { Variant } from '../builder.js';
import type { ModelDtype } from '../weights.js';
import type { OfferedQps } from './arrivals.js';
import type { BatchingRequest } from './batching.js';
import type { LengthSpec } from './lengths.js';
import type { Slos } from './metrics.js';

/** Options of one `infer serve` run. */
export interface InferServeOptions {
  model: string;
  ep?: Ep;
  dtype?: ModelDtype;
  variant?: Variant;
  qps: readonly OfferedQps[];
  /** Offered window of each finite level, s. */
  durationS: number;
  maxBatch: number;
  prompt: LengthSpec;
  gen: LengthSpec;
  slo: Slos;
  /** Bisection probes after the listed levels (0: none). */
  searchSteps: number;
  batching: BatchingRequest;
  seed: number;
  tokens: 'random' | 'greedy';
  /** Requests of an `inf` level (default: sized from the warmup to last about durationS). */
  burstRequests?: number;
  warmup?: boolean;
  threads?: number;
  adapterSpec?: string;
  allowAdapterMismatch?: boolean;
  energyReason?: string;
  log?: (line: string) => void;
}
