/**
 * "Stay with X, ahead of Y" names Y only when the verdict could have picked it. With
 * --capex-budget-usd 0 and BTC at $150,000 the Boden verdict keeps the S21 fleet (its capex sunk,
 * it earns more than the resale it forgoes) because every new use needs capex; the lease is over
 * the budget, not behind the S21, and an earlier line said "ahead of Hosting lease" for a use the
 * verdict could not pick. The next option within the budget is selling the fleet.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('the verdict under a capex budget', () => {
  it('does not call the current use "ahead of" a use that is only over the budget', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--capex-budget-usd', '0', '--btc-price', '150000'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { bestUseId: string; headline: string; uses: { id: string; rankUsdPerMWDay: number }[] } }).decision;
    expect(d.bestUseId).toBe('asic:antminer-s21');
    expect(d.headline).toMatch(/stay with Antminer S21: \+\$[\d,]+\/MW-day \(capex sunk: .*\), ahead of "Sell the Antminer S21 fleet, leave the power unused" at \+\$0\/MW-day; over the \$0 budget: Hosting lease, GPU rental · H100 SXM/);
    expect(d.headline).not.toMatch(/ahead of Hosting lease/);
  });

  it('with every use within the budget destroying value, the fleet is sold, and the line says it is the budget', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--capex-budget-usd', '0'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { bestUseId: string; headline: string; everyUseDestroysValue: boolean } }).decision;
    expect(d.bestUseId).toBe('idle');
    // The lease creates value, only not within the budget.
    expect(d.everyUseDestroysValue).toBe(false);
    expect(d.headline).toMatch(/sell the Antminer S21 fleet \(\$327,510\/MW back\), leave the power unused; no use within the \$0 budget creates value; −\$[\d,]+\/MW-day for keeping Antminer S21/);
    expect(d.headline).not.toMatch(/every use destroys value/);
  });
});
