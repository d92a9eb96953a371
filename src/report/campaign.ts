/**
 * Campaign view of a merged report (issue 15): results from a Slurm job array grouped by GPU model
 * (and inference model), per group the median and spread across nodes of each headline figure,
 * and nodes flagged as outliers. Pure: loaded results and their rows in, a summary out.
 *
 * Outlier rule (robust, stated in every report): a run is an outlier on a metric when its modified
 * z-score |0.6745 · (x − median) / MAD| exceeds 3.5 (Iglewicz & Hoaglin, "How to Detect and Handle
 * Outliers", ASQC 1993; src/stats/outliers.ts), with the MAD floored at 1 % of the median: nodes
 * that agree to within run-to-run noise (≈ 1–3 % on shared machines) must not be flagged because
 * they happen to agree even more closely with each other. With the floor a flagged run is at least
 * 3.5 × 0.01 / 0.6745 ≈ 5.2 % away from its group's median. A group needs ≥ 3 runs to judge.
 */
import { basename } from 'node:path';
import { median } from 'simple-statistics';
import { energyBasis } from '../power/energy-basis.js';
import { MODIFIED_Z_THRESHOLD } from '../stats/outliers.js';
import { taskLabel } from '../host/slurm-identity.js';
import { valueOf, type LoadedResult, type RunRow } from './rows.js';
import type { Energy, Measurement, ResultDoc } from '../results/schema.js';

/** Outlier threshold on |modified z| (Iglewicz & Hoaglin). */
export const OUTLIER_Z = MODIFIED_Z_THRESHOLD;
/** MAD floor as a fraction of the median (run-to-run noise). */
export const MAD_FLOOR_REL = 0.01;
/** Fewest runs of a group before outliers are judged. */
export const MIN_RUNS_FOR_OUTLIERS = 3;

/** The rule in words, printed with every campaign table. */
export const OUTLIER_RULE_TEXT =
  `outlier = |modified z| > ${OUTLIER_Z}, z = 0.6745·(x − median)/MAD (Iglewicz & Hoaglin 1993), MAD floored at ${MAD_FLOOR_REL * 100} % of the median ` +
  `(so a flagged run is ≥ ${((OUTLIER_Z * MAD_FLOOR_REL) / 0.6745 * 100).toFixed(1)} % from its group's median); judged when a group has ≥ ${MIN_RUNS_FOR_OUTLIERS} runs`;

/** Headline metrics compared across nodes. */
export const CAMPAIGN_METRICS = [
  { key: 'hashesPerSecond', label: 'H/s', unit: 'H/s', energy: null },
  { key: 'hashesPerJoule', label: 'H/J', unit: 'H/J', energy: 'hash' },
  { key: 'prefillTokensPerSecond', label: 'Prefill tok/s', unit: 'tokens/s', energy: null },
  { key: 'decodeTokensPerSecond', label: 'Decode tok/s', unit: 'tokens/s', energy: null },
  { key: 'tokensPerJoule', label: 'tok/J', unit: 'tokens/J', energy: 'infer' },
] as const;

/** One of CAMPAIGN_METRICS' keys. */
export type CampaignMetricKey = (typeof CAMPAIGN_METRICS)[number]['key'];

/** One run (row) of a group: where it ran and its figures. */
export interface CampaignMember {
  ref: number;
  file: string;
  node: string;
  /** "<arrayjob>_<index>" (or the job id), null outside Slurm. */
  task: string | null;
  /** GPU UUID, else "CUDA_VISIBLE_DEVICES=…", else null. */
  gpu: string | null;
  values: Record<CampaignMetricKey, number | null>;
  /** Metrics on which this run is an outlier. */
  outlierOn: CampaignMetricKey[];
}

/** Median and spread of one metric across a group's runs. */
export interface CampaignMetricStats {
  metric: CampaignMetricKey;
  label: string;
  unit: string;
  /** Runs with a value. */
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** 1.4826 · MAD / |median| (a robust coefficient of variation); null when n < 2. */
  robustSpreadRel: number | null;
  /** Why the metric is not pooled, or a caveat (declared watts). */
  note: string | null;
}

