// A meter that dies during the hash bench's energy window: the H/s result is kept, the energy is
// marked incomplete, and hashesPerJoule is null with a reason that says so (not "no positive
// energy"). Real meter path: a --meter-cmd that reads a file, polled by the sampler worker; the
// test removes the file once the window is open. Not timing-gated.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHashBench } from '../../src/hash/bench.js';
import { createEnergyMonitor, type EnergyMonitor } from '../../src/power/monitor.js';
import { measurementSchema } from '../../src/results/schema.js';
import { useGpu } from '../helpers.js';

const gpu = useGpu();

describe('hash bench with a meter that fails mid-window', () => {
  it('keeps H/s, marks energy incomplete, and gives the incomplete-energy reason for the null H/J', async () => {
    const ctx = await gpu();
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-dying-meter-')), 'watts');
    writeFileSync(f, '50\n');
    const choice = await createEnergyMonitor({ meterCmd: `cat '${f}'`, meterInterval: 0.05, minWindow: 0 });
    if (!choice.monitor) throw new Error(choice.reason);
    const real = choice.monitor;
    let killTimer: NodeJS.Timeout | null = null;
    // The real monitor; the meter's source disappears 300 ms after the window opens.
    const monitor: EnergyMonitor = {
      meter: real.meter,
      info: real.info,
      idleBaseline: (s) => real.idleBaseline(s),
      begin: async (name) => {
        await real.begin(name);
        killTimer = setTimeout(() => rmSync(f, { force: true }), 300);
      },
      end: (name) => real.end(name),
      close: () => real.close(),
    };
    try {
      const m = await runHashBench(ctx, { seconds: 1.5, launch: { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 2 } }, monitor);
      measurementSchema.parse(m);
      expect(m.metrics.hashesPerSecond!.value).toBeGreaterThan(0);
      const e = m.energy!;
      if (!e.measured) throw new Error(`expected a measured-but-incomplete record, got: ${e.reason}`);
      expect(e.complete).toBe(false);
      expect(e.incompleteReason).toMatch(/cmd meter failed/);
      const hpj = m.metrics.hashesPerJoule!;
      expect(hpj.value).toBeNull();
      expect(hpj.reason).toMatch(/^energy incomplete: cmd meter failed/);
    } finally {
      if (killTimer) clearTimeout(killTimer);
      await monitor.close();
    }
  });
});
