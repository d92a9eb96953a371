import { describe, expect, it } from 'vitest';
import { energyBasis, energyBasisMismatch, energyJoules } from '../../src/power/energy-basis.js';
import type { Energy } from '../../src/results/schema.js';

const metered = (meter: string, scope: string): Energy =>
  ({ measured: true, energyJ: 100, timeS: 10, avgPowerW: 10, method: 'm', scope, meter, samples: 5, uncertaintyJ: null, complete: true }) as Energy;
const declared10: Energy = { measured: true, energyJ: 100, timeS: 10, avgPowerW: 10, method: 'declared 10 W', scope: 'declared', meter: 'declared', samples: 0, uncertaintyJ: null, complete: true };
const declared11 = { measured: false, declared: true, reason: 'declared watts, not measured', energyJ: 100, timeS: 10, avgPowerW: 10 } as unknown as Energy;

describe('energy basis', () => {
  it('reads declared watts in the 1.0 form (measured: true, scope declared) and the 1.1 form (declared: true) alike', () => {
    expect(energyBasis(declared10).kind).toBe('declared');
    expect(energyBasis(declared11).kind).toBe('declared');
    expect(energyBasis(metered('nvml', 'gpu-board')).kind).toBe('metered');
    expect(energyBasis({ measured: false, reason: 'no meter' }).kind).toBe('none');
    expect(energyBasis(undefined).kind).toBe('none');
  });

  it('refuses declared against metered, wall against GPU board, and one meter against another', () => {
    expect(energyBasisMismatch(declared11, metered('nvml', 'gpu-board'))).toMatch(/declared watts vs nvml \(gpu-board\)/);
    expect(energyBasisMismatch(metered('shelly', 'wall'), metered('nvml', 'gpu-board'))).toMatch(/scope differs/);
    expect(energyBasisMismatch(metered('rapl', 'cpu-package'), metered('cmd', 'cpu-package'))).toMatch(/meter differs/);
    expect(energyBasisMismatch(metered('nvml', 'gpu-board'), metered('nvml', 'gpu-board'))).toBeNull();
    expect(energyBasisMismatch(declared10, declared11)).toBeNull();
  });

  it('gives the joules of metered and declared records alike, with the kind to label them by', () => {
    expect(energyJoules(declared10)).toEqual({ kind: 'declared', energyJ: 100, timeS: 10, avgPowerW: 10, complete: true });
    expect(energyJoules(declared11)).toMatchObject({ kind: 'declared', energyJ: 100 });
    expect(energyJoules(metered('rapl', 'cpu-package'))).toMatchObject({ kind: 'metered', energyJ: 100, complete: true });
    expect(energyJoules({ ...metered('rapl', 'cpu-package'), complete: false, incompleteReason: 'short' } as Energy)).toMatchObject({ complete: false, incompleteReason: 'short' });
    expect(energyJoules({ measured: false, reason: 'no meter' })).toBeNull();
    expect(energyJoules(undefined)).toBeNull();
  });
});
