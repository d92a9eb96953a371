/**
 * Read, validate and atomically write results documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZodError } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';
import { UsageError } from '../util/errors.js';
import { SCHEMA_VERSION, SUPPORTED_MAJORS, resultSchema, type ResultDoc } from './schema.js';
import type { Summary as StatsSummary } from '../stats/summary.js';
import { annotateHeadlines } from './headline.js';

/** Format a zod error as one line naming the field path. */
export function zodOneLine(err: ZodError, where: string): string {
  const first = err.issues[0];
  if (!first) return `${where}: invalid`;
  const path = first.path.length ? first.path.join('.') : '(root)';
  return `${where}: field '${path}': ${first.message}`;
}

/** Check the version gate before the shape: an unknown major gets a clear, specific message. */
export function checkSchemaVersion(doc: unknown, where: string): void {
  const v = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof v !== 'string' || !/^\d+\.\d+$/.test(v)) {
    throw new UsageError(`${where}: missing or malformed 'schemaVersion' (expected "MAJOR.MINOR"); is this a joulebench result file?`);
  }
  const major = Number(v.split('.')[0]);
  if (!(SUPPORTED_MAJORS as readonly number[]).includes(major)) {
    throw new UsageError(
      `${where}: schemaVersion ${v} has major ${major}; this joulebench reads major ${SUPPORTED_MAJORS.join('/')} (writes ${SCHEMA_VERSION}): upgrade joulebench to read it`,
    );
  }
}

/** Validate a parsed document; throws UsageError with a one-line message. */
export function validateResult(doc: unknown, where = 'result'): ResultDoc {
  checkSchemaVersion(doc, where);
  const parsed = resultSchema.safeParse(doc);
  if (!parsed.success) throw new UsageError(zodOneLine(parsed.error, where));
  return parsed.data;
}

/** Read and validate a result file. */
export function readResult(path: string): ResultDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read result file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return validateResult(doc, path);
}

/** Serialise a document (validated first), 2-space JSON with a trailing newline. */
export function serializeResult(doc: ResultDoc): string {
  const valid = resultSchema.parse(doc);
  return JSON.stringify(valid, null, 2) + '\n';
}

/** Validate and write atomically (temp + rename); each metric says which statistic it is (headline.ts). */
export function writeResult(path: string, doc: ResultDoc): void {
  checkSchemaVersion(doc, 'result being written');
  writeFileAtomic(path, serializeResult(annotateHeadlines(doc)));
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'unknown';
}

/** `results/<yyyymmdd-hhmmss>_<host>_<device>_<label>.json` (UTC). */
export function resultFileName(opts: { startedAt: Date; host: string; device: string; label?: string }): string {
  const t = opts.startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const parts = [t, slug(opts.host), slug(opts.device)];
  if (opts.label) parts.push(slug(opts.label));
  return parts.join('_') + '.json';
}

/** Default results directory (overridable with JOULEBENCH_RESULTS_DIR, for tests and CI). */
export function resultsDir(): string {
  return process.env.JOULEBENCH_RESULTS_DIR ?? join(process.cwd(), 'results');
}

/** Convert a stats summary to its JSON form (Infinity → null). */
export function summaryToJson(s: StatsSummary): import('./schema.js').Summary {
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return { ...s, ci95HalfWidth: fin(s.ci95HalfWidth), ci95Low: fin(s.ci95Low), ci95High: fin(s.ci95High) };
}
