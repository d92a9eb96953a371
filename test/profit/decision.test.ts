/**
 * The verdict block: the best option after the cost of capital (each use at its kind's hurdle
 * rate), the current use (the ASIC unless --current-use) on its decision basis, the margin gained
 * by switching, the switching payback on the cash gain and as a project, and the BTC price at which
 * mining would win — checked by pricing the site again at that BTC price, where the kept fleet's
 * decision margin must equal the best other option's. One headline line in the JSON and first in
 * the text. (Hand-computed margins, NPV and IRR are in profit-cost-of-capital.test.ts and
 * profit-decision-basis.test.ts; here the verdict must agree with the rows it ranks.)
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const market = ['--btc-price', '90000', '--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000', '--as-of', '2026-11-22'];

type PerMW = { marginUsdPerDay: number; marginAfterCapitalChargeUsdPerDay: number; cashUsdPerDay: number; capexUsd: number; fixedOpexUsdPerDay: number };
type Rep = {
  headline: string;
  rows: { id: string; priced: boolean; perMW: PerMW; npvUsdPerMW: number | null }[];
  decision: {
    discountRate: number;
    bestUseId: string;
    currentUseId: string;
    uses: { id: string; basis: string; rankUsdPerMWDay: number; decisionMarginUsdPerMWDay: number; marginAfterCapitalChargeUsdPerMWDay: number; marginUsdPerMWDay: number; npvUsdPerMW: number | null }[];
    deltaMarginUsdPerMWDay: number;
    switchingCapexUsdPerMW: number;
    switchingPaybackDays: number;
    switching: { fromUseId: string; toUseId: string; constructionMonths: number; capexUsdPerMW: number; asicResaleUsdPerMW: number; paybackMonths: number | null } | null;
    miningParity: { miningUseId: string; rivalUseId: string; btcPriceUsd: number; hashpriceUsdPerPHDay: number };
    headline: string;
  };
  hashpriceUsdPerPHDay: number;
};

async function run(extra: string[] = []): Promise<Rep> {
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', ...market, ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Rep;
}

describe('decision block', () => {
  it('ranks by margin after capital charge, names the current use, the gain, and the switch as a project', async () => {
    const rep = await run();
    const d = rep.decision;
    const m = (id: string) => rep.rows.find((r) => r.id === id)!.perMW;
    // Boden at its sourced hurdle rates: the lease (+$27.64, NPV > 0) ahead of leaving the power unused, keeping the
    // S21 (capex sunk) and H100 rental at 15 %.
    expect(d.discountRate).toBe(0.1);
    expect(d.uses.map((u) => u.id)).toEqual(['hosting-lease', 'idle', 'asic:antminer-s21', 'gpu-rental']);
    for (const u of d.uses.filter((x) => x.basis === 'project')) {
      expect(u.marginAfterCapitalChargeUsdPerMWDay).toBe(m(u.id).marginAfterCapitalChargeUsdPerDay);
      expect(u.rankUsdPerMWDay).toBe(u.marginAfterCapitalChargeUsdPerMWDay);
      expect(u.marginUsdPerMWDay).toBe(m(u.id).marginUsdPerDay);
    }
    const keep = d.uses.find((u) => u.basis === 'keep')!;
    expect(keep.rankUsdPerMWDay).toBeCloseTo(keep.decisionMarginUsdPerMWDay, 9);
    expect(d.bestUseId).toBe('hosting-lease');
    expect(d.currentUseId).toBe('asic:antminer-s21');
    expect(d.deltaMarginUsdPerMWDay).toBeCloseTo(m('hosting-lease').marginAfterCapitalChargeUsdPerDay - keep.rankUsdPerMWDay, 9);
    expect(d.switchingCapexUsdPerMW).toBe(m('hosting-lease').capexUsd);
    // Simple payback: net capex over the gain on staying's cash (the S21 loses money on its energy: off, $0).
    const resale = 0.34 * m('asic:antminer-s21').capexUsd;
    expect(m('asic:antminer-s21').cashUsdPerDay).toBeLessThan(0);
    expect(d.switchingPaybackDays).toBeCloseTo((m('hosting-lease').capexUsd - resale) / m('hosting-lease').cashUsdPerDay, 6);
    // The switch as a project: the lease's capex, the S21 fleet sold at 0.34 of its capex, 12 months of works.
    expect(d.switching).toMatchObject({ fromUseId: 'asic:antminer-s21', toUseId: 'hosting-lease', constructionMonths: 12, capexUsdPerMW: m('hosting-lease').capexUsd });
    expect(d.switching!.asicResaleUsdPerMW).toBeCloseTo(resale, 6);
    expect(rep.headline).toBe(d.headline);
    expect(d.headline).toMatch(/^Verdict \(per MW of site power\): at each use's hurdle rate \(Hosting lease 10 %, Antminer S21 18 %, GPU rental · H100 SXM 15 %\), switch to Hosting lease: \+\$[\d.,]+\/MW-day after capital charge \(NPV \+\$[\d,.]+( M)?\/MW, IRR [\d.]+ % vs its 10 % hurdle\) vs −\$[\d,]+\/MW-day for keeping Antminer S21 \(capex sunk/);
    expect(d.headline).toMatch(/the switch \(\$6\.4 M\/MW capex, \$[\d,]+\/MW back from the ASIC fleet\) pays back in [\d.]+ (years|months) including 12 months of construction, NPV [+−]\$[\d,.]+( M)?\/MW over staying; mining would win above BTC \$[\d,]+ \(hashprice \$[\d.]+\/PH\/day\)\.$/);
  });

  it("at the mining parity BTC price the kept fleet's decision margin equals the best other option (priced again from scratch)", async () => {
    const rep = await run();
    const p = rep.decision.miningParity;
    expect(p.miningUseId).toBe('asic:antminer-s21');
    expect(p.rivalUseId).toBe('hosting-lease');
    expect(p.hashpriceUsdPerPHDay / rep.hashpriceUsdPerPHDay).toBeCloseTo(p.btcPriceUsd / 90_000, 12);
    const at = await run(['--btc-price', String(p.btcPriceUsd)]);
    const margin = (r: Rep, id: string) => r.decision.uses.find((x) => x.id === id)!.decisionMarginUsdPerMWDay;
    expect(margin(at, 'asic:antminer-s21')).toBeCloseTo(margin(at, 'hosting-lease'), 4);
    // Above that price keeping the fleet is the best option, and the verdict says stay.
    const above = await run(['--btc-price', String(Math.ceil(p.btcPriceUsd * 1.01))]);
    expect(above.decision.bestUseId).toBe('asic:antminer-s21');
    expect(above.decision.switchingPaybackDays).toBeNull();
    expect(above.decision.switching).toBeNull();
    expect(above.decision.deltaMarginUsdPerMWDay).toBe(0);
    expect(above.headline).toMatch(/stay with Antminer S21: .*mining stays best above BTC/);
  });

  it('--current-use picks the use the site runs today; an unknown one is one line, exit 2', async () => {
    const rep = await run(['--current-use', 'gpu-rental']);
    expect(rep.decision.currentUseId).toBe('gpu-rental');
    // Its capex sunk and its resale not modelled, keeping the rental is its cash: it stays.
    expect(rep.headline).toMatch(/stay with GPU rental · H100 SXM: \+\$21,512\/MW-day \(capex sunk; its resale is not modelled, only an ASIC fleet's\), ahead of Hosting lease/);
    expect(rep.decision.switching).toBeNull();
    const bad = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market, '--current-use', 'gpu-minning'], { cwd: ROOT });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--current-use gpu-minning: no such use; one of: asic:antminer-s21, gpu-rental, hosting-lease/);
  });

  it('with a projection, the mining parity price is labelled what it is: a snapshot figure at today\'s difficulty', async () => {
    const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', ...market, '--months', '12'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as Rep & { decision: { basis: string; miningParity: { basis: string } } }).decision;
    expect(d.basis).toBe('projection');
    expect(d.miningParity.basis).toBe('snapshot');
    expect(d.headline).toMatch(/mining would win above BTC \$[\d,]+ \(hashprice \$[\d.]+\/PH\/day; at today's difficulty, a snapshot figure\)\.$/);
  });

  it('the verdict is the first thing the text output says', async () => {
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const rep = await run();
    expect(r.stdout.split('\n')[2]).toBe(rep.headline);
  });
});
