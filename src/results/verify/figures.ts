/**
 * Checks shared by every rate figure kept with its samples: the summary recomputed from the
 * samples, a value that is the mean of its samples where the headline definition says so, and the
 * within-run 95 % interval recomputed from its definition (README "Headline figures").
 */
import { batchMeansHalfWidth, mean, median, sampleSd, studentHalfWidth } from './numbers.js';
import { close, fieldPath, num, relText, type Findings } from './findings.js';

/** A metric as parsed from JSON. */
export type RawMetric = Record<string, unknown>;

/** The numeric samples of a metric, or null. */
export function samplesOf(m: RawMetric | undefined): number[] | null {
  const s = m?.samples;
  return Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (s as number[]) : null;
}

/** The stored summary (n, mean, median, min, max, sd) against the samples. */
export function checkSummary(m: RawMetric, path: Array<string | number>, f: Findings): void {
  const s = samplesOf(m);
  const sum = m.summary as Record<string, unknown> | undefined;
  if (!s || !sum) return;
  const want: Record<string, number> = { n: s.length, mean: mean(s), median: median(s), min: Math.min(...s), max: Math.max(...s), sd: sampleSd(s) };
  for (const [k, w] of Object.entries(want)) {
    const got = sum[k];
    if (typeof got !== 'number') continue;
    f.check(close(got, w, 1e-9, 1e-12 * Math.abs(want.mean!)), fieldPath(...path, 'summary', k), () => `${num(got)}, but the ${s.length} samples give ${num(w)}`);
  }
}

/** The value is the mean of the samples (figures defined as a mean: tok/s, ops/s). */
export function checkMeanValue(m: RawMetric, path: Array<string | number>, what: string, f: Findings): void {
  const s = samplesOf(m);
  const v = m.value;
  if (typeof v !== 'number') return;
  if (!s) {
    f.warn(fieldPath(...path, 'value'), `cannot be re-derived: no samples kept (${what})`);
    return;
  }
  const w = mean(s);
  f.check(close(v, w, 1e-9), fieldPath(...path, 'value'), () => `${num(v)}, but the mean of its ${s.length} samples is ${num(w)} (${relText(v, w)}; ${what})`);
}

/**
 * The stored headline interval (`headline.ci95HalfWidth`) against its definition: Student t over
 * the repetitions, or batch means of the slices (time-weighted with `weights`).
 */
export function checkHeadlineInterval(m: RawMetric, path: Array<string | number>, method: 'student-t' | 'batch-means', weights: number[] | null, f: Findings): void {
  const h = m.headline as { ci95HalfWidth?: unknown } | undefined;
  const s = samplesOf(m);
  if (!h || typeof h.ci95HalfWidth !== 'number' || !s) return;
  const got = h.ci95HalfWidth;
  const want = method === 'student-t' ? studentHalfWidth(s) : batchMeansHalfWidth(s, weights ?? undefined);
  if (want === null) return;
  f.check(close(got, want, 1e-6), fieldPath(...path, 'headline', 'ci95HalfWidth'), () => `${num(got)}, but ${method === 'student-t' ? 'Student t over the samples' : 'batch means of the samples'} gives ${num(want)}`);
}
