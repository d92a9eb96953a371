import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows, type LoadedResult } from '../../src/report/rows.js';
import { renderHtml } from '../../src/report/html.js';
import { readResult } from '../../src/results/files.js';
import { repriceResults } from '../../src/cli/report-reprice.js';
import { ROOT } from '../helpers.js';
import { H100_LLAMA8B, RTX3060_LLAMA1B, profitDoc } from '../fixtures/results/profit-docs.js';

// Opens the report page in headless Debian chromium (playwright-core, no browser download) at
// 1,400 × 900 with every non-file request aborted, and checks the published layout: headline card
// first, tables sorted by efficiency that fit the window (no horizontal overflow), scatter labels
// that do not overlap (six H100 runs in one spot on purpose), declared vs metered markers, the ASIC
// reference line, one ASIC row for all runs, and the margin-vs-power-price lines. The page and its
// screenshot are kept in test-artifacts/ (gitignored).
const FIX = join(ROOT, 'test/fixtures/results');
const ART = join(ROOT, 'test-artifacts');
const fixtures: LoadedResult[] = readdirSync(FIX)
  .filter((f) => /^fixture-.*\.json$/.test(f))
  .sort()
  .map((f) => ({ path: join(FIX, f), doc: readResult(join(FIX, f)) }));
// Six H100 runs a few per cent apart: their points nearly coincide, their labels must not.
const crowd: LoadedResult[] = [0, 1, 2, 3, 4, 5].map((i) => ({
  path: `h100-${i}.json`,
  doc: profitDoc({
    ...H100_LLAMA8B,
    host: `node-${i}`,
    startedAt: `2026-11-20T0${i}:00:00.000Z`,
    hashesPerSecond: 2.5e10 * (1 + 0.01 * i),
    decodeTokensPerSecond: 5000 * (1 + 0.012 * i),
    model: { ...H100_LLAMA8B.model!, preset: 'llama-3.1-8b' },
  }),
}));
const rtx: LoadedResult = { path: 'rtx3060.json', doc: profitDoc({ ...RTX3060_LLAMA1B, energy: { declared: 170 } }) };
const loaded = repriceResults([...fixtures, ...crowd, rtx], {
  site: join(ROOT, 'sites/boden-sweden.yaml'),
  asOf: '2026-11-22',
  btcPrice: 90_000,
  difficulty: 150e12,
  height: 990_000,
  feesPerBlock: 0.02,
});
const rows = buildRows(loaded);

