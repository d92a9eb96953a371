/**
 * Switching as a project and the best split of a site under a capex budget (issue 22 items 1 and
 * 6), against hand-computed cases, and --capex-budget-usd in the verdict.
 */
import { describe, expect, it } from 'vitest';
import { bestSplit, projectOf, switchProject, type PricedRow } from '../../src/profit/index.js';
import { ROOT, runCliInProcess } from '../helpers.js';

/** A priced row with just what the project and split read (per MW). */
function use(o: { id: string; kind: PricedRow['kind']; hall: 'mining' | 'ai'; capexUsd: number; cashUsdPerDay: number; marginAfterCC?: number; lifeYears: number }): PricedRow {
  const row = {
    id: o.id,
    kind: o.kind,
    hall: o.hall,
    label: o.id,
    discountRate: 0,
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
    const s = switchProject(best, cur, { asicResaleFraction: 0.5, monthly: () => null })!;
    expect(s.asicResaleUsdPerMW).toBe(100_000);
    expect(s.constructionMonths).toBe(6);
    // Net capex 900,000; during construction the gain is −3,041.67 a month (the ASIC cash stops):
    // after 6 months −918,250; then +27,375 a month → 6 + 918,250 / 27,375 = 39.5434 months.
    expect(s.paybackMonths).toBeCloseTo(39.5434, 3);
    // NPV at 0 % (the capex, paid at commissioning, counts the same at 0 %): −1,000,000 + 60 × 30,416.67 (= 1,825,000)
    // + 100,000 resale − 66 × 3,041.67 (= 200,750) staying = 724,250.
    expect(s.npvGainUsdPerMW).toBeCloseTo(724_250, 4);
  });
});

describe('the best split under a capex budget', () => {
  // 10 MW, $100 M. Keeping the current ASIC fleet: $1,000/MW-day on its decision basis (capex sunk, no new capex);
  // rental +$5,000/MW-day at $40 M/MW; lease +$2,000/MW-day at $6 M/MW. Maximise 1,000a + 5,000b + 2,000c with
  // a + b + c ≤ 10 and 40b + 6c ≤ 100 ($ M). Vertices: lease alone 10 MW = 20,000; rental alone
  // 2.5 MW = 12,500; rental 2.5 + ASIC 7.5 = 20,000; rental + lease with both tight:
  // b + c = 10, 40b + 6c = 100 → b = 40/34 = 1.176471, c = 8.823529 → 5,882.35 + 17,647.06 = 23,529.41 (best).
  const cands = [
    { id: 'asic', valuePerMWDay: 1000, capexPerMW: 0 },
    { id: 'rental', valuePerMWDay: 5000, capexPerMW: 40e6 },
    { id: 'lease', valuePerMWDay: 2000, capexPerMW: 6e6 },
  ];
  it('splits 1.18 MW of rental and 8.82 MW of lease: $23,529.41/day', () => {
    const s = bestSplit(cands, { capacityMW: 10, budgetUsd: 100e6 });
    expect(s.parts.map((p) => p.id).sort()).toEqual(['lease', 'rental']);
    expect(s.parts.find((p) => p.id === 'rental')!.mw).toBeCloseTo(1.176471, 5);
    expect(s.parts.find((p) => p.id === 'lease')!.mw).toBeCloseTo(8.823529, 5);
    expect(s.capexUsd).toBeCloseTo(100e6, 0);
    expect(s.valueUsdPerDay).toBeCloseTo(23_529.41, 1);
    expect(s.idleMW).toBeCloseTo(0, 9);
  });
  it('without a budget all MW go to the best option; with none to spend the fleet is kept; options with no value take no MW', () => {
    expect(bestSplit(cands, { capacityMW: 10, budgetUsd: null }).parts).toEqual([{ id: 'rental', mw: 10, capexUsd: 400e6, valueUsdPerDay: 50_000 }]);
    expect(bestSplit(cands, { capacityMW: 10, budgetUsd: 0 }).parts).toEqual([{ id: 'asic', mw: 10, capexUsd: 0, valueUsdPerDay: 10_000 }]);
    const none = bestSplit([{ id: 'asic', valuePerMWDay: -753.72, capexPerMW: 0 }], { capacityMW: 10, budgetUsd: 0 });
    expect(none.parts).toEqual([]);
    expect(none.idleMW).toBe(10);
  });
});

describe('--capex-budget-usd in the verdict', () => {
  it('Boden with $10 M for 5.5 MW: neither the lease ($35.2 M) nor rental ($182 M) fits; keeping the S21 destroys value, so the fleet is sold, and the line says why', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--capex-budget-usd', '10000000'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { bestUseId: string; capexBudgetUsd: number; excluded: { id: string; reason: string }[]; headline: string } }).decision;
    expect(d.capexBudgetUsd).toBe(10e6);
    expect(d.bestUseId).toBe('idle');
    expect(d.excluded.find((e) => e.id === 'hosting-lease')!.reason).toBe('over the capex budget: needs $35.2 M for the site, budget $10 M');
    expect(d.headline).toMatch(/sell the Antminer S21 fleet \(\$327,510\/MW back\), leave the power unused; no use within the \$10 M budget creates value; .*; over the \$10 M budget: Hosting lease, GPU rental · H100 SXM/);
  });
});
