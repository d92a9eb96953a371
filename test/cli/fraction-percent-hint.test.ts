/**
 * A careless user types a percentage where a fraction is asked (`--discount-rate 10` meaning 10 %,
 * `--discount-rate 10%`, `--opex-revenue-fraction hosting-lease=15`): one line naming the flag, the
 * range and the fraction they meant; exit 2, nothing on stdout. A kind in capitals is an unknown
 * kind (it said "must be <kind>=<value>", which it was).
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const site = ['profit', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'];

describe('fraction flags given as percentages', () => {
  it('names the fraction meant', async () => {
    const cases: [string[], string][] = [
      [['--discount-rate', '10'], "--discount-rate 10: out of range, must be a number from 0 to 1 (a fraction: 10 % is 0.1)"],
      [['--discount-rate', '10%'], "--discount-rate '10%': must be a number from 0 to 1 (a fraction: 10 % is 0.1)"],
      [['--discount-rate', '7.5 %'], "--discount-rate '7.5 %': must be a number from 0 to 1 (a fraction: 7.5 % is 0.075)"],
      [['--utilization', '70'], '--utilization 70: out of range, must be a number from 0 to 1 (a fraction: 70 % is 0.7)'],
      [['--opex-revenue-fraction', 'hosting-lease=15'], '--opex-revenue-fraction hosting-lease=15: out of range, must be a number from 0 to 1 (a fraction: 15 % is 0.15)'],
      [['--opex-revenue-fraction', 'hosting-lease=15%'], "--opex-revenue-fraction 'hosting-lease=15%': the value after '=' must be a number, e.g. --opex-revenue-fraction hosting-lease=0.15 (a fraction: 15 % is 0.15)"],
      [['--opex-fixed', 'GPU-RENTAL=5'], "--opex-fixed 'GPU-RENTAL=5': unknown use kind 'GPU-RENTAL'; one of: asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease"],
      // Not a percentage: no hint.
      [['--discount-rate', '150'], '--discount-rate 150: out of range, must be a number from 0 to 1'],
      [['--discount-rate', '-0.1'], '--discount-rate -0.1: out of range, must be a number from 0 to 1'],
    ];
    for (const [args, msg] of cases) {
      const r = await runCliInProcess([...site, ...args], { cwd: ROOT });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([`joulebench: error: ${msg}`]);
    }
  });
});
