/**
 * Power measured at the wall already contains the whole server: the site's GPU server-overhead
 * factor must not be applied on top (that would count host CPUs, fans and PSU losses twice),
 * while a GPU-board reading gets it.
 */
import { describe, expect, it } from 'vitest';
import { resolveProfitInputs, buildProfitReport, type MeasuredInputs, type SiteProfile } from '../../src/profit/index.js';
import { validateSiteProfile } from '../../src/profit/profile.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const site = (() => {
  const v = validateSiteProfile(parse(readFileSync(join(import.meta.dirname, '..', '..', 'sites', 'boden-sweden.yaml'), 'utf8')));
  if (!v.ok) throw new Error(v.error);
  return v.profile as SiteProfile;
})();

function energyCostPerDay(scope: string): { cost: number; overhead: number | null } {
  const measured: MeasuredInputs = {
    file: 'r.json',
    hash: { value: 1e9, path: 'p', powerW: 400, powerPath: 'q', energyReason: null, scope },
    infer: null,
  };
  const r = resolveProfitInputs({ flags: { asic: ['none'] }, profile: site, profileFile: 'boden.yaml', measured, todayIso: '2026-11-22' });
  const rep = buildProfitReport(r, { asOf: '2026-11-22', site: null, days: 1, months: 0, sensitivity: false });
  // A wall reading records its overhead of 1 (gpuServerOverheadFactor); a board reading takes the HGX class's.
  const o = scope === 'wall' ? (r.inputs.gpuServerOverheadFactor ?? r.inputs.hashServerOverheadFactor) : r.inputs.hostOverheadHgx;
  return { cost: rep.energyCostUsdPerDay!, overhead: (o?.value as number | undefined) ?? null };
}

describe('server overhead and energy scope', () => {
  it('applies the site overhead to a gpu-board reading and not to a wall reading', () => {
    const board = energyCostPerDay('gpu-board');
    const wall = energyCostPerDay('wall');
    // Boden's H100 is an HGX server: 10.2 kW / (8 × 700 W) = ×1.8214.
    expect(site.gpu?.deviceClass?.value).toBe('hgx');
    const factor = 10_200 / 5_600;
    expect(board.overhead).toBe(factor);
    expect(wall.overhead).toBe(1);
    // Same 400 W reading: the board figure is scaled by the overhead, the wall figure is not.
    expect(board.cost / wall.cost).toBeCloseTo(factor!, 10);
  });
});
