// Done-when test of issue 11 for `infer bench` on the tiny model (CPU EP): fake RAPL counters
// updating every 20, 50 and 100 ms, at a constant 150 W and with a step profile (idle 60 W outside
// the work, busy 300 W inside). Prefill (pp) and decode (tg) each run back to back in their own
// window, repeated until it spans ≥ 10 periods of the slowest counter; every complete window reads
// the true energy within 3 % (constant) / 5 % (step), and the decode window holds no prefill.
// Last, through the CLI: `--ep cpu` on a machine with an NVIDIA board (stub NVML) and a CPU package
// counter is measured with RAPL, never with the GPU board's meter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import type { EnergyMonitor } from '../../src/power/monitor.js';
import { measurementSchema, type Energy } from '../../src/results/schema.js';
import { buildStubNvml, fanOutMonitor, raplMonitorsFor, startFakeCounters, type FakeCounters } from '../fixtures/power/helpers.js';
import { runCliInProcess } from '../helpers.js';

const PERIODS = [20, 50, 100];
const dir = mkdtempSync(join(tmpdir(), 'jb-infer-windows-'));
const prevModels = process.env.JOULEBENCH_MODELS_DIR;

describe('infer bench energy windows on slow counters (tiny, CPU EP)', () => {
  let fake: FakeCounters;
  let monitors: Map<number, EnergyMonitor>;
  beforeAll(async () => {
    process.env.JOULEBENCH_MODELS_DIR = join(dir, 'models');
    fake = await startFakeCounters(PERIODS, 150);
    monitors = await raplMonitorsFor(fake);
  });
  afterAll(async () => {
    for (const m of monitors?.values() ?? []) await m.close();
    await fake?.stop();
    if (prevModels === undefined) delete process.env.JOULEBENCH_MODELS_DIR;
    else process.env.JOULEBENCH_MODELS_DIR = prevModels;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const profile of ['constant 150 W', 'step 60 W idle / 300 W busy'] as const) {
    it(`${profile}: pp and tg windows each long enough and within ${profile.startsWith('constant') ? 3 : 5} % of the truth`, async () => {
      const step = profile.startsWith('step');
      if (step) fake.setPower(60);
      const mon = fanOutMonitor(monitors, { primary: 100, ...(step ? { onBusy: () => fake.setPower(300), onIdle: () => fake.setPower(60) } : {}) });
      const m = await runInferBench({ model: 'tiny', ep: 'cpu', prompt: 16, gen: 8, repetitions: 2, profile: false }, mon);
      if (step) fake.setPower(150);
      measurementSchema.parse(m);
      expect([...mon.records.keys()]).toEqual(['infer.pp', 'infer.tg']);
      for (const [name, recs] of mon.records) {
        for (const p of PERIODS) {
          const e = recs.get(p)!;
          if (!e.measured) throw new Error(e.reason);
          const x = e as Record<string, any>;
          const truth = fake.truthJ(x.startUnixMs, x.endUnixMs);
          const err = (e.energyJ - truth) / truth;
          console.log(`[infer ${name}, ${profile}, ${p} ms counter] window ${e.timeS.toFixed(3)} s: ${e.energyJ.toFixed(2)} J vs truth ${truth.toFixed(2)} J (${(100 * err).toFixed(2)} %), complete ${e.complete}`);
          expect(e.complete, `${name} ${p} ms: ${e.incompleteReason}`).toBe(true);
          expect(Math.abs(err), `${name}, ${p} ms counter`).toBeLessThan(step ? 0.05 : 0.03);
        }
      }
      const d = m.details as Record<string, any>;
      // Each test was repeated past the 2 requested runs to fill ≥ 10 periods of the 100 ms counter.
      expect(d.phases.pp.runs).toBeGreaterThan(2);
      expect(d.phases.tg.runs).toBeGreaterThan(2);
      expect(d.phases.pp.windowS).toBeGreaterThanOrEqual(d.phases.pp.requiredWindowS);
      expect(d.phases.tg.windowS).toBeGreaterThanOrEqual(d.phases.tg.requiredWindowS);
      // Per-joule figures count the tokens inside each window.
      const tg = mon.records.get('infer.tg')!.get(100) as Extract<Energy, { measured: true }>;
      const pp = mon.records.get('infer.pp')!.get(100) as Extract<Energy, { measured: true }>;
      expect(m.metrics.tokensPerJoule!.value).toBeCloseTo((8 * d.phases.tg.runs) / tg.energyJ, 6);
      expect(m.metrics.prefillTokensPerJoule!.value).toBeCloseTo((16 * d.phases.pp.runs) / pp.energyJ, 6);
      expect(m.metrics.decodeTokensPerSecond!.samples).toHaveLength(d.phases.tg.runs);
      // The decode window holds decode only: its length is the decode sequences' own time.
      const seqS = m.metrics.decodeTokensPerSecond!.samples!.reduce((a, t) => a + 8 / t, 0);
      expect(tg.timeS).toBeLessThan(seqS * 1.25 + 0.05);
    });
  }

  it('infer bench --ep cpu with NVML and RAPL both present: RAPL (cpu-package) is picked, not the GPU board', async () => {
    const args = ['infer', 'bench', '--model', 'tiny', '--ep', 'cpu', '--prompt', '8', '--gen', '4', '-r', '1', '--no-profile', '--idle-baseline', '0', '--min-window', '0', '--json'];
    const env = { JOULEBENCH_NVML_LIB: buildStubNvml(), JOULEBENCH_SYSFS_ROOT: fake.roots.get(20)!, JOULEBENCH_MODELS_DIR: join(dir, 'models') };
    const r = await runCliInProcess(args, { env });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.energy).toMatchObject({ measured: true, meter: 'rapl', scope: 'cpu-package' });
    expect(m.energy.scopeMismatch).toBeUndefined();
    expect(m.details.energyPrefill.meter).toBe('rapl');
    expect(m.metrics.tokensPerJoule.energyBasis).toBe('metered');
  });
});
