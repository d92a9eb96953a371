/**
 * Run a shell command for the A/B driver, bounded by a timeout, its output kept in a log file.
 * The command runs in its own process group so a timeout kills everything it started (a build's
 * compilers, a benchmark's children), not only /bin/sh.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** How a command ended. */
export interface CommandOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationS: number;
}

/** Run `command` with /bin/sh in `cwd`, stdout+stderr appended to `logFile`, killed after `timeoutS`. */
export function runLogged(command: string, opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutS: number }): Promise<CommandOutcome> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', fd, fd] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      closeSync(fd);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve({ code, signal, timedOut, durationS: (performance.now() - t0) / 1000 });
    });
  });
}
