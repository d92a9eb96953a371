import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profitMeasurement } from '../../src/profit/measurement.js';
import type { PricedRow } from '../../src/profit/model.js';
import type { ProfitReport } from '../../src/profit/report.js';
import { buildRows } from '../../src/report/rows.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { readResult } from '../../src/results/files.js';
import { ROOT, runCliInProcess } from '../helpers.js';

// The report reads the profit engine's real output: `joulebench profit --json` (src/profit) wrapped
// by profitMeasurement() into the `profit.site` measurement that `run` stores.
describe('report reads the profit.site measurement of src/profit', () => {
  it('takes every per-MW row with its margin after capex, the verdict, and draws lines through the break-even prices after capex', async () => {
    const r = await runCliInProcess(
      ['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--hashrate', '1e9', '--watts', '300', '--tokens-per-second', '100', '--power-price', '0.06', '--as-of', '2026-01-01'],
      { cwd: ROOT },
    );
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ProfitReport;
    const base = readResult(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'));
    const doc = { ...base, measurements: [...base.measurements.filter((m) => m.kind !== 'profit'), profitMeasurement(rep)] };
    const [row] = buildRows([{ path: 'real-profit.json', doc }]);
    expect(row!.profit).not.toBeNull();
    expect(row!.profit!.powerPriceUsdPerKWh).toBe(0.06);
    expect(row!.profit!.decision!.headline).toBe(rep.headline);
    expect(row!.profit!.rows.map((u) => u.use)).toEqual(rep.rows.map((x) => x.id));
    for (const [i, u] of row!.profit!.rows.entries()) {
      const x = rep.rows[i] as PricedRow;
      expect(u.label).toBe(x.label);
      expect(u.revenueUsdPerDay).toBe(x.perMW.revenueUsdPerDay);
      expect(u.marginUsdPerDay).toBe(x.perMW.marginUsdPerDay);
      expect(u.capexUsd).toBe(x.perMW.capexUsd);
      // profit = revenue − energy × price (src/profit/model.ts), so the stored figures agree at $0.06/kWh.
      expect(u.revenueUsdPerDay! - u.energyKWhPerDay! * 0.06).toBeCloseTo(u.profitUsdPerDay!, 6);
    }
    // GPU inference revenue by hand: 1 MW of site power / (300 W × server overhead / (1 − network
    // and storage share) × AI-hall PUE) GPUs × 100 tok/s × 86,400 s × utilisation × USD per Mtok
    // (Boden: HGX overhead 10,200 / 5,600 = 1.8214, share 0.15, PUE 1.25 → 1,244.4 GPUs; factors read from the report's inputs).
    const util = rep.inputs.utilizationFraction!.value!;
    const usdPerMTok = rep.inputs.usdPerMTok!.value!;
    const overhead = rep.inputs.hostOverheadHgx!.value!;
    const share = rep.inputs.networkStorageShareOfCriticalIT!.value!;
    const pue = rep.inputs.aiPue!.value!;
    const tokens = row!.profit!.rows.find((u) => u.use === 'gpu-inference-tokens')!;
    expect(tokens.revenueUsdPerDay).toBeCloseTo(((1e6 / (((300 * overhead) / (1 - share)) * pue)) * 100 * 86_400 * util * usdPerMTok) / 1e6, 6);
    const md = renderMarkdown([row!]);
    expect(md).toMatch(/\| GPU mining \(SHA256d\) \| #1 \|/);
    expect(md).toContain(rep.headline.replace(/^Verdict \(per MW of site power\): /, ''));
    const html = renderHtml([row!]);
    const lines = [...html.matchAll(/<g class="line" data-label="([^"]*)"(?: data-key="[^"]*")? data-points="([^"]*)"/g)];
    expect(lines).toHaveLength(rep.rows.length);
    for (const m of lines) {
      const x = rep.rows.find((y) => m[1]!.startsWith(y.label)) as PricedRow;
      const [[x0, y0], [x1, y1]] = m[2]!.split(' ').map((p) => p.split(':').map(Number)) as [[number, number], [number, number]];
      if (x.kind === 'hosting-lease') {
        // The tenant pays the power: the lease margin does not depend on the power price.
        expect(y1).toBeCloseTo(y0, 9);
        continue;
      }
      expect(x0 - (y0 * (x1 - x0)) / (y1 - y0), x.id).toBeCloseTo(x.perMW.breakEvenAllInUsdPerKWh!, 9);
    }
  });
});
