/**
 * The contract every joulebench workload implements (hash search, prefill, decode, a batch of a
 * sweep, serving…), and the clock the timed loop reads. The loop itself is src/core/loop.ts; the
 * whole benchmark (prepare → warm up → timed phase in an energy window → tear down) is
 * src/core/run.ts.
 *
 * The shape follows the benchmark frameworks the project learns from: Google Benchmark gives every
 * benchmark one `State` loop to run in (https://github.com/google/benchmark/blob/main/docs/user_guide.md),
 * nvbench separates the benchmark from its pluggable stopping criteria
 * (https://github.com/NVIDIA/nvbench/blob/main/docs/benchmarks.md), hyperfine keeps the benchmark,
 * its executor and its exporters apart (https://github.com/sharkdp/hyperfine), and Zeus measures
 * energy as windows over a monitor (https://ml.energy/zeus/). A workload knows how to do one unit of
 * its work and how much work that was; the loop owns everything about timing it.
 *
 * Pipelining: a workload that can keep several units in flight (a GPU queue) says so with
 * `maxInFlight`; the loop calls `start()` until that many are started and `finish()` for the oldest.
 * A serial workload (an onnxruntime run() that blocks) does its work in `finish()` (or in `start()`)
 * with `maxInFlight` 1. Units finish in the order they were started.
 */

/** A monotonic clock in milliseconds (performance.now() in real runs; a virtual clock in tests). */
export interface Clock {
  nowMs(): number;
}

/** performance.now(). */
export const realClock: Clock = { nowMs: () => performance.now() };

/** What a workload says about itself (hyperfine's "benchmark" half: name and units, no timing). */
export interface WorkloadInfo {
  /** Measurement id, e.g. 'hash.sha256d', 'infer.tiny.pp'. */
  id: string;
  /** Result kind ('hash', 'infer', …). */
  kind: string;
  /** Unit of work, e.g. 'H' (nonces hashed), 'tokens'. */
  workUnit: string;
  /** What one unit of work is, in words (a slice of nonces, one prefill, one decode sequence). */
  unitOfWork: string;
}

/** What one finished unit of work reports. */
export interface UnitDone<D = unknown> {
  /** Work done, in `WorkloadInfo.workUnit` (0: none, e.g. a slice to re-scan; its time joins the next unit's). */
  work: number;
  /**
   * The unit's own duration, s, by the workload's clock (device timestamps, or a host timer around
   * just the work). When absent the loop times the unit as the interval since the previous unit
   * finished (back to back on a busy queue, that is its execution time); the first unit then only
   * sets the reference.
   */
  timeS?: number;
  /** Loop-clock time the unit finished, ms (default: the loop reads its clock when finish() resolves). */
  endMs?: number;
  /** Anything the workload wants kept per unit (latencies, per-step times); collected in order. */
  detail?: D;
}

/** What the loop hands a workload's hooks. */
export interface PhaseInfo {
  /** 'warmup' phases are untimed; 'timed' is the measured phase (inside the energy window). */
  kind: 'warmup' | 'timed';
  /** A name for the phase ('probe', 'settle', 'timed'). */
  name: string;
}

/**
 * One workload. `prepare` and `teardown` bracket everything; the loop calls `start`/`finish` per
 * unit; `quiesce` empties the device queue (before an energy window opens and before it closes).
 */
export interface Workload<D = unknown> {
  /** Describe itself. */
  describe(): WorkloadInfo;
  /** Most units it can keep in flight (≥ 1; default 1). */
  readonly maxInFlight?: number;
  /** Build what the units need (compile, allocate, open the session). */
  prepare?(): Promise<void>;
  /**
   * Called before each phase the loop runs (warm-up stages and the timed phase): a workload sizes
   * its units here from what the previous phase measured.
   */
  beginPhase?(phase: PhaseInfo, previous: PhaseSummary | null): Promise<void> | void;
  /** Start one unit; false when there is no more work (the phase then ends once the started units finish). */
  start(): Promise<boolean> | boolean;
  /** Wait for the oldest started unit and say what it did. */
  finish(): Promise<UnitDone<D>>;
  /** Let every started unit settle after an error (so buffers can be released); never throws. */
  settle?(): Promise<void>;
  /** Wait until the device has nothing of ours queued (bounded). */
  quiesce?(): Promise<void>;
  /** Release everything prepare built. */
  teardown?(): Promise<void>;
}

/** The short account of a phase a workload gets in `beginPhase` (rates in work units/s). */
export interface PhaseSummary {
  name: string;
  samples: readonly number[];
  /** Work / timed seconds of the phase (null without a timed sample). */
  rate: number | null;
  /** Median of the last few samples (the rate a settled warm-up ended at), or null. */
  recentRate: number | null;
  stoppedBy: string;
}
