import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule } from '../../src/power/monitor.js';

describe('--idle-baseline: idle power before the workload, gross J stays the headline', () => {
  it('measures idle W before the first window and reports net J = gross J - idle W x time; a window under --min-window is never complete', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-idle-')), 'watts');
    writeFileSync(f, '60\n');
    const warnings: string[] = [];
    const c = await createEnergyMonitor({ meterCmd: `cat '${f}'`, meterInterval: 0.05, idleBaseline: 0.6, minWindow: 1.2 }, { onWarning: (m) => warnings.push(m) });
    if (!c.monitor) throw new Error('no monitor');
    const m = c.monitor;
    try {
      const begun = m.begin('load').then(() => writeFileSync(f, '100\n')); // the baseline runs inside the first begin
      await begun;
      await new Promise((r) => setTimeout(r, 1400));
      const e = await m.end('load');
      if (!e.measured) throw new Error(e.reason);
      expect(e.complete, e.incompleteReason).toBe(true);
      expect(e.idlePowerW).toBeCloseTo(60, 9);
      // Gross is the headline (not net): the load ran at 100 W, idle was 60 W. Only reads taken
      // inside the window count, so the idle reading before the switch is not attributed to it.
      expect(e.energyJ).toBeGreaterThan(95 * e.timeS);
      expect(e.netEnergyJ).toBeCloseTo(e.energyJ - 60 * e.timeS, 9);

      // A window shorter than --min-window (1.2 s): incomplete, with the reason, no per-joule figure.
      await m.begin('short');
      await new Promise((r) => setTimeout(r, 500));
      const s = await m.end('short');
      if (!s.measured) throw new Error(s.reason);
      expect(s.complete).toBe(false);
      // (Under heavy load a process per read can take > 0.12 s, and then 10 read times is the longer
      // rule; a late timer makes the window longer than 0.5 s, never 1.2 s.)
      expect(s.timeS).toBeGreaterThanOrEqual(0.49);
      expect(s.timeS).toBeLessThan(1.2);
      expect(s.incompleteReason).toMatch(/window [\d.]+ s is shorter than [\d.]+ s \((--min-window 1\.2 s|10 × [\d.]+ s sensor update period)/);
      expect(perJoule(100, s)).toBeNull();
      expect(warnings.some((w) => /'short' is incomplete: .*shorter than/.test(w))).toBe(true);
    } finally {
      await m.close();
    }
  });
});
