/**
 * The one versioned results document (validated with zod on write and on read).
 *
 * Versioning: `schemaVersion` is "MAJOR.MINOR". A reader accepts any minor of a major it knows
 * (newer minors only add optional fields; unknown fields are kept) and rejects unknown majors
 * with a clear message. Bump MINOR for additive changes, MAJOR for anything else.
 */
import { z } from 'zod';

/** Current schema version written by this build. */
export const SCHEMA_VERSION = '1.2';
/** Majors this reader understands. */
export const SUPPORTED_MAJORS = [1] as const;

const num = z.number().finite();
/** A non-negative finite number (energies, powers, times). */
const nonNeg = num.nonnegative({ error: (iss) => `${String(iss.input)} is negative; must be ≥ 0` });

/**
 * An ISO 8601 date-time, `Z` or a numeric offset (`+00:00`, as Python's isoformat writes it);
 * an offset form is normalised to UTC `Z` on read, so readers can sort and print it as UTC.
 */
const isoDateTime = z.iso.datetime({ offset: true }).transform((s) => (s.endsWith('Z') ? s : new Date(s).toISOString()));

/**
 * Units of physical quantities that cannot be negative: anything per second or per joule, joules
 * per anything, and plain times, energies and powers. (Money can be negative: not listed.)
 */
const NON_NEGATIVE_UNIT = /\/s$|\/J$|^J\/|^(ns|µs|us|ms|s|J|kJ|W|Wh|kWh|bytes)$/;

export const summarySchema = z.object({
  n: z.number().int().nonnegative(),
  mean: num,
  sd: nonNeg,
  median: num,
  mad: nonNeg,
  min: num,
  max: num,
  p5: num,
  p95: num,
  relStdev: num,
  // Infinity when n < 2: JSON has no Infinity, so null stands for "undefined interval".
  ci95HalfWidth: num.nullable(),
  ci95Low: num.nullable(),
  ci95High: num.nullable(),
}).passthrough();

export const adapterIdentitySchema = z.object({
  index: z.number().int().nonnegative(),
  backend: z.string(),
  name: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  driver: z.string().nullable(),
  isSoftware: z.boolean(),
}).passthrough();

/**
 * Whether a metric's timed samples were still trending (1.2+; src/stats/steady-state.ts):
 * `steady: false` with the reason when a trend test on the samples found a significant, large drift.
 */
export const steadyStateSchema = z.object({
  steady: z.boolean(),
  method: z.string(),
  reason: z.string().optional(),
  pValue: num.min(0).max(1).optional(),
  /** Sen's slope against time, relative to the median, per second. */
  slopeRelPerS: num.optional(),
}).passthrough();

/** One figure with its unit, direction, raw samples and how it was made. */
export const metricSchema = z.object({
  value: num.nullable(),
  unit: z.string(),
  higherIsBetter: z.boolean(),
  samples: z.array(num).optional(),
  summary: summarySchema.optional(),
  /** How the figure was made, in words ("wall time around submit + onSubmittedWorkDone", ...). */
  method: z.string(),
  /** Why value is null (e.g. "energy not measured: no meter; pass --watts or --meter"). */
  reason: z.string().optional(),
  /** Per-joule figures: what the joules rest on. 'declared' = declared watts × time, never a measurement (1.1+). */
  energyBasis: z.enum(['metered', 'declared']).optional(),
  /** Seconds each sample covers (rates over slices), in sample order: weights for time-weighted intervals. */
  sampleDurationsS: z.array(num).optional(),
  /** Outliers among the samples, labelled and counted, never removed (src/stats/outliers.ts). */
  outliers: z.object({
    method: z.string(),
    threshold: num,
    count: z.number().int().nonnegative(),
    fraction: num,
    indices: z.array(z.number().int().nonnegative()),
  }).passthrough().optional(),
  /** Which statistic `value` is and how its ± is computed (src/results/headline.ts). */
  headline: z.object({
    statistic: z.string(),
    ci95HalfWidth: num.nullable(),
    ci95Method: z.string(),
    gated: z.boolean().optional(),
  }).passthrough().optional(),
  /** Trend check of the samples (1.2+). */
  steadyState: steadyStateSchema.optional(),
}).passthrough().superRefine((m, ctx) => {
  // A rate, an efficiency or a time below zero is a corrupt or hand-edited file: refuse it on read
  // (a negative H/s would otherwise be priced as a negative BTC/day).
  if (!NON_NEGATIVE_UNIT.test(m.unit)) return;
  if (m.value !== null && m.value < 0) ctx.addIssue({ code: 'custom', path: ['value'], message: `${m.value} ${m.unit} is negative; a ${m.unit} figure cannot be` });
  m.samples?.forEach((x, i) => {
    if (x < 0) ctx.addIssue({ code: 'custom', path: ['samples', i], message: `${x} ${m.unit} is negative; a ${m.unit} sample cannot be` });
  });
});

