/**
 * Terminal output: aligned tables, every input listed with its source, human number formats.
 */
import { describe, expect, it } from 'vitest';
import { buildProfitReport, fmtBreakEven, fmtNum, fmtUsd, formatProfitReport, resolveProfitInputs, table } from '../../src/profit/index.js';

describe('profit terminal formatting', () => {
  it('formats numbers for humans', () => {
    expect(fmtUsd(1234567.8)).toBe('$1,234,568');
    expect(fmtUsd(-0.1)).toBe('−$0.1');
    expect(fmtNum(0.0058619)).toBe('0.00586');
    expect(fmtNum(Infinity)).toBe('∞');
    expect(fmtNum(null)).toBe('—');
    // Break-even power prices: 3 significant digits, never a string of zeros.
    expect(fmtBreakEven(0.084567)).toBe('$0.0846');
    expect(fmtBreakEven(4.43e-7)).toBe('<$0.001');
    expect(fmtBreakEven(-0.02)).toBe('never');
    expect(fmtBreakEven(Infinity)).toBe('any');
    expect(fmtUsd(37_290_000, { compact: true })).toBe('$37.3 M');
  });

  it('aligns table columns', () => {
    const t = table(['a', 'bb'], [['xxx', '1'], ['y', '22222']]).split('\n');
    expect(new Set(t.map((l) => [...l].length)).size).toBe(1);
    expect(t[2]).toBe('xxx      1');
  });

  it('lists every input with its provenance and shows the comparison rows', () => {
    const resolved = resolveProfitInputs({
      flags: { hashrate: 1e15, watts: 20_000, powerPrice: 0.05, btcPrice: 28_000, difficulty: 21_448_277_761_059, height: 700_000, feesPerBlock: 0, poolFee: 0 },
      profile: null,
      profileFile: null,
      measured: null,
      todayIso: '2026-11-22',
    });
    const rep = buildProfitReport(resolved, { asOf: '2026-11-22', site: null, days: 1, months: 2, sensitivity: true });
    const text = formatProfitReport(rep);
    expect(text.split('\n')[2]).toMatch(/^Verdict \(per MW of site power\): /);
    expect(text).toMatch(/energy\/day\s+opex\/day\s+margin\/day before capex\s+capex\s+margin\/day after capex\s+after capital charge\s+break-even \$\/kWh energy \| with capex\s+payback/);
    // The cost of capital, the switch and what flips the verdict follow the tables (issue 22).
    expect(text).toMatch(/^Cost of capital: each use at its hurdle rate \(default 10 % a year, shipped default\)/m);
    expect(text).toMatch(/^What flips the verdict \(Antminer S21 \(reference ASIC\); its margin .*±20 %/m);
    expect(text).toMatch(/^Flip points /m);
    expect(text).toMatch(/^Break-even \(the margin that ranks the use = 0: after capital charge; the current use after the opportunity cost of keeping it\):/m);
    expect(text).toMatch(/difficulty\s+21,448,277,761,059\s+difficulty\s+flag --difficulty/);
    expect(text).toMatch(/poolFeeFraction\s+0\s+fraction\s+flag --pool-fee/);
    expect(text).toMatch(/asicCapexUsdPerTH\s+17\.7\s+USD\/\(TH\/s\)\s+default \(Riot 10-K/);
    for (const k of Object.keys(rep.inputs)) expect(text).toContain(k);
    expect(text).toContain('Antminer S21 (reference ASIC)');
    expect(text).toContain('margin per MW-year after capex');
    expect(text).toContain('Projection: margin per MW per month after capex over 2 months');
  });
});
