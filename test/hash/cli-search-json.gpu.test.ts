// `hash search --json` on the real adapter: genesis found in a window, ascending nonces with
// matching hashes for an easy target (checked against node:crypto). In process: the device is this
// worker's (GPU tests run one file at a time).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseHeaderHex, withNonce } from '../../src/hash/header.js';
import { runCliInProcess } from '../helpers.js';

const G = '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

describe('hash search --json', () => {
  it('finds the genesis nonce with --bits (hex without 0x, as bitcoin-cli prints it)', async () => {
    const r = await runCliInProcess(['hash', 'search', '--header', G, '--start', '2083200000', '--count', '65536', '--bits', '1d00ffff', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.nonces).toEqual([2083236893]);
    expect(doc.hashes).toEqual(['000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f']);
    expect(doc.complete).toBe(true);
    expect(doc.selfCheck).toMatchObject({ passed: true });
  });

  it('--zero-bits: every nonce with >= k leading zero bits, ascending, with its hash', async () => {
    const r = await runCliInProcess(['hash', 'search', '--header', G, '--start', '5', '--count', '40000', '--zero-bits', '11', '--kernel', 'x2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { nonces: number[]; hashes: string[] };
    const header = parseHeaderHex(G);
    const expected: number[] = [];
    const hashes: string[] = [];
    for (let n = 5; n < 40005; n++) {
      const d = createHash('sha256').update(createHash('sha256').update(withNonce(header, n)).digest()).digest();
      const shown = Buffer.from(d).reverse().toString('hex');
      if (/^0{2}[0-1]/.test(shown)) {
        expected.push(n);
        hashes.push(shown);
      }
    }
    expect(doc.nonces).toEqual(expected);
    expect(doc.hashes).toEqual(hashes);
  });
});
