// Pure edge math for slow counters (issue 11): the counter only reports the energy of each update
// interval as a whole, so a window edge inside an interval is split by the power of the intervals
// next to it. Checked against hand-made traces with known integrals.
import { describe, expect, it } from 'vitest';
import { counterEnergyOverWindow, counterValueAt, integratePowerWindow, tickFromReads, type CounterTick } from '../../src/power/integrate.js';
import { seededRandom } from '../helpers.js';

/** Exact ∫P dt (J) from 0 to t (ms) of a piecewise-constant power: [[fromMs, W], ...] sorted. */
function energyOf(steps: Array<[number, number]>): (tMs: number) => number {
  return (t) => {
    let e = 0;
    for (let i = 0; i < steps.length; i++) {
      const a = steps[i]![0];
      const b = Math.min(t, i + 1 < steps.length ? steps[i + 1]![0] : Infinity);
      if (b > a) e += (steps[i]![1] * (b - a)) / 1000;
    }
    return e;
  };
}

/** Ticks of a counter updating every `periodMs` from t=0, each holding ∫P up to its time. */
function ticks(periodMs: number, untilMs: number, energyJ: (tMs: number) => number): CounterTick[] {
  const out: CounterTick[] = [];
  for (let k = 0; k * periodMs <= untilMs; k++) out.push({ tMs: k * periodMs, uMs: 0, totalJ: energyJ(k * periodMs) });
  return out;
}

describe('counter edges between updates', () => {
  it('a power step exactly at the edge is split exactly (linear interpolation would be off by ΔP·a·b/period)', () => {
    // Idle 60 W before t = 1030 ms, busy 300 W after; updates every 100 ms.
    const tk = ticks(100, 3000, energyOf([[0, 60], [1030, 300]]));
    const at = counterValueAt(tk, 1030, 0)!;
    expect(at.split).toBe('neighbour-power');
    expect(at.totalJ).toBeCloseTo(1.03 * 60, 6);
    expect(at.uncertaintyJ).toBeLessThan(1e-6);
    // Window [1030, 2470] at 300 W, then idle again from 2470.
    const tk2 = ticks(100, 4000, energyOf([[0, 60], [1030, 300], [2470, 60]]));
    const w = counterEnergyOverWindow(tk2, 1030, 2470, 0)!;
    expect(w.energyJ).toBeCloseTo(300 * 1.44, 6);
    const linear = (tt: CounterTick[], t: number) => {
      const k = tt.findLastIndex((x) => x.tMs <= t);
      return tt[k]!.totalJ + ((tt[k + 1]!.totalJ - tt[k]!.totalJ) * (t - tt[k]!.tMs)) / (tt[k + 1]!.tMs - tt[k]!.tMs);
    };
    const lin = linear(tk2, 2470) - linear(tk2, 1030);
    expect(Math.abs(lin - 300 * 1.44)).toBeGreaterThan(10); // what interpolation would have reported
  });

  it('a step away from the edge: the error stays within the stated bound, for random steps and edges', () => {
    const rnd = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const stepAt = 500 + rnd() * 1000;
      const edge = 600 + rnd() * 800;
      const [p0, p1] = [20 + rnd() * 300, 20 + rnd() * 300];
      const e = energyOf([[0, p0!], [stepAt, p1!]]);
      const tk = ticks(50 + Math.floor(rnd() * 100), 3000, e);
      const truth = e(edge);
      const at = counterValueAt(tk, edge, 0)!;
      expect(Math.abs(at.totalJ - truth), `seed 11 case ${i}: step ${stepAt.toFixed(1)} ms, edge ${edge.toFixed(1)} ms`).toBeLessThanOrEqual(at.uncertaintyJ + 1e-9);
    }
  });

  it('the bound comes from the counter intervals, not from the reading: a window inside one update reads ~0 J but is not ±0 J', () => {
    const tk = ticks(100, 2000, energyOf([[0, 200]]));
    const w = counterEnergyOverWindow(tk, 1010, 1040, 0)!;
    expect(w.energyJ).toBeCloseTo(200 * 0.03, 6); // split by neighbour power: 6 J, where raw counter deltas say 0
    const tkNoisy = ticks(100, 2000, energyOf(Array.from({ length: 20 }, (_, k) => [k * 100, k % 2 ? 250 : 150] as [number, number])));
    const noisy = counterEnergyOverWindow(tkNoisy, 1010, 1040, 0.001)!;
    expect(noisy.uncertaintyJ).toBeGreaterThan(1); // ±50 W interval to interval: several J of freedom per edge
  });

  it('tick times: between the last read with the old value and the first with the new one, narrowed by the period', () => {
    expect(tickFromReads(100, 110, 111, 5, null)).toEqual({ tMs: 105.5, uMs: 5.5, totalJ: 5 });
    // Polled slower than the counter updates: the value read is at most one period old.
    expect(tickFromReads(0, 50, 51, 5, 0.002)).toEqual({ tMs: 49.5, uMs: 1.5, totalJ: 5 });
  });

  it('polled power: reads that straddle an edge saw the state before it and are left out; the first/last inside read is held to the edge', () => {
    // 60 W until the work starts at t=1000, 300 W until it stops at t=3000; 200 ms reads that
    // sample at their end (like a command): the read [900, 1100] returns 300 but started before.
    const reads = [];
    for (let a = 100; a < 4000; a += 250) reads.push({ startMs: a, endMs: a + 200, powerW: a + 200 >= 1000 && a + 200 < 3000 ? 300 : 60 });
    const r = integratePowerWindow(reads, 1000, 3000)!;
    expect(r.energyJ).toBeCloseTo(600, 9);
    expect(r.minPowerW).toBe(300);
    expect(integratePowerWindow(reads, 1000, 1150)).toBeNull(); // no read fits inside
  });
});
