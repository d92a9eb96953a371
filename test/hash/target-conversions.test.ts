// Compact bits <-> target <-> difficulty, zero-bit targets and the full-target check.
import { describe, expect, it } from 'vitest';
import {
  bitsToTarget, DIFF1_TARGET, digestToBigInt, MAX_TARGET, meetsTarget, parseBitsArg, parseTargetHex, targetHex, targetToDifficulty, targetTopWord,
  zeroBitsTarget,
} from '../../src/hash/target.js';

describe('targets', () => {
  it('genesis bits 0x1d00ffff is the difficulty-1 target', () => {
    expect(targetHex(bitsToTarget(0x1d00ffff))).toBe('00000000ffff0000000000000000000000000000000000000000000000000000');
    expect(bitsToTarget(0x1d00ffff)).toBe(DIFF1_TARGET);
    expect(targetToDifficulty(DIFF1_TARGET)).toBe(1);
    expect(targetTopWord(DIFF1_TARGET)).toBe(0);
  });

  it('block 125552 bits 0x1a44b9f2 -> target and difficulty 244112.49', () => {
    const t = bitsToTarget(0x1a44b9f2);
    expect(targetHex(t)).toBe('00000000000044b9f20000000000000000000000000000000000000000000000');
    expect(targetToDifficulty(t)).toBeCloseTo(244112.48777433, 5);
  });

  it('--bits is hex with or without 0x: block 840,000 (bitcoin-cli prints 17034219) has its published difficulty', () => {
    // Block 840,000 (the 2024 halving block): nBits 17034219, difficulty 86,388,558,925,171.02.
    // By hand: target = 0x034219 · 256^(0x17 − 3); difficulty = 0xffff·2^208 / target = 65535·2^48 / 213529.
    for (const raw of ['17034219', '0x17034219', '0X17034219', ' 17034219 ']) expect(parseBitsArg(raw).bits, raw).toBe(0x17034219);
    const t = parseBitsArg('17034219').target;
    expect(t).toBe(0x034219n << 160n);
    expect(targetHex(t)).toBe('0000000000000000000342190000000000000000000000000000000000000000');
    expect(targetToDifficulty(t)).toBeCloseTo(86388558925171.02, 0);
    expect(parseBitsArg('1d00ffff').target).toBe(DIFF1_TARGET);
  });

  it('rejects negative, overflowing and zero compact targets', () => {
    expect(() => bitsToTarget(0x1d80ffff)).toThrow(/--bits 0x1d80ffff: negative compact target/); // sign bit
    expect(() => bitsToTarget(0x2200ffff)).toThrow(/--bits 0x2200ffff: compact target overflows 256 bits/);
    expect(() => bitsToTarget(0x1d000000)).toThrow(/--bits 0x1d000000: target is zero/);
    expect(() => parseBitsArg('0x1d00ffffff')).toThrow(/--bits '0x1d00ffffff': 10 hex digits, more than 32 bits/);
    expect(() => parseBitsArg('bogus')).toThrow(/--bits 'bogus': not hex/);
    // The decimal form of 0x1d00ffff is not read as decimal: as hex it has 9 digits, too many.
    expect(() => parseBitsArg('486604799')).toThrow(/--bits '486604799': 9 hex digits/);
  });

  it('zero-bits targets: k leading zero bits in the displayed hash', () => {
    expect(zeroBitsTarget(0)).toBe(MAX_TARGET);
    expect(targetHex(zeroBitsTarget(32))).toBe('00000000' + 'f'.repeat(56));
    expect(targetHex(zeroBitsTarget(12))).toBe('000' + 'f'.repeat(61));
    expect(() => zeroBitsTarget(257)).toThrow(/--zero-bits 257: must be an integer from 0 to 256/);
  });

  it('meetsTarget compares the little-endian 256-bit value inclusively', () => {
    const digest = new Uint8Array(32);
    digest[31] = 0x00;
    digest[30] = 0x01; // displayed: 0001 00...
    const v = digestToBigInt(digest);
    expect(v).toBe(1n << 240n);
    expect(meetsTarget(digest, v)).toBe(true);
    expect(meetsTarget(digest, v - 1n)).toBe(false);
  });

  it('parses --target hex strictly', () => {
    expect(parseTargetHex('00000000ffff0000000000000000000000000000000000000000000000000000')).toBe(DIFF1_TARGET);
    expect(() => parseTargetHex('ffff')).toThrow(/--target: 4 hex characters/);
    expect(() => parseTargetHex('g'.repeat(64))).toThrow(/--target: not hex/);
  });
});
