import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMonitor, perJoule, type EnergyMonitor } from '../../src/power/monitor.js';
import { nowMs } from '../fixtures/power/helpers.js';
import { stepBoundJ } from '../fixtures/power/bounds.js';

// Scripted wall power: a step. BASE_W until `stepAtMs` (set by each test once its window is open),
// STEP_W after, evaluated when each request arrives; every arrival is noted with the power served,
// on the test's clock. Whole watts (Tasmota reports whole watts, Shelly tenths).
const BASE_W = 150;
const STEP_W = 250;
let stepAtMs = Infinity;
const powerW = (tMs: number) => (tMs < stepAtMs ? BASE_W : STEP_W);
/** Exact ∫P dt (J) over [a, b] ms. */
const truthJ = (a: number, b: number) => (BASE_W * Math.max(0, Math.min(b, stepAtMs) - a) + STEP_W * Math.max(0, b - Math.max(a, stepAtMs))) / 1000;

/** Local meter on 127.0.0.1 only, speaking the Shelly Gen2 or Tasmota format. */
function startMeter(kind: 'shelly' | 'tasmota'): Promise<{ server: Server; url: string; requests: string[]; arrivals: Array<{ tMs: number; powerW: number }> }> {
  const requests: string[] = [];
  const arrivals: Array<{ tMs: number; powerW: number }> = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const t = nowMs();
    const p = powerW(t);
    if (/GetStatus|Status%208/.test(req.url ?? '')) arrivals.push({ tMs: t, powerW: p });
    let body: unknown;
    if (kind === 'shelly' && req.url === '/rpc/Switch.GetStatus?id=0') {
      body = { id: 0, source: 'init', output: true, apower: Math.round(p * 10) / 10, voltage: 230.1, current: p / 230.1, aenergy: { total: 1234.567, by_minute: [0, 0, 0], minute_ts: 1 }, temperature: { tC: 40 } };
    } else if (kind === 'tasmota' && req.url === '/cm?cmnd=Status%200') {
      body = { Status: { Module: 0, DeviceName: 'Gosund SP111', FriendlyName: ['Tasmota'] }, StatusFWR: { Version: '13.2.0(tasmota)', BuildDateTime: '2023-10-05T10:00:00', Hardware: 'ESP8266EX' } };
    } else if (kind === 'tasmota' && req.url === '/cm?cmnd=Status%208') {
      body = { StatusSNS: { Time: '2026-01-01T00:00:00', ENERGY: { TotalStartTime: '2025-01-01T00:00:00', Total: 12.345, Yesterday: 1, Today: 0.2, Power: Math.round(p), ApparentPower: Math.round(p), ReactivePower: 0, Factor: 1, Voltage: 230, Current: p / 230 } } };
    } else {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, arrivals })));
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

