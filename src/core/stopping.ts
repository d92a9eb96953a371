/**
 * Pluggable stopping criteria for the timed loop (pure), after nvbench's: a benchmark runs until
 * its criterion says it is done, and the criterion is chosen per benchmark — `stdrel` (a minimum
 * time, then a relative-noise target, bounded by a timeout) or a fixed sample count
 * (https://github.com/NVIDIA/nvbench/blob/main/docs/benchmarks.md, "Stopping criteria").
 *
 * A criterion is asked after every timed sample and returns the reason to stop, or null. It may
 * keep state between calls (the noise target must hold over a stretch of samples), so a criterion
 * object serves one phase; factories build a fresh one per phase.
 */
import { StoppingState, type StoppingRule } from '../stats/stopping.js';

/** What the loop knows after a sample. */
export interface LoopState {
  /** Per-sample rates (work units/s), in order. */
  readonly samples: readonly number[];
  /** Each sample's duration, s. */
  readonly durationsS: readonly number[];
  /** Sum of the sample durations, s (the span the rate is computed over). */
  readonly timedS: number;
  /** Loop-clock seconds since the phase started (for a timed phase: since its energy window opened). */
  readonly elapsedS: number;
  /** Work of the timed samples. */
  readonly work: number;
}

/** A stopping criterion: the reason to stop after this sample, or null to go on. */
export interface StoppingCriterion {
  /** Name recorded with the measurement ('stdrel', 'min-samples+min-time', …). */
  readonly name: string;
  /** Its parameters, as the measurement records them. */
  readonly params: Readonly<Record<string, number>>;
  update(state: LoopState): string | null;
}

// Sums of float durations (10 × 0.2) can land a hair under the bound they reach.
const EPS = 1e-9;

/** Stop once `seconds` have elapsed (reason 'time-limit'): a plain timed run. */
export function afterElapsed(seconds: number, reason = 'time-limit'): StoppingCriterion {
  return { name: 'elapsed', params: { seconds }, update: (s) => (s.elapsedS + EPS >= seconds ? reason : null) };
}

/** Stop once the samples cover `seconds` of timed work (reason 'time-limit'). */
export function afterTimed(seconds: number, reason = 'time-limit'): StoppingCriterion {
  return { name: 'timed', params: { seconds }, update: (s) => (s.timedS + EPS >= seconds ? reason : null) };
}

/**
 * nvbench's `stdrel`: after `minTimeS` of timed samples (and enough samples), stop when the 95 %
 * confidence interval of the rate is within `targetRelCi` of it and stays so (batch means over
 * autocorrelated samples, held over 20 % more samples: src/stats/stopping.ts says why); stop at
 * `timeLimitS` whatever the noise. Reasons: 'target-ci', 'time-limit', 'max-samples'.
 */
export function stdrel(rule: Partial<StoppingRule>): StoppingCriterion {
  const state = new StoppingState(rule);
  const r = state.rule;
  let fed = 0;
  return {
    name: 'stdrel',
    params: { minTimeS: r.minTimeS, timeLimitS: r.timeLimitS, targetRelCi: r.targetRelCi, minSamples: r.minSamples },
    update(s) {
      let why: string | null = null;
      for (; fed < s.samples.length; fed++) why = state.add(s.samples[fed]!, s.durationsS[fed]!);
      return why;
    },
  };
}

/**
 * At least `minSamples` samples and `minElapsedS` seconds, but never past `maxElapsedS` once
 * `minSamples` are in (reasons 'min-samples+min-time', 'max-time'): a fixed count that also fills
 * an energy window, the way `infer bench` repeats its prefills until the window is long enough.
 */
export function countAndTime(o: { minSamples: number; minElapsedS: number; maxElapsedS: number }): StoppingCriterion {
  return {
    name: 'min-samples+min-time',
    params: { ...o },
    update(s) {
      if (s.samples.length < o.minSamples) return null;
      if (s.elapsedS + EPS >= o.minElapsedS) return 'min-samples+min-time';
      return s.elapsedS + EPS >= o.maxElapsedS ? 'max-time' : null;
    },
  };
}

/** The first of several criteria to say stop (their reasons kept). */
export function firstOf(...criteria: StoppingCriterion[]): StoppingCriterion {
  return {
    name: criteria.map((c) => c.name).join('|'),
    params: Object.assign({}, ...criteria.map((c) => c.params)) as Record<string, number>,
    update(s) {
      // Every criterion sees every sample (a stateful one must not skip any).
      let why: string | null = null;
      for (const c of criteria) {
        const r = c.update(s);
        why ??= r;
      }
      return why;
    },
  };
}

/** Never stops on its own: the phase runs until the workload has no more work (or an interruption). */
export const untilExhausted: StoppingCriterion = { name: 'until-exhausted', params: {}, update: () => null };

/**
 * Warm-up until the rate stops rising: stop with 'settled' once `settled(rates)` holds (e.g.
 * src/stats/steady-state.ts warmupSettled), or with 'bound' after `boundS` of timed samples.
 */
export function untilSettled(settled: (rates: readonly number[]) => boolean, boundS: number): StoppingCriterion {
  return {
    name: 'until-settled',
    params: { boundS },
    update: (s) => (settled(s.samples) ? 'settled' : s.timedS + EPS >= boundS ? 'bound' : null),
  };
}
