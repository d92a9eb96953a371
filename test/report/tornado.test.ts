/**
 * The HTML report shows what flips the verdict (issue 22 item 5): for a profit block that holds
 * one (`joulebench profit`/`run` since report 2.1), a tornado chart of the best use's margin after
 * capital charge and the flip points, drawn from the stored figures — every bar's ends are the
 * report's margins at the input's low and high value. Older profit blocks have none: no section.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profitMeasurement } from '../../src/profit/measurement.js';
import type { ProfitReport } from '../../src/profit/report.js';
import { buildRows } from '../../src/report/rows.js';
import { renderHtml } from '../../src/report/html.js';
import { readResult } from '../../src/results/files.js';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('HTML report: what flips the verdict', () => {
  it('draws the tornado from the stored figures and lists the flip points', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ProfitReport;
    const s = rep.sensitivityOfVerdict!;
    expect(s.tornado.length).toBeGreaterThan(3);
    const base = readResult(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'));
    const doc = { ...base, measurements: [...base.measurements.filter((m) => m.kind !== 'profit'), profitMeasurement(rep)] };
    const html = renderHtml(buildRows([{ path: 'boden.json', doc }]));
    expect(html).toContain('<h2 id="flips">What flips the verdict</h2>');
    expect(html).toMatch(/best use Hosting lease \(\$\/kW-month\) at a 10 % cost of capital/);
    const svg = /<svg id="chart-tornado-0"[^]*?<\/svg>/.exec(html)![0];
    const bars = [...svg.matchAll(/<g class="tornado-bar" data-label="([^"]*)" data-low="([^"]*)" data-high="([^"]*)">/g)];
    expect(bars.map((b) => b[1])).toEqual(s.tornado.slice(0, 8).map((b) => b.label));
    for (const [i, b] of bars.entries()) {
      expect(Number(b[2])).toBe(s.tornado[i]!.marginAtLowUsdPerMWDay);
      expect(Number(b[3])).toBe(s.tornado[i]!.marginAtHighUsdPerMWDay);
    }
    const items = [...html.matchAll(/<li data-input="([^"]*)" data-value="([^"]*)">([^<]*)<\/li>/g)];
    expect(items.map((x) => Number(x[2]))).toEqual(s.flips.map((f) => f.value));
    expect(items[0]![3]).toMatch(/ → .+ \([+−][\d.]+ %\): .+ becomes best$/);
  });

  it('a profit block from before report 2.1 (no sensitivity): no section', () => {
    const doc = readResult(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'));
    expect(renderHtml(buildRows([{ path: 'old.json', doc }]))).not.toContain('id="flips"');
  });
});
