/**
 * The hash engine's own account of a phase (pure): how busy the device was kept and what the host
 * did while it waited. Recorded with every hash bench (`details.pipeline`) so a slow run shows
 * whether the queue ran dry (device idle between slices), whether the host overslept (slices
 * already done when it looked) or whether the device itself was slow (busy all along).
 *
 * Device figures come from the compute passes' timestamp queries (WebGPU `timestampWrites`,
 * https://www.w3.org/TR/webgpu/#timestamp): the gap between one pass's end and the next pass's
 * beginning is time the queue had nothing of ours to run (plus a few-microsecond clear and copy).
 */

/** One slice as the engine saw it (host times in ms from performance.now(); device times in ms on the device clock). */
export interface SliceTiming {
  count: number;
  /** Host time the slice was submitted. */
  submitMs: number;
  /** Host time the host started waiting for it (sleep, then map). */
  waitFromMs: number;
  /** Time slept before mapping. */
  sleptMs: number;
  /** Time from asking for the map to its resolution (the busy-spin part of the wait). */
  mapWaitMs: number;
  /** Host time the map resolved. */
  doneMs: number;
  /** The map resolved at once: the slice was done before the host looked. */
  readyAtWake: boolean;
  /** Device timestamps of the compute pass (ms on the device's clock), or null without timestamp queries. */
  deviceBeginMs: number | null;
  deviceEndMs: number | null;
}

/** Pipeline figures over a phase (`details.pipeline` of a hash measurement). */
export interface PipelineFigures {
  slices: number;
  /** Slices in flight the engine kept. */
  inFlight: number;
  /** Host span from the first slice's submission to the last one's completion, s. */
  spanS: number;
  /** Whether the device timestamped each pass (`timestamp-query`); device figures are null without. */
  deviceTimestamps: boolean;
  /** Sum of the passes' device execution times, s. */
  deviceBusyS: number | null;
  /** Sum of device gaps between consecutive passes (queue empty or host-side stalls), s. */
  deviceIdleS: number | null;
  /** deviceIdleS over the device span from the first pass's start to the last pass's end. */
  deviceIdleFraction: number | null;
  /** Longest single gap between consecutive passes, ms. */
  longestDeviceGapMs: number | null;
  /** Slices whose map resolved at once (done before the host looked), and their share. */
  readyAtWake: number;
  readyAtWakeFraction: number;
  /** Host time asleep before maps, and time spent in maps (dawn.node busy-spins there), s. */
  hostSleptS: number;
  hostMapWaitS: number;
  /** hostMapWaitS over the span: the share of one host core spent spinning. */
  hostSpinFraction: number;
  /** What the sleep prediction rested on at the end of the phase. */
  estimateBasis: string | null;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Device busy/idle figures, or nulls when any slice lacks timestamps. */
function deviceFigures(t: readonly SliceTiming[]): Pick<PipelineFigures, 'deviceBusyS' | 'deviceIdleS' | 'deviceIdleFraction' | 'longestDeviceGapMs'> {
  if (!t.length || t.some((s) => s.deviceBeginMs === null || s.deviceEndMs === null)) {
    return { deviceBusyS: null, deviceIdleS: null, deviceIdleFraction: null, longestDeviceGapMs: null };
  }
  const busyMs = sum(t.map((s) => s.deviceEndMs! - s.deviceBeginMs!));
  const gaps = t.slice(1).map((s, i) => Math.max(0, s.deviceBeginMs! - t[i]!.deviceEndMs!));
  const idleMs = sum(gaps);
  const spanMs = t[t.length - 1]!.deviceEndMs! - t[0]!.deviceBeginMs!;
  return {
    deviceBusyS: busyMs / 1000,
    deviceIdleS: idleMs / 1000,
    deviceIdleFraction: spanMs > 0 ? idleMs / spanMs : null,
    longestDeviceGapMs: gaps.length ? Math.max(...gaps) : 0,
  };
}

/** Summarise the slices of one phase, in completion (= submission) order. */
export function summarizePipeline(t: readonly SliceTiming[], inFlight: number, estimateBasis: string | null): PipelineFigures {
  const spanMs = t.length ? t[t.length - 1]!.doneMs - Math.min(...t.map((s) => s.submitMs)) : 0;
  const ready = t.filter((s) => s.readyAtWake).length;
  const mapMs = sum(t.map((s) => s.mapWaitMs));
  return {
    slices: t.length,
    inFlight,
    spanS: spanMs / 1000,
    deviceTimestamps: t.length > 0 && t.every((s) => s.deviceBeginMs !== null),
    ...deviceFigures(t),
    readyAtWake: ready,
    readyAtWakeFraction: t.length ? ready / t.length : 0,
    hostSleptS: sum(t.map((s) => s.sleptMs)) / 1000,
    hostMapWaitS: mapMs / 1000,
    hostSpinFraction: spanMs > 0 ? mapMs / spanMs : 0,
    estimateBasis,
  };
}
