/**
 * The no-overhead rule for wall power applies per figure: a hash rate whose power was measured at
 * the wall gets no server overhead, while an inference figure next to it whose power is GPU power
 * (from --watts or the site's gpu.powerW) still gets the site GPU's host overhead (Boden's H100 is
 * an HGX server: 10,200 / 5,600 = ×1.8214). An inference figure sits in the AI hall, where network
 * and storage add their share of critical IT (the shipped 15 %): its IT power is 300 W × factor /
 * (1 − 0.15); GPU mining sits in the mining hall, without it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pricedRows, resolveProfitInputs, siteComparison, type MeasuredInputs } from '../../src/profit/index.js';
import { validateSiteProfile } from '../../src/profit/profile.js';

const v = validateSiteProfile(parse(readFileSync(join(import.meta.dirname, '..', '..', 'sites', 'boden-sweden.yaml'), 'utf8')));
if (!v.ok) throw new Error(v.error);
const site = v.profile;
const factor = 10_200 / 5_600; // the HGX class (site gpu.deviceClass: hgx)
const share = 0.15; // networkStorageShareOfCriticalIT, the shipped default (Boden sets none)

const measured = (scope: string): MeasuredInputs => ({
  file: 'r.json',
  hash: { value: 1e9, path: 'h', powerW: 400, powerPath: 'hp', energyReason: null, scope },
  infer: null,
});

function rows(scope: string) {
  const r = resolveProfitInputs({
    flags: { asic: ['none'], tokensPerSecond: 100, watts: 300 },
    profile: site,
    profileFile: 'boden.yaml',
    measured: measured(scope),
    todayIso: '2026-11-22',
  });
  const cmp = pricedRows(siteComparison(r.comparison).rows);
  return { r, mining: cmp.find((x) => x.id === 'gpu-mining')!, infer: cmp.find((x) => x.id === 'gpu-inference-tokens')! };
}

describe('server overhead per figure', () => {
  it('wall-measured hash power: no overhead; --watts inference power next to it: the site factor', () => {
    expect(factor).toBeGreaterThan(1);
    const { r, mining, infer } = rows('wall');
    expect(mining.perUnit.powerW).toBe(400);
    expect(infer.perUnit.powerW).toBeCloseTo((300 * factor) / (1 - share), 10);
    expect(r.inputs.networkStorageShareOfCriticalIT?.value).toBe(share);
    expect(site.gpu!.deviceClass!.value).toBe('hgx');
    expect(r.inputs.hostOverheadHgx?.value).toBe(factor);
    expect(r.inputs.hostOverheadHgx?.provenance.kind).toBe('default');
    expect(r.inputs.hashServerOverheadFactor?.value).toBe(1);
    expect(r.inputs.hashServerOverheadFactor?.provenance.kind).toBe('derived');
    expect(infer.notes.some((n) => n.includes('server overhead 1.821'))).toBe(true);
    expect(mining.notes.some((n) => n.includes('server overhead'))).toBe(false);
  });

  it('a gpu-board reading gets the factor on both figures', () => {
    const { r, mining, infer } = rows('gpu-board');
    expect(mining.perUnit.powerW).toBeCloseTo(400 * factor, 10);
    expect(infer.perUnit.powerW).toBeCloseTo((300 * factor) / (1 - share), 10);
    expect(r.inputs.hashServerOverheadFactor).toBeUndefined();
  });
});
