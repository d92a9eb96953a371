/**
 * The project's one seeded PRNG (pure).
 *
 * mulberry32, Tommy Ettinger's public-domain 32-bit generator
 * (https://gist.github.com/tommyettinger/46a874533244883189143505d203312c): fast in JS (pure int32
 * ops) and good enough for synthetic weights, random token ids, seeded test inputs and
 * randomized run orders. Returns a function producing uint32 values.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
