/**
 * A hurdle rate per use kind (Damodaran, Applied Corporate Finance: the hurdle rate is higher for
 * riskier projects): the site's `finance.discountRateByKind`, the repeatable flag
 * `--discount-rate-kind <kind>=<fraction>`, and `--discount-rate` for every kind without its own
 * flag (a flag replaces the site file's rates). The shipped Boden site charges a contracted lease
 * 10 %, merchant GPU rental 15 % and ASIC mining 18 %, each sourced; the rates are shown in the
 * verdict and the inputs table. Figures by hand (python3):
 *
 *   Boden H100 rental per MW: 533.3333 GPUs, cash $21,512.00/MW-day; GPUs + servers $26,666,666.67 at
 *   commissioning less the cards' 20 % resale after 5 years ($3,200,000); retrofit $6.4 M paid in 12
 *   monthly installments over 12 years.
 *   At 15 %: value of the installments at commissioning 6,400,000 × (1/12) Σ_{k=1..12} 1.15^((12−k)/12)
 *     = 6,400,000 × 1.067015676; charge = ((26,666,666.67 − 3,200,000 × 1.15^−5) × CRF(15 %, 5) = 0.29831555
 *     + 6,400,000 × 1.067015676 × CRF(15 %, 12) = 0.18448078) / 365 = $23,945.952/day → margin −$2,433.952.
 *   At 12 %: factor 1.053874826, CRF(12 %, 5) = 0.27740973, CRF(12 %, 12) = 0.16143681 → charge
 *     $21,870.522/day → margin −$358.522.
 */
import { describe, expect, it } from 'vitest';
import { validateSiteProfile } from '../../src/profit/profile.js';
import { ROOT, runCliInProcess } from '../helpers.js';

type Rep = {
  headline: string;
  rows: { id: string; discountRate: number; marginAfterCapitalChargeUsdPerMWDay: number; project: { discountRate: number } }[];
  inputs: Record<string, { value: number; provenance: { kind: string; flag?: string; field?: string; source?: string } }>;
  decision: { uses: { id: string; discountRate: number }[] };
};
const market = ['--btc-price', '90000', '--difficulty', '150e12', '--fees-per-block', '0.02', '--height', '990000', '--as-of', '2026-11-22'];

async function boden(extra: string[] = []): Promise<Rep> {
  const r = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', ...market, ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Rep;
}
const row = (rep: Rep, id: string) => rep.rows.find((x) => x.id === id)!;

describe('hurdle rates by use kind', () => {
  it('the shipped Boden site: lease 10 %, GPU rental 15 %, ASIC mining 18 %, each sourced, in the rows, the verdict and the inputs', async () => {
    const rep = await boden();
    expect(row(rep, 'hosting-lease').discountRate).toBe(0.1);
    expect(row(rep, 'gpu-rental').discountRate).toBe(0.15);
    expect(row(rep, 'asic:antminer-s21').discountRate).toBe(0.18);
    expect(row(rep, 'gpu-rental').project.discountRate).toBe(0.15);
    expect(row(rep, 'gpu-rental').marginAfterCapitalChargeUsdPerMWDay).toBeCloseTo(-2433.952, 2);
    expect(rep.decision.uses.find((u) => u.id === 'gpu-rental')!.discountRate).toBe(0.15);
    expect(rep.headline).toMatch(/^Verdict \(per MW of site power\): at each use's hurdle rate \(Hosting lease 10 %, Antminer S21 18 %, GPU rental · H100 SXM 15 %\)/);
    expect(rep.inputs['discountRate:gpu-rental']).toMatchObject({ value: 0.15, provenance: { kind: 'site', field: 'finance.discountRateByKind.gpu-rental' } });
    expect(rep.inputs['discountRate:gpu-rental']!.provenance.source).toMatch(/merchant GPU rental, 15–20 %/);
    expect(rep.inputs['discountRate:asic-mining']!.provenance.source).toMatch(/Cipher's equity beta 2\.93/);
    expect(rep.inputs['discountRate:hosting-lease']!.provenance.source).toMatch(/secured project debt/);
    // Kinds with no row here are not listed (the inputs table lists what the report used).
    expect(rep.inputs['discountRate:gpu-mining']).toBeUndefined();
    const text = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market], { cwd: ROOT });
    expect(text.stdout).toMatch(/^discountRate:gpu-rental +0\.15 +fraction\/year +site file sites\/boden-sweden\.yaml finance\.discountRateByKind\.gpu-rental/m);
    expect(text.stdout).toMatch(/^GPU rental \(\$\/GPU-h\) · H100 SXM +15 % /m);
  });

  it('--discount-rate-kind sets one kind (flag over site); --discount-rate sets every kind without its own flag', async () => {
    const k = await boden(['--discount-rate-kind', 'gpu-rental=0.12']);
    expect(row(k, 'gpu-rental').discountRate).toBe(0.12);
    expect(row(k, 'gpu-rental').marginAfterCapitalChargeUsdPerMWDay).toBeCloseTo(-358.522, 2);
    expect(row(k, 'hosting-lease').discountRate).toBe(0.1);
    expect(k.inputs['discountRate:gpu-rental']).toMatchObject({ value: 0.12, provenance: { kind: 'flag', flag: '--discount-rate-kind gpu-rental=' } });
    const all = await boden(['--discount-rate', '0.08']);
    for (const id of ['hosting-lease', 'gpu-rental', 'asic:antminer-s21']) expect(row(all, id).discountRate).toBe(0.08);
    expect(Object.keys(all.inputs).filter((x) => x.startsWith('discountRate:'))).toEqual([]);
    expect(all.headline).toMatch(/^Verdict \(per MW of site power\): at a 8 % cost of capital, /);
    const both = await boden(['--discount-rate', '0.08', '--discount-rate-kind', 'asic-mining=0.2']);
    expect(row(both, 'asic:antminer-s21').discountRate).toBe(0.2);
    expect(row(both, 'gpu-rental').discountRate).toBe(0.08);
  });

  it('bad input: one line naming the flag or field, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--discount-rate-kind', 'gpu-rental=15'], /^joulebench: error: --discount-rate-kind gpu-rental=15: out of range, must be a number from 0 to 1 \(a fraction: 15 % is 0\.15\)$/],
      [['--discount-rate-kind', 'gpu=0.1'], /^joulebench: error: --discount-rate-kind 'gpu=0\.1': unknown use kind 'gpu'; one of: asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease$/],
      [['--discount-rate-kind', 'gpu-rental=0.1', '--discount-rate-kind', 'gpu-rental=0.2'], /^joulebench: error: --discount-rate-kind gpu-rental= given twice \(gpu-rental=0\.1 and gpu-rental=0\.2\): pass each kind once$/],
    ];
    for (const [args, re] of cases) {
      const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', ...market, ...args], { cwd: ROOT });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
    const base = { name: 'x', asOf: '2026-01-01', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.05, pue: { mining: 1, ai: 1 } };
    expect(validateSiteProfile({ ...base, finance: { discountRateByKind: { 'gpu-rentall': 0.1 } } })).toEqual({ ok: false, error: "unknown field 'finance.discountRateByKind.gpu-rentall' (check spelling and units in the key name)" });
    expect(validateSiteProfile({ ...base, finance: { discountRateByKind: { 'gpu-rental': 15 } } })).toEqual({ ok: false, error: "field 'finance.discountRateByKind.gpu-rental' must be ≤ 1 (fraction per year (0.15 = 15 %))" });
  });
});
