/**
 * Disturbed runs and intermittent slowness (pure): which runs of a comparison may be set aside, and
 * which rounds (runs) stand out so far from the others that they must be reported, not averaged.
 *
 * A run may be set aside only on evidence that does not depend on which side it belongs to:
 *  - the machine's own telemetry recorded in the run (the result's measurement-level
 *    `hostActivity`): CPU time taken from it by others (hypervisor steal, other processes) well
 *    above what its peers lost, or throttling that struck runs of both sides (see
 *    `telemetryDisturbed`);
 *  - or, for runs interleaved in rounds, both runs of one round grossly slow on their own sides (a
 *    disturbance of the machine during that round, not of one program).
 * A run that is merely far from the others, with no such evidence, is never set aside: a slow
 * candidate run is as likely a real intermittent regression (a cache that sometimes misses, a lock
 * that sometimes contends) as a disturbed machine, and telling them apart needs the telemetry.
 *
 * "Grossly" is a robust z-score: |x − median| / Qn > GROSS_Z on log values, Qn being Rousseeuw &
 * Croux's scale estimator ("Alternatives to the median absolute deviation", JASA 88(424), 1993:
 * 50 % breakdown like the MAD, but 82 % Gaussian efficiency instead of 37 %, so far steadier on 8
 * values). With 8 normal values, a value below the median by more than 8 Qn occurs in 0.10 % of
 * samples, and as often above it (bench/out/verdict-simulations.json, 200,000 seeded samples); the
 * MAD-based modified z-score of Iglewicz & Hoaglin at the same threshold fires in ≈ 0.54 % (seeded,
 * 400,000 samples, measured while choosing the estimator). The half-speed run of a real CI failure,
 * its 7 peers within ±2 %, scores 19 (test/report/compare-disturbed-run.test.ts).
 */
import { median } from 'simple-statistics';

/** Robust z above which a round (run) is a gross deviation. */
export const GROSS_Z = 8;
/** Fewest rounds (runs a side) on which gross deviations are judged: Qn of fewer is too unsteady. */
export const GROSS_MIN_RUNS = 8;
/**
 * Interference (steal + other-process CPU, as fractions of all CPUs' time over the run) above the
 * median of the runs by at least this much marks a run disturbed: on a benchmark that keeps every
 * CPU busy, a tenth of the machine taken by others costs ≈ 10 %, well beyond the 3.5 % noise
 * threshold, while ordinary background work on an idle runner stays near 1 %.
 */
export const INTERFERENCE_EXCESS = 0.1;
/** Fewest runs with telemetry for a peer median (below it, no run is judged on telemetry). */
export const TELEMETRY_MIN_RUNS = 4;

/**
 * The host telemetry of one run, as the result schema records it (`hostActivity`, written by the
 * measuring process over its timed phase). Only the fields the rule reads; all optional.
 */
export interface HostActivityLike {
  /** Time the hypervisor ran others while this machine wanted to run (Linux /proc/stat "steal"), fraction of all CPUs' time. */
  stealFraction?: number | null;
  /** CPU time of processes other than the benchmark and its children, fraction of all CPUs' time. */
  otherProcessCpuFraction?: number | null;
  /** Whether the CPU or GPU throttled during the run (null: unknown). */
  throttled?: boolean | null;
}

/** Small-sample factors of Qn for n = 2…9 (Croux & Rousseeuw, Computational Statistics 1992; as R's robustbase). */
const QN_SMALL: Record<number, number> = { 2: 0.399, 3: 0.994, 4: 0.512, 5: 0.844, 6: 0.611, 7: 0.857, 8: 0.669, 9: 0.872 };

/**
 * Qn scale estimate (consistent for the normal sd): 2.2219 · c_n · the k-th smallest of the
 * |x_i − x_j|, i < j, with k = C(h, 2), h = ⌊n/2⌋ + 1. The k-th gap is selected by merging the
 * sorted rows x_j − x_i (j > i) of the sorted values with a heap: O((n + k) log n), no n² array.
 */
export function qnScale(x: readonly number[]): number {
  const n = x.length;
  if (n < 2) throw new RangeError(`Qn needs ≥ 2 values, got ${n}`);
  const h = Math.floor(n / 2) + 1;
  const c = n <= 9 ? QN_SMALL[n]! : n % 2 ? n / (n + 1.4) : n / (n + 3.8);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = x[i]!;
  return 2.2219 * c * kthPairGap(sorted.sort(), (h * (h - 1)) / 2);
}

/** Heap storage reused across calls (grown as needed): Qn runs on every comparison. */
let heapGap = new Float64Array(64);
let heapRow = new Int32Array(64);
let heapCol = new Int32Array(64);

