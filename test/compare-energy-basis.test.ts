// `compare` never reports a change between per-joule figures on different energy bases (issue 11):
// declared watts against a meter, or one meter/scope against another, are different quantities.
// 1.0 files (declared stored as measured: true, scope declared) are read the same way.
import { describe, expect, it } from 'vitest';
import { compareResults } from '../src/report/compare-results.js';
import type { Energy, ResultDoc } from '../src/report/schema.js';
import { normalSamples, syntheticDoc } from './fixtures/results/synthetic.js';

function withEnergy(energy: Energy, seed: number): ResultDoc {
  const d = syntheticDoc([
    { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: normalSamples(10, 1e6, 0.01, seed) },
    { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerJoule', unit: 'H/J', higherIsBetter: true, samples: normalSamples(10, 5e3, 0.01, seed + 1) },
  ]);
  d.measurements[0]!.energy = energy;
  return d;
}
const base = { energyJ: 200, timeS: 10, avgPowerW: 20, samples: 0, uncertaintyJ: null, complete: true };
const declared10: Energy = { measured: true, ...base, method: 'declared 20 W', scope: 'declared', meter: 'declared' };
const declared11 = { measured: false, declared: true, reason: 'declared, not measured', ...base, method: 'declared 20 W', scope: 'declared', meter: 'declared' } as Energy;
const rapl: Energy = { measured: true, ...base, method: 'RAPL', scope: 'cpu-package', meter: 'rapl' };
const shelly: Energy = { measured: true, ...base, method: 'Shelly', scope: 'wall', meter: 'shelly' };

describe('compare and energy bases', () => {
  it('declared vs metered, and wall vs CPU package: per-joule rows UNKNOWN with the reason, H/s still compared', () => {
    for (const [a, b, re] of [
      [declared11, rapl, /energy basis differs: declared watts vs rapl \(cpu-package\)/],
      [rapl, declared10, /energy basis differs: rapl \(cpu-package\) vs declared watts/],
      [shelly, rapl, /energy scope differs: shelly \(wall\) vs rapl \(cpu-package\)/],
    ] as const) {
      const r = compareResults(withEnergy(a, 1), withEnergy(b, 7), { baseline: 'a', candidate: 'b' });
      const hpj = r.rows.find((x) => x.metric === 'hashesPerJoule')!;
      expect(hpj.verdict).toBe('UNKNOWN');
      expect(hpj.reason).toMatch(re);
      expect(r.warnings.some((w) => re.test(w) && /not compared/.test(w))).toBe(true);
      expect(r.rows.find((x) => x.metric === 'hashesPerSecond')!.reason).not.toMatch(/energy/);
    }
  });

  it('the same basis (declared 1.0 vs declared 1.1, or rapl vs rapl) is compared as usual', () => {
    for (const [a, b] of [[declared10, declared11], [rapl, rapl]] as const) {
      const r = compareResults(withEnergy(a, 1), withEnergy(b, 7), { baseline: 'a', candidate: 'b' });
      expect(r.rows.find((x) => x.metric === 'hashesPerJoule')!.reason).not.toMatch(/energy (basis|scope|meter) differs/);
    }
  });
});
