import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeterCommand } from '../../src/power/command.js';

/** Is `pid` a live process (not gone, not a zombie waiting for its parent)? */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('--meter-cmd timeout', () => {
  it('rejects within the bound and kills what the command started, not only the shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joulebench-cmd-timeout-'));
    const pidFile = join(dir, 'pid');
    // The shell forks `sleep` (not exec: more commands follow), which holds stdout open.
    const cmd = `sleep 30 & echo $! > '${pidFile}'; wait; echo 5`;
    const t0 = performance.now();
    await expect(runMeterCommand(cmd, 500)).rejects.toThrow(/^--meter-cmd '.*': did not finish within 500 ms$/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(1);
    // SIGKILL is delivered at once; allow the kernel a moment to tear the process down.
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid), `sleep (pid ${pid}) outlived the timed-out meter command`).toBe(false);
  });

  it('still returns the output of a command that finishes, and the first stderr line of one that fails', async () => {
    await expect(runMeterCommand('echo 231.5', 5000)).resolves.toBe('231.5\n');
    await expect(runMeterCommand('echo "no route to PDU" >&2; exit 3', 5000)).rejects.toThrow(/^--meter-cmd '.*': exited with 3: no route to PDU$/);
  });
});