/** A window's power trace: raw meter samples, downsampled (LTTB) to at most 2,000 points (1.1+). */
export const powerTraceSchema = z.object({
  /** 'W': polled power at read midpoints; 'J': counter updates, energy since the window start. */
  unit: z.enum(['W', 'J']),
  /** [ms since the window start (startUnixMs), value]; may start before 0 / end after the window (edge context). */
  points: z.array(z.tuple([num, num])),
  /** Points before downsampling. */
  rawPoints: z.number().int().nonnegative(),
  /** How it was downsampled, or null when every point is kept. */
  downsampled: z.string().nullable(),
  note: z.string().optional(),
}).passthrough();

/** What the device did during a window (src/power/device-state.ts), where readable (1.1+). */
export const deviceStateSchema = z.object({
  sources: z.array(z.string()),
  readings: z.number().int().nonnegative(),
  /** Per figure (smClockMHz, temperatureC, powerLimitW, cpuFreqMeanMHz, ...): start/end/min/mean/max. */
  series: z.record(z.string(), z.object({ start: num, end: num, min: num, mean: num, max: num, n: z.number().int() }).passthrough()),
  /** Flags seen at least once (throttleReasons). */
  flagsSeen: z.record(z.string(), z.array(z.string())),
  /** Settings at the first and last reading (persistenceMode, cpuGovernor, cpuBoost). */
  settings: z.record(z.string(), z.object({ start: z.string().nullable(), end: z.string().nullable() })),
}).passthrough();

/** Energy over a measurement window (see src/power). `measured: false` carries the reason. */
export const energySchema = z.discriminatedUnion('measured', [
  z.object({
    measured: z.literal(true),
    energyJ: nonNeg,
    timeS: nonNeg,
    avgPowerW: nonNeg,
    method: z.string(),
    scope: z.enum(['gpu-board', 'cpu-package', 'wall', 'declared']),
    meter: z.string(),
    samples: z.number().int().nonnegative(),
    uncertaintyJ: nonNeg.nullable(),
    idlePowerW: nonNeg.nullable().optional(),
    netEnergyJ: num.nullable().optional(),
    complete: z.boolean(),
    incompleteReason: z.string().optional(),
    // Optional details written by the sampled meters (src/power/sampler.ts), additive in 1.x:
    /** What was measured ("NVIDIA … (GPU-uuid, pci bus id)", "RAPL package-0 (intel-rapl:0)"). */
    label: z.string().optional(),
    /** Measured sensor update period, s (null when the value did not move enough to tell). */
    sensorUpdatePeriodS: nonNeg.nullable().optional(),
    /** Poll interval the sampler used, s. */
    pollIntervalS: nonNeg.optional(),
    /** Seconds of the window the energy actually covers (< timeS when the meter died). */
    coveredS: nonNeg.optional(),
    /** Window edges, Unix ms (sub-ms resolution). */
    startUnixMs: num.optional(),
    endUnixMs: num.optional(),
    /** What uncertaintyJ includes, in words. */
    uncertaintyNote: z.string().optional(),
    /** Counter wrap-arounds inside the window (RAPL). */
    counterWraps: z.number().int().nonnegative().optional(),
    /** Short-window / incomplete warnings for this window. */
    warnings: z.array(z.string()).optional(),
    // Issue 11 (1.1+): window sizing, edges, trace, device state, scope.
    /** Shortest window that could be complete: max(10 sensor update periods, --min-window), s. */
    requiredWindowS: num.optional(),
    /** That rule in words. */
    windowRule: z.string().optional(),
    /** Where the window edges are and how the meter's samples are cut at them. */
    edgeMethod: z.string().optional(),
    /** Counter meters: counter updates strictly inside the window. */
    counterUpdatesInside: z.number().int().nonnegative().optional(),
    /** Lowest / highest power read inside the window (polled meters), W. */
    minPowerW: num.optional(),
    maxPowerW: num.optional(),
    /** Raw samples of the window. */
    trace: powerTraceSchema.optional(),
    /** Clocks, temperature, power limit, throttle reasons, CPU governor... during the window. */
    deviceState: deviceStateSchema.optional(),
    /** Model/firmware a wall meter reports about itself. */
    meterDevice: z.record(z.string(), z.unknown()).optional(),
    /** Set when the meter's scope does not match the device doing the work (named with --meter): figures are labelled. */
    scopeMismatch: z.string().optional(),
  }).passthrough(),
  z.object({
    measured: z.literal(false),
    reason: z.string(),
    // Declared watts (1.1+): `declared: true` with the joules of declared W × time. Never a
    // measurement; per-joule figures from it carry energyBasis 'declared'. (1.0 wrote these as
    // measured: true, scope 'declared'; src/power/energy-basis.ts reads both.)
    /** True for declared watts. */
    declared: z.literal(true).optional(),
    energyJ: nonNeg.optional(),
    timeS: nonNeg.optional(),
    avgPowerW: nonNeg.optional(),
    method: z.string().optional(),
    scope: z.literal('declared').optional(),
    meter: z.literal('declared').optional(),
    samples: z.number().int().nonnegative().optional(),
    uncertaintyJ: num.nullable().optional(),
    complete: z.boolean().optional(),
    incompleteReason: z.string().optional(),
    startUnixMs: num.optional(),
    endUnixMs: num.optional(),
    warnings: z.array(z.string()).optional(),
  }).passthrough(),
]);

