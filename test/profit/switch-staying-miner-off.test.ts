/**
 * The switch as a project compares switching with staying. Staying with a miner that loses money
 * on its energy means switching it off, as its operator would (issue 22 item 3, and what a
 * projection already does): the switch is not credited with years of avoided losses no operator
 * would incur. Before this fix the snapshot kept the S21 running at −$201.65/MW-day for the lease's
 * 13-year horizon and claimed an NPV gain of +$576,884/MW over staying; a projection of the same
 * site (miners off) gave +$70,269.
 *
 * Hand computation (Boden, its shipped hurdle rates: lease 10 %, S21 18 %; BTC $90,000, D 150 T,
 * fees 0.02, height 990,000):
 *   S21: revenue $1,967.7 < energy $2,169.4 per MW-day → off: staying earns $0 (no fixed opex).
 *   Lease: 800 kW-IT × $121.53 × 12 × 0.85 (opex 15 %) = $991,684.80 a year, 12 months of works
 *   first, its $6.4 M retrofit paid in 12 monthly installments (present value 6,400,000 ×
 *   Σ_{k=1..12} 1.1^(−k/12) / 12 = 6,400,000 × 0.950040652 = $6,080,260.18):
 *   NPV = −6,080,260.18 + 991,684.80 × AF(10 %, 12) / 1.1 = −6,080,260.18 + 6,142,758.74 = +$62,498.56.
 *   ASIC fleet sold at the switch: 0.34 × $3,540 × 1e6 / (3,500 W × 1.05) = $327,510.20.
 *   NPV of switching over staying = 62,498.56 + 327,510.20 = +$390,008.77.
 *   Payback (undiscounted): (6,400,000 − 327,510.20) / (991,684.80 / 12 = 82,640.40 a month) = 73.481 months
 *   after the 12 months of works = 85.481 months.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const args = ['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--btc-price', '90000', '--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000', '--as-of', '2026-11-22'];

describe('the switch over staying: a loss-making miner is off, not run at a loss', () => {
  it('Boden S21 → lease: NPV gain $390,008.77, payback 85.48 months', async () => {
    const r = await runCliInProcess(args, { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { decision: { headline: string; switching: { fromUseId: string; toUseId: string; npvGainUsdPerMW: number; paybackMonths: number } } }).decision;
    expect(d.switching).toMatchObject({ fromUseId: 'asic:antminer-s21', toUseId: 'hosting-lease' });
    expect(d.switching.npvGainUsdPerMW).toBeCloseTo(390_008.77, 1);
    expect(d.switching.paybackMonths).toBeCloseTo(85.481, 2);
    expect(d.headline).toMatch(/pays back in 7\.1 years including 12 months of construction, NPV \+\$390,009\/MW over staying/);
  });

  it('the snapshot agrees with a flat projection (miners off there too)', async () => {
    const flat = ['--months', '12', '--difficulty-growth', '0', '--gpu-hour-price-decline-per-year', '0', '--token-price-decline-per-year', '0'];
    const snap = await runCliInProcess(args, { cwd: ROOT });
    const proj = await runCliInProcess([...args, ...flat], { cwd: ROOT });
    const gain = (s: string) => (JSON.parse(s) as { decision: { switching: { npvGainUsdPerMW: number } } }).decision.switching.npvGainUsdPerMW;
    expect(gain(snap.stdout)).toBeCloseTo(gain(proj.stdout), 1);
  });
});