let ctx: BrowserContext;
let page: Page;
let userDataDir: string;
const external: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ART, { recursive: true });
  const htmlPath = join(ART, 'report-fixtures.html');
  writeFileSync(htmlPath, renderHtml(rows));
  userDataDir = mkdtempSync(join(tmpdir(), 'jb-chromium-'));
  ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
  });
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(pathToFileURL(htmlPath).href, { timeout: 30_000 });
  await page.screenshot({ path: join(ART, 'report-page.png'), fullPage: true, timeout: 30_000 });
  await (await page.$('#chart-efficiency'))!.screenshot({ path: join(ART, 'report-scatter.png'), timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function scaleOf(svgId: string, axis: 'x' | 'y'): Promise<(v: number) => number> {
  const attrs = await page.$eval(
    `#${svgId}`,
    (el, a) => ({ kind: el.getAttribute(`data-${a}-kind`)!, domain: el.getAttribute(`data-${a}-domain`)!, range: el.getAttribute(`data-${a}-range`)! }),
    axis,
  );
  const [d0, d1] = attrs.domain.split(',').map(Number) as [number, number];
  const [r0, r1] = attrs.range.split(',').map(Number) as [number, number];
  if (attrs.kind === 'log') return (v) => r0 + ((Math.log10(v) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0))) * (r1 - r0);
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

describe('report HTML page in headless chromium at 1,400 px', () => {
  it('loads offline: no external request, no console error, screenshots kept', () => {
    expect(external).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(statSync(join(ART, 'report-page.png')).size).toBeGreaterThan(20_000);
    expect(statSync(join(ART, 'report-scatter.png')).size).toBeGreaterThan(5_000);
  });

  it('has no horizontal overflow: the page and every card fit the window', async () => {
    const m = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      cards: Array.from(document.querySelectorAll('.card, .tile')).map((c) => ({ id: c.querySelector('[id]')?.id ?? c.id, scroll: c.scrollWidth, client: c.clientWidth })),
    }));
    expect(m.window).toBe(1400);
    expect(m.page).toBeLessThanOrEqual(m.window);
    for (const c of m.cards) expect(c.scroll, c.id).toBeLessThanOrEqual(c.client + 1);
  });

  it('puts the headline card first: best H/J, best tok/J, J/TH next to the ASIC, and the per-MW verdict', async () => {
    const first = await page.$eval('main', (el) => Array.from(el.children).map((c) => c.tagName.toLowerCase() + (c.id ? `#${c.id}` : '')).slice(0, 3));
    expect(first).toEqual(['h1', 'p', 'section#headline']);
    const text = (sel: string) => page.innerText(sel);
    // Best H/J: the H100 run with the highest hash rate at the same 600 W (node-5: 2.5e10 × 1.05 / 600).
    expect(await text('#best-hpj')).toMatch(/43\.75 MH\/J[\s\S]*#\d+ H100 80GB HBM3/);
    expect(await text('#jpth')).toMatch(/22\.86 kJ\/TH[\s\S]*1,306× the Antminer S21's 17\.5 J\/TH/);
    expect(await text('#best-tpj')).toMatch(/8\.833 tokens\/J[\s\S]*llama-3\.1-8b · batch-1 decode, not a served figure/);
    const verdict = await text('#verdict');
    expect(verdict).toContain(rows.find((r) => r.profit?.decision)!.profit!.decision!.headline.replace(/^Verdict \(per MW of site power\): /, ''));
  });

  it('sorts the hashing table by H/J with ranks, watts and J/TH; short device names with footnotes', async () => {
    const t = await page.$$eval('#hashing tbody tr', (trs) =>
      trs.map((tr) => ({
        rank: tr.querySelector('td[data-col="rank"]')!.textContent,
        device: (tr.querySelector('td[data-col="device"]') as HTMLElement).innerText,
        hpj: tr.querySelector('td[data-metric="hashesPerJoule"]')!.getAttribute('data-value'),
        w: tr.querySelector('td[data-metric="powerW"]')!.getAttribute('data-value'),
        jth: tr.querySelector('td[data-metric="jPerTH"]')!.getAttribute('data-value'),
        energy: (tr.querySelector('td[data-col="energy"]') as HTMLElement).innerText,
      })),
    );
    const ranked = t.filter((r) => r.rank !== '—');
    expect(ranked.map((r) => r.rank)).toEqual(ranked.map((_, i) => String(i + 1)));
    const hpj = ranked.map((r) => Number(r.hpj));
    expect([...hpj].sort((a, b) => b - a)).toEqual(hpj);
    for (const r of ranked) expect(Number(r.jth)).toBeCloseTo(1e12 / Number(r.hpj), 6);
    expect(ranked[0]!.w).toBe('600');
    expect(t.find((r) => r.device.startsWith('RTX 3060'))!.energy).toBe('declared, not measured');
    expect(await page.$$eval('#devices li', (li) => li.map((l) => l.textContent))).toContain('NVIDIA GeForce RTX 3060, driver fixture 560.35, vulkan');
  });

  it('scatter: labels overlap neither each other nor the ASIC label, and stay inside the chart', async () => {
    const boxes = await page.$$eval('#chart-efficiency', ([svg]) => {
      const sr = svg!.getBoundingClientRect();
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x0: r.left - sr.left, y0: r.top - sr.top, x1: r.right - sr.left, y1: r.bottom - sr.top };
      };
      return {
        svg: { w: sr.width, h: sr.height },
        labels: Array.from(svg!.querySelectorAll('g.point > text, g.ref > text')).map((t) => ({ text: t.textContent!, ...rect(t) })),
        marks: Array.from(svg!.querySelectorAll('g.point .mark')).map(rect),
      };
    });
    expect(boxes.labels.length).toBe(10); // 9 plotted runs (3 fixtures: 2 with both figures) + the ASIC line's label
    const hit = (a: { x0: number; y0: number; x1: number; y1: number }, b: typeof a) => a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5;
    for (const [i, a] of boxes.labels.entries()) {
      expect(a.x0, a.text).toBeGreaterThanOrEqual(0);
      expect(a.x1, a.text).toBeLessThanOrEqual(boxes.svg.w);
      for (const b of boxes.labels.slice(i + 1)) expect(hit(a, b), `"${a.text}" overlaps "${b.text}"`).toBe(false);
      for (const m of boxes.marks) expect(hit(a, m), `"${a.text}" covers a point`).toBe(false);
    }
  });

  it('scatter: declared watts are hollow diamonds, metered filled circles; the ASIC line sits at its H/J', async () => {
    const pts = await page.$$eval('#chart-efficiency g.point', (gs) => gs.map((g) => ({ label: g.getAttribute('data-label')!, shape: g.getAttribute('data-shape'), tag: g.querySelector('.mark')!.tagName })));
    expect(pts.find((p) => p.label.includes('RTX 3060'))).toMatchObject({ shape: 'diamond', tag: 'path' });
    expect(pts.find((p) => p.label.includes('(sw)'))).toMatchObject({ shape: 'diamond' });
    expect(pts.filter((p) => p.label.includes('H100'))).toHaveLength(6);
    for (const p of pts.filter((x) => x.label.includes('H100'))) expect(p).toMatchObject({ shape: 'circle', tag: 'circle' });
    const sy = await scaleOf('chart-efficiency', 'y');
    const ref = await page.$eval('#chart-efficiency g.ref', (g) => ({ y: Number(g.getAttribute('data-y')), line: Number(g.querySelector('line')!.getAttribute('y1')) }));
    expect(ref.y).toBeCloseTo(1e12 / 17.5, 0);
    expect(ref.line).toBeCloseTo(sy(ref.y), 1);
  });

  it('per MW: one ASIC row for every run, unpriced measured rows say why, break-evens at sensible precision', async () => {
    const t = await page.$$eval('#per-mw tbody tr', (trs) =>
      trs.map((tr) => ({ use: tr.getAttribute('data-use')!, runs: tr.getAttribute('data-runs')!, priced: tr.getAttribute('data-priced'), text: (tr as HTMLElement).innerText })),
    );
    const asic = t.filter((r) => r.use === 'asic:antminer-s21');
    expect(asic).toHaveLength(1);
    expect(asic[0]!.runs.split(',')).toHaveLength(rows.length);
    expect(t.filter((r) => r.use === 'hosting-lease')).toHaveLength(1);
    const rtxInfer = t.find((r) => r.use === 'gpu-inference-tokens' && r.text.includes('RTX 3060'))!;
    expect(rtxInfer.priced).toBe('false');
    // Boden prices Llama-3.2-1B tokens (its ladder): what keeps the 3060 unpriced is the H100 capex.
    expect(rtxInfer.text).toMatch(/not priced: measured on NVIDIA GeForce RTX 3060; the site's GPU capex is for NVIDIA H100 SXM/);
    const be = await page.$$eval('#per-mw td[data-metric="breakEven"]', (tds) => tds.map((td) => td.textContent!));
    for (const b of be) expect(b).toMatch(/^(any \/ any|(\$\d+(\.\d{1,4})?|<\$0\.001|never) \/ (\$\d+(\.\d{1,4})?|<\$0\.001|never|—))$/);
  });

  it('margin vs power price: the axis spans $0–0.20 for a $0.093 site, and each line crosses zero at its break-even after capex', async () => {
    expect(await page.getAttribute('#chart-price', 'data-x-domain')).toBe('0,0.2');
    const lines = await page.$$eval('#chart-price g.line', (gs) => gs.map((g) => ({ key: g.getAttribute('data-key')!, points: g.getAttribute('data-points')! })));
    const allIn = new Map(
      await page.$$eval('#per-mw tbody tr[data-priced="true"]', (trs) => trs.map((tr) => [tr.getAttribute('data-key')!, tr.querySelector('td[data-metric="breakEven"]')!.getAttribute('data-all-in')!] as const)),
    );
    expect(lines.length).toBeGreaterThanOrEqual(4);
    let checked = 0;
    for (const l of lines) {
      const [[x0, y0], [x1, y1]] = l.points.split(' ').map((p) => p.split(':').map(Number)) as [[number, number], [number, number]];
      if (y0 === y1) continue; // the tenant pays the lease's power
      const zero = x0 - (y0 * (x1 - x0)) / (y1 - y0);
      expect(zero, l.key).toBeCloseTo(Number(allIn.get(l.key)), 9);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});
