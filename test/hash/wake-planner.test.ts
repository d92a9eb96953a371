import { describe, expect, it } from 'vitest';
import { POLL_SPIN_MS, WakePlanner } from '../../src/hash/wake-planner.js';

/**
 * The engine's wait policy against a simulated device (virtual time, no GPU): a FIFO queue that
 * runs each submitted slice after the previous one, with the engine's loop around it (three slices
 * in flight; wait for the oldest, resubmit, repeat). The device runs 2.5× slower for slices 10–19
 * (another process taking the CPU of a software adapter), then recovers.
 *
 * The "before" rule is the engine's old one, kept here as the reference the fix is measured
 * against: sleep 0.9 × (start + count × estimate − now), then a map that spins until the slice is
 * done, the estimate being an EWMA (0.7/0.3) of (observed completion − start) / count.
 */

const SLICE = 2_000_000; // nonces
const MS_PER_NONCE = 1e-4; // 0.2 s slices at full speed
const MAP_LATENCY_MS = 0.2; // a done buffer maps on the next dawn.node tick

const speedOf = (i: number): number => (i >= 10 && i < 20 ? 1 / 2.5 : 1);

interface SimResult {
  /** Device idle between consecutive slices, over slices 25..end (after the slowdown), as a share of that span. */
  idleAfter: number;
  /** Host time spent in maps (spinning), as a share of the whole span. */
  spinShare: number;
}

type Waiter = (now: number, count: number, startMs: number, end: number) => { doneMs: number; spinMs: number; missed: number };

/** Run `slices` slices through the loop with `wait` deciding when the host sees each one done. */
function simulate(slices: number, wait: Waiter, observe: (o: { count: number; startMs: number; doneMs: number; missed: number; deviceMs: number }) => void): SimResult {
  const submitted: Array<{ at: number; index: number }> = [];
  const ends: number[] = [];
  const starts: number[] = [];
  let now = 0;
  let lastDone = 0;
  let spin = 0;
  let next = 0;
  const submit = (at: number): void => {
    if (next < slices) submitted.push({ at, index: next++ });
  };
  const deviceEnd = (k: number): number => {
    // FIFO: slice k starts when it is submitted and slice k − 1 has ended.
    while (ends.length <= k) {
      const j = ends.length;
      const start = Math.max(submitted[j]!.at, j ? ends[j - 1]! : 0);
      starts.push(start);
      ends.push(start + (SLICE * MS_PER_NONCE) / speedOf(j));
    }
    return ends[k]!;
  };
  for (let i = 0; i < 3; i++) submit(0);
  for (let k = 0; k < slices; k++) {
    const s = submitted[k]!;
    const startMs = Math.max(s.at, lastDone);
    // Later submissions cannot change slice k's end (FIFO), so it is known once k is submitted.
    const end = deviceEnd(k);
    const w = wait(now, SLICE, startMs, end);
    spin += w.spinMs;
    now = w.doneMs;
    observe({ count: SLICE, startMs, doneMs: w.doneMs, missed: w.missed, deviceMs: end - starts[k]! });
    lastDone = w.doneMs;
    submit(now);
  }
  let idle = 0;
  for (let k = 26; k < slices; k++) idle += Math.max(0, starts[k]! - ends[k - 1]!);
  return { idleAfter: idle / (ends[slices - 1]! - starts[25]!), spinShare: spin / now };
}

/** The old rule (see the file note). */
function before(slices: number): SimResult {
  let ewma: number | null = null;
  let seen = 0;
  const wait: Waiter = (now, count, startMs, end) => {
    let t = now;
    if (ewma !== null) {
      const remaining = startMs + count * ewma - t;
      if (remaining > 2) t += 0.9 * remaining;
    }
    const doneMs = Math.max(t, end) + MAP_LATENCY_MS;
    return { doneMs, spinMs: doneMs - t, missed: 0 };
  };
  return simulate(slices, wait, (o) => {
    if (seen++ > 0) ewma = ewma === null ? (o.doneMs - o.startMs) / o.count : 0.7 * ewma + 0.3 * ((o.doneMs - o.startMs) / o.count);
  });
}

/** The engine's policy: WakePlanner's sleep, then polls of POLL_SPIN_MS withdrawn and retried. */
function after(slices: number, deviceTimestamps: boolean): SimResult {
  const planner = new WakePlanner();
  const wait: Waiter = (now, count, startMs, end) => {
    let t = now + planner.sleepMs(now, count, startMs);
    let spinMs = 0;
    for (let missed = 0; ; ) {
      if (end <= t + POLL_SPIN_MS) {
        const doneMs = Math.max(t, end) + MAP_LATENCY_MS;
        return { doneMs, spinMs: spinMs + (doneMs - t), missed };
      }
      spinMs += POLL_SPIN_MS;
      t += POLL_SPIN_MS;
      missed++;
      t += planner.pollIntervalMs(count, missed);
    }
  };
  return simulate(slices, wait, (o) => planner.observe({ count: o.count, startMs: o.startMs, doneMs: o.doneMs, missedPolls: o.missed, deviceMs: deviceTimestamps ? o.deviceMs : null }));
}

describe('hash engine wait policy (simulated device)', () => {
  it('before the fix: after a slowdown the estimate, fed by its own sleeps, keeps the device idle', () => {
    const r = before(60);
    // The queue runs dry between slices for most of the 34 slices after the slowdown ends (24 % idle here).
    expect(r.idleAfter).toBeGreaterThan(0.2);
  });
  it('with device timestamps: the device stays busy after the slowdown, and the host spins little', () => {
    const r = after(60, true);
    // 0 % idle, 1.6 % of the host's time in maps here.
    expect(r.idleAfter).toBeLessThan(0.005);
    expect(r.spinShare).toBeLessThan(0.05);
  });
  it('without timestamps (host polls only): the device stays busy too', () => {
    const r = after(60, false);
    // 0.4 % idle, 2.6 % in maps here.
    expect(r.idleAfter).toBeLessThan(0.01);
    expect(r.spinShare).toBeLessThan(0.1);
  });
  it('an already-done slice only ever shortens a host-only estimate', () => {
    const p = new WakePlanner();
    p.observe({ count: 1e6, startMs: 0, doneMs: 100, missedPolls: 2, deviceMs: null });
    expect(p.msPerNonce).toBeCloseTo(1e-4, 12);
    // Done at the first look 500 ms late: the span says 6e-4, but it is only an upper bound.
    p.observe({ count: 1e6, startMs: 100, doneMs: 700, missedPolls: 0, deviceMs: null });
    expect(p.msPerNonce).toBeCloseTo(0.8e-4, 12);
  });
  it('polls back off from 2 % to 10 % of the predicted slice time', () => {
    const p = new WakePlanner();
    p.observe({ count: 1e6, startMs: 0, doneMs: 0, missedPolls: 1, deviceMs: 200 });
    expect([1, 2, 3, 4, 5].map((m) => p.pollIntervalMs(1e6, m))).toEqual([4, 8, 16, 20, 20]);
  });
});
