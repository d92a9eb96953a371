// A polled meter that fails for a while and comes back inside one window: the figure is marked
// incomplete and says how much of the window was interpolated across the failed reads (it used
// to report the whole window as covered). Real path: --meter-cmd reading a file in the sampler
// worker; the file disappears for a while.
//
// Paced by the meter's own reads, not by sleeps: each read logs when it ran and whether the file
// was there (bash's $EPOCHREALTIME, the wall clock the sampler's Unix-ms times use too). On a
// loaded machine a spawned read takes 0.1 s or more: fixed sleeps (0.3 s, a 0.4 s gap, 0.3 s) then
// left a window shorter than the ten read periods a power meter needs, or a gap that no read saw.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../../src/power/monitor.js';
import { waitFor } from '../fixtures/processes.js';

/** Bash's and Node's Unix clocks are read apart: a little slack when comparing them, ms. */
const CLOCK_SLACK_MS = 5;

describe('meter gap inside a window', () => {
  let monitor: EnergyMonitor | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
  });

  it('is reported as incomplete with the interpolated span, not as covered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joulebench-gap-'));
    const f = join(dir, 'watts');
    const log = join(dir, 'reads');
    const script = join(dir, 'meter.sh');
    writeFileSync(f, '50\n');
    writeFileSync(log, '');
    writeFileSync(
      script,
      `if read -r w 2>/dev/null < '${f}'; then echo "$EPOCHREALTIME ok" >> '${log}'; echo "$w"; else echo "$EPOCHREALTIME fail" >> '${log}'; echo 'watts file gone' >&2; exit 1; fi\n`,
    );
    const reads = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ tMs: Number(l.split(' ')[0]) * 1000, ok: l.endsWith(' ok') }));
    const count = (from: number, ok: boolean) => reads().slice(from).filter((r) => r.ok === ok).length;
    const choice = await createEnergyMonitor({ meterCmd: `bash '${script}'`, meterInterval: 0.05, minWindow: 0 });
    if (!choice.monitor) throw new Error(choice.reason);
    monitor = choice.monitor;
    await monitor.begin('w');
    // Enough reads on each side that the window spans the ten read periods it needs however slow
    // the reads are (they set the period), and a gap several reads long.
    const n0 = reads().length;
    expect(await waitFor(() => count(n0, true) >= 12, 20_000, 10), 'reads before the gap').toBe(true);
    rmSync(f);
    const n1 = reads().length;
    expect(await waitFor(() => count(n1, false) >= 6, 20_000, 10), 'failed reads').toBe(true);
    writeFileSync(f, '50\n');
    const n2 = reads().length;
    expect(await waitFor(() => count(n2, true) >= 14, 20_000, 10), 'reads after the gap').toBe(true);
    const e = await monitor.end('w');
    if (!e.measured) throw new Error(e.reason);
    expect(e.complete).toBe(false);
    const x = e as Record<string, unknown>;
    const bridgedS = x.bridgedS as number;

    // The failed reads, from the command's own log: one run of them, with good reads around it
    // inside the window.
    const all = reads();
    const first = all.findIndex((r) => !r.ok);
    const last = all.findLastIndex((r) => !r.ok);
    expect(all.slice(first, last + 1).every((r) => !r.ok), 'one run of failed reads').toBe(true);
    expect(all[first - 2]!.tMs, 'two good reads in the window before the gap').toBeGreaterThanOrEqual(e.startUnixMs! + CLOCK_SLACK_MS);
    expect(all[last + 2]!.tMs, 'two good reads in the window after the gap').toBeLessThanOrEqual(e.endUnixMs! - CLOCK_SLACK_MS);
    // Reads are serialised and each ran its command between its start and end, so the good read
    // just before the gap has its midpoint after the read before it ran and before the first failed
    // read ran; the one just after, after the last failed read ran and before the next read ran.
    // The span bridged between those two midpoints is therefore bracketed by the log, whatever the
    // read durations.
    expect(bridgedS * 1000).toBeGreaterThanOrEqual(all[last]!.tMs - all[first]!.tMs - CLOCK_SLACK_MS);
    expect(bridgedS * 1000).toBeLessThanOrEqual(all[last + 2]!.tMs - all[first - 2]!.tMs + CLOCK_SLACK_MS);
    expect(bridgedS).toBeLessThan(e.timeS);
    expect(e.incompleteReason).toMatch(/cmd meter failed \d+× during the window .*energy covers [\d.]+ s of [\d.]+ s, of which [\d.]+ s interpolated across failed reads$/);
    // The constant 50 W is still integrated over the whole window, and no per-joule figure is given.
    expect(Math.abs(e.energyJ - 50 * e.timeS) / (50 * e.timeS)).toBeLessThan(0.01);
    expect(perJoule(1e9, e)).toBeNull();
  });
});