/** A run flagged on one metric. */
export interface CampaignOutlier {
  ref: number;
  node: string;
  task: string | null;
  gpu: string | null;
  metric: CampaignMetricKey;
  label: string;
  unit: string;
  value: number;
  median: number;
  /** (value − median) / median. */
  relDev: number;
  z: number;
}

/** Runs of one GPU model (and inference model). */
export interface CampaignGroup {
  gpuModel: string;
  inferenceModel: string | null;
  members: CampaignMember[];
  stats: CampaignMetricStats[];
  outliers: CampaignOutlier[];
}

/** A task of a campaign that produced no usable result (filled by `fleet collect`). */
export interface CampaignTaskFailure {
  task: string;
  index: number;
  node: string | null;
  exitCode: number | null;
  slurmState: string | null;
  problem: string;
  lastStderr: string | null;
}

/** The campaign section of a report. */
export interface CampaignSummary {
  /** Campaign header when made by `fleet collect` (job id, tasks, directory). */
  job: { jobId: string; tasks: number; ok: number; dir: string; submittedAt: string; gitSha: string | null; runArgs: string[] } | null;
  groups: CampaignGroup[];
  /** Runs left out of the statistics (incomplete) with the reason. */
  excluded: Array<{ ref: number; file: string; reason: string }>;
  failedTasks: CampaignTaskFailure[];
  rule: string;
}

/** True when any loaded result ran inside a Slurm job (the `report` command then adds the campaign view). */
export function hasSlurmResults(loaded: readonly LoadedResult[]): boolean {
  return loaded.some((l) => l.doc.environment.slurm !== undefined);
}

function energyFor(doc: ResultDoc, row: RunRow, which: 'hash' | 'infer'): Energy | undefined {
  const ms = doc.measurements.filter((m) => m.kind === which);
  if (which === 'hash') return (ms.find((m) => m.id === 'hash.sha256d') ?? ms[0])?.energy;
  const modelOf = (m: Measurement) => (typeof m.params.model === 'string' && m.params.model ? m.params.model : m.id.replace(/^infer\./, ''));
  return ms.find((m) => modelOf(m) === row.model)?.energy ?? ms[0]?.energy;
}

function basisKey(e: Energy | undefined): { key: string; text: string } {
  const b = energyBasis(e);
  if (b.kind === 'none') return { key: 'none', text: 'no energy' };
  if (b.kind === 'declared') return { key: 'declared', text: 'declared watts' };
  return { key: `metered:${b.scope}:${b.meter}`, text: `${b.meter} (${b.scope})` };
}

function gpuOf(doc: ResultDoc): string | null {
  const s = doc.environment.slurm;
  if (!s) return null;
  if (s.gpuUuids.length) return s.gpuUuids.join(',');
  if (s.cudaVisibleDevices) return `CUDA_VISIBLE_DEVICES=${s.cudaVisibleDevices}`;
  if (s.rocrVisibleDevices) return `ROCR_VISIBLE_DEVICES=${s.rocrVisibleDevices}`;
  return null;
}

/** Median, spread and outliers of one metric over `values` (index-aligned with members). */
export function robustStats(values: readonly number[]): { median: number; mad: number; scale: number; z: number[] } {
  const med = median([...values]);
  const mad = median(values.map((x) => Math.abs(x - med)));
  const scale = Math.max(mad, MAD_FLOOR_REL * Math.abs(med));
  const z = values.map((x) => (scale > 0 ? (0.6745 * (x - med)) / scale : 0));
  return { median: med, mad, scale, z };
}

interface Entry {
  row: RunRow;
  doc: ResultDoc;
}

