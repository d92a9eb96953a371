/**
 * What an energy record's joules rest on (pure): a meter reading, a declared wattage, or nothing.
 *
 * The one place readers decide whether two per-joule figures are comparable (compare, profit,
 * report): figures made with a different meter, scope or method are different quantities, and a
 * declared wattage (nameplate, clamp-meter reading typed by the user) is never a measurement.
 *
 * Reads both forms a 1.x result can hold: 1.0 wrote declared watts as `measured: true` with scope
 * `declared`; 1.1+ writes them as `measured: false, declared: true` (issue 11).
 */
import type { Energy } from '../results/schema.js';

/** How an energy figure was obtained. */
export interface EnergyBasis {
  /** `metered`: a meter read it; `declared`: the user declared watts; `none`: no energy. */
  kind: 'metered' | 'declared' | 'none';
  /** Meter name (nvml, rapl, hwmon, shelly, tasmota, cmd, declared), null for none. */
  meter: string | null;
  /** gpu-board, cpu-package, wall, declared; null for none. */
  scope: string | null;
  /** The record's method text, null for none. */
  method: string | null;
}

/** Classify an energy record (undefined = the measurement has none). */
export function energyBasis(e: Energy | undefined | null): EnergyBasis {
  if (!e) return { kind: 'none', meter: null, scope: null, method: null };
  const r = e as Record<string, unknown>;
  const declared = r.declared === true || r.scope === 'declared' || r.meter === 'declared';
  if (declared) return { kind: 'declared', meter: 'declared', scope: 'declared', method: typeof r.method === 'string' ? r.method : null };
  if (!e.measured) return { kind: 'none', meter: null, scope: null, method: null };
  return { kind: 'metered', meter: e.meter, scope: e.scope, method: e.method };
}

/**
 * Why per-joule figures on these two records may not be compared, or null when they may: a
 * declared figure against a metered one, different meters, or different scopes (wall vs GPU
 * board) measure different things and are never reported as a change.
 */
export function energyBasisMismatch(a: Energy | undefined | null, b: Energy | undefined | null): string | null {
  const x = energyBasis(a);
  const y = energyBasis(b);
  if (x.kind === 'none' || y.kind === 'none') return null;
  if (x.kind !== y.kind) return `energy basis differs: ${describe(x)} vs ${describe(y)}`;
  if (x.kind === 'declared') return null;
  if (x.scope !== y.scope) return `energy scope differs: ${describe(x)} vs ${describe(y)}`;
  if (x.meter !== y.meter) return `energy meter differs: ${describe(x)} vs ${describe(y)}`;
  return null;
}

function describe(b: EnergyBasis): string {
  return b.kind === 'declared' ? 'declared watts' : `${b.meter} (${b.scope})`;
}

/** The joules of an energy record, metered or declared (the one accessor for "has joules"). */
export interface EnergyJoules {
  kind: 'metered' | 'declared';
  energyJ: number;
  timeS: number;
  avgPowerW: number;
  complete: boolean;
  incompleteReason?: string;
}

/**
 * Joules of a record, or null when it has none. Declared watts carry joules too (1.0: `measured:
 * true, scope: 'declared'`; 1.1: `measured: false, declared: true` with energyJ/timeS/avgPowerW),
 * and callers must label figures made from them as declared (`kind`).
 */
export function energyJoules(e: Energy | undefined | null): EnergyJoules | null {
  const b = energyBasis(e);
  if (b.kind === 'none' || !e) return null;
  const r = e as Record<string, unknown>;
  const n = (k: string) => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? (r[k] as number) : null);
  const energyJ = n('energyJ');
  const timeS = n('timeS');
  if (energyJ === null || timeS === null) return null;
  return {
    kind: b.kind,
    energyJ,
    timeS,
    avgPowerW: n('avgPowerW') ?? (timeS > 0 ? energyJ / timeS : 0),
    complete: r.complete !== false,
    ...(typeof r.incompleteReason === 'string' ? { incompleteReason: r.incompleteReason } : {}),
  };
}
