// The software-adapter flag against the adapter identity: a CPU rasteriser recorded with
// isSoftware false is a failure naming the field, for the identities those drivers really report
// (Mesa llvmpipe/lavapipe through Dawn's Vulkan backend, SwiftShader, Microsoft WARP, the Mesa
// vendor id); a hardware GPU with isSoftware false passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyResultJson } from '../../../src/results/verify/verify.js';
import { ROOT } from '../../helpers.js';

type Doc = Record<string, any>;
const base = (): Doc => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'), 'utf8'));

/** The fixture with every adapter identity replaced. */
function withAdapter(a: Record<string, unknown>): Doc {
  const d = base();
  const full = { ...d.environment.adapter, ...a };
  d.environment.adapter = full;
  for (const m of d.measurements) if (m.adapter) m.adapter = full;
  return d;
}

const fails = (d: Doc) => verifyResultJson(d).findings.filter((f) => f.level === 'fail');
/** Failures about the software flag (the fixture's NVML energy on a software adapter fails its own scope check). */
const flagFails = (d: Doc) => fails(d).filter((f) => /isSoftware|softwareAdapter/.test(f.field));

// Identities as these drivers report them (adapter.info through Dawn, or the driver's own name).
const SOFTWARE: Array<[string, Record<string, unknown>]> = [
  ['llvmpipe via Dawn/Vulkan', { name: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', architecture: 'software', description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1' }],
  ['lavapipe named as such', { name: 'lavapipe', vendor: '', architecture: '', description: '' }],
  ['SwiftShader', { name: 'SwiftShader Device (Subzero)', vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver' }],
  ['WARP', { name: 'Microsoft Basic Render Driver', vendor: 'microsoft', architecture: '', description: 'D3D12 Microsoft Basic Render Driver' }],
  ['Mesa vendor id, unknown name', { name: 'some future CPU driver', vendor: 'mesa', architecture: '', description: '' }],
];

describe('verify: isSoftware against the adapter identity', () => {
  for (const [what, id] of SOFTWARE) {
    it(`${what} with isSoftware false fails naming the field`, () => {
      const f = fails(withAdapter({ ...id, isSoftware: false }));
      expect(f.map((x) => x.field)).toContain('environment.adapter.isSoftware');
      expect(f.map((x) => x.field)).toContain('measurements[0].adapter.isSoftware');
    });
    it(`${what} with isSoftware true passes`, () => {
      expect(flagFails(withAdapter({ ...id, isSoftware: true }))).toEqual([]);
    });
  }
  it('a hardware GPU (NVIDIA through Dawn/Vulkan, RADV with its PCI vendor) with isSoftware false passes', () => {
    expect(fails(withAdapter({ name: 'NVIDIA GeForce RTX 4090', vendor: 'nvidia', architecture: 'lovelace', description: 'NVIDIA: 550.54.14', isSoftware: false }))).toEqual([]);
    expect(fails(withAdapter({ name: 'AMD Radeon RX 7900 XTX (RADV NAVI31)', vendor: 'amd', architecture: 'rdna-3', description: 'radv: Mesa 25.0.7', isSoftware: false }))).toEqual([]);
  });
  it('a software-adapter warning with isSoftware false is a mismatch even for an unknown name', () => {
    const d = withAdapter({ name: 'Unnamed Adapter', vendor: '', architecture: '', description: '', isSoftware: false });
    d.warnings = ['software adapter: all timings are CPU timings, not GPU figures'];
    expect(fails(d).map((x) => x.field)).toContain('environment.adapter.isSoftware');
  });
});
