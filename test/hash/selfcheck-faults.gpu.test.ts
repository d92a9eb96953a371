// Fault injection: kernels with a planted bug, put in front of the real ones through
// JOULEBENCH_SHADER_DIR, must make `hash bench` and `hash search` refuse with the self-check's
// one-line error (exit 1, nothing on stdout, no result file), never print a figure:
//  - a target comparison that never succeeds (the compiler then drops the whole hash as dead code
//    and the "kernel" runs at an absurd rate: 285 MH/s was seen on a software adapter);
//  - a corrupted job word (one uniform read from the wrong slot: every hash is wrong);
//  - an off-by-one comparison (`<` for `<=`: only a hit exactly at the target shows it).
// The faulty sources are derived from the generator's output here, not committed.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildH7Program, emitKernel } from '../../src/hash/kernel-gen.js';
import { GENESIS_HEADER_HEX, GENESIS_NONCE } from '../../src/hash/selfcheck.js';
import { runCliInProcess } from '../helpers.js';

const good = emitKernel(buildH7Program(), 1);

function faulty(name: string, from: string, to: string): string {
  expect(good, `the x1 kernel no longer contains ${JSON.stringify(from)}: update this fault`).toContain(from);
  const dir = mkdtempSync(join(tmpdir(), `jb-fault-${name}-`));
  writeFileSync(join(dir, 'sha256d_x1.wgsl'), good.replace(from, to));
  return dir;
}

const FAULTS = [
  { name: 'never-hit comparison', dir: () => faulty('never', 'bswap(h) <= V(targetTop)', 'bswap(h) < V(0u)'), re: /missed \[2083234527, 2083235279, 2083236893, 2083237639\]/, bench: true },
  { name: 'corrupted job word', dir: () => faulty('job', 'let j5 = job.c[1].y;', 'let j5 = job.c[1].z;'), re: /missed \[.*\]/, bench: true },
  { name: 'off-by-one comparison', dir: () => faulty('obo', 'bswap(h) <= V(targetTop)', 'bswap(h) < V(targetTop)'), re: /missed \[2083237554\] .* at target top 0x000cf26e/, bench: false },
];

function expectRefusal(r: { code: number; stdout: string; stderr: string }, dir: string, re: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error:'));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(new RegExp(`^joulebench: error: kernel self-check failed: x1 .*JOULEBENCH_SHADER_DIR: ${dir}/sha256d_x1\\.wgsl`));
  expect(errors[0]).toMatch(re);
  expect(errors[0]).toMatch(/refusing to time or trust a kernel that does not find known nonces$/);
  // No rate printed: a number with H/s (the temp dir's random name may itself contain "H/s").
  expect(r.stderr.replaceAll(dir, '<dir>')).not.toMatch(/\d\s*[kMGT]?H\/s/);
}

// One launch configuration for search and bench, so the second compile of a faulty source can
// come from the driver's shader cache.
const LAUNCH = ['--kernel', 'x1', '--wg', '64', '--npi', '2'];
const SEARCH = ['hash', 'search', '--header', GENESIS_HEADER_HEX, '--start', String(GENESIS_NONCE - 1000), '--count', '4096', '--bits', '1d00ffff', ...LAUNCH];

describe('kernels with planted faults are refused', () => {
  for (const f of FAULTS) {
    it(`${f.name}: hash search refuses`, async () => {
      const dir = f.dir();
      const r = await runCliInProcess(SEARCH, { env: { JOULEBENCH_SHADER_DIR: dir } });
      expectRefusal(r, dir, f.re);
    });

    if (f.bench) {
      it(`${f.name}: hash bench refuses before timing, writes no result`, async () => {
        const dir = f.dir();
        const out = join(dir, 'result.json');
        const r = await runCliInProcess(['hash', 'bench', '--no-autotune', ...LAUNCH, '--seconds', '0.5', '--out', out], { env: { JOULEBENCH_SHADER_DIR: dir } });
        expectRefusal(r, dir, f.re);
        expect(existsSync(out)).toBe(false);
      });
    }
  }
});
