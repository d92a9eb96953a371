/**
 * ASIC capex provenance: every ASIC capex derived from the default $/TH lists that default as an
 * input (so the report says where it came from and warns when it is stale), also next to a site
 * file that prices its own ASIC; with no ASIC using it, it is not listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProfitInputs } from '../../src/profit/index.js';
import { validateSiteProfile } from '../../src/profit/profile.js';

const v = validateSiteProfile(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'sites', 'paraguay-yguazu.json'), 'utf8')));
if (!v.ok) throw new Error(v.error);
const site = v.profile;

const resolve = (asic: string[]) =>
  resolveProfitInputs({ flags: { asic, hashrate: 1e12, watts: 100 }, profile: site, profileFile: 'py.json', measured: null, todayIso: '2026-11-22' });

describe('ASIC capex per TH', () => {
  it('is listed (with its stale-default warning) when a second ASIC takes its capex from it', () => {
    expect(site.asic?.capexUsd).toBeDefined();
    const r = resolve(['antminer-s21plus-hydro', 'antminer-s21']);
    expect(r.inputs['asic:antminer-s21plus-hydro:capexUsd']?.provenance.kind).toBe('site');
    const s21 = r.inputs['asic:antminer-s21:capexUsd']!;
    expect(s21.provenance).toMatchObject({ kind: 'derived', from: ['asicCapexUsdPerTH', 'antminer-s21 hashrate'] });
    const perTH = r.inputs.asicCapexUsdPerTH!;
    expect(perTH.provenance.kind).toBe('default');
    expect(s21.value).toBeCloseTo((perTH.value as number) * 200, 10);
    expect(r.warnings.some((w) => w.startsWith('asicCapexUsdPerTH'))).toBe(true);
  });

  it('is not listed when the only ASIC is priced by the site file', () => {
    const r = resolve(['antminer-s21plus-hydro']);
    expect(r.inputs.asicCapexUsdPerTH).toBeUndefined();
    expect(r.warnings.some((w) => w.startsWith('asicCapexUsdPerTH'))).toBe(false);
  });
});
