/**
 * One-line notes the run and bench summaries print under a figure (pure): a metric whose samples
 * still trended (steadyState, src/stats/steady-state.ts), what the host did during the timed
 * phase (hostActivity, src/host/activity.ts) and how busy the hash pipeline kept the device
 * (details.pipeline, src/hash/pipeline.ts) — so a slow or drifting run explains itself.
 */
import type { Measurement } from '../results/schema.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/**
 * Share of all CPUs' time taken by others (steal + other processes) from which a report notes a
 * run's host activity: a benchmark that keeps every CPU busy loses about as much of its rate, so
 * 5 % is already above the ≈ 3 % run-to-run noise of a quiet machine (see bench/hash-peers.mjs).
 */
export const DISTURBED_HOST_FRACTION = 0.05;

/** The reason a metric's samples were not steady (steadyState, schema 1.2+), or null. */
export function notSteadyReason(m: { steadyState?: { steady: boolean; reason?: string } | undefined }): string | null {
  const s = m.steadyState;
  return s && s.steady === false ? s.reason ?? 'samples still trending' : null;
}

/** "NOT STEADY hashesPerSecond: rate rose +87 % ..." for each metric whose samples still trended. */
export function notSteadyLines(m: Measurement): string[] {
  const out: string[] = [];
  for (const [name, met] of Object.entries(m.metrics)) {
    const why = notSteadyReason(met);
    if (why) out.push(`NOT STEADY ${name}: ${why}`);
  }
  return out;
}

/** "host during the timed phase: idle 2.2 %, other processes 1.0 % (…), steal 0.0 %", or null. */
export function hostActivityLine(m: Measurement): string | null {
  const h = m.hostActivity as (Record<string, unknown> & { idleFraction: number; stealFraction: number; otherProcessCpuFraction: number | null; throttled: boolean | null }) | undefined;
  if (!h) return null;
  const top = (h.topOtherProcesses as Array<{ comm: string; cpuFraction: number }> | undefined)?.filter((p) => p.cpuFraction >= 0.01).map((p) => `${p.comm} ${pct(p.cpuFraction)}`) ?? [];
  const other = h.otherProcessCpuFraction === null ? 'other processes n/a' : `other processes ${pct(h.otherProcessCpuFraction)}${top.length ? ` (${top.join(', ')})` : ''}`;
  return `host during the timed phase: idle ${pct(h.idleFraction)}, ${other}, steal ${pct(h.stealFraction)}${h.throttled ? ', THERMAL THROTTLING' : ''}`;
}

/** "pipeline: device idle 0.1 % between 28 slices (longest gap 0.3 ms), host spin 1.0 %", or null. */
export function pipelineLine(m: Measurement): string | null {
  const p = (m.details as Record<string, unknown> | undefined)?.pipeline as Record<string, number | null | boolean | string> | undefined;
  if (!p || typeof p.slices !== 'number') return null;
  const dev = typeof p.deviceIdleFraction === 'number' ? `device idle ${pct(p.deviceIdleFraction)} between ${p.slices} slices (longest gap ${Number(p.longestDeviceGapMs ?? 0).toFixed(1)} ms)` : `${p.slices} slices (no device timestamps)`;
  return `pipeline: ${dev}, slices already done when the host looked ${pct(Number(p.readyAtWakeFraction ?? 0))}, host spin ${pct(Number(p.hostSpinFraction ?? 0))}`;
}

/**
 * The host line (hostActivityLine) when the host was disturbed during the timed phase: others took
 * ≥ DISTURBED_HOST_FRACTION of the CPUs (steal + other processes) or the CPU throttled; else null.
 * What `report` adds to a run's notes, so a slow run in a table explains itself.
 */
export function disturbedHostLine(m: Measurement): string | null {
  const h = m.hostActivity;
  if (!h) return null;
  const taken = h.stealFraction + (h.otherProcessCpuFraction ?? 0);
  return taken >= DISTURBED_HOST_FRACTION || h.throttled ? hostActivityLine(m) : null;
}
