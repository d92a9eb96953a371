/**
 * Switching as a project and the best split of a site under a capex budget (issue 22 items 1 and
 * 6), against hand-computed cases, and --capex-budget-usd in the verdict.
 */
import { describe, expect, it } from 'vitest';
import { bestSplit, projectOf, switchProject, type PricedRow } from '../src/profit/index.js';
import { ROOT, runCliInProcess } from './helpers.js';

/** A priced row with just what the project and split read (per MW). */
function use(o: { id: string; kind: PricedRow['kind']; hall: 'mining' | 'ai'; capexUsd: number; cashUsdPerDay: number; marginAfterCC?: number; lifeYears: number }): PricedRow {
  const row = {
    id: o.id,
    kind: o.kind,
    hall: o.hall,
    label: o.id,
    perMW: {
      capexUsd: o.capexUsd,
      cashUsdPerDay: o.cashUsdPerDay,
      marginAfterCapitalChargeUsdPerDay: o.marginAfterCC ?? 0,
      capexParts: { deviceUsd: o.capexUsd, serverUsd: 0, retrofitUsd: 0 },
      capexLives: { deviceYears: o.lifeYears, retrofitYears: 1 },
      resaleUsd: 0,
    },
  } as unknown as PricedRow;
  return row;
}

describe('the switch as a project', () => {
  it('ASIC → an AI use: 6 months of construction, half the fleet value back, payback 39.54 months, NPV gain $724,250 at 0 %', () => {
    // Best use: $1,000,000/MW, $1,000/MW-day, 5-year life, 6 months of construction (AI hall).
    // Current: an ASIC fleet of $200,000/MW earning $100/MW-day, sold at the switch for 50 % = $100,000.
    // Months are 365/12 days: best $30,416.67/month, current $3,041.67/month.
    const best = use({ id: 'ai', kind: 'gpu-rental', hall: 'ai', capexUsd: 1_000_000, cashUsdPerDay: 1000, lifeYears: 5 });
    best.project = projectOf(best, { discountRate: 0, constructionMonths: 6 });
    const cur = use({ id: 'asic', kind: 'asic-mining', hall: 'mining', capexUsd: 200_000, cashUsdPerDay: 100, lifeYears: 3 });
    const s = switchProject(best, cur, { discountRate: 0, asicResaleFraction: 0.5, monthly: () => null })!;
    expect(s.asicResaleUsdPerMW).toBe(100_000);
    expect(s.constructionMonths).toBe(6);
    // Net capex 900,000; during construction the gain is −3,041.67 a month (the ASIC cash stops):
    // after 6 months −918,250; then +27,375 a month → 6 + 918,250 / 27,375 = 39.5434 months.
    expect(s.paybackMonths).toBeCloseTo(39.5434, 3);
    // NPV at 0 %: −1,000,000 + 60 × 30,416.67 (= 1,825,000) + 100,000 resale − 66 × 3,041.67 (= 200,750) staying = 724,250.
    expect(s.npvGainUsdPerMW).toBeCloseTo(724_250, 4);
  });
});

describe('the best split under a capex budget', () => {
  // 10 MW, $100 M. Current ASIC: $1,000/MW-day (capex sunk, no resale); rental +$5,000/MW-day at
  // $40 M/MW; lease +$2,000/MW-day at $6 M/MW. Maximise 1,000a + 5,000b + 2,000c with
  // a + b + c ≤ 10 and 40b + 6c ≤ 100 ($ M). Vertices: lease alone 10 MW = 20,000; rental alone
  // 2.5 MW = 12,500; rental 2.5 + ASIC 7.5 = 20,000; rental + lease with both tight:
  // b + c = 10, 40b + 6c = 100 → b = 40/34 = 1.176471, c = 8.823529 → 5,882.35 + 17,647.06 = 23,529.41 (best).
  const rows = [
    use({ id: 'asic', kind: 'asic-mining', hall: 'mining', capexUsd: 1e6, cashUsdPerDay: 1000, marginAfterCC: 500, lifeYears: 3 }),
    use({ id: 'rental', kind: 'gpu-rental', hall: 'ai', capexUsd: 40e6, cashUsdPerDay: 20_000, marginAfterCC: 5000, lifeYears: 5 }),
    use({ id: 'lease', kind: 'hosting-lease', hall: 'ai', capexUsd: 6e6, cashUsdPerDay: 3000, marginAfterCC: 2000, lifeYears: 12 }),
  ];
  it('splits 1.18 MW of rental and 8.82 MW of lease: $23,529.41/day', () => {
    const s = bestSplit(rows, rows[0]!, { capacityMW: 10, budgetUsd: 100e6, discountRate: 0.1, asicResaleFraction: 0 });
    expect(s.parts.map((p) => p.id).sort()).toEqual(['lease', 'rental']);
    expect(s.parts.find((p) => p.id === 'rental')!.mw).toBeCloseTo(1.176471, 5);
    expect(s.parts.find((p) => p.id === 'lease')!.mw).toBeCloseTo(8.823529, 5);
    expect(s.capexUsd).toBeCloseTo(100e6, 0);
    expect(s.valueUsdPerDay).toBeCloseTo(23_529.41, 1);
    expect(s.idleMW).toBeCloseTo(0, 9);
  });
  it('without a budget all MW go to the best use; keeping the fleet costs the charge on its resale', () => {
    expect(bestSplit(rows, rows[0]!, { capacityMW: 10, budgetUsd: null, discountRate: 0.1, asicResaleFraction: 0 }).parts).toEqual([{ id: 'rental', mw: 10, capexUsd: 400e6, valueUsdPerDay: 50_000 }]);
    // With no money to spend the fleet stays: at resale 0.34 × $1 M over 3 years at 10 %:
    // 340,000 × CRF(10 %, 3) = 340,000 × 0.4021148 = $136,719/year = $374.57/day → 1,000 − 374.57 = $625.43/MW-day.
    const keep = bestSplit(rows, rows[0]!, { capacityMW: 10, budgetUsd: 0, discountRate: 0.1, asicResaleFraction: 0.34 });
    expect(keep.parts).toHaveLength(1);
    expect(keep.parts[0]!.id).toBe('asic');
    expect(keep.parts[0]!.valueUsdPerDay / 10).toBeCloseTo(625.43, 2);
  });
});

describe('--capex-budget-usd in the verdict', () => {
  it('Boden with $10 M for 5.5 MW: neither the lease ($35.2 M) nor rental ($188 M) fits; the verdict stays with the ASIC and says why', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--capex-budget-usd', '10000000'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { bestUseId: string; capexBudgetUsd: number; excluded: { id: string; reason: string }[]; headline: string } }).decision;
    expect(d.capexBudgetUsd).toBe(10e6);
    expect(d.bestUseId).toBe('asic:antminer-s21');
    expect(d.excluded.find((e) => e.id === 'hosting-lease')!.reason).toBe('over the capex budget: needs $35.2 M for the site, budget $10 M');
    expect(d.headline).toMatch(/over the \$10 M budget: Hosting lease, GPU rental · H100 SXM/);
  });
});
