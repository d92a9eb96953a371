// Host SHA-256 / SHA256d / midstate against node:crypto (an independent implementation).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compress, IV, midstate, readWordsBE, sha256, sha256d, wordsToBytesBE } from '../../src/hash/sha256.js';
import { SEED, seededBytes } from '../helpers.js';

const nodeSha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

describe('host SHA-256 reference', () => {
  it('matches node:crypto for every length 0..200 (all padding boundaries)', () => {
    for (let len = 0; len <= 200; len++) {
      const data = seededBytes(SEED + len, len);
      expect(Buffer.from(sha256(data)).toString('hex'), `length ${len}, seed ${SEED + len}`).toBe(Buffer.from(nodeSha(data)).toString('hex'));
    }
  });

  it('matches the FIPS 180-2 "abc" vector', () => {
    expect(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('SHA256d of 80-byte headers matches node:crypto applied twice', () => {
    for (let i = 0; i < 50; i++) {
      const h = seededBytes(SEED ^ (0x5eed0000 + i), 80);
      expect(Buffer.from(sha256d(h)).toString('hex'), `seed ${SEED}, header ${i}`).toBe(Buffer.from(nodeSha(nodeSha(h))).toString('hex'));
    }
  });

  it('midstate continued with the padded second block gives SHA-256 of the header', () => {
    for (let i = 0; i < 20; i++) {
      const h = seededBytes(SEED ^ (0x3eed0000 + i), 80);
      const block2 = new Uint8Array(64);
      block2.set(h.subarray(64, 80));
      block2[16] = 0x80;
      new DataView(block2.buffer).setUint32(60, 640, false);
      const state = compress(midstate(h), readWordsBE(block2, 0, 16));
      expect(Buffer.from(wordsToBytesBE(state)).toString('hex'), `seed ${SEED}, header ${i}`).toBe(Buffer.from(nodeSha(h)).toString('hex'));
    }
  });

  it('compress leaves its input state untouched', () => {
    const s = Uint32Array.from(IV);
    compress(s, new Uint32Array(16));
    expect(Array.from(s)).toEqual(Array.from(IV));
  });
});
