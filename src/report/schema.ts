/**
 * The one versioned results document (validated with zod on write and on read).
 *
 * Versioning: `schemaVersion` is "MAJOR.MINOR". A reader accepts any minor of a major it knows
 * (newer minors only add optional fields; unknown fields are kept) and rejects unknown majors
 * with a clear message. Bump MINOR for additive changes, MAJOR for anything else.
 */
import { z } from 'zod';

/** Current schema version written by this build. */
export const SCHEMA_VERSION = '1.1';
/** Majors this reader understands. */
export const SUPPORTED_MAJORS = [1] as const;

const num = z.number().finite();

export const summarySchema = z.object({
  n: z.number().int().nonnegative(),
  mean: num,
  sd: num,
  median: num,
  mad: num,
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
  /** Which statistic `value` is and how its ± is computed (src/report/headline.ts). */
  headline: z.object({
    statistic: z.string(),
    ci95HalfWidth: num.nullable(),
    ci95Method: z.string(),
    gated: z.boolean().optional(),
  }).passthrough().optional(),
}).passthrough();

/** Energy over a measurement window (see src/power). `measured: false` carries the reason. */
export const energySchema = z.union([
  z.object({
    measured: z.literal(true),
    energyJ: num,
    timeS: num,
    avgPowerW: num,
    method: z.string(),
    scope: z.enum(['gpu-board', 'cpu-package', 'wall', 'declared']),
    meter: z.string(),
    samples: z.number().int().nonnegative(),
    uncertaintyJ: num.nullable(),
    idlePowerW: num.nullable().optional(),
    netEnergyJ: num.nullable().optional(),
    complete: z.boolean(),
    incompleteReason: z.string().optional(),
    // Optional details written by the sampled meters (src/power/sampler.ts), additive in 1.x:
    /** What was measured ("NVIDIA … (GPU-uuid, pci bus id)", "RAPL package-0 (intel-rapl:0)"). */
    label: z.string().optional(),
    /** Measured sensor update period, s (null when the value did not move enough to tell). */
    sensorUpdatePeriodS: num.nullable().optional(),
    /** Poll interval the sampler used, s. */
    pollIntervalS: num.optional(),
    /** Seconds of the window the energy actually covers (< timeS when the meter died). */
    coveredS: num.optional(),
    /** Window edges, Unix ms (sub-ms resolution). */
    startUnixMs: num.optional(),
    endUnixMs: num.optional(),
    /** What uncertaintyJ includes, in words. */
    uncertaintyNote: z.string().optional(),
    /** Counter wrap-arounds inside the window (RAPL). */
    counterWraps: z.number().int().nonnegative().optional(),
    /** Short-window / incomplete warnings for this window. */
    warnings: z.array(z.string()).optional(),
  }).passthrough(),
  z.object({ measured: z.literal(false), reason: z.string() }).passthrough(),
]);

export const measurementSchema = z.object({
  /** Stable id, e.g. "hash.sha256d", "infer.decode", "profit.site". */
  id: z.string().min(1),
  kind: z.enum(['hash', 'infer', 'power', 'profit', 'micro']),
  status: z.enum(['complete', 'incomplete', 'skipped', 'failed']),
  reason: z.string().optional(),
  startedAt: z.string().datetime().optional(),
  endedAt: z.string().datetime().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string(), metricSchema).default({}),
  energy: energySchema.optional(),
  adapter: adapterIdentitySchema.nullable().optional(),
  /** Module-specific payload (launch config, model size, profit table...). */
  details: z.record(z.string(), z.unknown()).optional(),
  warnings: z.array(z.string()).default([]),
}).passthrough();

export const environmentSchema = z.object({
  hostname: z.string(),
  os: z.object({ platform: z.string(), release: z.string(), distro: z.string().nullable(), arch: z.string() }).passthrough(),
  cpu: z.object({ model: z.string(), cores: z.number().int().positive() }).passthrough(),
  memoryBytes: z.number().nonnegative(),
  node: z.string(),
  versions: z.object({ webgpu: z.string().nullable(), onnxruntime: z.string().nullable() }).passthrough(),
  adapter: adapterIdentitySchema.nullable(),
}).passthrough();

export const resultSchema = z.object({
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  tool: z.object({ name: z.literal('joulebench'), version: z.string() }),
  git: z.object({ sha: z.string().nullable(), dirty: z.boolean().nullable() }),
  argv: z.array(z.string()),
  startedAt: z.string().datetime(),
  endedAt: z.string().datetime(),
  /** False for a run cut short (Ctrl-C, failed phase): what was measured is kept. */
  complete: z.boolean(),
  incompleteReason: z.string().optional(),
  environment: environmentSchema,
  measurements: z.array(measurementSchema),
  warnings: z.array(z.string()).default([]),
}).passthrough();

export type Summary = z.infer<typeof summarySchema>;
export type Metric = z.infer<typeof metricSchema>;
export type Energy = z.infer<typeof energySchema>;
export type Measurement = z.infer<typeof measurementSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type ResultDoc = z.infer<typeof resultSchema>;
