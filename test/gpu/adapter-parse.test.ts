import { describe, expect, it } from 'vitest';
import { parseAdapterList, pickAdapter, type AdapterIdentity } from '../../src/gpu/adapter.js';
import { UsageError } from '../../src/util/errors.js';

const msg = `no suitable backends found
Available adapters:
 * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'
 * backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090'
 * backend: 'null', name: 'Null backend'`;

const ids: AdapterIdentity[] = [
  { index: 0, backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', architecture: 'software', device: '', description: '', driver: null, isSoftware: true },
  { index: 1, backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090', vendor: 'nvidia', architecture: 'ada', device: '', description: '', driver: null, isSoftware: false },
];

describe('adapter list parsing and --adapter selection', () => {
  it("parses dawn.node's available-adapters list", () => {
    expect(parseAdapterList(msg)).toEqual([
      { backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      { backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090' },
      { backend: 'null', name: 'Null backend' },
    ]);
  });
  it('defaults to the first hardware adapter, selects by index or case-insensitive substring', () => {
    expect(pickAdapter(ids).index).toBe(1);
    expect(pickAdapter(ids, '0').index).toBe(0);
    expect(pickAdapter(ids, 'LLVMPIPE').index).toBe(0);
    expect(pickAdapter(ids, 'rtx').index).toBe(1);
  });
  it('rejects an unknown index or name with a usage error naming the flag', () => {
    expect(() => pickAdapter(ids, '7')).toThrow(UsageError);
    expect(() => pickAdapter(ids, '7')).toThrow(/--adapter 7/);
    expect(() => pickAdapter(ids, 'radeon')).toThrow(/--adapter 'radeon'/);
  });
});
