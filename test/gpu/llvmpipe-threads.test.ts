import { afterEach, describe, expect, it } from 'vitest';
import { defaultLlvmpipeThreads, llvmpipeSettings } from '../../src/gpu/llvmpipe.js';

/** hash commands ask llvmpipe for two threads per CPU unless the user chose a count (src/gpu/llvmpipe.ts). */
const saved = process.env.LP_NUM_THREADS;
afterEach(() => {
  if (saved === undefined) delete process.env.LP_NUM_THREADS;
  else process.env.LP_NUM_THREADS = saved;
});

describe('llvmpipe threads', () => {
  it('unset: two per CPU, within llvmpipe\'s cap of 32, and recorded with the driver settings', () => {
    delete process.env.LP_NUM_THREADS;
    defaultLlvmpipeThreads(2);
    expect(process.env.LP_NUM_THREADS).toBe('4');
    expect(llvmpipeSettings().LP_NUM_THREADS).toBe('4');
    delete process.env.LP_NUM_THREADS;
    defaultLlvmpipeThreads(64);
    expect(process.env.LP_NUM_THREADS).toBe('32');
  });
  it('a count the user set is kept', () => {
    process.env.LP_NUM_THREADS = '1';
    defaultLlvmpipeThreads(8);
    expect(process.env.LP_NUM_THREADS).toBe('1');
  });
});
