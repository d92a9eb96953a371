// Per-joule figures gate from run-level values like the rest, but only between runs whose energy
// has the same basis (src/power/energy-basis.ts): NVML against declared watts, or a wall meter
// against a GPU board, is REFUSED with the reason, never reported as a change.
import { describe, expect, it } from 'vitest';
import { compareRunSets } from '../../src/report/compare-results.js';
import type { Energy } from '../../src/results/schema.js';
import { minute, runDoc, runFiles } from '../fixtures/results/run-docs.js';

const metered = (meter: string, scope: string, energyJ: number): Energy =>
  ({ measured: true, energyJ, timeS: 10, avgPowerW: energyJ / 10, method: `${meter} counter`, scope, meter, samples: 50, uncertaintyJ: null, complete: true }) as Energy;
// Declared watts as schema 1.1 writes them (issue 11) and as 1.0 wrote them.
const declared11 = (energyJ: number) => ({ measured: false, declared: true, reason: 'declared watts, not measured', energyJ, timeS: 10, avgPowerW: energyJ / 10 }) as unknown as Energy;
const declared10 = (energyJ: number): Energy => ({ measured: true, energyJ, timeS: 10, avgPowerW: energyJ / 10, method: 'declared', scope: 'declared', meter: 'declared', samples: 0, uncertaintyJ: null, complete: true });

/** 6 runs: H/s and H/J near the given levels (±0.5 %, deterministic), each with `energy`. */
function runs(hps: number, hpj: number, energy: (i: number) => Energy, t0: number) {
  return runFiles(
    Array.from({ length: 6 }, (_, i) => {
      const wobble = 1 + ((i % 3) - 1) * 0.005;
      return runDoc(
        [
          { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: hps * wobble, energy: energy(i) },
          { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerJoule', unit: 'H/J', higherIsBetter: true, value: hpj * wobble },
        ],
        minute(t0 + i),
      );
    }),
    `r${t0}`,
  );
}

const row = (r: ReturnType<typeof compareRunSets>, metric: string) => r.rows.find((x) => x.metric === metric)!;

describe('per-joule figures in compare', () => {
  it('same meter and scope: H/J gates like H/s (a 20 % drop in H/J is SLOWER)', () => {
    const r = compareRunSets(runs(1e9, 5e6, () => metered('nvml', 'gpu-board', 2000), 0), runs(1e9, 4e6, () => metered('nvml', 'gpu-board', 2500), 100), { baseline: 'a', candidate: 'b' });
    expect(row(r, 'hashesPerJoule').verdict).toBe('SLOWER');
    expect(row(r, 'hashesPerJoule').gated).toBe(true);
    expect(row(r, 'hashesPerSecond').verdict).toBe('SAME');
  });
  it('NVML against declared watts: H/J REFUSED with the reason, no change reported; H/s still compared', () => {
    const r = compareRunSets(runs(1e9, 5e6, () => metered('nvml', 'gpu-board', 2000), 0), runs(1e9, 4e6, () => declared11(2500), 100), { baseline: 'a', candidate: 'b' }, {});
    const hpj = row(r, 'hashesPerJoule');
    expect(hpj.verdict).toBe('REFUSED');
    expect(hpj.reason).toBe('not compared: energy basis differs: nvml (gpu-board) vs declared watts');
    expect(hpj.ciLow).toBeNull();
    expect(row(r, 'hashesPerSecond').verdict).toBe('SAME');
    expect(r.headline).toMatch(/refused: 1 metric not comparable/);
  });
  it('a wall meter against the GPU board is refused; declared watts in the 1.0 and 1.1 forms compare', () => {
    const wall = compareRunSets(runs(1e9, 5e6, () => metered('shelly', 'wall', 2000), 0), runs(1e9, 5e6, () => metered('nvml', 'gpu-board', 2000), 100), { baseline: 'a', candidate: 'b' });
    expect(row(wall, 'hashesPerJoule').reason).toMatch(/energy scope differs: shelly \(wall\) vs nvml \(gpu-board\)/);
    const decl = compareRunSets(runs(1e9, 5e6, () => declared10(2000), 0), runs(1e9, 5e6, () => declared11(2000), 100), { baseline: 'a', candidate: 'b' });
    expect(row(decl, 'hashesPerJoule').verdict).toBe('SAME');
  });
  it('mixed meters within one side are refused too, naming the side', () => {
    const r = compareRunSets(
      runs(1e9, 5e6, () => metered('nvml', 'gpu-board', 2000), 0),
      runs(1e9, 5e6, (i) => (i === 3 ? metered('rapl', 'cpu-package', 2000) : metered('nvml', 'gpu-board', 2000)), 100),
      { baseline: 'a', candidate: 'b' },
    );
    expect(row(r, 'hashesPerJoule').verdict).toBe('REFUSED');
    expect(row(r, 'hashesPerJoule').reason).toMatch(/within the candidate runs/);
  });
});
