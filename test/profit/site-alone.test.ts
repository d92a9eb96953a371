/**
 * `profit --site sites/boden-sweden.yaml` alone (no result file) prices every use the site file can
 * price — the reference ASIC, the hosting lease and the GPU rental at the site GPU's rated power —
 * with margins before and after capex, and prints the verdict line.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('profit --site alone', () => {
  it('prints ASIC, lease and GPU-rental rows with margins and a verdict line', async () => {
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const perMW = r.stdout.slice(r.stdout.indexOf('Per MW of site power'), r.stdout.indexOf('Per device:'));
    for (const use of ['Antminer S21 (reference ASIC)', 'Hosting lease ($/kW-month)', 'GPU rental ($/GPU-h) · H100 SXM']) {
      const line = perMW.split('\n').find((l) => l.startsWith(use));
      expect(line, use).toBeDefined();
      // revenue, energy, margin before capex, capex, margin after capex: all money figures, none missing.
      expect((line!.match(/−?\$[\d,.]+( M)?/g) ?? []).length, line).toBeGreaterThanOrEqual(5);
    }
    expect(r.stdout).toMatch(/^Verdict \(per MW of site power\): .+\.$/m);
    const j = await runCliInProcess(['profit', '--json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    const rep = JSON.parse(j.stdout) as { rows: { id: string; priced: boolean; perMW: { marginUsdPerDay: number | null } }[]; decision: { uses: unknown[] } };
    expect(rep.rows.map((x) => x.id)).toEqual(['asic:antminer-s21', 'gpu-rental', 'hosting-lease']);
    for (const row of rep.rows) expect(typeof row.perMW.marginUsdPerDay, row.id).toBe('number');
    // The three site uses and the power left unused (the S21 fleet sold).
    expect(rep.decision.uses).toHaveLength(4);
  });
});
