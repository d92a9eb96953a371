/**
 * Compare two sets of runs metric by metric (`joulebench compare`). Each result file is one run
 * (its own process); a metric's value in a run is its headline figure (src/results/headline.ts, the
 * number `report` prints), and the verdict comes from the run values (src/stats/compare.ts).
 *
 * - Runs interleaved in rounds (every consecutive pair in start time holds one baseline and one
 *   candidate run, as `joulebench ab` makes them) are compared paired by round; otherwise unpaired.
 * - Per-joule figures are compared only when every run's energy has the same basis (metered vs
 *   declared, meter, scope: src/power/energy-basis.ts); otherwise the row is REFUSED with the
 *   reason, never reported as a change.
 * - The gated family (headline figures by default) is Holm-adjusted; other metrics are reported
 *   ungated. Metrics present on one side only, or measured in no run, are listed, never dropped.
 */
import { energyBasisMismatch } from '../power/energy-basis.js';
import type { HostActivityLike } from '../stats/disturbance.js';
import { applyHolm, compareRuns, DEFAULT_COMPARE, type CompareOptions, type MetricComparison, type Verdict } from '../stats/compare.js';
import { headlineDef, weightsOf, type HeadlineDef } from '../results/headline.js';
import { hostActivitySchema, type Energy, type Measurement, type Metric, type ResultDoc } from '../results/schema.js';
import { deviceLabel, notSteadyReason } from './rows.js';

/** A verdict, or REFUSED when the figures are not comparable (energy basis, unit or direction differ). */
export type RowVerdict = Verdict | 'REFUSED';

/** Every row verdict, in display order. */
export const ROW_VERDICTS: readonly RowVerdict[] = ['SLOWER', 'FASTER', 'SAME', 'UNKNOWN', 'REFUSED'];

/** One result file = one run. */
export interface RunFile {
  path: string;
  doc: ResultDoc;
}

/** One run's value of a metric (for the JSON: every run's value is kept). */
export interface RunValue {
  file: string;
  value: number | null;
  /** Why the run has no usable value. */
  excluded?: string;
}

/** One compared metric. */
export interface MetricRow extends Omit<MetricComparison, 'verdict'> {
  verdict: RowVerdict;
  measurementId: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  /** In the gated family (counts for --fail-on-regression / --fail-on-unknown, Holm-adjusted). */
  gated: boolean;
  /** What each run's value is (headline definition). */
  statistic: string;
  baselineRuns: RunValue[];
  candidateRuns: RunValue[];
  /** A gated metric of the baseline runs that no candidate run has: UNKNOWN, never left out. */
  missing?: true;
  /** Runs per side whose samples of this metric were still trending (steadyState.steady false); display only, absent when none. */
  notSteadyRuns?: { baseline: number; candidate: number };
}

/** One side of the comparison. */
export interface SideInfo {
  label: string;
  files: string[];
  runs: number;
  devices: string[];
  toolVersions: string[];
  gitShas: string[];
  incompleteRuns: number;
}

/** Options of `compareRunSets`. */
export interface CompareSetOptions extends CompareOptions {
  /** `auto` pairs by round when the runs are interleaved; `paired` requires it; `unpaired` never. */
  pairing?: 'auto' | 'paired' | 'unpaired';
  /** The gated family: `headline` (default), `all`, or a list of "measurement.metric" keys. */
  gate?: 'headline' | 'all' | readonly string[];
}

/** Everything `compare` prints or exports. */
export interface ComparisonReport {
  baseline: SideInfo;
  candidate: SideInfo;
  noiseThreshold: number;
  tolerance: number;
  alpha: number;
  minRuns: number;
  /** Whether runs were compared paired by round, and why. */
  pairing: { paired: boolean; why: string };
  rows: MetricRow[];
  /** "measurement.metric" present only in the baseline / only in the candidate runs. */
  onlyBaseline: string[];
  onlyCandidate: string[];
  /** Metrics with no value in any run of either side, with the reason (e.g. energy not measured). */
  notMeasured: string[];
  counts: Record<RowVerdict, number>;
  /** Counts over the gated rows only (what the exit code looks at). */
  gatedCounts: Record<RowVerdict, number>;
  /** One line: the gate's conclusion, with inconclusive and refused metrics made visible. */
  headline: string;
  warnings: string[];
}

