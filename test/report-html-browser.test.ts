import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows } from '../src/report/rows.js';
import { renderHtml } from '../src/report/html.js';
import { readResult } from '../src/report/results.js';
import type { ResultDoc } from '../src/report/schema.js';
import { ROOT } from './helpers.js';

// Opens the report page for the fixture results in headless Debian chromium (playwright-core, no
// browser download), with every non-file request aborted, and checks that the tables and the SVG
// charts show the fixtures' numbers. The screenshot is kept in test-artifacts/ (gitignored).
const FIX = join(ROOT, 'test/fixtures/results');
const ART = join(ROOT, 'test-artifacts');
const docs: Record<string, ResultDoc> = {};
const loaded = readdirSync(FIX)
  .filter((f) => /^fixture-.*\.json$/.test(f))
  .sort()
  .map((f) => {
    const doc = readResult(join(FIX, f));
    docs[f] = doc;
    return { path: join(FIX, f), doc };
  });
const metric = (file: string, id: string, name: string) => docs[file]!.measurements.find((m) => m.id === id)!.metrics[name]!.value!;

let ctx: BrowserContext;
let page: Page;
let userDataDir: string;
const external: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ART, { recursive: true });
  const htmlPath = join(ART, 'report-fixtures.html');
  writeFileSync(htmlPath, renderHtml(buildRows(loaded)));
  userDataDir = mkdtempSync(join(tmpdir(), 'jb-chromium-'));
  ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
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
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Centre of an element in the SVG's own user units (viewBox), from its rendered client rect. */
async function centreInSvgUnits(selector: string): Promise<Array<{ x: number; y: number; w: number; h: number; data: Record<string, string> }>> {
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const svg = el.closest('svg')!;
      const sr = svg.getBoundingClientRect();
      const vb = svg.viewBox.baseVal;
      const k = vb.width / sr.width;
      const shape = el.querySelector('circle, rect, path') ?? el;
      const r = shape.getBoundingClientRect();
      const data: Record<string, string> = {};
      for (const a of Array.from(el.attributes)) if (a.name.startsWith('data-')) data[a.name.slice(5)] = a.value;
      return { x: (r.left + r.width / 2 - sr.left) * k, y: (r.top + r.height / 2 - sr.top) * k, w: r.width * k, h: r.height * k, data };
    }),
  );
}

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

