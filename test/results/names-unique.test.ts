// Issue 21 case 2: result file names have one-second resolution, and two `hash bench --save` (or
// two `run`s) started in the same second wrote the same name: one result was lost. A new result
// file never replaces another (link(2) of the complete temp file fails when the name is taken):
// the second writer gets `-2`, the next `-3`. Four real processes writing one name at the same
// instant, then the paths the CLI commands use (--save, run without --out), in process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunResult } from '../../src/run/result-file.js';
import { writeMeasurementResult } from '../../src/cli/result-file.js';
import { validateResult } from '../../src/results/files.js';
import type { Measurement } from '../../src/results/schema.js';
import { ROOT } from '../helpers.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';

function writer(dir: string, atMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/io/result-writer.ts'), dir, String(atMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`writer exited ${code}`))));
  });
}

describe('result files started in the same second', () => {
  it('four processes writing one name at one instant: four files, each complete and its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-names-'));
    const at = Date.now() + 4000; // after every child has started (tsx ≈ 1 s each on a busy machine)
    const paths = await Promise.all([0, 1, 2, 3].map(() => writer(dir, at)));
    const stem = join(dir, '20260101-000000_host_device_run');
    expect([...paths].sort()).toEqual([`${stem}.json`, `${stem}-2.json`, `${stem}-3.json`, `${stem}-4.json`].sort());
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // no temp files left
    const writers = paths.map((p) => validateResult(JSON.parse(readFileSync(p, 'utf8')), p).argv[1]);
    expect(new Set(writers).size).toBe(4);
  }, 60_000);

  it('hash/infer bench --save and run without --out, twice in the same second: two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-names-cli-'));
    const prev = process.env.JOULEBENCH_RESULTS_DIR;
    process.env.JOULEBENCH_RESULTS_DIR = dir;
    try {
      const startedAt = new Date('2026-01-01T00:00:00.250Z');
      const m: Measurement = { id: 'hash.sha256d', kind: 'hash', status: 'complete', params: {}, metrics: { hashesPerSecond: { value: 1, unit: 'H/s', higherIsBetter: true, method: 'test' } }, warnings: [] };
      const a = writeMeasurementResult(m, { save: true, quiet: true }, startedAt, { device: 'dev', label: 'hash' });
      const b = writeMeasurementResult(m, { save: true, quiet: true }, new Date('2026-01-01T00:00:00.750Z'), { device: 'dev', label: 'hash' });
      expect([a.written, b.written]).toEqual([[expect.stringMatching(/_dev_hash\.json$/)], [expect.stringMatching(/_dev_hash-2\.json$/)]]);
      const doc = runDoc([], minute(0));
      const r1 = writeRunResult(doc, null, startedAt);
      const r2 = writeRunResult(doc, null, startedAt);
      expect([r1.error, r2.error]).toEqual([null, null]);
      expect(r1.path).toMatch(/_run\.json$/);
      expect(r2.path).toBe(r1.path.replace(/\.json$/, '-2.json'));
      expect(readdirSync(dir)).toHaveLength(4);
    } finally {
      if (prev === undefined) delete process.env.JOULEBENCH_RESULTS_DIR;
      else process.env.JOULEBENCH_RESULTS_DIR = prev;
    }
  });
});