/** p50 / p90 / p99 of a latency, ms (1.2+, `infer serve`). */
export const latencyPercentilesSchema = z.object({ p50: nonNeg, p90: nonNeg, p99: nonNeg }).passthrough();

const msOrNull = nonNeg.nullable();

/**
 * One request of a load level (1.2+, `infer serve`): times in ms from the level start, the
 * scheduled arrival first. Every level figure is computed from these (src/infer/serve/metrics.ts).
 */
export const serveRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  slot: z.number().int().nonnegative().nullable(),
  arrivalMs: nonNeg,
  admittedMs: msOrNull,
  firstTokenMs: msOrNull,
  doneMs: msOrNull,
  promptTokens: z.number().int().positive(),
  outputTokens: z.number().int().positive(),
  tokenMs: z.array(nonNeg),
}).passthrough().superRefine((r, ctx) => {
  if (r.tokenMs.length > r.outputTokens) ctx.addIssue({ code: 'custom', path: ['tokenMs'], message: `${r.tokenMs.length} token times for ${r.outputTokens} output tokens` });
  if (r.doneMs !== null && (r.tokenMs.length !== r.outputTokens || r.tokenMs.at(-1) !== r.doneMs || r.tokenMs[0] !== r.firstTokenMs)) {
    ctx.addIssue({ code: 'custom', path: ['tokenMs'], message: 'a completed request has one time per output token, the first at firstTokenMs and the last at doneMs' });
  }
});

/** One load level of `infer serve` (1.2+): its figures, energy window and per-request records. */
export const serveLevelSchema = z.object({
  offeredQps: z.union([nonNeg, z.literal('inf')]),
  role: z.enum(['listed', 'search']),
  offeredWindowS: nonNeg.nullable(),
  durationS: nonNeg,
  cut: z.boolean(),
  completedRequests: z.number().int().nonnegative(),
  unfinishedRequests: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  outputTokensPerSecond: nonNeg.nullable(),
  requestsPerSecond: nonNeg.nullable(),
  ttftMs: latencyPercentilesSchema.nullable(),
  tpotMs: latencyPercentilesSchema.nullable(),
  itlMs: latencyPercentilesSchema.nullable(),
  goodRequests: z.number().int().nonnegative().nullable(),
  goodputRequestsPerSecond: nonNeg.nullable(),
  meetsSlo: z.boolean().nullable(),
  verdict: z.string(),
  energy: energySchema,
  tokensPerJoule: nonNeg.nullable(),
  requests: z.array(serveRequestSchema),
}).passthrough();

/** The sustainable figure of `infer serve` (1.2+): highest offered rate within the p99 targets. */
export const sustainableSchema = z.object({
  offeredQps: nonNeg.nullable(),
  basis: z.enum(['slo', 'none-met', 'no-slo']),
  sloTtftMs: nonNeg.nullable(),
  sloTpotMs: nonNeg.nullable(),
  outputTokensPerSecond: nonNeg.nullable(),
  tokensPerJoule: nonNeg.nullable(),
  level: z.number().int().nonnegative().nullable(),
  note: z.string(),
}).passthrough();

const fraction = num.min(0).max(1);

/**
 * What the host machine did during a measurement's timed phase (1.2+; src/host/activity.ts):
 * shares of all CPUs' time from /proc/stat and /proc/<pid>/stat, so a slow run explains itself.
 */
export const hostActivitySchema = z.object({
  spanS: nonNeg,
  cpus: z.number().int().positive(),
  idleFraction: fraction,
  stealFraction: fraction,
  iowaitFraction: fraction,
  /** CPU time of processes other than joulebench and its children, as a share of all CPUs' time. */
  otherProcessCpuFraction: fraction.nullable(),
  throttled: z.boolean().nullable(),
  source: z.string(),
}).passthrough();

