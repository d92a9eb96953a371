import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

/** The one `joulebench: error:` line, checking there is exactly one. */
function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('joulebench: error:'));
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('joulebench power: bad input is one line and exit 2; JSON output', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('unknown meter name', async () => {
    const r = await runCli(['power', 'sample', '--meter', 'wattmeter9000', '--seconds', '1']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/--meter 'wattmeter9000': unknown meter; use one of nvml, rapl, hwmon, shelly, tasmota, cmd, declared/);
  });

  it('unreachable meter URL (refused) and a meter that never answers (bounded by --meter-timeout)', async () => {
    // A port that was just free: connection refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = await runCli(['power', 'sample', '--meter', 'shelly', '--meter-url', `http://127.0.0.1:${freePort}`, '--seconds', '1']);
    expect(refused.code).toBe(2);
    expect(oneErrorLine(refused.stderr)).toMatch(/--meter shelly: Shelly meter at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);

    // Accepts the connection, never replies.
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const t0 = Date.now();
    const hung = await runCli(['power', 'sample', '--meter', 'tasmota', '--meter-url', url, '--meter-timeout', '0.5', '--seconds', '1'], { timeoutMs: 60_000 });
    expect(hung.code).toBe(2);
    expect(oneErrorLine(hung.stderr)).toMatch(/--meter tasmota: Tasmota meter at http:\/\/127\.0\.0\.1:\d+ did not answer within 500 ms/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('non-numeric --meter-cmd output', async () => {
    const r = await runCli(['power', 'sample', '--meter-cmd', 'echo n/a', '--seconds', '1']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/--meter-cmd 'echo n\/a': printed 'n\/a', expected one number of watts/);
  });

  it('--watts with a measuring meter, and a network meter without --meter-url', async () => {
    const a = await runCli(['power', 'sample', '--meter', 'rapl', '--watts', '300']);
    expect(a.code).toBe(2);
    expect(oneErrorLine(a.stderr)).toMatch(/--watts applies to --meter declared only/);
    const b = await runCli(['power', 'sample', '--meter', 'shelly']);
    expect(b.code).toBe(2);
    expect(oneErrorLine(b.stderr)).toMatch(/--meter shelly needs --meter-url/);
  });

  it('power sample --watts --json prints energyJ/avgPowerW labelled declared; power meters --json lists every meter with a reason', async () => {
    const r = await runCli(['power', 'sample', '--watts', '250', '--seconds', '0.5', '--min-window', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.scope).toBe('declared');
    expect(doc.method).toMatch(/not measured/);
    expect(doc.avgPowerW).toBe(250);
    expect(doc.energyJ).toBeCloseTo(250 * doc.timeS, 9);

    const m = await runCli(['power', 'meters', '--json'], { env: { JOULEBENCH_SYSFS_ROOT: '/nonexistent-sysfs', JOULEBENCH_NVML_LIB: '/nonexistent/libnvidia-ml.so.1' } });
    expect(m.code, m.stderr).toBe(0);
    const meters = JSON.parse(m.stdout).meters as Array<{ name: string; found: boolean; whyNot?: string }>;
    expect(meters.map((x) => x.name)).toEqual(['nvml', 'rapl', 'hwmon', 'shelly', 'tasmota', 'cmd', 'declared']);
    for (const x of meters) {
      expect(x.found).toBe(false);
      expect(x.whyNot, x.name).toBeTruthy();
    }
    expect(meters[0]!.whyNot).toMatch(/could not be loaded/);
    expect(meters[1]!.whyNot).toMatch(/powercap.* does not exist/);
  });
});
