// Golden files for a fixed set of fixture results (test/fixtures/results/fixture-*.json: a hardware
// GPU with NVML energy, the software adapter with declared watts, and an incomplete CPU-only run).
// The goldens are themselves checked against independent arithmetic on the fixtures' numbers (H/J
// = H/s ÷ W, per-MW energy = 1 MW × 24 h, profit = revenue − energy × price, CSV values = the
// fixture's values), so a regenerated golden cannot carry a wrong number unnoticed.
// After an intended output change: UPDATE_GOLDEN=1 npx vitest run test/report-golden (it writes
// the files and FAILS, so review `git diff test/fixtures/results/golden` and run again without it).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../src/report/rows.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { readResult } from '../../src/results/files.js';
import type { ResultDoc } from '../../src/results/schema.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const FIX = join(ROOT, 'test/fixtures/results');
const GOLD = join(ROOT, 'test/fixtures/results/golden');
const files = readdirSync(FIX)
  .filter((f) => /^fixture-.*\.json$/.test(f))
  .sort()
  .map((f) => join(FIX, f));
const loaded = files.map((path) => ({ path, doc: readResult(path) }));
const gold = (name: string): string => readFileSync(join(GOLD, name), 'utf8');

function golden(name: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN) {
    writeFileSync(join(GOLD, name), actual);
    throw new Error(`UPDATE_GOLDEN: wrote ${name}; review the diff, then run without UPDATE_GOLDEN`);
  }
  expect(actual).toBe(gold(name));
}

/** "1.501 GH/s ±0.1%" → 1.501e9; "$1,960" → 1960; "-$950" → -950; "—"/"n/m" → null. */
function num(cell: string): number | null {
  const m = /(-?)\$?(-?[\d,]*\.?\d+)\s*([kMGT]?)/.exec(cell.trim());
  if (!m || /^(—|n\/m)/.test(cell.trim())) return null;
  const scale = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[3] as '' | 'k' | 'M' | 'G' | 'T'];
  return (m[1] ? -1 : 1) * Number(m[2]!.replace(/,/g, '')) * scale;
}

/** The rows of the Markdown table under `## heading`, as cell arrays keyed by header. */
function table(md: string, heading: string): Array<Record<string, string>> {
  const lines = md.split('\n');
  const at = lines.indexOf(`## ${heading}`);
  const rows = lines.slice(at + 1).filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((x) => x === '' || x.startsWith('|')));
  const cells = (l: string) => l.slice(1, -1).split('|').map((c) => c.trim());
  const head = cells(rows[0]!);
  return rows.slice(2).map((r) => Object.fromEntries(cells(r).map((c, i) => [head[i]!, c])));
}

/** RFC 4180 CSV (quoted fields may hold commas). */
function parseCsv(text: string): Array<Record<string, string>> {
  const recs: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') rec.push(field), (field = '');
    else if (ch === '\n') rec.push(field), recs.push(rec), (rec = []), (field = '');
    else field += ch;
  }
  const [head, ...body] = recs;
  return body.map((r) => Object.fromEntries(r.map((c, i) => [head![i]!, c])));
}

const byHost = (host: string): ResultDoc => loaded.find((l) => l.doc.environment.hostname === host)!.doc;