/**
 * The verdict as shown everywhere (table, headline, exports): the verdict word with what qualifies
 * it, e.g. "SLOWER (intermittent: 2 of 8 rounds)". The JSON keeps `verdict` ('SLOWER': it gates as
 * one) and `verdictDetail` apart.
 */
export function verdictLabel(r: Pick<MetricRow, 'verdict' | 'verdictDetail'>): string {
  return r.verdictDetail ? `${r.verdict} (${r.verdictDetail})` : r.verdict;
}

/**
 * A run's host telemetry for the measurement (`hostActivity`, result schema 1.2), or null. Read
 * through the schema's own `hostActivitySchema`, so a record that does not parse counts as none
 * (documents read from files were already validated; this guards ones built in memory).
 */
function activityOf(meas: Measurement | undefined): HostActivityLike | null {
  const raw = meas?.hostActivity;
  if (raw === undefined || raw === null) return null;
  const p = hostActivitySchema.safeParse(raw);
  return p.success ? p.data : null;
}

/** Error for inputs that cannot be compared as asked (the CLI turns it into exit 2). */
export class CompareInputError extends Error {}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function sideInfo(label: string, runs: readonly RunFile[]): SideInfo {
  return {
    label,
    files: runs.map((r) => r.path),
    runs: runs.length,
    devices: uniq(runs.map((r) => deviceLabel(r.doc.environment.adapter ?? null, r.doc.environment.cpu.model))),
    toolVersions: uniq(runs.map((r) => r.doc.tool.version)),
    gitShas: uniq(runs.map((r) => r.doc.git.sha).filter((s): s is string => s !== null)),
    incompleteRuns: runs.filter((r) => !r.doc.complete).length,
  };
}

/**
 * Pairs by round when the runs are interleaved: equal counts (≥ 2), distinct start times, and
 * every consecutive pair in start order holds one baseline and one candidate run.
 * Returns [baseline index, candidate index] per round, or null with the reason.
 */
export function interleavedRounds(baseline: readonly RunFile[], candidate: readonly RunFile[]): { rounds: Array<[number, number]> } | { why: string } {
  if (baseline.length !== candidate.length) return { why: `${baseline.length} baseline vs ${candidate.length} candidate runs` };
  if (baseline.length < 2) return { why: 'fewer than 2 runs a side' };
  const all = [...baseline.map((r, i) => ({ side: 0, i, t: Date.parse(r.doc.startedAt) })), ...candidate.map((r, i) => ({ side: 1, i, t: Date.parse(r.doc.startedAt) }))];
  if (new Set(all.map((x) => x.t)).size !== all.length) return { why: 'start times are not distinct' };
  all.sort((x, y) => x.t - y.t);
  const rounds: Array<[number, number]> = [];
  for (let k = 0; k < all.length; k += 2) {
    const p = all[k]!;
    const q = all[k + 1]!;
    if (p.side === q.side) return { why: 'runs were not interleaved in rounds (two runs of one side in a row)' };
    rounds.push(p.side === 0 ? [p.i, q.i] : [q.i, p.i]);
  }
  return { rounds };
}

interface Cell {
  meas: Measurement | undefined;
  metric: Metric | undefined;
}

function cellOf(run: RunFile, id: string, name: string): Cell {
  const meas = run.doc.measurements.find((m) => m.id === id);
  return { meas, metric: meas?.metrics[name] };
}

