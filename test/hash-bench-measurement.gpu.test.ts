// runHashBench returns a schema-valid Measurement with samples, launch details and, with a
// (declared) energy monitor, hashesPerJoule = hashes / energy. Not timing-gated.
import { afterAll, describe, expect, it } from 'vitest';
import { openDevice, type GpuContext } from '../src/gpu/adapter.js';
import { runHashBench } from '../src/hash/bench.js';
import { DeclaredMeter } from '../src/power/monitor.js';
import { measurementSchema } from '../src/report/schema.js';

// Opened lazily inside each test (not in beforeAll) so that without an adapter every test
// FAILS with NoAdapterError rather than being reported as skipped.
let ctxP: Promise<GpuContext> | null = null;
const gpu = (): Promise<GpuContext> => (ctxP ??= openDevice(process.env.JOULEBENCH_TEST_ADAPTER));
afterAll(async () => {
  if (ctxP) (await ctxP.catch(() => null))?.close();
});

describe('runHashBench', () => {
  it('fixed launch, declared 50 W: schema-valid, per-joule figure consistent', async () => {
      const ctx = await gpu();
    const m = await runHashBench(ctx, { seconds: 1, launch: { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 2 } }, new DeclaredMeter(50));
    measurementSchema.parse(m);
    expect(m.id).toBe('hash.sha256d');
    expect(m.kind).toBe('hash');
    const hps = m.metrics.hashesPerSecond!;
    expect(hps.value).toBeGreaterThan(0);
    expect(hps.samples!.length).toBeGreaterThanOrEqual(2);
    expect(hps.summary!.n).toBe(hps.samples!.length);
    const d = m.details as Record<string, any>;
    expect(d.launch.workgroupSize).toBe(64);
    expect(d.launch.noncesPerInvocation).toBe(2);
    expect(d.kernel.variant).toBe('x1');
    // Declared watts are not a measurement (issue 11): joules kept, figure labelled declared.
    const e = m.energy as { measured: boolean; declared?: boolean; energyJ: number; timeS: number };
    expect(e).toMatchObject({ measured: false, declared: true, scope: 'declared', avgPowerW: 50 });
    expect(e.energyJ).toBeCloseTo(50 * e.timeS, 9);
    expect(d.windowHashes).toBeGreaterThan(d.totalHashes);
    expect(m.metrics.hashesPerJoule!.value).toBeCloseTo(d.windowHashes / e.energyJ, 6);
    expect(m.metrics.hashesPerJoule!.energyBasis).toBe('declared');
    expect(m.metrics.hashesPerJoule!.method).toMatch(/DECLARED watts, not measured/);
    expect(m.adapter!.name).toBe(ctx.report.name);
    if (ctx.report.isSoftware) expect(m.warnings.join(' ')).toMatch(/software adapter: CPU timings/);
  });

  it('autotune over two candidates picks the faster one and records both; no meter -> null H/J with reason', async () => {
      const ctx = await gpu();
    const m = await runHashBench(ctx, {
      seconds: 0.6,
      trialSeconds: 0.3,
      candidates: [
        { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 1 },
        { variant: 'ref', workgroupSize: 64, valuesPerInvocation: 1 },
      ],
    });
    const autotune = (m.details as Record<string, any>).autotune as Array<{ label: string; hashesPerSecond: number }>;
    expect(autotune).toHaveLength(2);
    expect(autotune[0]!.hashesPerSecond).toBeGreaterThanOrEqual(autotune[1]!.hashesPerSecond);
    expect((m.details as Record<string, any>).launch.label).toBe(autotune[0]!.label);
    expect(m.metrics.hashesPerJoule!.value).toBeNull();
    expect(m.metrics.hashesPerJoule!.reason).toMatch(/^energy not measured: no power meter/);
    expect(m.energy).toEqual({ measured: false, reason: expect.stringMatching(/^no power meter/) });
  });
});
