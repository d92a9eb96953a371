import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnergyMonitor } from '../src/power/monitor.js';

describe('--idle-baseline: idle power before the workload, gross J stays the headline', () => {
  it('measures idle W before the first window and reports net J = gross J - idle W x time', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-idle-')), 'watts');
    writeFileSync(f, '60\n');
    const warnings: string[] = [];
    const c = await createEnergyMonitor({ meterCmd: `cat '${f}'`, meterInterval: 0.05, idleBaseline: 0.6, minWindow: 5 }, { onWarning: (m) => warnings.push(m) });
    if (!c.monitor) throw new Error('no monitor');
    const m = c.monitor;
    try {
      const begun = m.begin('load').then(() => writeFileSync(f, '100\n')); // the baseline runs inside the first begin
      await begun;
      await new Promise((r) => setTimeout(r, 800));
      const e = await m.end('load');
      if (!e.measured) throw new Error(e.reason);
      expect(e.idlePowerW).toBeCloseTo(60, 9);
      // Gross is the headline (not net): the load ran at 100 W, idle was 60 W. The poll right after
      // begin may still read 60 W, hence 90 W rather than 100 W as the lower bound.
      expect(e.energyJ).toBeGreaterThan(90 * e.timeS);
      expect(e.netEnergyJ).toBeCloseTo(e.energyJ - 60 * e.timeS, 9);
      // A window under --min-window is flagged, in the record and through the warning hook.
      expect((e as { warnings?: string[] }).warnings?.[0]).toMatch(/shorter than --min-window 5 s/);
      expect(warnings.some((w) => /shorter than --min-window/.test(w))).toBe(true);
    } finally {
      await m.close();
    }
  });
});
