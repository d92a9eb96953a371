// Compact bits <-> target <-> difficulty, zero-bit targets and the full-target check.
import { describe, expect, it } from 'vitest';
import {
  bitsToTarget, DIFF1_TARGET, difficultyToTarget, digestToBigInt, leadingZeroBits, MAX_TARGET, meetsTarget, parseBitsArg,
  parseTargetHex, targetHex, targetToBits, targetToDifficulty, targetTopWord, zeroBitsTarget,
} from '../src/hash/target.js';
import { UsageError } from '../src/util/errors.js';

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

  it('targetToBits inverts bitsToTarget for canonical encodings', () => {
    for (const bits of [0x1d00ffff, 0x1a44b9f2, 0x170331db, 0x1b0404cb, 0x207fffff, 0x03123456, 0x04123456]) {
      expect(targetToBits(bitsToTarget(bits)).toString(16)).toBe(bits.toString(16));
    }
    // A mantissa with the sign bit set is shifted into the next exponent (Bitcoin Core GetCompact).
    expect(targetToBits(0x80n)).toBe(0x02008000);
  });

  it('difficulty -> target -> difficulty round-trips', () => {
    for (const d of [1, 2, 1000, 244112.48777433, 1e12]) expect(targetToDifficulty(difficultyToTarget(d)) / d).toBeCloseTo(1, 9);
  });

  it('rejects negative, overflowing and zero compact targets', () => {
    expect(() => bitsToTarget(0x1d80ffff)).toThrow(UsageError); // sign bit
    expect(() => bitsToTarget(0x2200ffff)).toThrow(UsageError); // > 256 bits
    expect(() => bitsToTarget(0x1d000000)).toThrow(UsageError); // zero
    expect(() => parseBitsArg('0x1d00ffffff')).toThrow(UsageError);
    expect(() => parseBitsArg('bogus')).toThrow(UsageError);
    expect(parseBitsArg('0x1d00ffff').bits).toBe(0x1d00ffff);
    expect(parseBitsArg('486604799').bits).toBe(0x1d00ffff);
  });

  it('zero-bits targets: k leading zero bits in the displayed hash', () => {
    expect(zeroBitsTarget(0)).toBe(MAX_TARGET);
    expect(targetHex(zeroBitsTarget(32))).toBe('00000000' + 'f'.repeat(56));
    expect(targetHex(zeroBitsTarget(12))).toBe('000' + 'f'.repeat(61));
    expect(() => zeroBitsTarget(257)).toThrow(UsageError);
  });

  it('meetsTarget compares the little-endian 256-bit value inclusively', () => {
    const digest = new Uint8Array(32);
    digest[31] = 0x00;
    digest[30] = 0x01; // displayed: 0001 00...
    const v = digestToBigInt(digest);
    expect(v).toBe(1n << 240n);
    expect(meetsTarget(digest, v)).toBe(true);
    expect(meetsTarget(digest, v - 1n)).toBe(false);
    expect(leadingZeroBits(digest)).toBe(15);
  });

  it('parses --target hex strictly', () => {
    expect(parseTargetHex('00000000ffff0000000000000000000000000000000000000000000000000000')).toBe(DIFF1_TARGET);
    expect(() => parseTargetHex('ffff')).toThrow(/--target: 4 hex characters/);
    expect(() => parseTargetHex('g'.repeat(64))).toThrow(/--target: not hex/);
  });
});
