/**
 * Stopping rule for timed sample loops (pure): stop when the 95 % confidence interval of the rate is
 * narrow enough, after a minimum time, or at the time limit — nvbench's `stdrel` criterion idea
 * (min-time, then a noise target, with a timeout) with the noise measured as the relative
 * half-width of a batch-means interval (src/stats/batch-means.ts), because consecutive slices of
 * one run are autocorrelated and an i.i.d. interval would claim precision the run does not have.
 *
 * The target must hold at every check over the last 20 % of the samples (at least one more
 * sample), not at a single check: the interval's own width is noisy, and stopping at its first
 * dip below the target gives intervals that miss the true rate 8–20 % of the time instead of 5 %
 * (simulated on AR(1) slices, r = 0.4–0.7); holding it over 20 % more samples brings that to
 * 3–6 % for a few extra samples when the rate is steady. nvbench's stdrel criterion likewise
 * waits for its noise estimate to be stable.
 *
 * Time is the timed span the samples cover (the sum of their durations), the same span the rate
 * is computed over; `stoppedBy` records which condition ended sampling.
 */
import { batchMeansCi, MIN_BATCH_MEANS_SAMPLES, type BatchMeansCi } from './batch-means.js';

/** Stopping rule parameters. */
export interface StoppingRule {
  /** Seconds of timed samples before the interval target may stop sampling. */
  minTimeS: number;
  /** Time limit: stop once the timed samples cover this many seconds, whatever the interval. */
  timeLimitS: number;
  /** Target 95 % CI half-width relative to the rate (0.01 = 1 %); 0 = always run to the time limit. */
  targetRelCi: number;
  /** Fewest samples before the interval is checked (batch means needs several batches). */
  minSamples: number;
  /** Hard cap on samples. */
  maxSamples: number;
}

/** Why sampling stopped: the interval target was met, the time limit was reached, or the sample cap. */
export type StoppedBy = 'target-ci' | 'time-limit' | 'max-samples';

/**
 * Defaults: 1 % target; ≥ 25 samples (5 batches of 5) before the interval may stop sampling — with
 * fewer batches the interval's own width is so noisy that checking it after every sample stops
 * early by chance. Min time and time limit are the caller's (CLI flags).
 */
export const DEFAULT_STOPPING: StoppingRule = { minTimeS: 5, timeLimitS: 20, targetRelCi: 0.01, minSamples: 25, maxSamples: 1_000_000 };

/** The target must keep holding until the sample count reaches this multiple of where it was first met. */
export const HOLD_FRACTION = 1.2;

/** Incremental stopping-rule state over (rate, duration) samples. */
export class StoppingState {
  readonly rule: StoppingRule;
  readonly samples: number[] = [];
  readonly durationsS: number[] = [];
  private timedS = 0;
  private stopped: StoppedBy | null = null;
  private lastCi: BatchMeansCi | null = null;
  /** Sample count at which the target was first met in the current unbroken streak. */
  private metSince: number | null = null;

  constructor(rule: Partial<StoppingRule> = {}) {
    this.rule = { ...DEFAULT_STOPPING, ...rule };
    for (const [k, v] of Object.entries(this.rule)) {
      if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new RangeError(`stopping rule ${k} must be a finite number ≥ 0, got ${v}`);
    }
    if (this.rule.minTimeS > this.rule.timeLimitS) throw new RangeError(`stopping rule minTimeS ${this.rule.minTimeS} exceeds timeLimitS ${this.rule.timeLimitS}`);
  }

  /**
   * Record one sample: a rate `value` measured over `durationS` seconds. Returns the reason to
   * stop, or null to continue.
   */
  add(value: number, durationS: number): StoppedBy | null {
    if (!(durationS > 0)) throw new RangeError(`sample duration must be > 0, got ${durationS}`);
    this.samples.push(value);
    this.durationsS.push(durationS);
    this.timedS += durationS;
    this.stopped = this.check();
    return this.stopped;
  }

  private check(): StoppedBy | null {
    const r = this.rule;
    const n = this.samples.length;
    if (n >= r.maxSamples) return 'max-samples';
    // A sum of float durations (10 × 0.2) can land a hair under the bound it reaches.
    const timed = this.timedS + 1e-9;
    if (r.targetRelCi > 0 && timed >= r.minTimeS && n >= Math.max(r.minSamples, MIN_BATCH_MEANS_SAMPLES)) {
      this.lastCi = batchMeansCi(this.samples, { weights: this.durationsS });
      if (this.lastCi && this.lastCi.relHalfWidth <= r.targetRelCi) {
        this.metSince ??= n;
        if (n >= Math.max(this.metSince + 1, Math.ceil(this.metSince * HOLD_FRACTION))) return 'target-ci';
      } else this.metSince = null;
    }
    if (timed >= r.timeLimitS) return 'time-limit';
    return null;
  }

  /** The reason recorded by the last `add`, or null. */
  get stoppedBy(): StoppedBy | null {
    return this.stopped;
  }

  /** Seconds of timed samples so far. */
  get totalTimeS(): number {
    return this.timedS;
  }

  /** The interval computed at the last check (null before the minimum time/samples). */
  get interval(): BatchMeansCi | null {
    return this.lastCi;
  }
}

/** Default minimum time before the CI target may stop a timed phase, seconds (≥ a 5 s energy window). */
export const DEFAULT_MIN_TIME_S = 5;

/**
 * The rule for a timed phase of `seconds` (the time limit): minimum time `minSeconds` (default
 * min(seconds, 5 s), so an energy window is not cut below the meters' 5 s default) and a target
 * relative half-width `targetRelCi` (default 1 %).
 */
export function hashStoppingRule(o: { seconds: number; minSeconds?: number; targetRelCi?: number }): StoppingRule {
  const p = hashStoppingParams(o);
  return { ...DEFAULT_STOPPING, minTimeS: p.minSeconds, timeLimitS: o.seconds, targetRelCi: p.targetRelCi };
}

/** The effective stopping parameters, as results record them. */
export function hashStoppingParams(o: { seconds: number; minSeconds?: number; targetRelCi?: number }): { minSeconds: number; targetRelCi: number } {
  return { minSeconds: Math.min(o.seconds, o.minSeconds ?? DEFAULT_MIN_TIME_S), targetRelCi: o.targetRelCi ?? DEFAULT_STOPPING.targetRelCi };
}
