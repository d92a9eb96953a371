/**
 * Capex on its real schedule (src/profit/capex-schedule.ts): an AI-hall retrofit is paid in equal
 * monthly installments at the end of each construction month (FIDIC Red Book 14.3: monthly
 * statements), GPUs and servers at commissioning; interest during construction runs only on what
 * was spent (IAS 23 ¶17–18). Construction months are whole months everywhere: a fractional value
 * is refused (it used to be rounded in the cash flows but not in the interest). Dated flows are
 * discounted at fractional years. Expected figures are worked out by hand in the comments.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capexSchedule, retrofitAtCommissioningUsd, valueAtMonth, wholeMonths } from '../../src/profit/capex-schedule.js';
import { discountedPaybackDated, irrDated, npvDated } from '../../src/profit/finance.js';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('capex schedule', () => {
  it('retrofit in monthly installments, devices at commissioning; everything today without construction', () => {
    expect(capexSchedule({ retrofitUsd: 1_200, devicesUsd: 5_000 }, 3)).toEqual([
      { month: 1, usd: 400, part: 'retrofit' },
      { month: 2, usd: 400, part: 'retrofit' },
      { month: 3, usd: 400, part: 'retrofit' },
      { month: 3, usd: 5_000, part: 'devices' },
    ]);
    expect(capexSchedule({ retrofitUsd: 1_200, devicesUsd: 5_000 }, 0)).toEqual([
      { month: 0, usd: 1_200, part: 'retrofit' },
      { month: 0, usd: 5_000, part: 'devices' },
    ]);
    expect(capexSchedule({ retrofitUsd: 0, devicesUsd: 0 }, 6)).toEqual([]);
  });

  it('interest during construction on what was spent: 3 installments of $400 at 12 %/year', () => {
    // Value at month 3: 400 × 1.12^(2/12) + 400 × 1.12^(1/12) + 400 = 400 × (1.019068 + 1.009489 + 1) = $1,211.4226.
    expect(retrofitAtCommissioningUsd(1_200, 0.12, 3)).toBeCloseTo(1211.4226, 3);
    // The devices, paid at month 3, add nothing.
    expect(valueAtMonth(capexSchedule({ retrofitUsd: 1_200, devicesUsd: 5_000 }, 3), 0.12, 3)).toBeCloseTo(6211.4226, 3);
    expect(retrofitAtCommissioningUsd(1_200, 0.12, 0)).toBe(1_200);
    expect(retrofitAtCommissioningUsd(1_200, 0, 12)).toBeCloseTo(1_200, 9);
  });

  it('construction months are whole: 7.5 is refused in the model, on the command line and in a site file', async () => {
    expect(() => wholeMonths(7.5)).toThrow(/construction months must be a whole number ≥ 0, got 7.5/);
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--construction-months', '7.5'], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--construction-months '7\.5': must be an integer from 0 to 120/);
    const dir = mkdtempSync(join(tmpdir(), 'jb-months-'));
    const site = join(dir, 'site.yaml');
    writeFileSync(site, readFileSync(join(ROOT, 'sites/boden-sweden.yaml'), 'utf8').replace('finance:\n', 'finance:\n  constructionMonths: 7.5\n'));
    const s = await runCliInProcess(['profit', '--site', site, '--as-of', '2026-11-22'], { cwd: ROOT });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/field 'finance\.constructionMonths' must be an integer/);
  });
});

describe('dated cash flows', () => {
  it('NPV, IRR and payback at fractional years', () => {
    // −100 today, −100 at 6 months, +250 at 2 years, at 10 %: −100 − 100 / 1.1^0.5 + 250 / 1.21
    // = −100 − 95.346259 + 206.611570 = 11.265311.
    const flows = [
      { tYears: 0, usd: -100 },
      { tYears: 0.5, usd: -100 },
      { tYears: 2, usd: 250, earnedFromYears: 1 },
    ];
    expect(npvDated(0.1, flows)).toBeCloseTo(11.265311, 5);
    // IRR: 100 + 100 x^0.5 = 250 x², x = 1/(1+r) → r = 13.5669 % (bisection in python3).
    expect(irrDated(flows)).toBeCloseTo(0.135669, 5);
    // Payback at 10 %: −195.346259 before year 2; its 206.611570 is earned evenly over year 2 →
    // 1 + 195.346259 / 206.611570 = 1.945476 years.
    expect(discountedPaybackDated(0.1, flows)).toBeCloseTo(1.945476, 5);
  });
});