export const measurementSchema = z.object({
  /** Stable id, e.g. "hash.sha256d", "infer.decode", "profit.site". */
  id: z.string().min(1),
  kind: z.enum(['hash', 'infer', 'power', 'profit', 'micro']),
  status: z.enum(['complete', 'incomplete', 'skipped', 'failed']),
  reason: z.string().optional(),
  startedAt: isoDateTime.optional(),
  endedAt: isoDateTime.optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string(), metricSchema).default({}),
  energy: energySchema.optional(),
  adapter: adapterIdentitySchema.nullable().optional(),
  /** Host activity over the timed phase (1.2+). */
  hostActivity: hostActivitySchema.optional(),
  /** Module-specific payload (launch config, model size, profit table...). */
  details: z.record(z.string(), z.unknown()).optional(),
  warnings: z.array(z.string()).default([]),
  /** `infer serve` (1.2+): one entry per load level, with its per-request records. */
  levels: z.array(serveLevelSchema).optional(),
  /** `infer serve` (1.2+): the sustainable figure. */
  sustainable: sustainableSchema.optional(),
}).passthrough();

/** Which Slurm job, array task, node and GPU produced a result (from the job's environment). */
export const slurmIdentitySchema = z.object({
  /** SLURM_JOB_ID: this task's own job id. */
  jobId: z.string().nullable(),
  /** SLURM_ARRAY_JOB_ID: the array's job id (the one `sbatch` printed), null outside an array. */
  arrayJobId: z.string().nullable(),
  /** SLURM_ARRAY_TASK_ID, null outside an array. */
  arrayTaskId: z.number().int().nonnegative().nullable(),
  /** SLURMD_NODENAME: the node the task ran on. */
  node: z.string().nullable(),
  /** SLURM_CLUSTER_NAME. */
  cluster: z.string().nullable(),
  /** SLURM_JOB_PARTITION. */
  partition: z.string().nullable(),
  /** CUDA_VISIBLE_DEVICES as the task saw it (null when unset: no NVIDIA GPU assigned). */
  cudaVisibleDevices: z.string().nullable(),
  /** ROCR_VISIBLE_DEVICES (AMD GPUs), when set. */
  rocrVisibleDevices: z.string().nullable().optional(),
  /** SLURM_STEP_GPUS or SLURM_JOB_GPUS: the GPU indices Slurm allocated on the node. */
  allocatedGpus: z.string().nullable().optional(),
  /** UUIDs of the GPUs this task was given, when readable (empty otherwise; see gpuUuidNote). */
  gpuUuids: z.array(z.string()),
  /** Where the UUIDs came from, or why they could not be read. */
  gpuUuidNote: z.string().optional(),
}).passthrough();

export const environmentSchema = z.object({
  hostname: z.string(),
  os: z.object({ platform: z.string(), release: z.string(), distro: z.string().nullable(), arch: z.string() }).passthrough(),
  cpu: z.object({ model: z.string(), cores: z.number().int().positive() }).passthrough(),
  memoryBytes: z.number().nonnegative(),
  node: z.string(),
  versions: z.object({ webgpu: z.string().nullable(), onnxruntime: z.string().nullable() }).passthrough(),
  adapter: adapterIdentitySchema.nullable(),
  /** Slurm job identity when the run ran inside a Slurm job (issue 15, src/host/slurm-identity.ts); absent otherwise. */
  slurm: slurmIdentitySchema.optional(),
}).passthrough();

/**
 * Content digest of the document (1.2+): SHA-256 of the RFC 8785 canonical JSON of the document
 * without this field, written when the file is written (src/results/digest.ts), checked by
 * `joulebench verify`, `report` and `compare`: a file edited after it was written no longer matches.
 */
export const digestSchema = z.object({
  algorithm: z.string(),
  canonicalization: z.string(),
  value: z.string(),
}).passthrough();

export const resultSchema = z.object({
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  tool: z.object({ name: z.literal('joulebench'), version: z.string() }),
  git: z.object({ sha: z.string().nullable(), dirty: z.boolean().nullable() }),
  argv: z.array(z.string()),
  startedAt: isoDateTime,
  endedAt: isoDateTime,
  /** False for a run cut short (Ctrl-C, failed phase): what was measured is kept. */
  complete: z.boolean(),
  incompleteReason: z.string().optional(),
  environment: environmentSchema,
  measurements: z.array(measurementSchema),
  warnings: z.array(z.string()).default([]),
  /** Content digest (1.2+); absent in files written before it existed. */
  digest: digestSchema.optional(),
}).passthrough();

export type Summary = z.infer<typeof summarySchema>;
export type Metric = z.infer<typeof metricSchema>;
export type Energy = z.infer<typeof energySchema>;
export type Measurement = z.infer<typeof measurementSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type SlurmIdentity = z.infer<typeof slurmIdentitySchema>;
export type ResultDoc = z.infer<typeof resultSchema>;