describe('joulebench report golden files', () => {
  it('has the three fixture runs', () => {
    expect(files.map((f) => f.split('/').pop())).toEqual(['fixture-a-hardware.json', 'fixture-b-software.json', 'fixture-c-cpu-incomplete.json']);
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

  it('golden Markdown efficiency: H/s as measured, H/J and tok/J ≈ rate ÷ window power, J/TH = 10¹² ÷ H/J', () => {
    const md = gold('report.md');
    const hashRows = table(md, 'Hashing efficiency (best H/J first)');
    const inferRows = table(md, 'Inference efficiency (best tok/J first)');
    expect(hashRows).toHaveLength(2);
    expect(inferRows).toHaveLength(3);
    for (const host of ['fixture-a', 'fixture-b']) {
      const doc = byHost(host);
      const hash = doc.measurements.find((m) => m.kind === 'hash')!;
      const inf = doc.measurements.find((m) => m.kind === 'infer')!;
      const hw = (hash.energy as { avgPowerW?: number }).avgPowerW;
      const iw = (inf.energy as { avgPowerW?: number }).avgPowerW;
      if (!hw || !iw) throw new Error(`${host}: fixture energy must carry watts`);
      const h = hashRows.find((r) => r.Run!.includes(host))!;
      const hps = hash.metrics.hashesPerSecond!.value!;
      expect(num(h['H/s']!)! / hps, `${host} H/s`).toBeCloseTo(1, 3);
      expect(num(h.W!)).toBe(hw);
      // Per joule = per second ÷ watts (the window also holds untimed work: within 2 %).
      expect(Math.abs(num(h['H/J']!)! / (hps / hw) - 1), `${host} H/J`).toBeLessThan(0.02);
      // J/TH = 10^12 H/TH ÷ (H/J): compare at the printed precision (4 significant digits).
      expect(Math.abs(num(h['J/TH']!)! / (1e12 / num(h['H/J']!)!) - 1), `${host} J/TH`).toBeLessThan(1e-3);
      const i = inferRows.find((r) => r.Run!.includes(host))!;
      const tg = inf.metrics.decodeTokensPerSecond!.value!;
      expect(num(i['Decode tok/s']!)! / tg).toBeCloseTo(1, 3);
      expect(Math.abs(num(i['tok/J']!)! / (tg / iw) - 1), `${host} tok/J`).toBeLessThan(0.02);
      expect(Math.abs(num(i['J/token']!)! * num(i['tok/J']!)! - 1), `${host} J/token`).toBeLessThan(1e-3);
    }
    // fixture-b declared its watts: labelled so, never "measured".
    expect(hashRows.find((r) => r.Run!.includes('fixture-b'))!.Energy).toBe('declared, not measured');
    const c = inferRows.find((r) => r.Run!.includes('fixture-c'))!;
    expect([c.Rank, c['tok/J'], c.Energy]).toEqual(['—', 'n/m', 'not measured']);
    expect(hashRows.some((r) => r.Run!.includes('fixture-c'))).toBe(false);
  });

  it('golden Markdown earnings: margin = revenue − kWh × price, and a GPU MW uses 1 MW × 24 h = 24,000 kWh a day', () => {
    const rows = table(gold('report.md'), 'Earnings per MW of site power, after capex');
    expect(rows).toHaveLength(6);
    let checked = 0;
    for (const r of rows) {
      const revenue = num(r['Revenue/MW-day']!)!;
      const margin = num(r['Margin before capex']!)!;
      const be = r['Break-even $/kWh (energy / with capex)']!.split(' / ')[0]!;
      if (be.startsWith('<')) continue; // "<$0.001": too small to divide by at the printed precision
      const breakEven = num(be)!;
      const price = Number(/@ \$([\d.]+)\/kWh/.exec(r.Site!)![1]);
      const kWh = revenue / breakEven; // break-even price = revenue / energy
      if (/^GPU /.test(r.Use!)) expect(kWh / 24_000, `${r.Run} ${r.Use}`).toBeCloseTo(1, 2);
      expect(Math.abs(margin - (revenue - kWh * price)), `${r.Run} ${r.Use}`).toBeLessThan(0.01 * Math.max(Math.abs(revenue), kWh * price));
      checked++;
    }
    expect(checked).toBe(5);
  });

  it('golden CSV holds exactly the fixtures\' metric values', () => {
    const recs = parseCsv(gold('report.csv')).filter((r) => r.value !== '' && !r.metric!.startsWith('perMw.'));
    expect(recs.length).toBeGreaterThanOrEqual(9);
    for (const r of recs) {
      const doc = loaded.find((l) => l.path.endsWith(r.file!))!.doc;
      const m = doc.measurements.find((x) => x.id === r.measurement)!;
      expect(Number(r.value), `${r.file} ${r.measurement} ${r.metric}`).toBe(m.metrics[r.metric!]!.value);
      expect(r.unit).toBe(m.metrics[r.metric!]!.unit);
    }
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
    expect(readFileSync(join(out, 'r.md'), 'utf8')).toBe(gold('report.md'));
    expect(readFileSync(join(out, 'r.csv'), 'utf8')).toBe(gold('report.csv'));
    expect(readFileSync(join(out, 'r.html'), 'utf8')).toBe(gold('report.html'));
  });
});