describe('report HTML page in headless chromium', () => {
  it('loads offline: no external request, no console error, screenshot kept', () => {
    expect(external).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(statSync(join(ART, 'report-page.png')).size).toBeGreaterThan(20_000);
  });

  it('efficiency table shows each run with its figures, software and incomplete runs labelled', async () => {
    const rows = await page.$$eval('#efficiency tbody tr', (trs) =>
      trs.map((tr) => ({
        text: (tr as HTMLElement).innerText,
        cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-metric]')).map((td) => [td.getAttribute('data-metric'), { text: (td as HTMLElement).innerText, value: td.getAttribute('data-value') }])),
      })),
    );
    expect(rows).toHaveLength(3);
    // Independent arithmetic on the fixtures: 1.5e9 H/s at 300 W → 5e6 H/J; 2.2e6 H/s at 65 W → 33 846 H/J.
    expect(rows[0]!.cells.hashesPerJoule).toEqual({ text: '5 MH/J', value: String(1.5e9 / 300) });
    expect(rows[1]!.cells.hashesPerJoule!.text).toBe('33.85 kH/J (declared)'); // declared watts, labelled (issue 11)
    expect(Number(rows[1]!.cells.hashesPerJoule!.value)).toBeCloseTo(2.2e6 / 65, 6);
    expect(rows[1]!.cells.tokensPerJoule!.text).toBe('0.1462 tokens/J (declared)');
    expect(Number(rows[0]!.cells.hashesPerSecond!.value)).toBe(metric('fixture-a-hardware.json', 'hash.sha256d', 'hashesPerSecond'));
    expect(rows[0]!.cells.hashesPerSecond!.text).toMatch(/^1\.50\d GH\/s ±0\.\d%$/);
    expect(rows[1]!.text).toMatch(/software/);
    expect(rows[2]!.text).toMatch(/incomplete/);
    expect(rows[2]!.cells.tokensPerJoule).toEqual({ text: 'n/m', value: null });
    expect(await page.isVisible('#software-banner')).toBe(true);
  });

  it('H/J vs tok/J chart plots each measured row where its numbers say', async () => {
    const pts = await centreInSvgUnits('#chart-efficiency g.point');
    expect(pts.map((p) => p.data.label)).toEqual(['#1 Fixture GPU A · tiny-fixture', '#2 llvmpipe (sw) · tiny-fixture (declared W)']);
    expect(Number(pts[0]!.data.x)).toBe(0.4);
    expect(Number(pts[0]!.data.y)).toBe(1.5e9 / 300);
    const sx = await scaleOf('chart-efficiency', 'x');
    const sy = await scaleOf('chart-efficiency', 'y');
    for (const p of pts) {
      expect(Math.abs(p.x - sx(Number(p.data.x)))).toBeLessThan(1);
      expect(Math.abs(p.y - sy(Number(p.data.y)))).toBeLessThan(1);
    }
    // 5e6 vs 3.4e4 H/J spans > 20×: the y axis is logarithmic, so the ratio shows as decades.
    expect(await page.getAttribute('#chart-efficiency', 'data-y-kind')).toBe('log');
    expect(await page.innerText('figure:has(#chart-efficiency) figcaption')).toMatch(/Not plotted: #3 .*H\/J not measured/);
  });

  it('earnings chart draws one bar per use with length proportional to profit per MW-day', async () => {
    const bars = await centreInSvgUnits('#chart-earnings g.bar');
    // Fixture A at $0.05/kWh: mining 250 − 24000·0.05 = −950; inference 9000 − 1200 = 7800; ASIC 3100 − 22800·0.05 = 1960.
    // Fixture B at $0.07/kWh: 3.1 − 1680 = −1676.9; 1400 − 1680 = −280; 3100 − 1596 = 1504.
    const expected = [-950, 7800, 1960, -1676.9, -280, 1504];
    expect(bars.map((b) => Number(b.data.value))).toEqual(expected.map((v) => expect.closeTo(v, 6)));
    const pxPerUsd = bars[1]!.w / 7800;
    const sx = await scaleOf('chart-earnings', 'x');
    for (const b of bars) {
      const v = Number(b.data.value);
      expect(b.w / Math.abs(v)).toBeCloseTo(pxPerUsd, 3);
      // Negative profits extend left of zero, positive right.
      if (v < 0) expect(b.x).toBeLessThan(sx(0));
      else expect(b.x).toBeGreaterThan(sx(0));
    }
    const labels = await page.$$eval('#chart-earnings g.bar text', (ts) => ts.map((t) => t.textContent));
    expect(labels).toEqual(['-$950', '$7,800', '$1,960', '-$1,677', '-$280', '$1,504']);
  });

  it('per-MW table and profit-vs-price lines cross zero at the break-even prices', async () => {
    const cells = await page.$$eval('#per-mw td[data-metric="breakEvenUsdPerKWh"]', (tds) => tds.map((td) => (td as HTMLElement).innerText));
    expect(cells).toEqual(['$0.0104', '$0.375', '$0.136', '$0.000129', '$0.0583', '$0.136']);
    const lines = await centreInSvgUnits('#chart-price g.line');
    expect(lines).toHaveLength(6);
    // Break-even = revenue / site energy per MW-day (fixtures): 250/24000, 9000/24000, 3100/22800, 3.1/24000, 1400/24000, 3100/22800.
    const be = [250 / 24000, 9000 / 24000, 3100 / 22800, 3.1 / 24000, 1400 / 24000, 3100 / 22800];
    const sx = await scaleOf('chart-price', 'x');
    const sy = await scaleOf('chart-price', 'y');
    for (const [i, l] of lines.entries()) {
      const [[x0, y0], [x1, y1]] = l.data.points!.split(' ').map((p) => p.split(':').map(Number)) as [[number, number], [number, number]];
      const zero = x0 - (y0 * (x1 - x0)) / (y1 - y0);
      expect(zero).toBeCloseTo(be[i]!, 9);
      // The drawn path spans from price 0 to the chart's right end, between its end values.
      expect(l.w).toBeCloseTo(sx(x1) - sx(x0), 0);
      expect(l.h).toBeCloseTo(Math.abs(sy(y1) - sy(y0)), 0);
    }
    const markers = await page.$$eval('#chart-price g.marker', (gs) => gs.map((g) => Number(g.getAttribute('data-x'))));
    expect(markers).toEqual([0.05, 0.07]);
  });
});
