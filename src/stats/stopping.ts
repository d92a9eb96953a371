/**
 * Stopping rule for sample loops (nvbench's stdrel criterion + hyperfine/tinybench minimums):
 * keep sampling until at least `minSamples` samples AND `minTimeS` of measured time are in AND
 * the relative standard deviation is at most `maxRelNoise`; stop regardless at `maxSamples` or
 * when `timeoutS` of wall time has passed. The reason it stopped is recorded with the result.
 */
import { summarize } from './summary.js';

/** Stopping rule parameters. */
export interface StoppingRule {
  minSamples: number;
  /** Accumulated measured time (sum of sample durations) required, seconds. */
  minTimeS: number;
  /** Target relative standard deviation (0.01 = 1 %). */
  maxRelNoise: number;
  /** Hard cap on samples. */
  maxSamples: number;
  /** Hard wall-time bound, seconds, counted from the first `add`. */
  timeoutS: number;
}

/** Why sampling stopped. */
export type StoppedBy = 'converged' | 'max-samples' | 'timeout';

/** Defaults used by hash and inference benches (see style-anchors: nvbench + tinybench policy). */
export const DEFAULT_STOPPING: StoppingRule = { minSamples: 10, minTimeS: 0.5, maxRelNoise: 0.01, maxSamples: 1000, timeoutS: 15 };

/** Incremental stopping-rule state. */
export class StoppingState {
  readonly rule: StoppingRule;
  readonly samples: number[] = [];
  private measuredTimeS = 0;
  private startS: number | null = null;
  private stopped: StoppedBy | null = null;

  constructor(rule: Partial<StoppingRule> = {}) {
    this.rule = { ...DEFAULT_STOPPING, ...rule };
    for (const [k, v] of Object.entries(this.rule)) {
      if (!(typeof v === 'number' && v >= 0 && !Number.isNaN(v))) throw new RangeError(`stopping rule ${k} must be a number ≥ 0, got ${v}`);
    }
  }

  /**
   * Record one sample (`value` in any unit) that took `durationS` of measured time; `nowS` is the
   * wall clock (injectable for tests). Returns the reason to stop, or null to continue.
   */
  add(value: number, durationS: number, nowS: number = performance.now() / 1000): StoppedBy | null {
    if (this.startS === null) this.startS = nowS - durationS;
    this.samples.push(value);
    this.measuredTimeS += durationS;
    this.stopped = this.check(nowS);
    return this.stopped;
  }

  /** Call between samples without a new value (e.g. a slow sample in progress) to enforce the timeout. */
  check(nowS: number = performance.now() / 1000): StoppedBy | null {
    const r = this.rule;
    const n = this.samples.length;
    if (this.startS !== null && nowS - this.startS >= r.timeoutS) return 'timeout';
    if (n >= r.maxSamples) return 'max-samples';
    if (n >= r.minSamples && this.measuredTimeS >= r.minTimeS && n >= 2) {
      if (summarize(this.samples).relStdev <= r.maxRelNoise) return 'converged';
    }
    return null;
  }

  /** The reason recorded by the last `add`, or null. */
  get stoppedBy(): StoppedBy | null {
    return this.stopped;
  }

  /** Sum of sample durations so far, seconds. */
  get totalTimeS(): number {
    return this.measuredTimeS;
  }
}
