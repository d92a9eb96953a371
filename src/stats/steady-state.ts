/**
 * Steady state of a rate measured slice by slice (pure): when warm-up may end, and whether the
 * timed samples still trend.
 *
 * Warm-up: a run starts slow (first dispatches, caches, clocks ramping) and the figure must not
 * include that. Georges, Buytaert & Eeckhout ("Statistically Rigorous Java Performance
 * Evaluation", OOPSLA 2007) end warm-up once a window of the most recent iterations looks steady
 * (their coefficient of variation below a threshold). Here the window test is one-sided and
 * noise-tolerant: warm-up ends once the median of the last WARMUP_WINDOW slices is no more than
 * WARMUP_RISE_TOLERANCE above the median of the window before it — the rate has stopped rising.
 * A CoV threshold would keep a steady but noisy device (a shared CPU) in warm-up until the bound;
 * a falling rate (thermal throttling) is not something warm-up can wait out, so it is left to the
 * trend check below. Warm-up is always bounded by the caller.
 *
 * Trend: the timed slices are tested with Mann–Kendall and Hamed & Rao's variance correction in its
 * AR(1) form (src/stats/trend.ts). Consecutive slices are positively autocorrelated; the lag-by-lag
 * form, on the few slices a run has, lets chance correlations swing the variance (stationary AR(1)
 * slices, φ = 0.6, n = 25, CV 10 %: 23 % of runs flagged using lags 1–3, 18 % using all lags, 10 %
 * with the AR(1) form; 1,000 series each). A run is flagged `steady: false` when the trend is
 * significant (p < TREND_ALPHA) and large: Sen's slope against time, over the timed span, moves the
 * rate by at least TREND_MIN_DRIFT of its median. The false-alarm rate and power of this rule are
 * checked on simulated series in test/stats/steady-state.test.ts, next to recorded runs.
 */
import { mannKendall, sensSlope } from './trend.js';

/** Slices per warm-up window. */
export const WARMUP_WINDOW = 3;
/** Warm-up ends when the last window's median is at most this much above the previous window's. */
export const WARMUP_RISE_TOLERANCE = 0.02;
/** Fewest timed slices the trend check needs. */
export const TREND_MIN_SAMPLES = 12;
/** Two-sided level of the trend test. */
export const TREND_ALPHA = 0.05;
/** Smallest drift over the timed span (relative to the median) that makes a significant trend matter. */
export const TREND_MIN_DRIFT = 0.03;

/** The shared `steadyState` field of a metric. */
export type SteadyState = {
  steady: boolean;
  method: string;
  reason?: string;
  pValue?: number;
  /** Sen's slope against time, relative to the median, per second. */
  slopeRelPerS?: number;
  /** slopeRelPerS × the timed span: how far the rate moved over the phase. */
  driftRel?: number;
  /** Slices tested. */
  n?: number;
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** True once the rate has stopped rising (see the module note); needs 2 × WARMUP_WINDOW samples. */
export function warmupSettled(rates: readonly number[]): boolean {
  const k = WARMUP_WINDOW;
  if (rates.length < 2 * k) return false;
  const last = median(rates.slice(-k));
  const before = median(rates.slice(-2 * k, -k));
  return last <= before * (1 + WARMUP_RISE_TOLERANCE);
}

/** The method string recorded with every steadyState. */
export const STEADY_STATE_METHOD = `Mann-Kendall on the timed slices with Hamed-Rao's variance correction (AR(1) form), alpha ${TREND_ALPHA}; flagged when significant and Sen's slope moves the rate by >= ${TREND_MIN_DRIFT * 100} % of its median over the timed span`;

function pct(x: number): string {
  const v = x * 100;
  return `${v >= 0 ? '+' : ''}${Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1)} %`;
}

/**
 * Steady-state verdict for per-slice `rates` (time order) with their durations `durationsS`; null
 * when there are fewer than TREND_MIN_SAMPLES slices (too few to test).
 */
export function steadyStateOf(rates: readonly number[], durationsS: readonly number[]): SteadyState | null {
  const n = rates.length;
  if (n < TREND_MIN_SAMPLES) return null;
  if (durationsS.length !== n) throw new RangeError(`steady state: ${durationsS.length} durations for ${n} rates`);
  const p = mannKendall(rates, { correction: 'hamed-rao-ar1' }).p;
  const t: number[] = [];
  let acc = 0;
  for (const d of durationsS) t.push((acc += d));
  const spanS = t[n - 1]! - t[0]!;
  const med = median(rates);
  const slopeRelPerS = med > 0 && spanS > 0 ? sensSlope(rates, t) / med : 0;
  const driftRel = slopeRelPerS * spanS;
  const base = { method: STEADY_STATE_METHOD, pValue: p, slopeRelPerS, driftRel, n };
  if (p < TREND_ALPHA && Math.abs(driftRel) >= TREND_MIN_DRIFT) {
    const dir = driftRel > 0 ? 'rose' : 'fell';
    return { steady: false, ...base, reason: `rate ${dir} ${pct(driftRel)} over the ${spanS.toFixed(1)} s timed phase (Sen's slope ${pct(slopeRelPerS)}/s of the median; Mann-Kendall p = ${p.toPrecision(2)}, ${n} slices): not steady; warm up longer or find what changed` };
  }
  return { steady: true, ...base };
}
