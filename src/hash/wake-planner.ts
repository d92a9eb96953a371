/**
 * When the host should look at an in-flight slice, and how (pure; the engine's wait policy).
 *
 * Why the host sleeps at all: dawn.node re-ticks the device from `setImmediate` for as long as any
 * of its promises is pending (Dawn `src/dawn/node/binding/AsyncRunner.cpp`,
 * `ScheduleProcessEvents`, crbug.com/dawn/1127), so an awaited `mapAsync` busy-spins the main
 * thread. On a software adapter that spin takes a core from the rasteriser's workers; on any
 * device it burns host power. So the engine sleeps through a slice's predicted run time while the
 * other in-flight slices keep the queue busy (the queue runs command buffers in submission order:
 * WebGPU spec, "Queue timeline"), then polls: a `mapAsync` given POLL_SPIN_MS to resolve, and
 * withdrawn with `unmap()` if it has not (a pending map is then rejected with an AbortError:
 * WebGPU spec, GPUBuffer.unmap()), followed by another short sleep. A wait therefore never spins
 * for long, however wrong the prediction.
 *
 * The prediction must not feed on itself. The previous rule smoothed "time from the slice's start
 * until the host saw it done" — a span that contains the host's own sleep. A long prediction made
 * the next sleep long, the queue ran dry while the host slept, the next span was long again, and
 * the estimate fell only 3 % a slice (0.7 + 0.3 × 0.9): measured here, the device sat idle 22 % of
 * a run, 50–100 ms between 55 ms slices, while per-slice rates climbed 13 → 23 MH/s (issue 19).
 * Here the per-nonce time comes from what the host did not cause:
 *  - the device's own timestamps of each compute pass (WebGPU `timestampWrites`) when the adapter
 *    has `timestamp-query`: execution time only, whatever the host did meanwhile;
 *  - otherwise host-observed completions, but a slice already done at the first poll says only
 *    "finished earlier than this": the estimate is then cut by CENSORED_SHRINK, never raised.
 * The estimate is the smallest of the last WINDOW per-nonce times: the earliest the slice can
 * finish given how fast the device has just been. Erring early costs a poll; erring late idles
 * the device once the queue behind the slice runs out (measured: after another process had
 * slowed the device 4×, a median estimate overslept by 0.4 s a slice and the device idled).
 *
 * Lateness cannot build up: the host wakes at WAKE_FRACTION of the predicted remaining time from
 * the later of the slice's submission and the previous slice's observed completion; if that
 * observation was late by δ, the next one is late by at most δ − (1 − WAKE_FRACTION) × slice
 * time, or by one poll interval, whichever is larger.
 */

/** Fraction of the predicted remaining time to sleep before the first poll. */
export const WAKE_FRACTION = 0.95;
/** Sleeps shorter than this are not worth a timer (setTimeout granularity is ~1 ms). */
export const MIN_SLEEP_MS = 1;
/** How long one poll lets a `mapAsync` spin before withdrawing it (a done slice maps in ~0.2 ms here). */
export const POLL_SPIN_MS = 1;
/** A wait whose first poll succeeded found the slice already done: the host looked late. */
export const READY_AT_WAKE_MS = POLL_SPIN_MS;
/** First poll interval as a fraction of the slice's predicted time; doubles per miss up to POLL_MAX_FRACTION. */
export const POLL_FIRST_FRACTION = 0.02;
/** Longest poll interval, as a fraction of the slice's predicted time. */
export const POLL_MAX_FRACTION = 0.1;
/** Per-nonce times kept for the estimate. */
export const WINDOW = 5;
/** Factor applied to a host-only estimate each time the slice was already done at the first poll. */
export const CENSORED_SHRINK = 0.8;
/** Slices smaller than this are set-up work (self-check): too short to time. */
export const MIN_TIMED_NONCES = 65_536;

/** What the host saw of one completed slice. */
export interface SliceObservation {
  /** Nonces in the slice. */
  count: number;
  /** Host time (ms) the slice could start: max(its submission, the previous slice's observed completion). */
  startMs: number;
  /** Host time (ms) its map resolved. */
  doneMs: number;
  /** Polls that found it not done yet (0 = done at the first look). */
  missedPolls: number;
  /** Device execution time of its compute pass (ms, from timestamp queries), or null. */
  deviceMs: number | null;
}

/** The wait policy's state: a per-nonce time estimate that the host's own waits cannot inflate. */
export class WakePlanner {
  private recent: number[] = [];
  /** Current estimate of execution time per nonce (ms), or null before the first usable slice. */
  msPerNonce: number | null = null;
  /** Where the current estimate came from. */
  basis: 'device-timestamps' | 'host-polls' | null = null;

  /** Milliseconds to sleep before the first poll of a slice of `count` nonces that could start at `startMs`. */
  sleepMs(nowMs: number, count: number, startMs: number): number {
    if (this.msPerNonce === null) return 0;
    const sleep = startMs + WAKE_FRACTION * count * this.msPerNonce - nowMs;
    return sleep >= MIN_SLEEP_MS ? sleep : 0;
  }

  /** Milliseconds to sleep after the `missed`-th poll (1-based) found a slice of `count` nonces not done. */
  pollIntervalMs(count: number, missed: number): number {
    const sliceMs = this.msPerNonce === null ? 0 : count * this.msPerNonce;
    const fraction = Math.min(POLL_MAX_FRACTION, POLL_FIRST_FRACTION * 2 ** (missed - 1));
    return Math.max(MIN_SLEEP_MS, fraction * sliceMs);
  }

  /** Update the estimate from one completed slice. */
  observe(o: SliceObservation): void {
    if (o.count < MIN_TIMED_NONCES) return;
    if (o.deviceMs !== null && o.deviceMs > 0) {
      this.basis = 'device-timestamps';
      this.push(o.deviceMs / o.count);
      return;
    }
    if (this.basis === 'device-timestamps') return; // a slice without timestamps (not expected): keep the device figure
    this.basis = 'host-polls';
    if (o.missedPolls === 0) {
      // Censored: done some time before doneMs. Only the sign of the error is known: shorten.
      if (this.msPerNonce !== null) {
        this.recent = this.recent.map((x) => x * CENSORED_SHRINK);
        this.msPerNonce *= CENSORED_SHRINK;
      }
      if (this.recent.length) return;
    }
    const span = o.doneMs - o.startMs;
    if (span > 0) this.push(span / o.count);
  }

  private push(msPerNonce: number): void {
    this.recent.push(msPerNonce);
    if (this.recent.length > WINDOW) this.recent.shift();
    this.msPerNonce = Math.min(...this.recent);
  }
}
