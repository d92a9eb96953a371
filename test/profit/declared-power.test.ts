// A result whose energy is declared watts feeds the profit model labelled "declared watts (not
// measured)", never "measured" (issue 11), in both the 1.1 form (measured: false, declared: true)
// and the 1.0 form (measured: true, scope declared); measured energy stays "measured".
import { describe, expect, it } from 'vitest';
import { measuredFromResult } from '../../src/run/economics.js';
import { describeProvenance, resolveProfitInputs } from '../../src/profit/index.js';
import type { Energy } from '../../src/results/schema.js';
import { syntheticDoc } from '../fixtures/results/synthetic.js';

const base = { energyJ: 650, timeS: 10, avgPowerW: 65, samples: 0, uncertaintyJ: null, complete: true };
const forms: Array<[string, Energy, RegExp]> = [
  ['1.1 declared', { measured: false, declared: true, reason: 'declared, not measured', ...base, method: 'declared 65 W', scope: 'declared', meter: 'declared' } as Energy, /^declared watts \(not measured\): r\.json measurements\[0\]\.energy\.avgPowerW$/],
  ['1.0 declared', { measured: true, ...base, method: 'declared 65 W', scope: 'declared', meter: 'declared' }, /^declared watts \(not measured\): r\.json/],
  ['metered', { measured: true, ...base, method: 'RAPL', scope: 'cpu-package', meter: 'rapl' }, /^measured: r\.json measurements\[0\]\.energy\.avgPowerW$/],
];

describe('profit inputs from a result with declared watts', () => {
  for (const [name, energy, re] of forms) {
    it(`${name}: the power input is labelled ${re.source.startsWith('^declared') ? 'declared' : 'measured'}`, () => {
      const doc = syntheticDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: [1e9, 1.01e9, 0.99e9] }]);
      doc.measurements[0]!.energy = energy;
      const measured = measuredFromResult(doc, 'r.json', []);
      expect(measured.hash!.powerW).toBe(65);
      const r = resolveProfitInputs({ flags: { powerPrice: 0.05 }, profile: null, profileFile: null, measured, todayIso: '2026-02-01' });
      const power = Object.values(r.inputs).find((s) => s.unit === 'W' && s.value === 65)!;
      expect(describeProvenance(power.provenance)).toMatch(re);
    });
  }
});
