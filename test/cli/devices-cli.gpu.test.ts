import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';

// Runs on the software Vulkan adapter in CI; with no adapter at all this test FAILS (by design).
describe('joulebench devices --json', () => {
  it('lists the lavapipe Vulkan adapter and the cpu and webgpu execution providers', async () => {
    const r = await runCliInProcess(['devices', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.adapters.length, 'no WebGPU adapter found: install mesa-vulkan-drivers (see README)').toBeGreaterThan(0);
    const vk = doc.adapters.find((a: { backend: string }) => a.backend === 'vulkan');
    if (!vk) throw new Error(`no Vulkan adapter among ${JSON.stringify(doc.adapters.map((a: { name: string }) => a.name))}`);
    expect(vk.name).toMatch(/llvmpipe/);
    expect(vk.vendor).toBe('mesa');
    expect(vk.isSoftware).toBe(true);
    expect(vk.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(doc.selectedAdapter).toBe(vk.index);
    const eps = Object.fromEntries(doc.executionProviders.map((e: { name: string; usable: boolean }) => [e.name, e]));
    expect(eps.cpu.usable).toBe(true);
    expect(eps.webgpu.usable).toBe(true);
    expect(eps.cuda.usable).toBe(false);
    expect(eps.cuda.reason).toMatch(/CUDA/);
  });
  it('rejects an --adapter that matches nothing with one line and exit 2', async () => {
    const r = await runCliInProcess(['devices', '--adapter', 'no-such-gpu-xyz']);
    expect(r.code).toBe(2);
    const errLines = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error:'));
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/--adapter 'no-such-gpu-xyz'/);
  });
});
