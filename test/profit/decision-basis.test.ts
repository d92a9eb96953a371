/**
 * The stay-or-switch decision on the right basis (capital budgeting: sunk costs are not cash
 * flows, opportunity costs are; Brealey, Myers & Allen ch. 6, "when to replace an existing
 * machine"). The current ASIC fleet's capex is sunk: keeping it one more year costs the resale it
 * forgoes today, with the interest on it, less what it will fetch a year on — not a capital charge
 * on its historical capex. The verdict ranks on that decision basis, keeps the accounting margin
 * beside it, and the simple switching payback uses the same staying cash as the NPV comparison (a
 * miner losing money on its energy is off). Figures are worked out by hand (python3), not read
 * from the code.
 *
 * Boden with its shipped hurdle rates (lease 10 %, GPU rental 15 %, ASIC mining 18 %), BTC $90,000,
 * D 150 T, fees 0.02 BTC, height 990,000 (subsidy 3.125):
 *   S21 per MW: 1e6 / (3,500 W × 1.05) = 272.108844 miners × $3,540 = $963,265.31 of capex;
 *   resale today S0 = 0.34 × 963,265.31 = $327,510.20; a year on S1 = 0.34 × S0 = $111,353.47.
 *   Keeping it one more year at 18 %: (S0 × 1.18 − S1) / 365 = (386,462.04 − 111,353.47) / 365
 *   = $753.722/MW-day; NPV = −S0 + S1 / 1.18 = −327,510.20 + 94,367.35 = −$233,142.86.
 *   BTC per MW-day: 272.108844 × 200e12 × 86,400 × 3.145 / (150e12 × 2^32) × 0.98 × 0.98 × (1 − 72/8,760)
 *   = 0.02186371 BTC → revenue $1,967.73 < energy 1,000 kW × 24 h × 0.98 × (1 − 72/8,760) × $0.093
 *   = $2,169.38: the miner is off, staying earns $0.
 *   Lease per MW: 800 kW × $121.53 × 12 / 365 × 0.85 (opex 15 %) = $2,716.9447/day; retrofit $6.4 M in 12
 *   monthly installments: charge 6,400,000 × 1.045044718 × CRF(10 %, 12) / 365 = $2,689.3015 → margin
 *   $27.6431/MW-day; NPV = −6,400,000 × 0.950040652 + 991,684.80 × AF(10 %, 12) / 1.1 = +$62,498.56.
 */
import { describe, expect, it } from 'vitest';
import { rankOptions, type PricedRow } from '../../src/profit/index.js';
import { ROOT, runCliInProcess } from '../helpers.js';

type Use = { id: string; basis: string; discountRate: number; rankUsdPerMWDay: number; decisionMarginUsdPerMWDay: number; marginAfterCapitalChargeUsdPerMWDay: number; npvUsdPerMW: number; createsValue: boolean; keep: { resaleNowUsdPerMW: number; resaleNextYearUsdPerMW: number; stayingCashUsdPerMWDay: number; opportunityCostUsdPerMWDay: number; accountingMarginUsdPerMWDay: number } | null };
type Rep = {
  headline: string;
  rows: { id: string; perMW: { cashUsdPerDay: number; marginAfterCapitalChargeUsdPerDay: number } }[];
  decision: { bestUseId: string; currentUseId: string; uses: Use[]; everyUseDestroysValue: boolean; switchingPaybackDays: number | null; switching: { toUseId: string; asicResaleUsdPerMW: number; npvGainUsdPerMW: number; capexUsdPerMW: number } | null; miningParity: { btcPriceUsd: number } | null };
};
const market = ['--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000', '--as-of', '2026-11-22'];

async function boden(extra: string[] = [], btc = '90000'): Promise<Rep> {
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--btc-price', btc, ...market, ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Rep;
}
const use = (rep: Rep, id: string) => rep.decision.uses.find((u) => u.id === id)!;

