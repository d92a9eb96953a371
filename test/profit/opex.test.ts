/**
 * Opex per use kind (issue 22 item 2): a fixed part per MW of site power per year and a share of
 * the use's sales revenue, from repeatable flags (--opex-fixed kind=usd, --opex-revenue-fraction
 * kind=f), the site file's `opex:` block, or the sourced defaults (shown in the inputs table; 0
 * when set to 0). Hand-computed; bad input is one line naming the flag or field, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSiteProfile } from '../../src/profit/profile.js';
import { ROOT, runCliInProcess } from '../helpers.js';

type PerMW = { revenueUsdPerDay: number; fixedOpexUsdPerDay: number; revenueOpexUsdPerDay: number; cashUsdPerDay: number };
type Rep = { rows: { id: string; perMW: PerMW }[]; inputs: Record<string, { value: number; provenance: { kind: string; flag?: string; field?: string; source?: string } }> };

async function profit(args: string[]): Promise<Rep> {
  const r = await runCliInProcess(['profit', '--json', '--as-of', '2026-11-22', ...args], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Rep;
}

const lease = ['--asic', 'none', '--power-price', '0.05', '--pue', '1', '--lease-usd-per-kw-month', '100', '--lease-power-paid-by', 'tenant', '--retrofit-capex-usd-per-mw', '0'];

describe('opex per use kind', () => {
  it('flags: lease revenue $3,287.67/day − 20 % ($657.53) − $36,500/MW-year ($100/day) = $2,530.14/MW-day before capex', async () => {
    // 1,000 kW of IT (PUE 1) × $100/kW-month × 12 / 365 = $3,287.671233/day.
    const rep = await profit([...lease, '--opex-fixed', 'hosting-lease=36500', '--opex-revenue-fraction', 'hosting-lease=0.2']);
    const l = rep.rows.find((x) => x.id === 'hosting-lease')!.perMW;
    expect(l.revenueUsdPerDay).toBeCloseTo(3287.671233, 5);
    expect(l.revenueOpexUsdPerDay).toBeCloseTo(657.534247, 5);
    expect(l.fixedOpexUsdPerDay).toBeCloseTo(100, 9);
    expect(l.cashUsdPerDay).toBeCloseTo(2530.136986, 5);
    expect(rep.inputs['opex:hosting-lease:revenueFraction']).toMatchObject({ value: 0.2, provenance: { kind: 'flag', flag: '--opex-revenue-fraction hosting-lease=' } });
  });

  it('defaults are sourced and shown: the lease pays 15 % (TeraWulf 85 % NOI); set to 0 it is 0', async () => {
    const rep = await profit(lease);
    const f = rep.inputs['opex:hosting-lease:revenueFraction']!;
    expect(f.value).toBe(0.15);
    expect(f.provenance.kind).toBe('default');
    expect(f.provenance.source).toMatch(/TeraWulf.*85 %/);
    expect(rep.rows.find((x) => x.id === 'hosting-lease')!.perMW.revenueOpexUsdPerDay).toBeCloseTo(0.15 * 3287.671233, 5);
    const zero = await profit([...lease, '--opex-revenue-fraction', 'hosting-lease=0']);
    expect(zero.rows.find((x) => x.id === 'hosting-lease')!.perMW.revenueOpexUsdPerDay).toBe(0);
    // Kinds with no row priced here are not listed (the inputs table lists what the report used).
    expect(rep.inputs['opex:gpu-rental:revenueFraction']).toBeUndefined();
  });

  it("the site file's opex block: Boden GPU rental at 10 % of revenue + $50,000/MW-year", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-opex-'));
    const site = join(dir, 'boden-opex.yaml');
    writeFileSync(site, `${readFileSync(join(ROOT, 'sites/boden-sweden.yaml'), 'utf8')}opex:\n  gpu-rental:\n    fixedUsdPerMWYear: {value: 50000, source: staff and support (example), date: "2026"}\n    revenueFraction: 0.1\n`);
    const rep = await profit(['--site', site]);
    const g = rep.rows.find((x) => x.id === 'gpu-rental')!.perMW;
    // Boden rental per MW: 1e6 / (700 W × 10,200 / 5,600 / 0.85 × 1.25 = 1,875 W) = 533.3333 GPUs × $2.65 × 24 h × 0.7
    // = $23,744.00/day of revenue.
    expect(g.revenueUsdPerDay).toBeCloseTo(23_744, 6);
    expect(g.revenueOpexUsdPerDay).toBeCloseTo(2374.4, 6);
    expect(g.fixedOpexUsdPerDay).toBeCloseTo(50_000 / 365, 6);
    expect(rep.inputs['opex:gpu-rental:fixedUsdPerMWYear']!.provenance).toMatchObject({ kind: 'site', field: 'opex.gpu-rental.fixedUsdPerMWYear', source: 'staff and support (example)' });
  });

  it('bad input: one line naming the flag or field and the fix, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--opex-fixed', 'gpu-rentall=5'], /^joulebench: error: --opex-fixed 'gpu-rentall=5': unknown use kind 'gpu-rentall'; one of: asic-mining, gpu-mining, gpu-inference, gpu-rental, hosting-lease$/],
      [['--opex-fixed', '5000'], /^joulebench: error: --opex-fixed '5000': must be <kind>=<value>, e\.g\. --opex-fixed gpu-rental=150000/],
      [['--opex-revenue-fraction', 'hosting-lease=1.5'], /^joulebench: error: --opex-revenue-fraction hosting-lease=1\.5: out of range, must be a number from 0 to 1 \(a fraction: 1\.5 % is 0\.015\)$/],
      [['--opex-fixed', 'gpu-rental=lots'], /^joulebench: error: --opex-fixed 'gpu-rental=lots': the value after '=' must be a number/],
      // The same kind twice kept the last value silently: refused.
      [['--opex-fixed', 'hosting-lease=100', '--opex-fixed', 'hosting-lease=200'], /^joulebench: error: --opex-fixed hosting-lease= given twice \(hosting-lease=100 and hosting-lease=200\): pass each kind once$/],
      [['--opex-revenue-fraction', 'hosting-lease=0.1', '--opex-revenue-fraction', 'hosting-lease=0.1'], /^joulebench: error: --opex-revenue-fraction hosting-lease= given twice/],
      [['--discount-rate', '12'], /^joulebench: error: --discount-rate 12: out of range, must be a number from 0 to 1 \(a fraction: 12 % is 0\.12\)$/],
      [['--capex-budget-usd', '-1'], /^joulebench: error: --capex-budget-usd -1: out of range/],
    ];
    for (const [args, re] of cases) {
      const r = await runCliInProcess(['profit', ...lease, ...args], { cwd: ROOT });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
    }
    const base = { name: 'x', asOf: '2026-01-01', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.05, pue: { mining: 1, ai: 1 } };
    expect(validateSiteProfile({ ...base, opex: { 'gpu-rentall': { revenueFraction: 0.1 } } })).toEqual({ ok: false, error: "unknown field 'opex.gpu-rentall' (check spelling and units in the key name)" });
    expect(validateSiteProfile({ ...base, opex: { 'gpu-rental': { revenueFraction: 1.5 } } })).toEqual({ ok: false, error: "field 'opex.gpu-rental.revenueFraction' must be ≤ 1 (share of the use's sales revenue, 0..1)" });
  });
});
