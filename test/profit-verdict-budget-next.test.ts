/**
 * "Stay with X, ahead of Y" names Y only when the verdict could have picked it: with --capex-budget-usd 0
 * the Boden verdict stays with the S21 (−$1,257/MW-day after capital charge) because every other
 * use needs capex; the lease (−$114/MW-day) is over the budget, not behind the S21, and the line
 * said "ahead of Hosting lease at −$114/MW-day" (false: −1,257 < −114).
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from './helpers.js';

describe('the verdict under a capex budget', () => {
  it('does not call the current use "ahead of" a better use that is only over the budget', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--capex-budget-usd', '0'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { bestUseId: string; headline: string; uses: { id: string; rankUsdPerMWDay: number }[] } }).decision;
    expect(d.bestUseId).toBe('asic:antminer-s21');
    const rank = (id: string) => d.uses.find((u) => u.id === id)!.rankUsdPerMWDay;
    expect(rank('hosting-lease')).toBeGreaterThan(rank('asic:antminer-s21'));
    expect(d.headline).toMatch(/stay with Antminer S21: −\$1,257\/MW-day after capital charge; over the \$0 budget: Hosting lease, GPU rental · H100 SXM/);
    expect(d.headline).not.toMatch(/ahead of/);
  });
});
