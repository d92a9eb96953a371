// The WGSL search finds the genesis block's and block 125552's nonces in a window around them,
// with every kernel (reference and generated). Runs on whatever adapter Dawn finds (lavapipe in
// CI) and FAILS when there is none: openDevice throws.
import { describe, expect, it } from 'vitest';
import { decodeHeader, parseHeaderHex } from '../../src/hash/header.js';
import { KERNEL_VARIANTS, type LaunchConfig } from '../../src/hash/kernels.js';
import { searchNonces } from '../../src/hash/search.js';
import { bitsToTarget } from '../../src/hash/target.js';
import { useGpu } from '../helpers.js';

const BLOCKS = [
  {
    name: 'genesis',
    header: '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c',
    nonce: 2083236893,
    hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  },
  {
    name: 'block 125552',
    header: '0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695',
    nonce: 2504433986,
    hash: '00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d',
  },
];

// Launches exercising each kernel, vector lanes and several values per invocation.
const LAUNCHES: LaunchConfig[] = [
  { variant: 'ref', workgroupSize: 64, valuesPerInvocation: 1 },
  { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 1 },
  { variant: 'x1', workgroupSize: 128, valuesPerInvocation: 8 },
  { variant: 'x2', workgroupSize: 64, valuesPerInvocation: 2 },
  { variant: 'x4', workgroupSize: 32, valuesPerInvocation: 3 },
];

const gpu = useGpu();

describe('WGSL search finds known blocks', () => {
  it('covers every kernel variant', () => {
    expect(new Set(LAUNCHES.map((l) => l.variant))).toEqual(new Set(KERNEL_VARIANTS));
  });

  for (const b of BLOCKS) {
    for (const launch of LAUNCHES) {
      it(`${b.name} with ${launch.variant} wg=${launch.workgroupSize} npi=${launch.valuesPerInvocation}`, async () => {
        const ctx = await gpu();
        const header = parseHeaderHex(b.header);
        const target = bitsToTarget(decodeHeader(header).bits);
        // An odd window: the nonce is not aligned to any slice or workgroup boundary.
        const start = b.nonce - 40_000 - 7;
        const r = await searchNonces(ctx, { header, start, count: 70_001, target, launch });
        expect(r.nonces).toEqual([b.nonce]);
        expect(r.hashes).toEqual([b.hash]);
        expect(r.scannedEnd).toBe(start + 70_001);
        expect(r.stoppedBy).toBe('done');
        expect(ctx.uncapturedErrors).toEqual([]);
      });
    }
  }
});
