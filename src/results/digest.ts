/**
 * Content digest of a result document, written when the document is written (src/results/files.ts
 * `writeResult`) and recomputed by `joulebench verify`, `report` and `compare`, so a file edited
 * after it was written (a raised `hashesPerSecond`, a shortened energy window) is detected.
 *
 * Canonical form: the document as written (after schema validation), **without its `digest`
 * field**, serialised by the JSON Canonicalization Scheme (JCS, RFC 8785,
 * https://www.rfc-editor.org/rfc/rfc8785): object members sorted by their names' UTF-16 code
 * units, no whitespace, numbers in ECMAScript `Number.prototype.toString` form (RFC 8785 §3.2.2.3),
 * strings escaped as ECMAScript `JSON.stringify` does (§3.2.2.2). The digest is SHA-256 (FIPS 180-4)
 * of that text's UTF-8 bytes, in lowercase hex. Every field is covered: the raw samples and
 * durations, nonce counts, energy records and traces, adapter identity, environment, and the
 * derived figures next to them.
 *
 * What it is not: a signature. joulebench holds no secret, so whoever edits a file and recomputes
 * the digest with this description gets a matching digest; the checks that re-derive each figure
 * from its raw record (src/results/verify/) are what hold such a file to its own numbers. The digest
 * catches the edit nobody bothered to hide: a figure changed by hand, a field deleted, a file
 * merged or truncated by a tool.
 */
import { createHash } from 'node:crypto';

/** Digest algorithm written into result files. */
export const DIGEST_ALGORITHM = 'sha256';
/** How the digested text is made, as written into result files. */
export const DIGEST_CANONICALIZATION = 'RFC 8785 JCS of the document without its digest field';

/** The `digest` field of a result document (schema 1.2+). */
export interface ResultDigest {
  algorithm: typeof DIGEST_ALGORITHM;
  canonicalization: typeof DIGEST_CANONICALIZATION;
  /** Lowercase hex SHA-256 of the canonical text. */
  value: string;
}

/**
 * RFC 8785 canonical JSON of a JSON value (parsed JSON: objects, arrays, strings, finite numbers,
 * booleans, null). Throws on anything JSON cannot hold (undefined inside arrays, functions,
 * non-finite numbers), as JCS does; `undefined` object members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`canonical JSON: ${value} is not a JSON number`);
    return JSON.stringify(value); // ECMAScript Number::toString; -0 → "0" (RFC 8785 §3.2.2.3)
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${value
      .map((v) => {
        if (v === undefined) throw new TypeError('canonical JSON: undefined in an array');
        return canonicalJson(v);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object') {
    // Default sort compares UTF-16 code units: the order RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: a ${typeof value} is not JSON`);
}

/** The document without its `digest` member (a shallow copy; the input is not changed). */
function withoutDigest(doc: object): Record<string, unknown> {
  const { digest: _ignored, ...rest } = doc as Record<string, unknown>;
  return rest;
}

/** SHA-256 (hex) of the canonical form of `doc` without its digest field. */
export function digestValue(doc: object): string {
  return createHash('sha256').update(canonicalJson(withoutDigest(doc)), 'utf8').digest('hex');
}

/** The digest record of a document (as parsed from, or about to be written as, JSON). */
export function computeDigest(doc: object): ResultDigest {
  return { algorithm: DIGEST_ALGORITHM, canonicalization: DIGEST_CANONICALIZATION, value: digestValue(doc) };
}

/** Outcome of checking a document's recorded digest. */
export type DigestCheck =
  | { status: 'ok'; value: string }
  | { status: 'missing' }
  | { status: 'unsupported'; why: string }
  | { status: 'mismatch'; recorded: string; computed: string };

/** Check the recorded digest of a parsed document (raw JSON, before any schema transform). */
export function checkDigest(raw: unknown): DigestCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { status: 'missing' };
  const d = (raw as { digest?: unknown }).digest;
  if (d === undefined) return { status: 'missing' };
  const rec = d as Partial<ResultDigest> | null;
  if (!rec || typeof rec !== 'object') return { status: 'unsupported', why: 'digest is not an object' };
  if (rec.algorithm !== DIGEST_ALGORITHM) return { status: 'unsupported', why: `algorithm ${JSON.stringify(rec.algorithm)} (this joulebench checks ${DIGEST_ALGORITHM})` };
  if (rec.canonicalization !== DIGEST_CANONICALIZATION) return { status: 'unsupported', why: `canonicalization ${JSON.stringify(rec.canonicalization)} (this joulebench knows '${DIGEST_CANONICALIZATION}')` };
  if (typeof rec.value !== 'string' || !/^[0-9a-f]{64}$/.test(rec.value)) return { status: 'unsupported', why: 'digest value is not 64 lowercase hex digits' };
  const computed = digestValue(raw);
  return computed === rec.value ? { status: 'ok', value: computed } : { status: 'mismatch', recorded: rec.value, computed };
}