describe('wall meters over HTTP (Shelly Gen2, Tasmota) on a loopback server', () => {
  let monitor: EnergyMonitor | null = null;
  let server: Server | null = null;
  afterEach(async () => {
    await monitor?.close();
    monitor = null;
    if (server?.listening) await stop(server);
    server = null;
  });

  for (const kind of ['shelly', 'tasmota'] as const) {
    it(`${kind}: integrates polled watts within the step × request-gap bound of the scripted truth, labelled wall`, async () => {
      const m = await startMeter(kind);
      server = m.server;
      stepAtMs = Infinity;
      const choice = await createEnergyMonitor({ meter: kind, meterUrl: m.url, meterInterval: 0.02, minWindow: 0, idleBaseline: 0 });
      if (!choice.monitor) throw new Error('no monitor');
      monitor = choice.monitor;
      await monitor.begin('w');
      stepAtMs = nowMs() + 1000; // one step up, well inside the window: a lag error would not cancel out
      await new Promise((r) => setTimeout(r, 2250));
      const e = await monitor.end('w');
      if (!e.measured) throw new Error(e.reason);
      const x = e as Record<string, unknown>;
      const truth = truthJ(x.startUnixMs as number, x.endUnixMs as number);
      // Constant power at both edges, one step of 100 W inside: the integrator puts it somewhere
      // between the readings around it, each taken when its request reached the server (noted on the
      // test's clock), so stepBoundJ bounds the error: requests every ≈ 20 ms give ≈ 30 ms × 100 W
      // ≈ 3 J, ≈ 0.7 % of the ≈ 450 J here; a slowed loopback server or a stalled sampler widens the
      // gaps, and the bound with them.
      const reads = m.arrivals.map((a) => ({ lo: a.tMs, hi: a.tMs }));
      const { boundJ, spanMs } = stepBoundJ(reads, m.arrivals.findIndex((a) => a.powerW === STEP_W), stepAtMs, STEP_W - BASE_W);
      console.log(`[${kind}] ${e.energyJ.toFixed(3)} J vs truth ${truth.toFixed(3)} J: error ${(e.energyJ - truth).toFixed(3)} J, bound ${boundJ.toFixed(3)} J (step read span ${spanMs.toFixed(1)} ms), stated ±${e.uncertaintyJ?.toFixed(3)} J`);
      expect(stepAtMs - (x.startUnixMs as number)).toBeGreaterThan(500);
      expect((x.endUnixMs as number) - stepAtMs).toBeGreaterThan(500);
      expect(Math.abs(e.energyJ - truth), `energy ${e.energyJ} J vs truth ${truth} J (bound ${boundJ} J)`).toBeLessThanOrEqual(boundJ);
      // Separately: the meter's stated uncertainty covers the truth.
      expect(Math.abs(e.energyJ - truth), `stated uncertainty ${e.uncertaintyJ} J must cover the error`).toBeLessThanOrEqual(e.uncertaintyJ ?? 0);
      expect(e.scope).toBe('wall');
      expect(e.meter).toBe(kind);
      expect(e.complete).toBe(true);
      expect(e.samples).toBeGreaterThan(30);
      expect(m.requests.length).toBeGreaterThan(30);
      // Model and firmware where the plug reports them (Tasmota Status 0); the fake Shelly has no GetDeviceInfo.
      if (kind === 'tasmota') expect(e.meterDevice).toMatchObject({ model: 'Gosund SP111', firmware: '13.2.0(tasmota)', hardware: 'ESP8266EX' });
      else expect(e.meterDevice).toMatchObject({ unavailable: expect.stringMatching(/HTTP 404/) });
    });
  }

  it('a meter that dies mid-window marks the figure incomplete, keeps what was measured, and per-joule is null', async () => {
    const m = await startMeter('shelly');
    server = m.server;
    stepAtMs = Infinity; // a constant 150 W: the covered part's energy is 150 W × its span
    const choice = await createEnergyMonitor({ meter: 'shelly', meterUrl: m.url, meterInterval: 0.05, meterTimeout: 0.5, minWindow: 0 });
    if (!choice.monitor) throw new Error('no monitor');
    monitor = choice.monitor;
    await monitor.begin('w');
    await new Promise((r) => setTimeout(r, 800));
    const tDead = nowMs();
    await stop(m.server);
    await new Promise((r) => setTimeout(r, 700));
    const e = await monitor.end('w'); // must not throw
    expect(e.measured).toBe(true);
    if (!e.measured) return;
    expect(e.complete).toBe(false);
    expect(e.incompleteReason).toMatch(/shelly meter failed \d+× during the window/);
    expect(e.incompleteReason).toMatch(/unreachable/);
    const x = e as Record<string, unknown>;
    const covered = x.coveredS as number;
    expect(covered).toBeLessThan(e.timeS);
    // Covered up to the end of the last read that answered (one in flight when the server stopped may still land: ≤ 50 ms).
    expect(covered * 1000).toBeLessThanOrEqual(tDead - (x.startUnixMs as number) + 50);
    // The energy it does report is the energy of the covered part: at a constant power every
    // reading is exact (150.0 W, Shelly's tenths), so the only error is the covered span's
    // arithmetic: within 0.05 W (half the reading's resolution) × the span.
    const truth = truthJ(x.startUnixMs as number, (x.startUnixMs as number) + covered * 1000);
    console.log(`[dying shelly] covered ${covered.toFixed(3)} s: ${e.energyJ.toFixed(3)} J vs truth ${truth.toFixed(3)} J, ±${(e.uncertaintyJ ?? 0).toFixed(3)} J stated`);
    expect(Math.abs(e.energyJ - truth), `energy ${e.energyJ} J vs truth ${truth} J`).toBeLessThanOrEqual(0.05 * covered + 1e-9);
    expect(Math.abs(e.energyJ - truth), `stated uncertainty ${e.uncertaintyJ} J must cover the error`).toBeLessThanOrEqual((e.uncertaintyJ ?? 0) + 1e-9);
    expect(perJoule(1000, e)).toBeNull();
  });
});