/** Ordered (measurement id, metric) keys: baseline order first, then candidate-only ones. */
function keysOf(runs: readonly RunFile[]): Array<{ id: string; kind: Measurement['kind']; name: string }> {
  const seen = new Set<string>();
  const out: Array<{ id: string; kind: Measurement['kind']; name: string }> = [];
  for (const r of runs) {
    for (const m of r.doc.measurements) {
      for (const name of Object.keys(m.metrics)) {
        const k = `${m.id}.${name}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push({ id: m.id, kind: m.kind, name });
        }
      }
    }
  }
  return out;
}

function isGated(def: HeadlineDef, key: string, gate: CompareSetOptions['gate']): boolean {
  if (gate === undefined || gate === 'headline') return def.gated;
  if (gate === 'all') return true;
  return gate.includes(key);
}

function emptyCounts(): Record<RowVerdict, number> {
  return { SLOWER: 0, FASTER: 0, SAME: 0, UNKNOWN: 0, REFUSED: 0 };
}

/** Why a run's cell gives no usable value, or null when it does. */
function exclusion(c: Cell): string | null {
  if (!c.meas || !c.metric) return 'absent';
  if (c.meas.status !== 'complete') return `measurement ${c.meas.status}${c.meas.reason ? ` (${c.meas.reason})` : ''}`;
  if (c.metric.value === null) return c.metric.reason ?? 'not measured';
  if (!(c.metric.value > 0 && Number.isFinite(c.metric.value))) return `value ${c.metric.value} is not > 0`;
  return null;
}

/** The first energy-basis mismatch among the runs that have a value (within a side first, then across), or null. */
function basisMismatch(sides: Array<{ side: string; cells: Cell[] }>): string | null {
  const firsts: Cell[] = [];
  for (const { side, cells } of sides) {
    const withValue = cells.filter((c) => exclusion(c) === null);
    if (!withValue.length) continue;
    firsts.push(withValue[0]!);
    for (const c of withValue.slice(1)) {
      const why = energyBasisMismatch(withValue[0]!.meas!.energy as Energy | undefined, c.meas!.energy as Energy | undefined);
      if (why) return `${why} (within the ${side} runs)`;
    }
  }
  return firsts.length === 2 ? energyBasisMismatch(firsts[0]!.meas!.energy as Energy | undefined, firsts[1]!.meas!.energy as Energy | undefined) : null;
}

function gateHeadline(g: Record<RowVerdict, number>, gatedRows: readonly MetricRow[], minRuns: number): string {
  const total = gatedRows.length;
  const parts: string[] = [];
  const intermittent = gatedRows.filter((r) => r.verdict === 'SLOWER' && r.verdictDetail);
  const detail = intermittent.length ? ` (${intermittent.map((r) => `${r.metric}: ${r.verdictDetail}`).join('; ')})` : '';
  if (g.SLOWER > 0) parts.push(`REGRESSION: ${g.SLOWER} of ${total} gated metric${total === 1 ? '' : 's'} SLOWER${detail}`);
  else if (g.FASTER > 0) parts.push(`no regression among ${total} gated metric${total === 1 ? '' : 's'} (${g.FASTER} FASTER)`);
  else if (g.SAME > 0 && g.SAME === total) parts.push(`no regression: all ${total} gated metric${total === 1 ? '' : 's'} SAME`);
  else if (total === 0) parts.push('no gated metric in both sides');
  else parts.push(`no regression detected among ${total} gated metric${total === 1 ? '' : 's'}`);
  const missing = gatedRows.filter((r) => r.missing).length;
  const unknown = g.UNKNOWN - missing;
  if (unknown > 0) {
    const k = Math.max(minRuns, ...gatedRows.filter((r) => r.verdict === 'UNKNOWN' && !r.missing).map((r) => r.needRuns ?? minRuns));
    parts.push(`inconclusive: ${unknown} metric${unknown === 1 ? '' : 's'} (need ≥ ${k} runs a side)`);
  }
  if (missing > 0) parts.push(`missing: ${missing} gated metric${missing === 1 ? '' : 's'} absent from every candidate run (UNKNOWN)`);
  if (g.REFUSED > 0) parts.push(`refused: ${g.REFUSED} metric${g.REFUSED === 1 ? '' : 's'} not comparable (see reasons)`);
  return parts.join('; ');
}

interface Ctx {
  baselineRuns: readonly RunFile[];
  candidateRuns: readonly RunFile[];
  o: Required<CompareOptions>;
  gate: CompareSetOptions['gate'];
  /** [baseline index, candidate index] per round when the runs are paired. */
  rounds: Array<[number, number]> | null;
}

function runValues(runs: readonly RunFile[], cells: Cell[]): RunValue[] {
  return cells.map((c, i) => {
    const why = exclusion(c);
    return why === null ? { file: runs[i]!.path, value: c.metric!.value } : { file: runs[i]!.path, value: null, excluded: why };
  });
}

/** Why a metric cannot be compared at all (REFUSED), or null. */
function refusal(def: HeadlineDef, bCells: Cell[], cCells: Cell[]): string | null {
  const all = [...bCells, ...cCells].filter((c) => c.metric);
  if (uniq(all.map((c) => `${c.metric!.unit}|${c.metric!.higherIsBetter}`)).length > 1) {
    return `not compared: unit or direction differs between runs (${uniq(all.map((c) => c.metric!.unit)).join(' vs ')})`;
  }
  if (!def.perJoule) return null;
  const why = basisMismatch([
    { side: 'baseline', cells: bCells },
    { side: 'candidate', cells: cCells },
  ]);
  return why ? `not compared: ${why}` : null;
}

/** How many runs per side had this metric's samples still trending (shown, never part of the verdict). */
function notSteadyRuns(bCells: Cell[], cCells: Cell[]): Pick<MetricRow, 'notSteadyRuns'> {
  const count = (cells: Cell[]) => cells.filter((c) => c.metric && notSteadyReason(c.metric)).length;
  const r = { baseline: count(bCells), candidate: count(cCells) };
  return r.baseline || r.candidate ? { notSteadyRuns: r } : {};
}

/** One metric across the runs: a row, or the reason it was measured in no run. */
function compareKey(ctx: Ctx, id: string, kind: Measurement['kind'], name: string): MetricRow | { notMeasured: string } {
  const { o } = ctx;
  const key = `${id}.${name}`;
  const bCells = ctx.baselineRuns.map((r) => cellOf(r, id, name));
  const cCells = ctx.candidateRuns.map((r) => cellOf(r, id, name));
  const ref = [...bCells, ...cCells].find((c) => c.metric)!.metric!;
  const def = headlineDef(kind, name, ref.unit);
  const bVals = runValues(ctx.baselineRuns, bCells);
  const cVals = runValues(ctx.candidateRuns, cCells);
  const row: Omit<MetricRow, keyof MetricComparison> = {
    measurementId: id,
    metric: name,
    unit: ref.unit,
    higherIsBetter: ref.higherIsBetter,
    gated: isGated(def, key, ctx.gate),
    statistic: def.statistic,
    baselineRuns: bVals,
    candidateRuns: cVals,
    ...notSteadyRuns(bCells, cCells),
  };
  const present = [...bVals, ...cVals].filter((v) => v.excluded !== 'absent');
  if (present.every((v) => v.value === null)) return { notMeasured: `${key}: ${uniq(present.map((v) => v.excluded!)).join('; ')}` };
  const unknown = (reason: string, extra: Partial<MetricComparison> = {}): MetricRow => ({
    ...compareRuns({ values: [] }, { values: [] }, ref.higherIsBetter, o),
    ...row,
    ...extra,
    verdict: 'UNKNOWN',
    reason,
  });
  const refused = refusal(def, bCells, cCells);
  if (refused) return { ...unknown(refused), verdict: 'REFUSED', needRuns: null };
  const failed = [...bVals.map((v) => ({ side: 'baseline', v })), ...cVals.map((v) => ({ side: 'candidate', v }))].filter((x) => /^measurement /.test(x.v.excluded ?? ''));
  if (failed.length) {
    return unknown(`${failed.length} run(s) did not complete this measurement (${uniq(failed.map((x) => `${x.side}: ${x.v.excluded}`)).join('; ')}): a verdict needs every run`);
  }
  const bOk = bVals.filter((v) => v.value !== null).map((v) => v.value!);
  const cOk = cVals.filter((v) => v.value !== null).map((v) => v.value!);
  const missing = [...bVals, ...cVals].filter((v) => v.value === null);
  if (bOk.length === 0 || cOk.length === 0) {
    const side = bOk.length === 0 ? 'baseline' : 'candidate';
    return unknown(`no value in the ${side} runs (${uniq((side === 'baseline' ? bVals : cVals).map((v) => v.excluded ?? '')).join('; ')})`, { needRuns: o.minRuns });
  }
  let cmp: MetricComparison;
  if (ctx.rounds && !missing.length) {
    const rs = ctx.rounds;
    const side = (vals: RunValue[], cells: Cell[], k: 0 | 1) => ({ values: rs.map((r) => vals[r[k]]!.value!), activity: rs.map((r) => activityOf(cells[r[k]]!.meas)) });
    cmp = compareRuns(side(bVals, bCells, 0), side(cVals, cCells, 1), ref.higherIsBetter, { ...o, paired: true });
  } else {
    // One run a side: its within-run samples (batch means only, see compareRuns).
    const side = (cells: Cell[], ok: number[]) => {
      if (ok.length !== 1) return { values: ok, activity: cells.filter((c) => exclusion(c) === null).map((c) => activityOf(c.meas)) };
      const m = cells.find((c) => exclusion(c) === null)!.metric!;
      const weights = def.timeWeighted ? weightsOf(m) : undefined;
      return { values: ok, ...(m.samples ? { samples: m.samples } : {}), ...(weights ? { sampleWeights: weights } : {}) };
    };
    cmp = compareRuns(side(bCells, bOk), side(cCells, cOk), ref.higherIsBetter, o);
  }
  const r: MetricRow = { ...cmp, ...row };
  if (missing.length) r.reason = `${r.reason} (${missing.length} run(s) without a value left out)`;
  return r;
}

/**
 * A gated metric the baseline runs measured and no candidate run has (the candidate's inference
 * never ran, a measurement was renamed): a row with verdict UNKNOWN, so the strict gate fails,
 * instead of a line under "only in the baseline" beside an "all gated metrics SAME" (issue 21 case 5).
 * Null for an ungated metric (listed in onlyBaseline as before) or one the baseline never measured.
 */
function missingGated(ctx: Ctx, id: string, kind: Measurement['kind'], name: string): MetricRow | null {
  const r = compareKey(ctx, id, kind, name);
  if ('notMeasured' in r || !r.gated) return null;
  const why = uniq(
    ctx.candidateRuns.map((run) => {
      const m = run.doc.measurements.find((x) => x.id === id);
      if (!m) return `no ${id} measurement`;
      return m.status !== 'complete' ? `${id} ${m.status}${m.reason ? `: ${m.reason}` : ''}` : `${id} has no ${name}`;
    }),
  );
  return { ...r, verdict: 'UNKNOWN', missing: true, needRuns: null, reason: `missing from every candidate run (${why.join('; ')}): the candidate did not measure it` };
}

/** Whether the runs pair by round (as asked), and why. */
function pairingOf(baselineRuns: readonly RunFile[], candidateRuns: readonly RunFile[], mode: CompareSetOptions['pairing']): { rounds: Array<[number, number]> | null; pairing: ComparisonReport['pairing'] } {
  const inter = mode === 'unpaired' ? { why: 'unpaired analysis requested' } : interleavedRounds(baselineRuns, candidateRuns);
  if ('rounds' in inter) return { rounds: inter.rounds, pairing: { paired: true, why: `${inter.rounds.length} rounds interleaved in start time` } };
  if (mode === 'paired') throw new CompareInputError(`--pairing paired: ${inter.why}`);
  return { rounds: null, pairing: { paired: false, why: `unpaired (${inter.why})` } };
}

function reportWarnings(b: SideInfo, c: SideInfo, rows: readonly MetricRow[], gate: CompareSetOptions['gate'], minRuns: number): string[] {
  const warnings: string[] = [];
  const devices = uniq([...b.devices, ...c.devices]);
  if (devices.length > 1) warnings.push(`runs on different devices: baseline ${b.devices.join(', ')}; candidate ${c.devices.join(', ')}`);
  if (b.incompleteRuns) warnings.push(`${b.incompleteRuns} baseline run(s) incomplete (their completed measurements are used)`);
  if (c.incompleteRuns) warnings.push(`${c.incompleteRuns} candidate run(s) incomplete (their completed measurements are used)`);
  for (const r of rows) {
    const noisy = [r.cvBaseline, r.cvCandidate].filter((x): x is number => x !== null && x > 0.1);
    if (noisy.length) warnings.push(`${r.measurementId}.${r.metric}: run values vary by CV ${(Math.max(...noisy) * 100).toFixed(1)} % (> 10 %): quieten the machine or add runs`);
  }
  if (Array.isArray(gate)) {
    for (const k of gate) if (!rows.some((r) => `${r.measurementId}.${r.metric}` === k)) warnings.push(`--gate ${k}: no such metric compared on both sides (not gated)`);
  }
  if (b.runs === 1 && c.runs === 1) warnings.push(`one run a side: verdicts need ≥ ${minRuns} runs a side (joulebench ab runs them interleaved)`);
  return warnings;
}

/** Compare the candidate runs against the baseline runs. */
export function compareRunSets(
  baselineRuns: readonly RunFile[],
  candidateRuns: readonly RunFile[],
  labels: { baseline: string; candidate: string },
  options: CompareSetOptions = {},
): ComparisonReport {
  if (!baselineRuns.length || !candidateRuns.length) throw new CompareInputError(`no ${baselineRuns.length ? 'candidate' : 'baseline'} result file to compare`);
  const o = { ...DEFAULT_COMPARE, ...options };
  const { rounds, pairing } = pairingOf(baselineRuns, candidateRuns, options.pairing ?? 'auto');
  const ctx: Ctx = { baselineRuns, candidateRuns, o, gate: options.gate, rounds };
  const rows: MetricRow[] = [];
  const onlyBaseline: string[] = [];
  const onlyCandidate: string[] = [];
  const notMeasured: string[] = [];
  const bKeys = new Set(keysOf(baselineRuns).map((k) => `${k.id}.${k.name}`));
  const cKeys = new Set(keysOf(candidateRuns).map((k) => `${k.id}.${k.name}`));
  for (const { id, kind, name } of keysOf([...baselineRuns, ...candidateRuns])) {
    const key = `${id}.${name}`;
    if (!cKeys.has(key)) {
      onlyBaseline.push(key);
      const r = missingGated(ctx, id, kind, name);
      if (r) rows.push(r);
    } else if (!bKeys.has(key)) onlyCandidate.push(key);
    else {
      const r = compareKey(ctx, id, kind, name);
      if ('notMeasured' in r) notMeasured.push(r.notMeasured);
      else rows.push(r);
    }
  }
  // Holm over the gated family (directional verdicts that do not survive become UNKNOWN).
  applyHolm(rows.filter((r) => r.gated) as MetricComparison[], o.alpha);
  const counts = emptyCounts();
  const gatedCounts = emptyCounts();
  for (const r of rows) {
    counts[r.verdict]++;
    if (r.gated) gatedCounts[r.verdict]++;
  }
  const b = sideInfo(labels.baseline, baselineRuns);
  const c = sideInfo(labels.candidate, candidateRuns);
  return {
    baseline: b,
    candidate: c,
    noiseThreshold: o.noiseThreshold,
    tolerance: o.tolerance,
    alpha: o.alpha,
    minRuns: o.minRuns,
    pairing,
    rows,
    onlyBaseline,
    onlyCandidate,
    notMeasured,
    counts,
    gatedCounts,
    headline: gateHeadline(gatedCounts, rows.filter((r) => r.gated), o.minRuns),
    warnings: reportWarnings(b, c, rows, options.gate, o.minRuns),
  };
}

/** The exit code of a comparison: 1 on a gated regression (or gated unknown/refused when strict), else 0. */
export function compareExitCode(r: ComparisonReport, flags: { failOnRegression?: boolean; failOnUnknown?: boolean }): { code: 0 | 1; why: string | null } {
  const g = r.gatedCounts;
  if (flags.failOnRegression && g.SLOWER > 0) {
    const k = r.rows.filter((x) => x.gated && x.verdict === 'SLOWER' && x.verdictDetail).length;
    return { code: 1, why: `${g.SLOWER} gated metric(s) SLOWER than the baseline${k ? ` (${k} intermittent)` : ''} (--fail-on-regression)` };
  }
  if (flags.failOnUnknown && g.UNKNOWN + g.REFUSED > 0) {
    return { code: 1, why: `${g.UNKNOWN + g.REFUSED} gated metric(s) inconclusive or not comparable (--fail-on-unknown)` };
  }
  return { code: 0, why: null };
}