/** The k-th smallest (1-based) of s[j] − s[i], i < j, for sorted s: a min-heap over the rows i. */
function kthPairGap(s: Float64Array, k: number): number {
  const rows = s.length - 1;
  if (heapGap.length < rows) {
    heapGap = new Float64Array(2 * rows);
    heapRow = new Int32Array(2 * rows);
    heapCol = new Int32Array(2 * rows);
  }
  const gap = heapGap;
  const row = heapRow;
  const col = heapCol;
  let size = rows;
  for (let i = 0; i < rows; i++) {
    gap[i] = s[i + 1]! - s[i]!;
    row[i] = i;
    col[i] = i + 1;
  }
  // Sift entry p down to restore the heap (entries p..size − 1).
  const down = (p: number): void => {
    const g = gap[p]!;
    const r = row[p]!;
    const c = col[p]!;
    for (;;) {
      let m = 2 * p + 1;
      if (m >= size) break;
      if (m + 1 < size && gap[m + 1]! < gap[m]!) m++;
      if (!(gap[m]! < g)) break;
      gap[p] = gap[m]!;
      row[p] = row[m]!;
      col[p] = col[m]!;
      p = m;
    }
    gap[p] = g;
    row[p] = r;
    col[p] = c;
  };
  for (let p = (size >> 1) - 1; p >= 0; p--) down(p);
  for (let popped = 1; popped < k; popped++) {
    const j = col[0]! + 1;
    if (j < s.length) {
      gap[0] = s[j]! - s[row[0]!]!;
      col[0] = j;
    } else {
      size--;
      gap[0] = gap[size]!;
      row[0] = row[size]!;
      col[0] = col[size]!;
    }
    down(0);
  }
  return gap[0]!;
}

/** Indices of gross deviations below (`low`) and above (`high`) the median, see the module note. */
export interface GrossSplit {
  low: number[];
  high: number[];
}

/**
 * Gross deviations among log values: robust z (Qn) above GROSS_Z and farther than `floorLog` from
 * the median. Needs GROSS_MIN_RUNS values; when half or more would be flagged there is no typical
 * majority to judge them by, and none is. A zero Qn (most values equal) flags any value beyond
 * `floorLog`.
 */
export function grossDeviations(logs: readonly number[], floorLog: number): GrossSplit {
  const none = { low: [], high: [] };
  if (logs.length < GROSS_MIN_RUNS) return none;
  const med = median(logs as number[]);
  const s = qnScale(logs);
  const low: number[] = [];
  const high: number[] = [];
  logs.forEach((v, i) => {
    const dev = v - med;
    if (!(Math.abs(dev) > floorLog)) return;
    if (s > 0 && Math.abs(dev) / s <= GROSS_Z) return;
    (dev < 0 ? low : high).push(i);
  });
  return 2 * (low.length + high.length) >= logs.length ? none : { low, high };
}

/** CPU taken from a run by others (steal + other processes), or null when neither was recorded. */
export function interference(a: HostActivityLike | null | undefined): number | null {
  if (!a) return null;
  const parts = [a.stealFraction, a.otherProcessCpuFraction].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return parts.length ? parts.reduce((s, x) => s + x, 0) : null;
}

/** One run as the telemetry rule sees it. */
export interface RunActivity {
  side: 'baseline' | 'candidate';
  activity: HostActivityLike | null | undefined;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

/**
 * Why each run counts as disturbed by its telemetry (null: no evidence), judged among all runs of
 * both sides together, never by side:
 *  - interference (steal + other-process CPU) ≥ the median of the runs with telemetry +
 *    INTERFERENCE_EXCESS (needs TELEMETRY_MIN_RUNS such runs): the run lost CPU its peers did not;
 *  - throttled while fewer than half of the runs with a record were, and throttled runs found on
 *    both sides. Throttling depends on the load the code itself puts on the chip (power and thermal
 *    limits), so when only one program's runs throttled it may be that program's doing and is not
 *    evidence of a disturbed machine. nvbench discards samples taken while the GPU throttled
 *    (NVIDIA/nvbench, measure_cold: SM clock below 75 % of its default).
 */
export function telemetryDisturbed(runs: readonly RunActivity[]): Array<string | null> {
  const out: Array<string | null> = runs.map(() => null);
  const inter = runs.map((r) => interference(r.activity));
  const known = inter.filter((x): x is number => x !== null);
  if (known.length >= TELEMETRY_MIN_RUNS) {
    const med = median(known);
    inter.forEach((x, i) => {
      if (x !== null && x - med >= INTERFERENCE_EXCESS) out[i] = `other work took ${pct(x)} of the CPUs (steal + other processes) vs a median of ${pct(med)}`;
    });
  }
  const withFlag = runs.map((r, i) => ({ i, side: r.side, t: r.activity?.throttled })).filter((r) => typeof r.t === 'boolean');
  const throttled = withFlag.filter((r) => r.t === true);
  const bothSides = new Set(throttled.map((r) => r.side)).size === 2;
  if (throttled.length && 2 * throttled.length < withFlag.length && bothSides) {
    for (const r of throttled) out[r.i] ??= `throttled (${throttled.length} of ${withFlag.length} runs, on both sides)`;
  }
  return out;
}
