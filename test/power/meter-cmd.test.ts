import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, type EnergyMonitor } from '../../src/power/monitor.js';
import { parseWattsOutput } from '../../src/power/command.js';

describe('--meter-cmd: a command that prints watts', () => {
  let monitor: EnergyMonitor | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
  });

  it('integrates the printed watts (a step from 80 W to 120 W) with the user-declared scope', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-cmd-')), 'watts');
    writeFileSync(f, '80\n');
    const choice = await createEnergyMonitor({ meterCmd: `cat '${f}'`, meterInterval: 0.05, meterScope: 'gpu-board', minWindow: 0 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    expect(monitor.meter).toBe('cmd');
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 1500));
    const tStep = performance.timeOrigin + performance.now();
    writeFileSync(f, '120 W\n');
    await new Promise((r) => setTimeout(r, 1500));
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    const x = e as Record<string, unknown>;
    const truth = (80 * (tStep - (x.startUnixMs as number)) + 120 * ((x.endUnixMs as number) - tStep)) / 1000;
    // A process per read: when inside its ~10–100 ms the command sampled the file is not known, so
    // the step's position blurs by up to a read time (covered by the stated uncertainty below).
    expect(Math.abs(e.energyJ - truth) / truth, `energy ${e.energyJ} J vs truth ${truth} J`).toBeLessThan(0.02);
    // The step lies between two polls (and inside a process run): the reported uncertainty covers the error.
    expect(Math.abs(e.energyJ - truth), `uncertainty ${e.uncertaintyJ} J`).toBeLessThanOrEqual((e.uncertaintyJ ?? 0) + 0.2);
    expect(e.scope).toBe('gpu-board');
    expect(e.method).toMatch(/--meter-cmd/);
  });

  it('parses watts strictly', () => {
    expect(parseWattsOutput('x', ' 231.5\n')).toBe(231.5);
    expect(parseWattsOutput('x', '90W')).toBe(90);
    expect(() => parseWattsOutput('snmpget …', 'Timeout: No Response')).toThrow(/^--meter-cmd 'snmpget …': printed 'Timeout: No Response', expected one number of watts/);
    expect(() => parseWattsOutput('x', '12\n13')).toThrow(/and more lines/);
    expect(() => parseWattsOutput('x', '-5')).toThrow(/negative/);
  });
});
