/**
 * `joulebench verify`: a submission checker for result files (MLPerf Inference's
 * tools/submission/submission_checker.py is the model: re-derive the reported figures from the
 * logs they came from, check the run's validity records, flag every discrepancy with the file and
 * field, fail the submission on any error). Pure: parsed JSON in, findings out.
 *
 * What is checked, per file:
 *  - schema: the version gate and the zod schema (a field that does not validate is named);
 *    tool name and version;
 *  - digest: the recorded content digest against the file (src/results/digest.ts); none: a warning;
 *  - adapters: the software-adapter flag against the adapter identity (src/results/verify/adapter.ts);
 *  - hash: H/s from the nonce total and timed span, the slices, the interval and summary, H/J
 *    from the window's nonces and joules, the kernel self-check re-derived with node:crypto;
 *  - inference: tok/s as the mean of the runs, runs against their windows, tok/J from the decode
 *    window, batch-sweep rows and the serving figure;
 *  - micro-benchmarks: ops/s as the mean of the samples;
 *  - energy: window arithmetic, window against the work, window rule, meter scope, energy basis,
 *    raw trace against the joules (src/results/verify/energy.ts).
 */
import { checkDigest, type DigestCheck } from '../digest.js';
import { validateResult } from '../files.js';
import { SCHEMA_VERSION, SUPPORTED_MAJORS } from '../schema.js';
import { checkAdapters } from './adapter.js';
import { checkHeadlineInterval, checkMeanValue, checkSummary, type RawMetric } from './figures.js';
import { Findings, type Finding } from './findings.js';
import { checkHashMeasurement, type MeasurementContext } from './hash.js';
import { checkInferMeasurement } from './infer.js';

/** The outcome for one file. */
export interface VerifyReport {
  /** 'fail' when any check failed (or, with strict, any warning). */
  status: 'pass' | 'fail';
  /** Digest status: ok, missing (older file), mismatch (edited), unsupported (unknown algorithm). */
  digest: DigestCheck['status'];
  checks: number;
  findings: Finding[];
}

/** Options of a verification. */
export interface VerifyOptions {
  /** Warnings fail too (a missing digest, a figure that cannot be re-derived). */
  strict?: boolean;
  /** Version of this joulebench (for the "written by a newer joulebench" warning). */
  toolVersion?: string;
}

/** "1.10.2" > "1.9.0"; null when either is not numeric dot-separated. */
function newerVersion(a: string, b: string): boolean | null {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  if (pa.some(Number.isNaN) || pb.some(Number.isNaN)) return null;
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  return false;
}

/** Version gate, schema, tool; returns the schema minor, or null when the document is unusable. */
function checkDocumentShape(raw: unknown, f: Findings, opts: VerifyOptions): number | null {
  const v = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (!f.check(typeof v === 'string' && /^\d+\.\d+$/.test(v), 'schemaVersion', () => `${JSON.stringify(v)}: not a "MAJOR.MINOR" joulebench schema version`)) return null;
  const [major, minor] = (v as string).split('.').map(Number) as [number, number];
  if (!f.check((SUPPORTED_MAJORS as readonly number[]).includes(major), 'schemaVersion', () => `${String(v)}: this joulebench reads major ${SUPPORTED_MAJORS.join('/')} (writes ${SCHEMA_VERSION})`)) return null;
  const ourMinor = Number(SCHEMA_VERSION.split('.')[1]);
  f.checkWarn(minor <= ourMinor, 'schemaVersion', () => `${String(v)} is newer than this joulebench (${SCHEMA_VERSION}): fields it added are not checked`);
  try {
    validateResult(raw, 'schema');
    f.checks++;
  } catch (err) {
    const m = /field '([^']+)': (.*)$/.exec((err as Error).message);
    f.fail(m ? m[1]! : '(root)', m ? m[2]! : (err as Error).message);
    return null;
  }
  const tool = (raw as { tool?: { version?: unknown } }).tool;
  const tv = typeof tool?.version === 'string' ? tool.version : '';
  f.check(/^\d+\.\d+\.\d+/.test(tv), 'tool.version', () => `${JSON.stringify(tool?.version)}: not a joulebench version`);
  if (opts.toolVersion && newerVersion(tv, opts.toolVersion)) f.warn('tool.version', `${tv} is newer than this joulebench (${opts.toolVersion}): its newer figures are not checked`);
  return minor;
}

/** The digest line. */
function checkDigestOf(raw: unknown, f: Findings): DigestCheck {
  const d = checkDigest(raw);
  if (d.status === 'missing') f.warn('digest', 'no digest (written before schema 1.2, or removed): edits made after the file was written cannot be detected; the figures were re-derived');
  else if (d.status === 'unsupported') f.fail('digest', `cannot be checked: ${d.why}`);
  else f.check(d.status === 'ok', 'digest', () => (d.status === 'mismatch' ? `the file was changed after it was written: recorded sha256 ${d.recorded.slice(0, 16)}…, content now ${d.computed.slice(0, 16)}… (re-measure, or find the edit with the findings below)` : ''));
  return d;
}

/** Span of a measurement, Unix ms, from its startedAt/endedAt. */
function spanOf(m: Record<string, unknown>): { start: number; end: number } | null {
  const s = typeof m.startedAt === 'string' ? Date.parse(m.startedAt) : Number.NaN;
  const e = typeof m.endedAt === 'string' ? Date.parse(m.endedAt) : Number.NaN;
  return Number.isFinite(s) && Number.isFinite(e) ? { start: s, end: e } : null;
}

/** Micro-benchmarks: ops/s is the mean of the tinybench samples (batch-means interval). */
function checkMicro(meas: Record<string, unknown>, ctx: MeasurementContext, f: Findings): void {
  const m = (meas.metrics as Record<string, RawMetric> | undefined)?.opsPerSecond;
  if (!m || typeof m.value !== 'number') return;
  const path = ['measurements', ctx.index, 'metrics', 'opsPerSecond'];
  checkMeanValue(m, path, 'the figure is the mean of the tinybench samples', f);
  checkHeadlineInterval(m, path, 'batch-means', null, f);
  checkSummary(m, path, f);
}

/** Verify one parsed result document (the JSON as read, before any schema transform). */
export function verifyResultJson(raw: unknown, opts: VerifyOptions = {}): VerifyReport {
  const f = new Findings();
  const minor = checkDocumentShape(raw, f, opts);
  let digest: DigestCheck = { status: 'missing' };
  if (minor !== null) {
    digest = checkDigestOf(raw, f);
    const doc = raw as Record<string, unknown>;
    checkAdapters(doc, f);
    (doc.measurements as Array<Record<string, unknown>>).forEach((m, index) => {
      const ctx: MeasurementContext = { index, schemaMinor: minor, spanMs: spanOf(m) };
      if (m.kind === 'hash') checkHashMeasurement(m, ctx, f);
      else if (m.kind === 'infer') checkInferMeasurement(m, ctx, f);
      else if (m.kind === 'micro') checkMicro(m, ctx, f);
    });
  }
  const failed = f.list.some((x) => x.level === 'fail' || (opts.strict && x.level === 'warn'));
  return { status: failed ? 'fail' : 'pass', digest: digest.status, checks: f.checks, findings: f.list };
}

