/**
 * Shelly Gen2+ smart plug / relay as a wall meter, over its local RPC:
 * `GET /rpc/Switch.GetStatus?id=<n>` → `apower` (W, last measured instantaneous power) and
 * `aenergy.total` (Wh) (https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch).
 * The Wh counter is too coarse for benchmark windows, so `apower` is polled and integrated; the
 * counter is kept in the device state as a cross-check. Model and firmware come from
 * `Shelly.GetDeviceInfo` (https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Shelly).
 */
import type { MeterReading, PowerMeter } from './meter.js';
import type { DeviceStateReading } from './device-state.js';
import { DEFAULT_METER_TIMEOUT_MS, getJson, joinUrl, parseMeterUrl } from './http.js';

/** Parse a Switch.GetStatus reply; throws a one-line Error when it has no power reading. */
export function parseShellyStatus(doc: unknown): { powerW: number; totalWh: number | null } {
  const d = doc as { apower?: unknown; aenergy?: { total?: unknown } } | null;
  if (!d || typeof d !== 'object' || typeof d.apower !== 'number' || !Number.isFinite(d.apower)) {
    throw new Error("Shelly reply has no numeric 'apower' (is this a Gen2+ switch with power metering? try --meter tasmota for Tasmota firmware)");
  }
  const total = d.aenergy && typeof d.aenergy.total === 'number' ? d.aenergy.total : null;
  return { powerW: d.apower, totalWh: total };
}

/** Shelly Gen2 meter. Call `open()` before use (checks that the device answers). */
export class ShellyMeter implements PowerMeter {
  readonly name = 'shelly' as const;
  readonly scope = 'wall' as const;
  readonly kind = 'power' as const;
  readonly label: string;
  readonly method = 'Shelly Gen2 Switch.GetStatus apower (W) polled over HTTP and integrated (trapezoid); wall power of everything on the plug';
  readonly resolutionJ = 0;
  readonly accuracyW = null;
  // Shelly refreshes apower about once per second; polling faster only repeats values.
  readonly poll = { min: 0.05, max: 2, fallback: 1 };
  readonly probeUpdatePeriod = false;
  private readonly url: URL;
  private readonly base: URL;
  private lastTotalWh: number | null = null;

  constructor(rawUrl: string | undefined, switchId = '0', private readonly timeoutMs = DEFAULT_METER_TIMEOUT_MS) {
    if (!/^\d+$/.test(switchId)) throw new Error(`--meter-device '${switchId}': a Shelly switch id is a small integer (default 0)`);
    const base = parseMeterUrl(rawUrl, 'shelly');
    this.base = base;
    this.url = joinUrl(base, `/rpc/Switch.GetStatus?id=${switchId}`);
    this.label = `Shelly switch:${switchId} at ${base.origin}`;
  }

  async read(): Promise<MeterReading> {
    const s = parseShellyStatus(await getJson(this.url, this.timeoutMs, 'Shelly meter'));
    this.lastTotalWh = s.totalWh;
    return { powerW: s.powerW };
  }

  readonly stateSource = 'shelly';

  readState(): DeviceStateReading {
    return { numbers: { aenergyTotalWh: this.lastTotalWh } };
  }

  /** Model and firmware as the plug reports them (Shelly.GetDeviceInfo). */
  async describe(): Promise<Record<string, unknown>> {
    const d = (await getJson(joinUrl(this.base, '/rpc/Shelly.GetDeviceInfo'), this.timeoutMs, 'Shelly meter')) as Record<string, unknown>;
    const str = (k: string) => (typeof d?.[k] === 'string' || typeof d?.[k] === 'number' ? String(d[k]) : null);
    return { model: str('model'), app: str('app'), generation: str('gen'), firmware: str('ver'), firmwareId: str('fw_id'), deviceId: str('id') };
  }

  info(): Record<string, unknown> {
    return { url: this.url.href };
  }

  async close(): Promise<void> {}
}
