import { describe, expect, it } from 'vitest';
import type { AdapterReport } from '../../src/gpu/adapter.js';
import { checkSameAdapter, ortDawnBackend } from '../../src/infer/ort-adapter.js';
import { UsageError } from '../../src/util/errors.js';

function fake(index: number, backend: string, name: string): AdapterReport {
  return {
    index, backend, name, vendor: 'v', architecture: 'a', device: name, description: `${name} desc`, driver: null, isSoftware: false,
    featureLevel: 'core', features: [], limits: {}, subgroupMinSize: null, subgroupMaxSize: null,
  };
}

describe("hashing adapter vs onnxruntime's WebGPU EP adapter", () => {
  it('onnxruntime uses Dawn on vulkan on Linux', () => {
    expect(ortDawnBackend('linux')).toBe('vulkan');
    expect(ortDawnBackend('win32')).toBe('d3d12');
  });

  it('refuses a run where hashing would use a different adapter, unless allowed', async () => {
    const list = [fake(0, 'vulkan', 'GPU A'), fake(1, 'opengles', 'GPU A (GLES)')];
    const err = await checkSameAdapter('1', false, list).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^--adapter: hashing would run on 'GPU A \(GLES\)'.*onnxruntime's WebGPU EP runs on 'GPU A' \(vulkan, index 0\); pick --adapter 0 or pass --allow-adapter-mismatch$/);
    expect((err as Error).message).not.toMatch(/\n/);
    const allowed = await checkSameAdapter('1', true, list);
    expect(allowed.same).toBe(false);
    expect(allowed.onnxruntime?.index).toBe(0);
    const ok = await checkSameAdapter('0', false, list);
    expect(ok).toMatchObject({ same: true, confidence: 'only-candidate' });
    expect(ok.method).toMatch(/^inferred, not reported by onnxruntime: .*exactly one vulkan adapter/);
  });

  it('on this machine (software Vulkan) both identities are the same adapter', async () => {
    const r = await checkSameAdapter(undefined, false);
    expect(r.same).toBe(true);
    expect(r.onnxruntime?.backend).toBe('vulkan');
    expect(r.hashing.name).toBe(r.onnxruntime?.name);
  });
});
