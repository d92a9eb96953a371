/**
 * The colocation lease ("hosting-lease") against a hand-computed case, per MW of site power:
 *   IT kW = 1000 / aiPue; revenue/day = IT kW × lease × 12 / 365;
 *   energy/day = 1000 kW × loadFraction × 24 h × power price when the site pays (0 when the tenant does);
 *   opex/day = the lease's share of revenue (shipped default 15 %: TeraWulf's 85 % NOI margin);
 *   depreciation/day = retrofit $/MW-IT × (1 / aiPue) / (retrofit years × 365);
 *   margin = revenue − energy − opex − depreciation.
 * The numbers below were worked out by hand (Core Scientific–CoreWeave lease, TeraWulf build cost).
 * Issue 22 made the lease's opex non-zero by default (it was modelled at a 100 % margin): the
 * expected margins below include it, and one case sets it to 0 to show the old figure back.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

type Lease = { id: string; perMW: { revenueUsdPerDay: number; energyCostUsdPerDay: number; revenueOpexUsdPerDay: number; cashUsdPerDay: number; depreciationUsdPerDay: number; marginUsdPerDay: number; capexUsd: number; paybackDays: number; breakEvenAllInUsdPerKWh: number | null } };

async function lease(extra: string[]): Promise<Lease> {
  const r = await runCliInProcess(['profit', '--json', '--as-of', '2026-11-22', '--asic', 'none', ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { rows: Lease[] }).rows.find((x) => x.id === 'hosting-lease')!;
}

const flags = ['--power-price', '0.093', '--pue', '1.25', '--lease-usd-per-kw-month', '121.53', '--retrofit-capex-usd-per-mw', '8000000', '--retrofit-years', '12'];

describe('hosting lease per MW of site power', () => {
  it('tenant pays the power: 800 kW of IT × $121.53 × 12 / 365 = $3,196.41/day; opex 15 % = $479.46; depreciation $6.4 M / 4,380 d = $1,461.19; margin $1,255.76', async () => {
    const l = await lease([...flags, '--lease-power-paid-by', 'tenant']);
    // 121.53 × 12 = 1,458.36 per kW-year; × 800 kW = 1,166,688 per year; / 365 = 3,196.405479…
    expect(l.perMW.revenueUsdPerDay).toBeCloseTo(3196.405479, 5);
    expect(l.perMW.energyCostUsdPerDay).toBe(0);
    // Opex: 0.15 × 3,196.405479 = 479.460822; margin before capex 3,196.405479 − 479.460822 = 2,716.944657.
    expect(l.perMW.revenueOpexUsdPerDay).toBeCloseTo(479.460822, 5);
    expect(l.perMW.cashUsdPerDay).toBeCloseTo(2716.944657, 5);
    // 8,000,000 × 0.8 = 6,400,000 of retrofit per MW of site power; / (12 × 365 = 4,380) = 1,461.187215…
    expect(l.perMW.capexUsd).toBeCloseTo(6_400_000, 6);
    expect(l.perMW.depreciationUsdPerDay).toBeCloseTo(1461.187215, 5);
    // 2,716.944657 − 1,461.187215 = 1,255.757442.
    expect(l.perMW.marginUsdPerDay).toBeCloseTo(1255.757442, 5);
    // Payback: 6,400,000 / 2,716.944657 = 2,355.59 days.
    expect(l.perMW.paybackDays).toBeCloseTo(2355.5871, 3);
  });

  it('opex set to 0 gives back the 100 %-margin figure: $1,735.22', async () => {
    const l = await lease([...flags, '--lease-power-paid-by', 'tenant', '--opex-revenue-fraction', 'hosting-lease=0']);
    // 3,196.405479 − 1,461.187215 = 1,735.218264; payback 6,400,000 / 3,196.405479 = 2,002.25 days.
    expect(l.perMW.marginUsdPerDay).toBeCloseTo(1735.218264, 5);
    expect(l.perMW.paybackDays).toBeCloseTo(2002.2491, 3);
  });

  it('site pays the power at 60 % load: energy 1,000 kW × 0.6 × 24 h × $0.093 = $1,339.20/day; margin −$83.44', async () => {
    const l = await lease([...flags, '--lease-power-paid-by', 'site', '--lease-load-fraction', '0.6']);
    expect(l.perMW.energyCostUsdPerDay).toBeCloseTo(1339.2, 9);
    // 3,196.405479 − 1,339.2 − 479.460822 − 1,461.187215 = −83.442558.
    expect(l.perMW.marginUsdPerDay).toBeCloseTo(-83.442558, 5);
    // Break-even power price with capex: (2,716.944657 − 1,461.187215) / (1,000 × 0.6 × 24 = 14,400 kWh) = $0.087205/kWh.
    expect(l.perMW.breakEvenAllInUsdPerKWh).toBeCloseTo(0.0872053779, 9);
  });

  it('the shipped Boden site prices the lease from its hosting block (same figures, tenant pays)', async () => {
    const l = await lease(['--site', 'sites/boden-sweden.yaml']);
    expect(l.perMW.marginUsdPerDay).toBeCloseTo(1255.757442, 5);
  });

  it('--lease-load-fraction while the tenant pays is refused (it would be ignored)', async () => {
    const r = await runCliInProcess(['profit', ...flags, '--lease-power-paid-by', 'tenant', '--lease-load-fraction', '0.5'], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--lease-load-fraction only applies when the site pays the power/);
  });
});
