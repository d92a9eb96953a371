import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRows } from '../src/report/rows.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderCsv } from '../src/report/csv.js';
import { renderHtml } from '../src/report/html.js';
import { readResult } from '../src/report/results.js';
import { ROOT, runCliInProcess } from './helpers.js';

// Golden files for a fixed set of fixture results (test/fixtures/results/fixture-*.json: a hardware
// GPU with NVML energy, the software adapter with declared watts, and an incomplete CPU-only run).
// Regenerate after an intended output change with: UPDATE_GOLDEN=1 npx vitest run test/report-golden
const FIX = join(ROOT, 'test/fixtures/results');
const GOLD = join(ROOT, 'test/fixtures/results/golden');
const files = readdirSync(FIX)
  .filter((f) => /^fixture-.*\.json$/.test(f))
  .sort()
  .map((f) => join(FIX, f));
const loaded = files.map((path) => ({ path, doc: readResult(path) }));

function golden(name: string, actual: string): void {
  const p = join(GOLD, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(p, actual);
  expect(actual).toBe(readFileSync(p, 'utf8'));
}

describe('joulebench report golden files', () => {
  it('has the three fixture runs', () => {
    expect(files).toHaveLength(3);
  });
  it('Markdown matches the golden file', () => {
    golden('report.md', renderMarkdown(buildRows(loaded)));
  });
  it('CSV matches the golden file', () => {
    golden('report.csv', renderCsv(loaded));
  });
  it('HTML matches the golden file', () => {
    golden('report.html', renderHtml(buildRows(loaded)));
  });
  it('is independent of argument order', () => {
    const rev = [...loaded].reverse();
    expect(renderMarkdown(buildRows(rev))).toBe(renderMarkdown(buildRows(loaded)));
    expect(renderCsv(rev)).toBe(renderCsv(loaded));
  });
  it('the CLI writes the same three files (directory argument)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'jb-report-'));
    const r = await runCliInProcess(['report', FIX, '--md', join(out, 'r.md'), '--csv', join(out, 'r.csv'), '--html', join(out, 'r.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/fixture-c-cpu-incomplete\.json is an incomplete run/);
    expect(readFileSync(join(out, 'r.md'), 'utf8')).toBe(readFileSync(join(GOLD, 'report.md'), 'utf8'));
    expect(readFileSync(join(out, 'r.csv'), 'utf8')).toBe(readFileSync(join(GOLD, 'report.csv'), 'utf8'));
    expect(readFileSync(join(out, 'r.html'), 'utf8')).toBe(readFileSync(join(GOLD, 'report.html'), 'utf8'));
  });
});
