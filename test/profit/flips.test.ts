/**
 * What flips the verdict (issue 22 item 5) against a hand-computed case, and on the shipped Boden
 * site in the text output. A 1 MW hall at PUE 1 with two uses, cost of capital 0 (straight-line):
 *
 *   GPU rental: 1,000 W per GPU → 1,000 GPUs/MW; $p/GPU-h at 100 % utilization; power $0.05/kWh
 *     (24 kWh = $1.20 per GPU-day); $10,000 per GPU over 5 years = $5.479452/day:
 *     margin(p) = 1,000 × (24p − 1.20 − 5.479452) = 24,000p − 6,679.452 per MW-day.
 *   Lease: 1,000 kW × $50/kW-month × 12 / 365 = $1,643.836/MW-day, tenant pays the power, no capex.
 *
 * At p = $0.50 rental earns $5,320.55 and is best. It stops being best where
 * 24,000p − 6,679.452 = 1,643.836 → p* = $0.346804 (−30.64 %); it breaks even at 6,679.452 / 24,000
 * = $0.278311/GPU-h, and at a power price of (12 − 5.479452) / 24 = $0.271690/kWh.
 */
import { describe, expect, it } from 'vitest';
import { siteComparison, verdictSensitivity, type ComparisonInput } from '../../src/profit/index.js';
import { ROOT, runCliInProcess } from '../helpers.js';

const c: ComparisonInput = {
  hash: null,
  infer: null,
  rental: { gpu: 'X1', powerW: 1000, capex: { deviceUsd: 10_000, serverUsd: 0, depreciationYears: 5 } },
  lease: { usdPerKwMonth: 50, loadFraction: 1, powerPaidBy: 'tenant' },
  site: {
    powerPriceUsdPerKWh: 0.05,
    miningPue: 1,
    aiPue: 1,
    powerCapacityMW: 1,
    uptimeFraction: 1,
    utilizationFraction: 1,
    fixedOpexUsdPerMWYear: 0,
    gpu: { capexUsd: 10_000, depreciationYears: 5, serverOverheadFactor: 1 },
    asics: [],
    discountRate: 0,
  },
  market: { btcPriceUsd: 90_000, difficulty: 150e12, subsidyBtc: 3.125, feesPerBlockBtc: 0, poolFeeFraction: 0, usdPerMTok: 0.18, usdPerGpuHour: 0.5 },
};
const rules = { currentUseId: null, capexBudgetUsd: null, capacityMW: 1 };
// No site fixed opex: leaving the power unused is worth $0/MW-day, below both uses here.

