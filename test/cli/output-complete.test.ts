// Issue 19 item 4: every byte of stdout reaches the reader before the CLI exits (it exits
// explicitly, see src/cli/stdio.ts), whatever reads it: a reader that starts a second late gets the
// whole ≥ 300 KB `--json` document; a reader that closes after one line ends the command quietly
// with its own exit code; a reader that never reads does not hold the CLI past the stall bound
// JOULEBENCH_STDIO_STALL_S sets (without it the CLI waits, as any Unix tool does).
// Real processes and a real pipe (bash), since this is about the process and its exit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnCli } from '../helpers.js';
import { pipeline } from '../fixtures/io/shell.js';

// 600 projected months with sensitivity grids: a ≈ 900 KB JSON report, no GPU, no meter.
const BIG_JSON = ['profit', '--site', join(ROOT, 'sites/boden-sweden.yaml'), '--as-of', '2026-01-01', '--months', '600', '--grid', '--json'];
const dir = mkdtempSync(join(tmpdir(), 'jb-pipes-'));

/** A stack trace or an unhandled-error dump in stderr. */
const STACK = /^\s+at |Unhandled|node:internal|EPIPE/m;

describe('output on a pipe is complete', () => {
  it('a ≥ 300 KB --json document into a reader that starts a second late: all of it, and it parses', async () => {
    const r = await pipeline(BIG_JSON, '(sleep 1; cat)', { errFile: join(dir, 'late.err') });
    expect(r.cliCode, r.cliStderr).toBe(0);
    expect(r.readerStdout.length).toBeGreaterThanOrEqual(300_000);
    const doc = JSON.parse(r.readerStdout) as { projection?: unknown };
    expect(doc).toHaveProperty('asOf', '2026-01-01');
  });

  it('a reader that closes after one line: exit code unchanged (0), no stack trace', async () => {
    const r = await pipeline(BIG_JSON, 'head -n 1', { errFile: join(dir, 'head.err') });
    expect(r.readerStdout).toBe('{\n');
    expect(r.cliCode, r.cliStderr).toBe(0);
    expect(r.cliStderr).not.toMatch(STACK);
    expect(r.cliStderr).not.toMatch(/error/i);
  });

  it('a reader that never reads: the CLI gives up after the stall bound with exit 1 and one line, not forever', async () => {
    // The reader is this test: it takes nothing from the pipe (Node buffers at most its 64 KB high
    // water mark), and waits only for the CLI's exit, not for its output to end.
    const child = spawnCli(BIG_JSON, { env: { JOULEBENCH_STDIO_STALL_S: '1' } });
    child.stdin.end();
    child.stdout.pause();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const stderrClosed = new Promise((r) => child.stderr.once('close', r));
    const code = await new Promise<number | null>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the CLI waited for a reader that never reads (> 60 s)\n${stderr}`)), 60_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    child.stdout.destroy();
    await stderrClosed;
    expect(code, stderr).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^joulebench: error: stdout: the reader took nothing for 1 s: the output is incomplete$/);
    expect(stderr).not.toMatch(STACK);
  });
});
