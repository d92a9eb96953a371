import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers.js';

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
    const r = await runCliInProcess(['power', 'sample', '--meter', 'wattmeter9000', '--seconds', '1']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/--meter 'wattmeter9000': unknown meter; use one of nvml, rapl, hwmon, shelly, tasmota, cmd, declared/);
  });

  it('unreachable meter URL (refused) and a meter that never answers (bounded by --meter-timeout)', async () => {
    // A port that was just free: connection refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = await runCliInProcess(['power', 'sample', '--meter', 'shelly', '--meter-url', `http://127.0.0.1:${freePort}`, '--seconds', '1']);
    expect(refused.code).toBe(2);
    expect(oneErrorLine(refused.stderr)).toMatch(/--meter shelly: Shelly meter at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);

    // Accepts the connection, never replies.
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const t0 = Date.now();
    const hung = await runCliInProcess(['power', 'sample', '--meter', 'tasmota', '--meter-url', url, '--meter-timeout', '0.5', '--seconds', '1']);
    expect(hung.code).toBe(2);
    expect(oneErrorLine(hung.stderr)).toMatch(/--meter tasmota: Tasmota meter at http:\/\/127\.0\.0\.1:\d+ did not answer within 500 ms/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('non-numeric, negative or implausible --meter-cmd output is a meter failure, never data', async () => {
    const r = await runCliInProcess(['power', 'sample', '--meter-cmd', 'echo n/a', '--seconds', '1']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/--meter-cmd 'echo n\/a': printed 'n\/a', expected one number of watts/);
    const huge = await runCliInProcess(['power', 'sample', '--meter-cmd', 'echo 1e300', '--seconds', '1']);
    expect(huge.code).toBe(2);
    expect(oneErrorLine(huge.stderr)).toMatch(/--meter-cmd 'echo 1e300': printed 1e\+300 W, more than the 100 kW one device can draw/);
    const neg = await runCliInProcess(['power', 'sample', '--meter-cmd', "printf '%s\\n' -3", '--seconds', '1']);
    expect(neg.code).toBe(2);
    expect(oneErrorLine(neg.stderr)).toMatch(/negative power/);
  });

  it('contradictory meter flags name both; --watts must be a finite number > 0', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--watts', '100', '--meter-cmd', 'echo 5'], /--watts 100 and --meter-cmd 'echo 5' both given/],
      [['--meter', 'rapl', '--watts', '300'], /--watts 300 and --meter rapl both given/],
      [['--watts', '100', '--meter-url', 'http://192.0.2.1'], /--watts 100 and --meter-url http:\/\/192\.0\.2\.1 both given/],
      [['--meter', 'rapl', '--meter-cmd', 'echo 5'], /--meter rapl and --meter-cmd 'echo 5' both given/],
      [['--meter-cmd', 'echo 5', '--meter-url', 'http://192.0.2.1'], /--meter-cmd 'echo 5' and --meter-url http:\/\/192\.0\.2\.1 both given/],
      [['--meter', 'nvml', '--meter-url', 'http://192.0.2.1'], /--meter nvml and --meter-url .* both given/],
      [['--watts', '0'], /--watts 0: must be > 0/],
      [['--watts', '-5'], /--watts -5: out of range/],
      [['--watts', 'Infinity'], /--watts 'Infinity': must be a number/],
      [['--watts', 'NaN'], /--watts 'NaN': must be a number/],
      [['--meter', 'shelly'], /--meter shelly needs --meter-url/],
      [['--meter', 'declared'], /--meter declared needs --watts/],
      [['--meter-scope', 'gpu-board', '--meter', 'rapl'], /--meter-scope applies to --meter-cmd only/],
      [['--min-window', '10', '--max-window', '2', '--watts', '5'], /--max-window 2 and --min-window 10/],
    ];
    for (const [args, re] of cases) {
      const r = await runCliInProcess(['power', 'sample', ...args, '--seconds', '0.1']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneErrorLine(r.stderr), args.join(' ')).toMatch(re);
    }
  });

  it('hash bench, infer bench and run check meter flags before opening any device (no driver output first)', async () => {
    // A separate process, so driver (Mesa/Vulkan) lines an adapter prints on opening would show.
    const r = await runCli(['hash', 'bench', '--watts', '100', '--meter-cmd', 'echo 5'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^joulebench: error: --watts 100 and --meter-cmd 'echo 5' both given/);
    for (const args of [
      ['infer', 'bench', '--model', 'tiny', '--watts', '100', '--meter', 'nvml'],
      ['run', '--meter-cmd', 'echo 5', '--meter', 'hwmon'],
    ]) {
      const x = await runCliInProcess(args);
      expect(x.code, x.stderr).toBe(2);
      expect(x.stderr.trim().split('\n'), x.stderr).toHaveLength(1);
      expect(oneErrorLine(x.stderr)).toMatch(/both given/);
    }
  });

  it('power sample --watts --json prints energyJ/avgPowerW labelled declared, not measured; power meters --json lists every meter with a reason', async () => {
    const r = await runCliInProcess(['power', 'sample', '--watts', '250', '--seconds', '0.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ measured: false, declared: true, scope: 'declared', meter: 'declared', complete: true });
    expect(doc.method).toMatch(/not measured/);
    expect(doc.avgPowerW).toBe(250);
    expect(doc.energyJ).toBeCloseTo(250 * doc.timeS, 9);

    const m = await runCliInProcess(['power', 'meters', '--json'], { env: { JOULEBENCH_SYSFS_ROOT: '/nonexistent-sysfs', JOULEBENCH_NVML_LIB: '/nonexistent/libnvidia-ml.so.1' } });
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
