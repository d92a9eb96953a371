// `verify` holds each energy record to its raw trace, its meter and the work it measured. The
// records are built here from a scripted truth (a 300 W load, an NVML-like counter updating every
// 100 ms, or a polled meter every 500 ms), so the right joules are known without the project's
// integrator: 300 W × 10 s = 3000 J.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyResultJson } from '../../../src/results/verify/verify.js';
import { ROOT } from '../../helpers.js';

type Doc = Record<string, any>;
const W = 300;
const T_S = 10;

/** fixture-a (a hardware GPU, NVML) with the hash window's energy record replaced by `energy`. */
function docWith(energy: Record<string, unknown>): Doc {
  const d = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'), 'utf8'));
  d.measurements[0].energy = energy;
  return d;
}

/** A counter record: updates at −50, 50, …, 10 050 ms (one before the window, one after), each +30 J. */
function counterRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  const points: Array<[number, number]> = [];
  for (let k = 0; k <= 101; k++) points.push([-50 + 100 * k, (W * 100 * k) / 1000]);
  return {
    measured: true, energyJ: W * T_S, timeS: T_S, avgPowerW: W, method: 'NVML energy counter', scope: 'gpu-board', meter: 'nvml', samples: 1000, uncertaintyJ: 30, complete: true,
    startUnixMs: 1_800_000_000_000, endUnixMs: 1_800_000_000_000 + T_S * 1000,
    trace: { unit: 'J', points, rawPoints: points.length, downsampled: null },
    ...over,
  };
}

/** A polled record: readings every 500 ms from −250 ms to 10 250 ms, 290–310 W. */
function polledRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  const points: Array<[number, number]> = [];
  for (let t = -250; t <= 10_250; t += 500) points.push([t, W + 10 * Math.sin(t / 700)]);
  return { ...counterRecord(), meter: 'hwmon', method: 'power1_average polled', minPowerW: 290, maxPowerW: 310, trace: { unit: 'W', points, rawPoints: points.length, downsampled: null }, ...over };
}

const fails = (d: Doc) => verifyResultJson(d).findings.filter((f) => f.level === 'fail');
const fields = (d: Doc) => fails(d).map((f) => f.field);

describe('verify: energy records', () => {
  it('consistent counter and polled records pass', () => {
    expect(fails(docWith(counterRecord()))).toEqual([]);
    expect(fails(docWith(polledRecord()))).toEqual([]);
  });
  it('joules outside what the counter trace allows fail on energyJ', () => {
    const d = docWith(counterRecord({ energyJ: 2700, avgPowerW: 270 }));
    expect(fields(d)).toContain('measurements[0].energy.energyJ');
    expect(fails(d).find((f) => f.field.endsWith('energyJ'))!.message).toMatch(/between 2970 and 3030 J/);
  });
  it('joules a polled trace cannot give fail on energyJ', () => {
    expect(fields(docWith(polledRecord({ energyJ: 3500, avgPowerW: 350, maxPowerW: 360 })))).toContain('measurements[0].energy.energyJ');
  });
  it('a window cut short after the fact (edges, time and joules all made consistent) fails on timeS: the trace runs on', () => {
    for (const rec of [counterRecord, polledRecord]) {
      const d = docWith(rec({ timeS: 8, endUnixMs: 1_800_000_008_000, energyJ: W * 8 }));
      const f = fails(d).find((x) => x.field === 'measurements[0].energy.timeS');
      expect(f?.message).toMatch(/trace holds \d+ readings after that window end/);
    }
  });
  it('time that disagrees with the edges, and power that disagrees with joules / time, are named', () => {
    expect(fields(docWith(counterRecord({ timeS: 9 })))).toEqual(expect.arrayContaining(['measurements[0].energy.timeS', 'measurements[0].energy.avgPowerW']));
  });
  it('a meter reporting another scope than its own fails on scope', () => {
    expect(fields(docWith(counterRecord({ meter: 'rapl' })))).toContain('measurements[0].energy.scope');
  });
  it('a GPU-board meter on CPU work (a software adapter) must be labelled scopeMismatch', () => {
    const sw = (d: Doc) => {
      for (const a of [d.environment.adapter, ...d.measurements.map((m: Doc) => m.adapter)]) if (a) Object.assign(a, { name: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', isSoftware: true });
      return d;
    };
    expect(fields(sw(docWith(counterRecord())))).toContain('measurements[0].energy.scopeMismatch');
    expect(fields(sw(docWith(counterRecord({ scopeMismatch: '--meter nvml measures a GPU board, not the CPU work' }))))).not.toContain('measurements[0].energy.scopeMismatch');
  });
  it('declared watts presented as metered, and a per-joule figure from an incomplete window, fail', () => {
    const declared = { measured: false, declared: true, reason: 'declared power 300 W, not measured', energyJ: 3000, timeS: 10, avgPowerW: 300, method: 'declared', scope: 'declared', meter: 'declared', samples: 0, uncertaintyJ: null, complete: true };
    const d = docWith(declared);
    d.measurements[0].metrics.hashesPerJoule.energyBasis = 'metered';
    expect(fields(d)).toContain('measurements[0].metrics.hashesPerJoule.energyBasis');
    const inc = docWith(counterRecord({ complete: false, incompleteReason: 'meter died' }));
    expect(fields(inc)).toContain('measurements[0].metrics.hashesPerJoule.value');
  });
});
