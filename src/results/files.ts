/**
 * Read, validate and atomically write results documents.
 */
import { join } from 'node:path';
import { type z, ZodError } from 'zod';
import { writeFileAtomic, writeNewFileAtomic } from '../util/atomic.js';
import { UsageError } from '../util/errors.js';
import { readInputFile } from '../util/input-file.js';
import { SCHEMA_VERSION, SUPPORTED_MAJORS, resultSchema, type ResultDoc } from './schema.js';
import type { Summary as StatsSummary } from '../stats/summary.js';
import { annotateHeadlines } from './headline.js';
import { computeDigest } from './digest.js';

/** A zod issue with its full path (union branches flattened to the branch that fits best). */
function deepestIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): { issue: z.core.$ZodIssue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length) {
    // The branch with the fewest complaints is the one the document meant.
    const branch = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
    if (branch[0]) return deepestIssue(branch[0], path);
  }
  return { issue, path };
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = doc;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function newerMinor(doc: unknown): string | null {
  const v = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof v !== 'string' || !/^\d+\.\d+$/.test(v)) return null;
  const [maj, min] = v.split('.').map(Number) as [number, number];
  const [ourMaj, ourMin] = SCHEMA_VERSION.split('.').map(Number) as [number, number];
  return maj === ourMaj && min > ourMin ? v : null;
}

/**
 * Format a zod error as one line naming the field path; with the document, an unknown enum
 * value is named, and so is a newer minor version that may have written it.
 */
export function zodOneLine(err: ZodError, where: string, doc?: unknown): string {
  const first = err.issues[0];
  if (!first) return `${where}: invalid`;
  const { issue, path } = deepestIssue(first);
  const field = path.length ? path.map(String).join('.') : '(root)';
  if (issue.code === 'invalid_value' && doc !== undefined) {
    const got = valueAt(doc, path);
    const known = issue.values.map((x) => JSON.stringify(x)).join(', ');
    const newer = newerMinor(doc);
    const why = newer
      ? `the file is schemaVersion ${newer}, written by a newer joulebench than this one (reads ${SCHEMA_VERSION}): upgrade joulebench to read it`
      : 'fix the value';
    return `${where}: field '${field}': unknown value ${JSON.stringify(got)} (this joulebench knows ${known}); ${why}`;
  }
  const message = issue.code === 'invalid_type' && (issue as { received?: string }).received === 'Infinity' ? 'not a finite number' : issue.message;
  return `${where}: field '${field}': ${message.replace(/\s*\n\s*/g, ' ')}`;
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
  if (!parsed.success) throw new UsageError(zodOneLine(parsed.error, where, doc));
  return parsed.data;
}

/** A result file as read: the validated document and the JSON exactly as parsed (for the digest). */
export interface ReadResultFile {
  doc: ResultDoc;
  /** The parsed JSON before schema defaults and transforms: what the digest covers. */
  raw: unknown;
}

/** Read and parse a result file's JSON; a one-line UsageError when it cannot be read or parsed. */
export function readResultJson(path: string): unknown {
  const text = readInputFile(path, 'result file'); // a regular file only: never a FIFO or /dev/zero
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text, newlines and all: keep the error on one line.
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message.replace(/\r?\n/g, '\\n')}); is this a joulebench result file?`);
  }
}

/** Read and validate a result file, keeping the parsed JSON next to the document. */
export function readResultFile(path: string): ReadResultFile {
  const raw = readResultJson(path);
  return { doc: validateResult(raw, path), raw };
}

/** Read and validate a result file. */
export function readResult(path: string): ResultDoc {
  return readResultFile(path).doc;
}

/**
 * The text of a result file: validated, each metric saying which statistic it is (headline.ts),
 * sealed with its content digest (digest.ts), which is set on `doc` too. The digest covers exactly
 * the JSON written, so every writer goes through here (writeResult, writeNewResult).
 */
function resultFileText(doc: ResultDoc): string {
  checkSchemaVersion(doc, 'result being written');
  annotateHeadlines(doc);
  delete (doc as { digest?: unknown }).digest;
  // Digest what a reader will parse: the validated document through JSON (undefined members dropped).
  const plain = JSON.parse(JSON.stringify(resultSchema.parse(doc))) as Record<string, unknown>;
  delete plain.digest;
  const digest = computeDigest(plain);
  doc.digest = { ...digest };
  return JSON.stringify({ ...plain, digest }, null, 2) + '\n';
}

/** Validate, seal and write atomically (temp + rename). */
export function writeResult(path: string, doc: ResultDoc): void {
  writeFileAtomic(path, resultFileText(doc));
}

/**
 * Write a new result file `name` (…`.json`) in `dir`, never replacing one: two runs started in the
 * same second (the name's resolution) get `name` and `name-2`, …. Validated and sealed like
 * writeResult. Returns the path written; a failed write throws a WriteFileError naming it.
 */
export function writeNewResult(dir: string, name: string, doc: ResultDoc): string {
  const text = resultFileText(doc);
  const stem = name.replace(/\.json$/, '');
  for (let k = 1; ; k++) {
    const path = join(dir, k === 1 ? name : `${stem}-${k}.json`);
    if (writeNewFileAtomic(path, text)) return path;
  }
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