function groupStats(entries: Entry[], members: CampaignMember[]): { stats: CampaignMetricStats[]; outliers: CampaignOutlier[] } {
  const stats: CampaignMetricStats[] = [];
  const outliers: CampaignOutlier[] = [];
  for (const spec of CAMPAIGN_METRICS) {
    let idx = members.map((_, i) => i).filter((i) => members[i]!.values[spec.key] !== null);
    let note: string | null = null;
    if (spec.energy && idx.length) {
      // Per-joule figures made on different energy bases are different quantities: pool only one.
      const bases = idx.map((i) => basisKey(energyFor(entries[i]!.doc, entries[i]!.row, spec.energy!)));
      const kinds = new Map(bases.map((b) => [b.key, b.text]));
      if (kinds.size > 1) {
        note = `not pooled: mixed energy bases (${[...kinds.values()].join(', ')})`;
        idx = [];
      } else if (bases[0]!.key === 'declared') {
        note = 'declared watts: the spread reflects speed only, not power';
      }
    }
    const values = idx.map((i) => members[i]!.values[spec.key]!);
    if (!values.length) {
      stats.push({ metric: spec.key, label: spec.label, unit: spec.unit, n: 0, median: null, min: null, max: null, robustSpreadRel: null, note });
      continue;
    }
    const r = robustStats(values);
    stats.push({
      metric: spec.key,
      label: spec.label,
      unit: spec.unit,
      n: values.length,
      median: r.median,
      min: Math.min(...values),
      max: Math.max(...values),
      robustSpreadRel: values.length >= 2 && r.median !== 0 ? (1.4826 * r.mad) / Math.abs(r.median) : null,
      note,
    });
    if (values.length < MIN_RUNS_FOR_OUTLIERS) continue;
    idx.forEach((i, k) => {
      if (Math.abs(r.z[k]!) <= OUTLIER_Z) return;
      const m = members[i]!;
      m.outlierOn.push(spec.key);
      outliers.push({
        ref: m.ref,
        node: m.node,
        task: m.task,
        gpu: m.gpu,
        metric: spec.key,
        label: spec.label,
        unit: spec.unit,
        value: values[k]!,
        median: r.median,
        relDev: r.median !== 0 ? (values[k]! - r.median) / Math.abs(r.median) : 0,
        z: r.z[k]!,
      });
    });
  }
  return { stats, outliers };
}

/**
 * Group runs by GPU model (device label) and inference model; per group the median and spread of
 * each headline metric across runs, and outliers. Incomplete runs are listed in `excluded`.
 */
export function buildCampaign(loaded: readonly LoadedResult[], rows: readonly RunRow[], extra: Partial<Pick<CampaignSummary, 'job' | 'failedTasks'>> = {}): CampaignSummary {
  const docFor = (r: RunRow) => loaded.find((l) => basename(l.path) === r.file && l.doc.startedAt === r.startedAt)?.doc;
  const groups = new Map<string, { gpuModel: string; inferenceModel: string | null; entries: Entry[] }>();
  const excluded: CampaignSummary['excluded'] = [];
  for (const row of rows) {
    const doc = docFor(row);
    if (!doc) continue;
    if (!row.complete) {
      excluded.push({ ref: row.ref, file: row.file, reason: `incomplete run (${row.incompleteReason ?? 'cut short'})` });
      continue;
    }
    const key = `${row.device}\u0000${row.model ?? ''}`;
    if (!groups.has(key)) groups.set(key, { gpuModel: row.device, inferenceModel: row.model, entries: [] });
    groups.get(key)!.entries.push({ row, doc });
  }
  const out: CampaignGroup[] = [];
  for (const g of groups.values()) {
    const members: CampaignMember[] = g.entries.map(({ row, doc }) => ({
      ref: row.ref,
      file: row.file,
      node: doc.environment.slurm?.node ?? doc.environment.hostname,
      task: taskLabel(doc.environment.slurm),
      gpu: gpuOf(doc),
      values: Object.fromEntries(CAMPAIGN_METRICS.map((s) => [s.key, valueOf(row[s.key])])) as Record<CampaignMetricKey, number | null>,
      outlierOn: [],
    }));
    const { stats, outliers } = groupStats(g.entries, members);
    out.push({ gpuModel: g.gpuModel, inferenceModel: g.inferenceModel, members, stats, outliers });
  }
  out.sort((a, b) => a.gpuModel.localeCompare(b.gpuModel) || (a.inferenceModel ?? '').localeCompare(b.inferenceModel ?? ''));
  return { job: extra.job ?? null, groups: out, excluded, failedTasks: extra.failedTasks ?? [], rule: OUTLIER_RULE_TEXT };
}

/** The campaign view for `joulebench report`: only when some result carries a Slurm identity. */
export function campaignForReport(loaded: readonly LoadedResult[], rows: readonly RunRow[]): CampaignSummary | null {
  return hasSlurmResults(loaded) ? buildCampaign(loaded, rows) : null;
}
