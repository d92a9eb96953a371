// Values read from a result file are checked, and every refusal is one line naming the field:
// negative or non-finite rates and energies (a negative H/s would otherwise be priced as negative
// BTC/day), unknown enum values (naming the newer minor that wrote them); valid input such as a
// `+00:00` offset is accepted.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/results/files.js';
import { UsageError } from '../../src/util/errors.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const FIXTURE = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');
const dir = mkdtempSync(join(tmpdir(), 'jb-schema-read-'));
let n = 0;

/** Write the fixture with `edit` applied (`raw` edits the JSON text) and return its path. */
function variant(edit: (doc: any) => void, raw?: (text: string) => string): string {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  edit(doc);
  const path = join(dir, `v${n++}.json`);
  writeFileSync(path, raw ? raw(JSON.stringify(doc)) : JSON.stringify(doc));
  return path;
}

function refusal(path: string): string {
  try {
    readResult(path);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error(`${path} was accepted`);
}

const hash = (doc: any) => doc.measurements.find((m: any) => m.kind === 'hash');

describe('result files are range-checked on read', () => {
  it('hashesPerSecond: -5 names the field', () => {
    const p = variant((d) => (hash(d).metrics.hashesPerSecond.value = -5));
    expect(refusal(p)).toMatch(/field 'measurements\.0\.metrics\.hashesPerSecond\.value': -5 H\/s is negative/);
  });

  it('a negative sample, a negative energy and a negative power are refused', () => {
    expect(refusal(variant((d) => (hash(d).metrics.hashesPerSecond.samples[3] = -1)))).toMatch(/field 'measurements\.0\.metrics\.hashesPerSecond\.samples\.3': -1 H\/s is negative/);
    expect(refusal(variant((d) => (hash(d).energy.energyJ = -3000)))).toMatch(/field 'measurements\.0\.energy\.energyJ': -3000 is negative; must be ≥ 0/);
    expect(refusal(variant((d) => (hash(d).energy.avgPowerW = -300)))).toMatch(/field 'measurements\.0\.energy\.avgPowerW': -300 is negative/);
  });

  it('a non-finite energy (1e999 parses to Infinity) is refused', () => {
    const p = variant((d) => (hash(d).energy.energyJ = 123456), (t) => t.replace('"energyJ":123456', '"energyJ":1e999'));
    expect(refusal(p)).toMatch(/field 'measurements\.0\.energy\.energyJ': not a finite number/);
  });

  it('money may be negative: a negative profit is not a range error', () => {
    const p = variant((d) => (hash(d).metrics.profitUsdPerDay = { value: -950, unit: 'USD/day', higherIsBetter: true, method: 'test' }));
    expect(() => readResult(p)).not.toThrow();
  });

  it('startedAt with a +00:00 offset is accepted and read as UTC', () => {
    const p = variant((d) => {
      d.startedAt = '2026-01-10T11:00:00+02:00';
      hash(d).startedAt = '2026-01-10T09:00:00+00:00';
    });
    const doc = readResult(p);
    expect(doc.startedAt).toBe('2026-01-10T09:00:00.000Z');
    expect(doc.measurements[0]!.startedAt).toBe('2026-01-10T09:00:00.000Z');
  });

  it('an unknown enum value from a newer 1.x minor names the field, the value and the version', () => {
    const p = variant((d) => {
      d.schemaVersion = '1.7';
      hash(d).energy.scope = 'rack-pdu';
    });
    expect(refusal(p)).toMatch(
      /field 'measurements\.0\.energy\.scope': unknown value "rack-pdu" \(this joulebench knows "gpu-board", "cpu-package", "wall", "declared"\); the file is schemaVersion 1\.7, written by a newer joulebench than this one \(reads 1\.\d+\): upgrade joulebench to read it/,
    );
  });

  it('an unknown enum value at this minor says to fix the value', () => {
    const p = variant((d) => (hash(d).kind = 'quantum'));
    expect(refusal(p)).toMatch(/field 'measurements\.0\.kind': unknown value "quantum" \(this joulebench knows "hash", .*\); fix the value/);
  });

  it('profit --results refuses a negative hash rate instead of pricing it (exit 2, one line)', async () => {
    const p = variant((d) => (hash(d).metrics.hashesPerSecond.value = -5));
    copyFileSync(p, join(dir, 'neg.json'));
    const r = await runCliInProcess(['profit', '--results', join(dir, 'neg.json'), '--power-price', '0.05']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/neg\.json: field 'measurements\.0\.metrics\.hashesPerSecond\.value': -5 H\/s is negative/);
  });
});
