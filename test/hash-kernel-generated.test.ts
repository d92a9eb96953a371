// The committed fast kernels are exactly what src/hash/kernel-gen.ts emits, and the generator's
// symbolic program (with everything nonce-independent hoisted to the host) computes H7 of
// SHA256d like node:crypto does.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withNonce } from '../src/hash/header.js';
import { buildH7Program, emitKernel, evalProgram, GENERATED_KERNELS, type Lanes } from '../src/hash/kernel-gen.js';
import { jobInputs } from '../src/hash/kernels.js';
import { bswap32 } from '../src/hash/sha256.js';

const ROOT = join(import.meta.dirname, '..');

describe('generated SHA256d kernels', () => {
  const prog = buildH7Program();

  for (const lanes of [1, 2, 4] as Lanes[]) {
    it(`shaders/${GENERATED_KERNELS[lanes]} is up to date (npx tsx src/hash/kernel-gen.ts --write)`, () => {
      expect(readFileSync(join(ROOT, 'shaders', GENERATED_KERNELS[lanes]), 'utf8')).toBe(emitKernel(prog, lanes));
    });
  }

  it('the hoisted program computes H7 = word 7 of SHA256d for random headers and nonces', () => {
    for (let i = 0; i < 200; i++) {
      const header = new Uint8Array(randomBytes(80));
      const nonce = randomBytes(4).readUInt32LE(0);
      const d = createHash('sha256').update(createHash('sha256').update(withNonce(header, nonce)).digest()).digest();
      expect(evalProgram(prog, jobInputs(header), bswap32(nonce))).toBe(d.readUInt32BE(28));
    }
  });

  it('hoisting pays: per-nonce ops well below three naive compressions', () => {
    // A naive SHA256d of an 80-byte header is 3 compressions = 8,695 WGSL source ops (rotate = 3,
    // 2-input ops; count from /work/shared/reference/hashing.md §1.3). Midstate, rounds 0-2 on
    // the host, folded padding and the H7 cut must remove well over a quarter of that.
    expect(prog.opsPerNonce).toBeLessThan(0.7 * 8695);
    expect(prog.jobValues.length).toBeGreaterThan(20);
    // Nothing that depends only on the job is left in the kernel.
    for (const n of prog.schedule) expect(n.kind).toBe('v');
  });
});
