/**
 * Curtailment: interruptible uses (ASIC and GPU mining) lose the site's curtailment hours and earn
 * its credit per MWh not drawn; AI uses and the lease sell firm capacity and are not curtailed.
 * Flags and the site file's curtailment block drive the same model.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

type Row = { id: string; perMW: { revenueUsdPerDay: number; curtailmentCreditUsdPerDay: number; energyKWhPerDay: number; dutyFraction: number; btcPerDay: number | null } };

async function rows(extra: string[]): Promise<Map<string, Row['perMW']>> {
  const args = ['profit', '--json', '--as-of', '2026-11-22', '--power-price', '0.05', '--pue', '1.1', '--uptime', '1', '--hashrate', '1e12', '--tokens-per-second', '100', '--watts', '400'];
  const r = await runCliInProcess([...args, '--usd-per-gpu-hour', '2', '--btc-price', '90000', '--difficulty', '150e12', '--height', '990000', ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout) as { rows: Row[] }).rows.map((x) => [x.id, x.perMW]));
}

describe('curtailment', () => {
  it('876 h/year at $60/MWh: mining runs 90 % of the time and earns 1 MW × 876 h / 365 × $60 = $144/day per MW; AI rows unchanged', async () => {
    const none = await rows([]);
    const cut = await rows(['--curtailment-hours', '876', '--curtailment-credit', '60']);
    for (const id of ['asic:antminer-s21', 'gpu-mining']) {
      const a = none.get(id)!;
      const b = cut.get(id)!;
      expect(b.dutyFraction).toBeCloseTo(0.9, 12);
      expect(b.btcPerDay! / a.btcPerDay!).toBeCloseTo(0.9, 12);
      expect(b.energyKWhPerDay / a.energyKWhPerDay).toBeCloseTo(0.9, 12);
      expect(b.curtailmentCreditUsdPerDay).toBeCloseTo(144, 9);
      expect(b.revenueUsdPerDay).toBeCloseTo(a.revenueUsdPerDay * 0.9 + 144, 6);
    }
    for (const id of ['gpu-inference-tokens', 'gpu-rental']) {
      expect(cut.get(id)).toEqual(none.get(id));
      expect(cut.get(id)!.curtailmentCreditUsdPerDay).toBe(0);
    }
  });
});
