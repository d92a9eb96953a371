// `infer bench --ep cpu` on a machine with an NVIDIA GPU (stub NVML) and a CPU package counter
// (fake RAPL): the CPU work is measured with RAPL, never with the GPU board's meter; naming the GPU
// meter explicitly is allowed and labels the figures (issue 11, scope matches the work).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStubNvml, startFakeCounters, type FakeCounters } from './fixtures/power/helpers.js';
import { runCliInProcess } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-infer-cpu-meter-'));
const args = ['infer', 'bench', '--model', 'tiny', '--ep', 'cpu', '--prompt', '8', '--gen', '4', '-r', '1', '--no-profile', '--idle-baseline', '0', '--min-window', '0', '--json'];

describe('infer bench --ep cpu and the meter it gets', () => {
  let fake: FakeCounters;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startFakeCounters([20], 90);
    env = { JOULEBENCH_NVML_LIB: buildStubNvml(), JOULEBENCH_SYSFS_ROOT: fake.roots.get(20)!, JOULEBENCH_MODELS_DIR: join(dir, 'models') };
  });
  afterAll(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('auto-detection picks RAPL (cpu-package), not the NVML GPU board that is also present', async () => {
    const r = await runCliInProcess(args, { env });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.energy).toMatchObject({ measured: true, meter: 'rapl', scope: 'cpu-package' });
    expect(m.energy.complete, m.energy.incompleteReason).toBe(true);
    expect(m.energy.scopeMismatch).toBeUndefined();
    expect(m.metrics.tokensPerJoule.value).toBeGreaterThan(0);
    expect(m.metrics.tokensPerJoule.energyBasis).toBe('metered');
    expect(m.details.energyPrefill.meter).toBe('rapl');
    expect(m.details.energyPrefill.complete, m.details.energyPrefill.incompleteReason).toBe(true);
  });

  it('--meter nvml with --ep cpu is used as asked, with every record and figure labelled as a mismatch', async () => {
    const r = await runCliInProcess([...args, '--meter', 'nvml'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/meter scope does not match the work: --meter nvml measures a GPU board, not the CPU work \(--ep cpu\)/);
    const m = JSON.parse(r.stdout);
    expect(m.energy.meter).toBe('nvml');
    expect(m.energy.scopeMismatch).toMatch(/not the CPU work/);
    expect(m.metrics.tokensPerJoule.method).toMatch(/meter scope does not match the work/);
  });
});
