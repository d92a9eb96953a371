/**
 * The verdict block: best use after capex, the current use (the ASIC unless --current-use), the
 * margin gained by switching, the switching payback on the cash-flow gain, and the BTC price at
 * which mining would win — checked by pricing the site again at that BTC price, where the ASIC's
 * margin must equal the best other use's. One headline line in the JSON and first in the text.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from './helpers.js';

const market = ['--btc-price', '90000', '--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000', '--as-of', '2026-11-22'];

type Rep = {
  headline: string;
  rows: { id: string; priced: boolean; perMW: { marginUsdPerDay: number; cashUsdPerDay: number; capexUsd: number } }[];
  decision: {
    bestUseId: string;
    currentUseId: string;
    uses: { id: string; marginUsdPerMWDay: number }[];
    deltaMarginUsdPerMWDay: number;
    switchingCapexUsdPerMW: number;
    switchingPaybackDays: number;
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
  it('names the best use, the current use, the gain and the switching payback from the rows themselves', async () => {
    const rep = await run();
    const d = rep.decision;
    const m = (id: string) => rep.rows.find((r) => r.id === id)!.perMW;
    // Every use's margin, best first.
    expect(d.uses.map((u) => u.id)).toEqual(['gpu-rental', 'hosting-lease', 'asic:antminer-s21']);
    for (const u of d.uses) expect(u.marginUsdPerMWDay).toBe(m(u.id).marginUsdPerDay);
    expect(d.bestUseId).toBe('gpu-rental');
    expect(d.currentUseId).toBe('asic:antminer-s21');
    expect(d.deltaMarginUsdPerMWDay).toBeCloseTo(m('gpu-rental').marginUsdPerDay - m('asic:antminer-s21').marginUsdPerDay, 9);
    expect(d.switchingCapexUsdPerMW).toBe(m('gpu-rental').capexUsd);
    expect(d.switchingPaybackDays).toBeCloseTo(m('gpu-rental').capexUsd / (m('gpu-rental').cashUsdPerDay - m('asic:antminer-s21').cashUsdPerDay), 6);
    expect(rep.headline).toBe(d.headline);
    expect(d.headline).toMatch(/^Verdict \(per MW of site power\): switch to GPU rental · H100 SXM: \+\$[\d,]+\/MW-day after capex vs −\$[\d,]+\/MW-day for Antminer S21 \(current\)/);
    expect(d.headline).toMatch(/pays back in \d+(\.\d)? (years|days) on the gain over the current use; mining would win above BTC \$[\d,]+ \(hashprice \$[\d.]+\/PH\/day\)\.$/);
  });

  it('at the mining parity BTC price the ASIC margin equals the best other use (priced again from scratch)', async () => {
    const rep = await run();
    const p = rep.decision.miningParity;
    expect(p.miningUseId).toBe('asic:antminer-s21');
    expect(p.rivalUseId).toBe('gpu-rental');
    expect(p.hashpriceUsdPerPHDay / rep.hashpriceUsdPerPHDay).toBeCloseTo(p.btcPriceUsd / 90_000, 12);
    const at = await run(['--btc-price', String(p.btcPriceUsd)]);
    const margin = (r: Rep, id: string) => r.rows.find((x) => x.id === id)!.perMW.marginUsdPerDay;
    expect(margin(at, 'asic:antminer-s21')).toBeCloseTo(margin(at, 'gpu-rental'), 4);
    // Above that price mining is the best use, and the verdict says stay.
    const above = await run(['--btc-price', String(Math.ceil(p.btcPriceUsd * 1.01))]);
    expect(above.decision.bestUseId).toBe('asic:antminer-s21');
    expect(above.decision.switchingPaybackDays).toBeNull();
    expect(above.decision.deltaMarginUsdPerMWDay).toBe(0);
    expect(above.headline).toMatch(/stay with Antminer S21: .*mining stays best above BTC/);
  });

  it('--current-use picks the use the site runs today; an unknown one is one line, exit 2', async () => {
    const rep = await run(['--current-use', 'hosting-lease']);
    expect(rep.decision.currentUseId).toBe('hosting-lease');
    expect(rep.headline).toMatch(/for Hosting lease \(current\)/);
    const bad = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market, '--current-use', 'gpu-minning'], { cwd: ROOT });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--current-use gpu-minning: no such use; one of: gpu-rental, hosting-lease, asic:antminer-s21/);
  });

  it('the verdict is the first thing the text output says', async () => {
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const rep = await run();
    expect(r.stdout.split('\n')[2]).toBe(rep.headline);
  });
});
