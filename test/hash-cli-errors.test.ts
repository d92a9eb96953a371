// Bad input to `hash search`/`hash bench`: one-line error on stderr, exit code 2, before any GPU work.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const G = '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

const CASES: Array<{ name: string; args: string[]; re: RegExp }> = [
  { name: 'non-hex header', args: ['--header', G.slice(0, 158) + 'zz', '--count', '10', '--zero-bits', '8'], re: /--header: not hex/ },
  { name: 'short header', args: ['--header', G.slice(0, 150), '--count', '10', '--zero-bits', '8'], re: /--header: 150 hex characters/ },
  { name: 'long header', args: ['--header', G + 'ab', '--count', '10', '--zero-bits', '8'], re: /--header: 162 hex characters/ },
  { name: 'bad --target length', args: ['--header', G, '--count', '10', '--target', 'ffff'], re: /--target: 4 hex characters/ },
  { name: 'non-hex --target', args: ['--header', G, '--count', '10', '--target', 'x'.repeat(64)], re: /--target: not hex/ },
  { name: 'negative compact --bits', args: ['--header', G, '--count', '10', '--bits', '0x1d80ffff'], re: /--bits 0x1d80ffff: negative/ },
  { name: 'overflowing --bits', args: ['--header', G, '--count', '10', '--bits', '0x2200ffff'], re: /overflows 256 bits/ },
  { name: 'two targets', args: ['--header', G, '--count', '10', '--bits', '0x1d00ffff', '--zero-bits', '3'], re: /exactly one of/ },
  { name: 'no target', args: ['--header', G, '--count', '10'], re: /one of --zero-bits/ },
  { name: 'range past 2^32', args: ['--header', G, '--start', '4294967295', '--count', '2', '--zero-bits', '1'], re: /past 2\^32/ },
  { name: 'start past 2^32', args: ['--header', G, '--start', '4294967296', '--count', '1', '--zero-bits', '1'], re: /--start 4294967296/ },
  { name: 'count over 2^32', args: ['--header', G, '--count', '4294967297', '--zero-bits', '1'], re: /--count/ },
  { name: 'zero count', args: ['--header', G, '--count', '0', '--zero-bits', '1'], re: /--count 0/ },
  { name: 'unknown kernel', args: ['--header', G, '--count', '10', '--zero-bits', '1', '--kernel', 'fast'], re: /--kernel 'fast'/ },
];

describe('hash CLI bad input', () => {
  for (const c of CASES) {
    it(`${c.name}: exit 2 with one line`, async () => {
      const r = await runCli(['hash', 'search', ...c.args], { timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^joulebench: error: /);
      expect(lines[0]).toMatch(c.re);
    });
  }

  it('hash bench: bad --seconds is a usage error', async () => {
    const r = await runCli(['hash', 'bench', '--seconds', 'soon'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seconds/);
  });
});