describe('the current use on the decision basis (its capex sunk)', () => {
  it('keeping the S21 fleet costs its resale forgone and that resale\'s fall: −$753.72/MW-day, NPV −$233,142.86', async () => {
    const rep = await boden();
    const k = use(rep, 'asic:antminer-s21');
    expect(k.basis).toBe('keep');
    expect(k.discountRate).toBe(0.18);
    expect(k.keep!.resaleNowUsdPerMW).toBeCloseTo(327_510.2, 1);
    expect(k.keep!.resaleNextYearUsdPerMW).toBeCloseTo(111_353.47, 1);
    expect(k.keep!.stayingCashUsdPerMWDay).toBe(0);
    expect(k.keep!.opportunityCostUsdPerMWDay).toBeCloseTo(753.722, 3);
    expect(k.decisionMarginUsdPerMWDay).toBeCloseTo(-753.722, 3);
    expect(k.rankUsdPerMWDay).toBeCloseTo(-753.722, 3);
    expect(k.npvUsdPerMW).toBeCloseTo(-233_142.86, 1);
    // The accounting view stays beside it: a capital charge on the full $963,265.31 at 18 % over 3 years.
    const row = rep.rows.find((r) => r.id === 'asic:antminer-s21')!;
    expect(k.keep!.accountingMarginUsdPerMWDay).toBe(row.perMW.marginAfterCapitalChargeUsdPerDay);
    expect(k.marginAfterCapitalChargeUsdPerMWDay).toBe(row.perMW.marginAfterCapitalChargeUsdPerDay);
  });

  it('the verdict switches to the lease, and the simple payback uses the same staying cash (the miner off): 2,235.04 days', async () => {
    const d = (await boden()).decision;
    expect(d.bestUseId).toBe('hosting-lease');
    expect(use({ decision: d } as Rep, 'hosting-lease').rankUsdPerMWDay).toBeCloseTo(27.6431, 3);
    expect(use({ decision: d } as Rep, 'hosting-lease').npvUsdPerMW).toBeCloseTo(62_498.56, 1);
    // (6,400,000 − 327,510.20) / (2,716.9447 − 0) = 2,235.044 days; with the miner run at a loss (−$201.65/MW-day)
    // it would have been 6,400,000 / (2,716.9447 + 201.65) = 2,192.8 days.
    expect(d.switchingPaybackDays).toBeCloseTo(2235.044, 2);
    // The switch as a project: NPV of the lease plus the fleet sold today, staying earning nothing: 62,498.56 + 327,510.20.
    expect(d.switching!.npvGainUsdPerMW).toBeCloseTo(390_008.77, 1);
    // Mining parity: the kept fleet (miners on) equals the lease when its cash is 27.6431 + 753.722 = $781.37/MW-day:
    // 90,000 + (781.37 − (1,967.73 − 2,169.38)) / 0.02186371 = $134,960.97.
    expect(d.miningParity!.btcPriceUsd).toBeCloseTo(134_960.97, 0);
  });

  it('a profitable fleet is kept on the decision basis, though its accounting margin is below the lease', async () => {
    // At BTC $150,000 the S21 earns 0.02186371 × 150,000 = $3,279.56 − $2,169.38 = $1,110.17/MW-day. On its
    // full capex at 18 % (963,265.31 × CRF(18 %, 3) = 0.459924 / 365 = $1,213.78/day) it would be −$103.60, below
    // the lease's +$27.64; kept, its capex sunk: 1,110.17 − 753.72 = +$356.45: stay.
    const rep = await boden([], '150000');
    const k = use(rep, 'asic:antminer-s21');
    expect(k.keep!.accountingMarginUsdPerMWDay).toBeCloseTo(-103.603, 2);
    expect(k.decisionMarginUsdPerMWDay).toBeCloseTo(356.452, 2);
    expect(rep.decision.bestUseId).toBe('asic:antminer-s21');
    expect(rep.headline).toMatch(/stay with Antminer S21: \+\$356\/MW-day \(capex sunk: its \$327,510\/MW resale forgone/);
  });
});

describe('selling the fleet and leaving the power unused is an option', () => {
  it('when every use destroys value at its hurdle rate the verdict says so, and sells the fleet', async () => {
    // Lease at 12 %: installments worth 6,400,000 × 1.053969 at commissioning; margin 2,716.94 − that × CRF(12 %, 12) / 365
    // = −$266.23/MW-day; NPV −$537,439.39 (IRR 10.2 % < 12 %). Rental at 15 % and keeping the S21 are worse.
    const rep = await boden(['--discount-rate-kind', 'hosting-lease=0.12']);
    const d = rep.decision;
    expect(d.bestUseId).toBe('idle');
    expect(d.everyUseDestroysValue).toBe(true);
    expect(use(rep, 'hosting-lease').npvUsdPerMW).toBeCloseTo(-537_439.39, 1);
    expect(use(rep, 'hosting-lease').createsValue).toBe(false);
    expect(use(rep, 'idle')).toMatchObject({ basis: 'idle', rankUsdPerMWDay: 0, npvUsdPerMW: 0, createsValue: true });
    // Selling gains the keep NPV forgone: 0 − (−233,142.86).
    expect(d.switching).toMatchObject({ toUseId: 'idle', capexUsdPerMW: 0 });
    expect(d.switching!.npvGainUsdPerMW).toBeCloseTo(233_142.86, 1);
    expect(rep.headline).toMatch(
      /^Verdict \(per MW of site power\): at each use's hurdle rate \(.*\), sell the Antminer S21 fleet \(\$327,510\/MW back\), leave the power unused; every use destroys value at its cost of capital: the best new use, Hosting lease, −\$266\/MW-day after capital charge \(NPV −\$537,439\/MW, IRR [\d.]+ % < its 12 % hurdle\)/,
    );
  });

  it('a site that can resell its power: the option earns 24 MWh × ($0.10 − $0.093) = $168/MW-day', async () => {
    const rep = await boden(['--discount-rate-kind', 'hosting-lease=0.12', '--power-sale-usd-per-kwh', '0.1']);
    const i = use(rep, 'idle');
    expect(i.rankUsdPerMWDay).toBeCloseTo(168, 9);
    expect(rep.decision.bestUseId).toBe('idle');
    expect(rep.headline).toMatch(/sell the Antminer S21 fleet \(\$327,510\/MW back\), resell the power at \$0\.1\/kWh at \+\$168\/MW-day; every use destroys value/);
  });

  it('the verdict never picks a use that destroys value while an option that does not exists', async () => {
    // Every option is ranked: value-creating ones (NPV ≥ 0) first.
    const rep = await boden();
    const flags = rep.decision.uses.map((u) => u.createsValue);
    expect(flags.indexOf(false)).toBeGreaterThan(flags.lastIndexOf(true));
    expect(rep.decision.uses[0]!.createsValue).toBe(true);
  });
});

describe('the ranking rule', () => {
  // A use whose equivalent annual margin is positive but whose NPV over its horizon is negative (the two
  // disagree in sign when longer-lived parts' residual or construction timing tip the project) still
  // destroys value at its rate: it ranks below leaving the power unused (NPV 0).
  const mk = (id: string, margin: number, npv: number): PricedRow =>
    ({ id, label: id, kind: 'gpu-rental', priced: true, hall: 'ai', interruptible: false, discountRate: 0.15, pricedAnyway: null, irr: null, discountedPaybackYears: null, project: null, npvUsdPerMW: npv, perMW: { marginAfterCapitalChargeUsdPerDay: margin, marginUsdPerDay: margin, cashUsdPerDay: 1000, capexUsd: 1e6 } }) as unknown as PricedRow;
  const idle = { powerSaleUsdPerKWh: null, powerSaleUsdPerMWDay: 0, fixedOpexUsdPerMWDay: 0, cashUsdPerMWDay: 0 };

  it('a positive margin with a negative NPV ranks below the power left unused; a value-creating use with a lower margin ranks above both', () => {
    const rk = rankOptions([mk('tipped', 40, -5_000), mk('modest', 10, 2_000)], idle, {});
    expect(rk.uses.map((u) => [u.id, u.createsValue])).toEqual([
      ['modest', true],
      ['idle', true],
      ['tipped', false],
    ]);
  });

  it('when no use creates value, the power left unused comes first', () => {
    const rk = rankOptions([mk('tipped', 40, -5_000)], idle, {});
    expect(rk.uses[0]!.id).toBe('idle');
  });
});
