// Nonce ranges: [start, start+count) must lie inside [0, 2^32); past 2^32 is an error, never a wrap.
import { describe, expect, it } from 'vitest';
import { NONCE_SPACE, validateRange } from '../../src/hash/search.js';
import { UsageError } from '../../src/util/errors.js';

describe('nonce range validation', () => {
  it('accepts ranges that end exactly at 2^32', () => {
    expect(() => validateRange(0, NONCE_SPACE)).not.toThrow();
    expect(() => validateRange(NONCE_SPACE - 1, 1)).not.toThrow();
    expect(() => validateRange(123, 456)).not.toThrow();
  });

  it('rejects ranges past 2^32, empty counts and bad starts', () => {
    const bad: Array<[number, number, RegExp]> = [
      [NONCE_SPACE - 1, 2, /past 2\^32/],
      [1, NONCE_SPACE, /past 2\^32/],
      [0, NONCE_SPACE + 1, /--count/],
      [NONCE_SPACE, 1, /--start/],
      [-1, 1, /--start/],
      [0, 0, /--count/],
      [0.5, 1, /--start/],
    ];
    for (const [s, c, re] of bad) {
      expect(() => validateRange(s, c), `${s}+${c}`).toThrow(UsageError);
      expect(() => validateRange(s, c)).toThrow(re);
    }
  });
});
