/**
 * Tasmota smart plug as a wall meter: `GET /cm?cmnd=Status%208` →
 * `StatusSNS.ENERGY.Power` (W, integer on most plugs) and `.Total` (kWh)
 * (https://tasmota.github.io/docs/Commands/#management, Status 8 = sensors). Power is polled and
 * integrated; the kWh total has 1 Wh resolution and is kept as a cross-check only.
 * Credentials in the URL (http://user:pass@host) are sent as Tasmota's `user`/`password` parameters.
 * Model and firmware come from `Status 0` (Status.DeviceName, StatusFWR.Version/Hardware).
 */
import type { MeterReading, PowerMeter } from './meter.js';
import type { DeviceStateReading } from './device-state.js';
import { DEFAULT_METER_TIMEOUT_MS, getJson, joinUrl, parseMeterUrl } from './http.js';

/** Parse a Status 8 reply; multi-channel devices report Power as an array and are summed. */
export function parseTasmotaStatus(doc: unknown): { powerW: number; totalKWh: number | null } {
  const energy = (doc as { StatusSNS?: { ENERGY?: { Power?: unknown; Total?: unknown } } } | null)?.StatusSNS?.ENERGY;
  const p = energy?.Power;
  const powerW = typeof p === 'number' ? p : Array.isArray(p) && p.every((x) => typeof x === 'number') ? (p as number[]).reduce((a, b) => a + b, 0) : Number.NaN;
  if (!Number.isFinite(powerW)) {
    throw new Error("Tasmota reply has no numeric 'StatusSNS.ENERGY.Power' (is this a Tasmota plug with energy monitoring? try --meter shelly for Shelly Gen2)");
  }
  return { powerW, totalKWh: typeof energy?.Total === 'number' ? energy.Total : null };
}

/** Tasmota meter. */
export class TasmotaMeter implements PowerMeter {
  readonly name = 'tasmota' as const;
  readonly scope = 'wall' as const;
  readonly kind = 'power' as const;
  readonly label: string;
  readonly method = 'Tasmota Status 8 ENERGY.Power (W) polled over HTTP and integrated (trapezoid); wall power of everything on the plug';
  readonly resolutionJ = 0;
  // Tasmota reports whole watts on most plugs: ±0.5 W rounding on every sample.
  readonly accuracyW = 0.5;
  readonly poll = { min: 0.05, max: 2, fallback: 1 };
  readonly probeUpdatePeriod = false;
  private readonly url: URL;
  private readonly statusUrl: URL;
  private lastTotalKWh: number | null = null;

  constructor(rawUrl: string | undefined, private readonly timeoutMs = DEFAULT_METER_TIMEOUT_MS) {
    const base = parseMeterUrl(rawUrl, 'tasmota');
    let q = 'cmnd=Status%208';
    if (base.username) q += `&user=${base.username}&password=${base.password}`;
    this.url = joinUrl(base, `/cm?${q}`);
    this.statusUrl = joinUrl(base, `/cm?${q.replace('Status%208', 'Status%200')}`);
    this.label = `Tasmota at ${base.origin}`;
  }

  async read(): Promise<MeterReading> {
    const s = parseTasmotaStatus(await getJson(this.url, this.timeoutMs, 'Tasmota meter'));
    this.lastTotalKWh = s.totalKWh;
    return { powerW: s.powerW };
  }

  readonly stateSource = 'tasmota';

  readState(): DeviceStateReading {
    return { numbers: { energyTotalKWh: this.lastTotalKWh } };
  }

  /** Device name, module and firmware as the plug reports them (Status 0). */
  async describe(): Promise<Record<string, unknown>> {
    const d = (await getJson(this.statusUrl, this.timeoutMs, 'Tasmota meter')) as {
      Status?: { DeviceName?: unknown; Module?: unknown };
      StatusFWR?: { Version?: unknown; Hardware?: unknown; BuildDateTime?: unknown };
    };
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
    return {
      model: str(d?.Status?.DeviceName),
      module: str(d?.Status?.Module),
      firmware: str(d?.StatusFWR?.Version),
      hardware: str(d?.StatusFWR?.Hardware),
      firmwareBuild: str(d?.StatusFWR?.BuildDateTime),
    };
  }

  info(): Record<string, unknown> {
    const u = new URL(this.url.href);
    u.searchParams.delete('password');
    return { url: u.href };
  }

  async close(): Promise<void> {}
}
