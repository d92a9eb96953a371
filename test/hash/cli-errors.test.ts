// Bad input to `hash search`/`hash bench` and to the global flags: one line on stderr naming the
// flag, exit code 2, before any GPU work (in process: a test that reached the GPU would hang
// or fail here, since plain tests never open an adapter).
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';

const G = '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';
const S = ['hash', 'search', '--header', G];

const CASES: Array<{ name: string; args: string[]; re: RegExp }> = [
  { name: 'non-hex header', args: ['hash', 'search', '--header', G.slice(0, 158) + 'zz', '--count', '10', '--zero-bits', '8'], re: /--header: not hex/ },
  { name: 'short header', args: ['hash', 'search', '--header', G.slice(0, 150), '--count', '10', '--zero-bits', '8'], re: /--header: 150 hex characters/ },
  { name: 'long header', args: ['hash', 'search', '--header', G + 'ab', '--count', '10', '--zero-bits', '8'], re: /--header: 162 hex characters/ },
  { name: 'bad --target length', args: [...S, '--count', '10', '--target', 'ffff'], re: /--target: 4 hex characters/ },
  { name: 'non-hex --target', args: [...S, '--count', '10', '--target', 'x'.repeat(64)], re: /--target: not hex/ },
  { name: 'negative compact --bits', args: [...S, '--count', '10', '--bits', '0x1d80ffff'], re: /--bits 0x1d80ffff: negative/ },
  { name: 'overflowing --bits', args: [...S, '--count', '10', '--bits', '0x2200ffff'], re: /--bits 0x2200ffff: compact target overflows 256 bits/ },
  { name: '--bits in decimal (read as hex: too many digits)', args: [...S, '--count', '10', '--bits', '486604799'], re: /--bits '486604799': 9 hex digits.*hex, with or without 0x/ },
  { name: 'two targets', args: [...S, '--count', '10', '--bits', '0x1d00ffff', '--zero-bits', '3'], re: /--zero-bits and --bits both given; use exactly one of/ },
  { name: 'no target', args: [...S, '--count', '10'], re: /give the target with one of --zero-bits/ },
  { name: 'range past 2^32', args: [...S, '--start', '4294967295', '--count', '2', '--zero-bits', '1'], re: /--start 4294967295 --count 2: range ends at 4294967297, past 2\^32/ },
  { name: 'start past 2^32', args: [...S, '--start', '4294967296', '--count', '1', '--zero-bits', '1'], re: /--start 4294967296: must be an integer nonce from 0 to 4294967295/ },
  { name: 'count over 2^32', args: [...S, '--count', '4294967297', '--zero-bits', '1'], re: /--count 4294967297: must be an integer from 1 to 4294967296/ },
  { name: 'zero count', args: [...S, '--count', '0', '--zero-bits', '1'], re: /--count 0: must be an integer from 1/ },
  { name: 'unknown kernel', args: [...S, '--count', '10', '--zero-bits', '1', '--kernel', 'fast'], re: /--kernel 'fast': unknown kernel; use one of ref, x1, x2, x4/ },
  { name: '--npi with the ref kernel (it has none)', args: [...S, '--count', '10', '--zero-bits', '1', '--kernel', 'ref', '--npi', '7'], re: /--npi 7: the ref kernel evaluates one nonce per invocation/ },
  { name: '--time-limit 0 (would scan nothing)', args: [...S, '--count', '10', '--zero-bits', '1', '--time-limit', '0'], re: /--time-limit 0: out of range, must be a number > 0/ },
  { name: "--adapter ''", args: ['--adapter', '', ...S, '--count', '10', '--zero-bits', '1'], re: /--adapter '': empty/ },
  { name: 'hash bench --npi with ref', args: ['hash', 'bench', '--kernel', 'ref', '--npi', '2'], re: /--npi 2: the ref kernel/ },
  { name: 'hash bench: bad --seconds', args: ['hash', 'bench', '--seconds', 'soon'], re: /--seconds 'soon': must be a number from 0\.5 to 86400/ },
  // commander's own errors, in the same one-line form (its suggestion joined onto the line, no help dump).
  { name: 'unknown option', args: [...S, '--count', '10', '--zero-bit', '1'], re: /unknown option '--zero-bit' \(Did you mean --zero-bits\?\)/ },
  { name: 'missing required option', args: ['hash', 'search', '--count', '10'], re: /required option '--header <hex>' not specified/ },
  { name: 'missing option argument', args: [...S, '--count'], re: /option '--count <n>' argument missing/ },
  { name: 'unknown command', args: ['hash', 'serch'], re: /unknown command 'serch'/ },
];

describe('hash CLI bad input', () => {
  for (const c of CASES) {
    it(`${c.name}: exit 2 with one line`, async () => {
      const r = await runCliInProcess(c.args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^joulebench: error: /);
      expect(lines[0]).toMatch(c.re);
    });
  }
});
