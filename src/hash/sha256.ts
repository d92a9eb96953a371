/**
 * Host SHA-256 (FIPS 180-4): the compression function (for the midstate and the kernel's
 * precomputation) and a SHA256d reference used to check every candidate the GPU reports.
 * Cross-checked against node:crypto in test/hash/sha256-reference.test.ts.
 */

/** Round constants K[0..63] (FIPS 180-4 §4.2.2). */
export const K: readonly number[] = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** Initial hash value H(0) (FIPS 180-4 §5.3.3). */
export const IV: readonly number[] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** Rotate a 32-bit word right by n (0 < n < 32). */
export function rotr(x: number, n: number): number {
  return ((x >>> n) | (x << (32 - n))) >>> 0;
}

/** Σ0, Σ1, σ0, σ1 of FIPS 180-4 §4.1.2. */
export const bigSigma0 = (x: number): number => (rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)) >>> 0;
export const bigSigma1 = (x: number): number => (rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25)) >>> 0;
export const smallSigma0 = (x: number): number => (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) >>> 0;
export const smallSigma1 = (x: number): number => (rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10)) >>> 0;
export const ch = (x: number, y: number, z: number): number => ((x & y) ^ (~x & z)) >>> 0;
export const maj = (x: number, y: number, z: number): number => ((x & y) ^ (x & z) ^ (y & z)) >>> 0;

/**
 * One SHA-256 compression: returns the new state (state + rounds(block)), leaving the input alone.
 * @param state - 8 words
 * @param block - 16 big-endian message words
 */
export function compress(state: ArrayLike<number>, block: ArrayLike<number>): Uint32Array {
  const w = new Uint32Array(64);
  for (let i = 0; i < 16; i++) w[i] = block[i]!;
  for (let i = 16; i < 64; i++) w[i] = smallSigma1(w[i - 2]!) + w[i - 7]! + smallSigma0(w[i - 15]!) + w[i - 16]!;
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + bigSigma1(e) + ch(e, f, g) + K[i]! + w[i]!) >>> 0;
    const t2 = (bigSigma0(a) + maj(a, b, c)) >>> 0;
    h = g; g = f; f = e; e = (d + t1) >>> 0;
    d = c; c = b; b = a; a = (t1 + t2) >>> 0;
  }
  const out = new Uint32Array(8);
  const v = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) out[i] = (state[i]! + v[i]!) >>> 0;
  return out;
}

/** Read `count` big-endian 32-bit words from `bytes` at `offset`. */
export function readWordsBE(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getUint32(offset + 4 * i, false);
  return out;
}

/** Serialise words big-endian (how SHA-256 lays out its digest). */
export function wordsToBytesBE(words: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(4 * i, words[i]!, false);
  return out;
}

/** SHA-256 of arbitrary bytes (padding per FIPS 180-4 §5.1.1). */
export function sha256(data: Uint8Array): Uint8Array {
  const bitLen = data.length * 8;
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const dv = new DataView(padded.buffer);
  // Message length as a 64-bit big-endian integer; lengths here are far below 2^53 bits.
  dv.setUint32(padded.length - 8, Math.floor(bitLen / 2 ** 32), false);
  dv.setUint32(padded.length - 4, bitLen >>> 0, false);
  let state: ArrayLike<number> = IV;
  for (let off = 0; off < padded.length; off += 64) state = compress(state, readWordsBE(padded, off, 16));
  return wordsToBytesBE(state);
}

/** SHA256d = SHA-256(SHA-256(data)): Bitcoin's block-header hash (digest byte order, not display order). */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** Midstate: the SHA-256 state after the first 64-byte block of an 80-byte header (nonce-independent). */
export function midstate(header80: Uint8Array): Uint32Array {
  if (header80.length < 64) throw new RangeError(`midstate needs at least 64 bytes, got ${header80.length}`);
  return compress(IV, readWordsBE(header80, 0, 16));
}

/** Byte-swap a 32-bit word. */
export function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