describe('what flips the verdict', () => {
  it('flip point, break-evens and tornado of the hand-computed hall', () => {
    const s = verdictSensitivity(c, rules);
    expect(s.bestUseId).toBe('gpu-rental');
    const flip = s.flips.find((f) => f.input === 'usdPerGpuHour')!;
    expect(flip.value).toBeCloseTo(0.346804, 5);
    expect(flip.change).toBeCloseTo(-0.306392, 5);
    expect(flip.toUseId).toBe('hosting-lease');
    const be = s.breakEvens.find((b) => b.useId === 'gpu-rental')!;
    expect(be.usdPerGpuHour).toBeCloseTo(0.278311, 5);
    expect(be.powerPriceUsdPerKWh).toBeCloseTo(0.27169, 5);
    // The lease's tenant pays the power: it has no power-price break-even.
    expect(s.breakEvens.find((b) => b.useId === 'hosting-lease')!.powerPriceUsdPerKWh).toBeNull();
    // Tornado: the GPU-hour price moves rental most (±20 %: 24,000 × 0.1 × 2 = $4,800 of swing);
    // utilization next ($0.80 → 100 %, capped: 24,000 × 0.5 × 0.2 = $2,400).
    expect(s.tornado[0]!.input).toBe('usdPerGpuHour');
    expect(s.tornado[0]!.marginAtLowUsdPerMWDay).toBeCloseTo(24_000 * 0.4 - 6679.452, 2);
    expect(s.tornado[0]!.marginAtHighUsdPerMWDay).toBeCloseTo(24_000 * 0.6 - 6679.452, 2);
    expect(s.tornado[0]!.swingUsdPerMWDay).toBeCloseTo(4800, 6);
    const util = s.tornado.find((b) => b.input === 'utilizationFraction')!;
    expect([util.low, util.high]).toEqual([0.8, 1]);
    expect(util.swingUsdPerMWDay).toBeCloseTo(2400, 6);
    for (let i = 1; i < s.tornado.length; i++) expect(s.tornado[i - 1]!.swingUsdPerMWDay).toBeGreaterThanOrEqual(s.tornado[i]!.swingUsdPerMWDay);
  });

  it('every flip point is where the best use really changes (re-priced just before and after)', () => {
    const s = verdictSensitivity(c, rules);
    expect(s.flips.length).toBeGreaterThan(0);
    const best = (cc: ComparisonInput) =>
      siteComparison(cc)
        .rows.filter((r) => r.priced)
        .sort((a, b) => (b.priced ? b.perMW.marginAfterCapitalChargeUsdPerDay! : 0) - (a.priced ? a.perMW.marginAfterCapitalChargeUsdPerDay! : 0))[0]!.id;
    for (const f of s.flips) {
      const set = (v: number): ComparisonInput => {
        switch (f.input) {
          case 'usdPerGpuHour':
            return { ...c, market: { ...c.market, usdPerGpuHour: v } };
          case 'powerPriceUsdPerKWh':
            return { ...c, site: { ...c.site, powerPriceUsdPerKWh: v } };
          case 'utilizationFraction':
            return { ...c, site: { ...c.site, utilizationFraction: v } };
          case 'leaseUsdPerKwMonth':
            return { ...c, lease: { ...c.lease!, usdPerKwMonth: v } };
          default:
            return c;
        }
      };
      if (set(f.base) === c) continue;
      const before = f.value - Math.sign(f.change) * Math.abs(f.value) * 1e-4;
      const after = f.value + Math.sign(f.change) * Math.abs(f.value) * 1e-4;
      expect(best(set(before)), `${f.input} before`).toBe('gpu-rental');
      expect(best(set(after)), `${f.input} after`).toBe(f.toUseId);
    }
  });

  it('the Boden text output: the verdict with its discount rate, the tornado\'s top inputs and the flip points', async () => {
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^Verdict \(per MW of site power\): at each use's hurdle rate \(Hosting lease 10 %, Antminer S21 18 %, GPU rental · H100 SXM 15 %\), /m);
    expect(out).toMatch(/^Cost of capital: each use at its hurdle rate \(by use kind; default 10 % a year, site file\)/m);
    const t = out.indexOf('What flips the verdict (Hosting lease ($/kW-month); its margin');
    expect(t).toBeGreaterThan(0);
    // The tornado's rows are the JSON's top inputs, biggest swing first.
    const j = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    const top = (JSON.parse(j.stdout) as { sensitivityOfVerdict: { tornado: { label: string }[] } }).sensitivityOfVerdict.tornado.slice(0, 5).map((b) => b.label);
    expect(top.length).toBeGreaterThanOrEqual(3);
    const lines = out.slice(t).split('\n').slice(3, 3 + top.length);
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual(top);
    expect(out).toMatch(/^Flip points \(the value at which another option becomes best, nearest first\):\n {2}.+ → .+ \([+−][\d.]+ %\): .+ becomes best$/m);
    expect(out).toMatch(/^GPU rental: margin per MW-day after capital charge, \$\/GPU-hour × utilization:/m);
    expect(out).toMatch(/^Break-even \(the margin that ranks the use = 0: after capital charge; the current use after the opportunity cost of keeping it\):/m);
  });

  it('the GPU card and its server share are two inputs: a dearer card does not make the server dearer', () => {
    // The hall above with a $5,000 server share per GPU: margin = 1,000 × (24 × 0.5 − 1.20 − (card + server) / (5 × 365)).
    //   today: (10,000 + 5,000) / 1,825 = 8.219178 → $2,580.82; card × 1.2: (12,000 + 5,000) / 1,825 = 9.315068 → $1,484.93
    //   (below the lease's $1,643.84: the lease becomes best); server × 1.2: (10,000 + 6,000) / 1,825 = 8.767123 → $2,032.88.
    //   (One "GPU capex" input scaling both would give (12,000 + 6,000) / 1,825 = 9.863014 → $936.99.)
    const cs: ComparisonInput = { ...c, rental: { ...c.rental!, capex: { deviceUsd: 10_000, serverUsd: 5_000, depreciationYears: 5 } }, site: { ...c.site, gpu: { ...c.site.gpu, serverCapexUsd: 5_000 } } };
    const s = verdictSensitivity(cs, rules);
    const card = s.tornado.find((b) => b.input === 'gpuCapexUsd')!;
    const server = s.tornado.find((b) => b.input === 'gpuServerCapexUsd')!;
    expect(card.label).toBe('GPU card capex');
    expect(server.label).toBe('GPU server share capex');
    expect(card.marginAtHighUsdPerMWDay).toBeCloseTo(1484.93, 2);
    expect(card.bestAtHigh).toBe('hosting-lease');
    expect(server.marginAtHighUsdPerMWDay).toBeCloseTo(2032.88, 2);
    expect(server.bestAtHigh).toBe('gpu-rental');
  });
});
