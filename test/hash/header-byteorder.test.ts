// Header parse/serialise and byte order: block-explorer display order vs serialised order.
import { describe, expect, it } from 'vitest';
import { blockHashHex, bytesToHex, decodeHeader, encodeHeader, parseHeaderHex, withNonce } from '../../src/hash/header.js';
import { bswap32, readWordsBE } from '../../src/hash/sha256.js';
import { UsageError } from '../../src/util/errors.js';

// Genesis block and block 125552 (en.bitcoin.it "Block hashing algorithm"), serialised headers.
const GENESIS = '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';
const B125552 = '0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695';

describe('block header byte order', () => {
  it('decodes the genesis header into explorer-order fields', () => {
    const h = decodeHeader(parseHeaderHex(GENESIS));
    expect(h).toEqual({
      version: 1,
      prevHash: '0'.repeat(64),
      merkleRoot: '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
      time: 1231006505,
      bits: 0x1d00ffff,
      nonce: 2083236893,
    });
    expect(blockHashHex(parseHeaderHex(GENESIS))).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  });

  it('decodes block 125552 and reproduces its published hash', () => {
    const bytes = parseHeaderHex(B125552);
    const h = decodeHeader(bytes);
    expect(h.prevHash).toBe('00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81');
    expect(h.merkleRoot).toBe('2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3');
    expect(h.time).toBe(1305998791);
    expect(h.bits).toBe(440711666);
    expect(h.nonce).toBe(2504433986);
    expect(blockHashHex(bytes)).toBe('00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d');
  });

  it('encode(decode(x)) is the identity on serialised headers', () => {
    for (const hex of [GENESIS, B125552]) expect(bytesToHex(encodeHeader(decodeHeader(parseHeaderHex(hex))))).toBe(hex);
  });

  it('the nonce is little-endian in the header, so SHA block-2 word 3 is its byteswap', () => {
    const bytes = parseHeaderHex(GENESIS);
    expect(readWordsBE(bytes, 76, 1)[0]).toBe(0x1dac2b7c);
    expect(bswap32(2083236893)).toBe(0x1dac2b7c);
    expect(readWordsBE(bytes, 64, 4)).toEqual(Uint32Array.of(0x4b1e5e4a, 0x29ab5f49, 0xffff001d, 0x1dac2b7c));
    expect(decodeHeader(withNonce(bytes, 0x01020304)).nonce).toBe(0x01020304);
    expect(bytesToHex(withNonce(bytes, 0x01020304).subarray(76))).toBe('04030201');
  });

  it('rejects bad header hex with a one-line UsageError naming --header', () => {
    for (const bad of [GENESIS.slice(2), GENESIS + '00', GENESIS.slice(0, 158) + 'zz', '']) {
      expect(() => parseHeaderHex(bad)).toThrow(UsageError);
      try {
        parseHeaderHex(bad);
      } catch (e) {
        expect((e as Error).message).toMatch(/^--header/);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
});
