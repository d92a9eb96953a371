// --llvmpipe-width: parsing, the width an llvmpipe adapter reports, and an end-to-end search in a
// process that asked for 512-bit SIMD (the genesis nonce must still be found; on llvmpipe the
// adapter must then report 512 bits).
import { describe, expect, it } from 'vitest';
import { listAdapters } from '../../src/gpu/adapter.js';
import { llvmpipeWidthOf, parseLlvmpipeWidth, setLlvmpipeVectorWidth } from '../../src/gpu/llvmpipe.js';
import { UsageError } from '../../src/util/errors.js';
import { runCli } from '../helpers.js';

const G = '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

describe('llvmpipe SIMD width', () => {
  it('parses the widths llvmpipe accepts and nothing else', () => {
    expect(parseLlvmpipeWidth('512')).toBe(512);
    expect(parseLlvmpipeWidth('128')).toBe(128);
    expect(() => parseLlvmpipeWidth('1024')).toThrow(UsageError);
    expect(() => parseLlvmpipeWidth('wide')).toThrow(/--llvmpipe-width 'wide'/);
  });

  it('reads the width from llvmpipe adapter names only', () => {
    expect(llvmpipeWidthOf('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(256);
    expect(llvmpipeWidthOf('llvmpipe (LLVM 19.1.7, 512 bits)')).toBe(512);
    expect(llvmpipeWidthOf('NVIDIA GeForce RTX 4090')).toBeNull();
  });

  it('hash search --llvmpipe-width 512 finds the genesis nonce', async () => {
    const r = await runCli(['hash', 'search', '--header', G, '--start', '2083230000', '--count', '70000', '--bits', '0x1d00ffff', '--llvmpipe-width', '512', '--json'], {
      timeoutMs: 180_000,
      env: { LP_NATIVE_VECTOR_WIDTH: undefined, MESA_SHADER_CACHE_DIR: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.nonces).toEqual([2083236893]);
    if (/llvmpipe/i.test(doc.adapter.name)) expect(llvmpipeWidthOf(doc.adapter.name)).toBe(512);
  });

  it('refuses to change the width once this process opened a WebGPU instance (mixing widths computes wrong results)', async () => {
    await listAdapters(); // creates Dawn instances: llvmpipe's width is now fixed in this process
    const now = process.env.LP_NATIVE_VECTOR_WIDTH;
    const other = now === '512' ? 128 : 512;
    expect(() => setLlvmpipeVectorWidth(other)).toThrow(/already initialised in this process .*before the first WebGPU adapter or session opens/);
    expect(process.env.LP_NATIVE_VECTOR_WIDTH).toBe(now);
  });
});
