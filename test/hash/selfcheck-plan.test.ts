// The self-check's known answers (src/hash/selfcheck.ts) are right: node:crypto SHA256d over the
// whole range gives exactly the expected candidates at each target, the near miss sits exactly
// where the constants say, and the header is the published genesis block.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withNonce } from '../../src/hash/header.js';
import { GENESIS_NONCE, knownAnswerPlan, SELF_CHECK_COUNT, SELF_CHECK_SLICES, SELF_CHECK_START } from '../../src/hash/selfcheck.js';

const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

describe('self-check known answers', () => {
  const p = knownAnswerPlan();
  const tops = new Map<number, number>();
  for (let n = p.start; n < p.start + p.count; n++) tops.set(n, sha(sha(withNonce(p.header, n))).readUInt32LE(28));

  it('uses the genesis header, whose published block hash it reproduces', () => {
    const shown = Buffer.from(sha(sha(withNonce(p.header, GENESIS_NONCE)))).reverse().toString('hex');
    expect(shown).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(GENESIS_NONCE).toBeGreaterThanOrEqual(SELF_CHECK_START);
    expect(GENESIS_NONCE).toBeLessThan(SELF_CHECK_START + SELF_CHECK_COUNT);
  });

  it('splits the range into unaligned slices that cover it exactly', () => {
    expect(SELF_CHECK_SLICES.reduce((a, b) => a + b, 0)).toBe(SELF_CHECK_COUNT);
    for (const n of SELF_CHECK_SLICES) expect(n % 4, `slice of ${n}`).not.toBe(0);
  });

  it('puts known hits in every lane of the vec2 and vec4 kernels (lane = offset within the slice mod lanes)', () => {
    const bases: number[] = [];
    let b = p.start;
    for (const n of SELF_CHECK_SLICES) bases.push(b), (b += n);
    const hits = new Set(p.cases.flatMap((c) => c.expected));
    for (const lanes of [2, 4]) {
      const seen = new Set<number>();
      for (const n of hits) {
        const base = bases.filter((x) => x <= n).at(-1)!;
        seen.add((n - base) % lanes);
      }
      expect([...seen].sort(), `vec${lanes}`).toEqual(Array.from({ length: lanes }, (_, i) => i));
    }
  });

  it('each target has exactly the expected candidates, and the near miss is the nearest nonce above it', () => {
    expect(p.cases).toHaveLength(2);
    for (const c of p.cases) {
      const hits = [...tops].filter(([, t]) => t <= c.targetTop).map(([n]) => n);
      expect(hits, `target top ${c.targetTop}`).toEqual(c.expected);
      const above = [...tops].filter(([, t]) => t > c.targetTop).sort((a, b) => a[1] - b[1])[0]!;
      expect(above[0]).toBe(c.nearMiss);
      expect(above[1] - c.targetTop).toBe(c.nearMissBy);
    }
    // The first target sits one below a nonce's top word; the second makes that nonce a hit at equality.
    expect(p.cases[0]!.nearMissBy).toBe(1);
    expect(p.cases[1]!.targetTop).toBe(p.cases[0]!.targetTop + 1);
    expect(p.cases[1]!.expected).toContain(p.cases[0]!.nearMiss);
  });
});
