/**
 * A reader that pauses is waited for, as every Unix tool waits on a pipe. The exit used to give up
 * after 10 s without progress: `profit --months 600 --grid --json` (1,016,922 bytes) into a reader
 * that took 200 KB, paused 12 s (a pager's user reading a page) and read on got 266,240 bytes and
 * exit 1; `| (sleep 13; wc -c)` got 65,536. A bound is now only what JOULEBENCH_STDIO_STALL_S sets
 * (cli-output-complete.test.ts checks that one with 1 s).
 */
import { describe, expect, it } from 'vitest';
import { stdioStallMs } from '../../src/cli/stdio.js';

describe('stdout: the wait for a slow reader', () => {
  it('has no bound unless JOULEBENCH_STDIO_STALL_S sets one', () => {
    expect(stdioStallMs({})).toBe(Infinity);
    expect(stdioStallMs({ JOULEBENCH_STDIO_STALL_S: '' })).toBe(Infinity);
    expect(stdioStallMs({ JOULEBENCH_STDIO_STALL_S: 'soon' })).toBe(Infinity);
    expect(stdioStallMs({ JOULEBENCH_STDIO_STALL_S: '2.5' })).toBe(2500);
  });
});
