// Issue 21 case 4: a failed write of stdout is an error. `report dir > /dev/full`, `profit --json >
// /dev/full` and `--json` into a file on a full disk used to exit 0 with the output lost; now they
// exit 1 with one line on stderr naming the reason. Real processes: stdout is a file descriptor
// (a `mknod` copy of /dev/full, a file on a 16 KB tmpfs), as the shell's `>` makes it.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliNodeArgs, ROOT, type CliOutcome } from '../helpers.js';
import { smallTmpfs } from '../fixtures/io/shell.js';
import { fullDevice } from '../fixtures/io/special-files.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-stdout-full-'));
const results = join(dir, 'results');
mkdirSync(results);
copyFileSync(join(ROOT, 'test/fixtures/results/fixture-a-hardware.json'), join(results, 'a.json'));
const SITE = join(ROOT, 'sites/boden-sweden.yaml');
// A 16 KB tmpfs (root), else the full device again: the same synchronous-file path in Node.
const tmpfs = smallTmpfs(dir, 16 * 1024);
afterAll(() => tmpfs?.unmount());

/** The CLI (`cliNodeArgs`) with stdout on `stdoutPath`, opened for writing as `>` does. */
function runWithStdout(args: string[], stdoutPath: string): Promise<CliOutcome> {
  const fd = openSync(stdoutPath, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliNodeArgs(), ...args], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`joulebench ${args.join(' ')} did not finish within 60 s`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout: '', stderr });
    });
  });
}

function expectWriteFailure(r: CliOutcome): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const errors = r.stderr.split('\n').filter((l) => /error/i.test(l));
  expect(errors, r.stderr).toEqual(['joulebench: error: could not write to stdout (no space left on device): the output is incomplete']);
  expect(r.stderr.endsWith('\n')).toBe(true);
}

describe('a failed write of stdout', () => {
  const full = fullDevice(dir);
  it('report <dir> > full device: exit 1, one line', async () => {
    expectWriteFailure(await runWithStdout(['report', results], full));
  });
  it('profit --json > full device: exit 1, one line', async () => {
    expectWriteFailure(await runWithStdout(['profit', '--site', SITE, '--json'], full));
  });
  it('--json into a file on a full disk: exit 1, one line', async () => {
    const target = tmpfs ? join(tmpfs.dir, 'out.json') : full;
    expectWriteFailure(await runWithStdout(['profit', '--site', SITE, '--months', '120', '--json'], target));
  });
});
