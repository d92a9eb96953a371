// A polled meter that fails for a while and comes back inside one window: the figure is marked
// incomplete and says how much of the window was interpolated across the failed reads (it used
// to report the whole window as covered). Real path: --meter-cmd reading a file in the sampler
// worker; the file disappears for 400 ms.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../../src/power/monitor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('meter gap inside a window', () => {
  let monitor: EnergyMonitor | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
  });

  it('is reported as incomplete with the interpolated span, not as covered', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'joulebench-gap-')), 'watts');
    writeFileSync(f, '50\n');
    const choice = await createEnergyMonitor({ meterCmd: `cat '${f}'`, meterInterval: 0.05, minWindow: 0 });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    await sleep(300);
    rmSync(f);
    await sleep(400);
    writeFileSync(f, '50\n');
    await sleep(300);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.complete).toBe(false);
    const x = e as Record<string, unknown>;
    const bridgedS = x.bridgedS as number;
    // The last good read before the gap precedes the removal, the first after it follows the
    // restore (its midpoint may precede the restore by half a read, a spawned `cat` that a loaded
    // machine can slow to ~0.1 s): about the 400 ms the file was gone, and less than the window.
    expect(bridgedS).toBeGreaterThanOrEqual(0.3);
    expect(bridgedS).toBeLessThan(e.timeS);
    expect(e.incompleteReason).toMatch(/cmd meter failed \d+× during the window .*energy covers [\d.]+ s of [\d.]+ s, of which [\d.]+ s interpolated across failed reads$/);
    // The constant 50 W is still integrated over the whole window, and no per-joule figure is given.
    expect(Math.abs(e.energyJ - 50 * e.timeS) / (50 * e.timeS)).toBeLessThan(0.01);
    expect(perJoule(1e9, e)).toBeNull();
  });
});
