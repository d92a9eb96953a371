/**
 * Every child process joulebench starts goes through `runChild`: it runs as the leader of its own
 * process group, every wait on it is bounded (a timeout, the caller's AbortSignal), and it is ended
 * with its whole group — the shell of a `--meter-cmd` and the `snmpget` it forked, a benchmark and
 * its workers, a build and its compilers — never only the process we spawned.
 *
 * - `detached: true` makes the child a session and process-group leader (setsid(2); Node docs,
 *   child_process "options.detached"), so its pgid is its pid and kill(2) with `-pid` reaches
 *   everything it started that did not leave the group.
 * - When the leader exits, whatever it left running in its group is killed too.
 * - At process exit (including `process.exit()` from a signal handler) every group still registered
 *   is SIGKILLed, and on Linux every direct child that leads its own group (children started from a
 *   worker thread, e.g. the power sampler's meter command, share this pid as their parent: proc(5),
 *   /proc/[pid]/stat fields 4 ppid and 5 pgrp). A Ctrl-C/SIGTERM that no command handles does the
 *   same, then ends the process with that signal (exit status 128 + n, as a shell reports it).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** How long an aborted child gets to exit after the forwarded signal before SIGKILL, ms. */
export const DEFAULT_KILL_GRACE_MS = 5000;
/** Most stdout/stderr bytes captured (each) unless the caller says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 << 20;

/** How to run one child. */
export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the group (SIGKILL) after this many ms. */
  timeoutMs?: number;
  /** Stop early: the group gets `abortKillSignal`, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** Signal sent to the group when `signal` aborts (default SIGTERM). */
  abortKillSignal?: NodeJS.Signals;
  killGraceMs?: number;
  /** Append stdout and stderr to this file instead of capturing them. */
  logFile?: string;
  /** Most stdout bytes kept; printing more kills the group ('overflow'). */
  maxOutputBytes?: number;
}

/** How a child ended. Never a rejection: the caller words the error. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it was ended early: its deadline, the caller's AbortSignal, or too much output. */
  killed: 'timeout' | 'abort' | 'overflow' | null;
  /** It could not be started (ENOENT: not on PATH, EACCES, ...). */
  spawnError: NodeJS.ErrnoException | null;
  stdout: string;
  stderr: string;
  durationS: number;
}

/** Process groups started by this thread and not yet ended. */
const liveGroups = new Set<number>();

/** Send `sig` to process group `pgid`; false when the group is gone (ESRCH) or not ours. */
export function killGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * Direct children of this process that lead their own process group (Linux /proc; empty
 * elsewhere): what `detached` spawns from any thread of this process leave behind.
 */
export function detachedChildren(): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const n of names) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid pgrp ...
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && Number(pgrp) === Number(n)) out.push(Number(n));
    } catch {
      /* exited while we looked */
    }
  }
  return out;
}

/** SIGKILL every group this process started that may still run. Synchronous: safe in an 'exit' handler. */
export function killAllChildGroups(): void {
  for (const g of liveGroups) killGroup(g, 'SIGKILL');
  liveGroups.clear();
  for (const pid of detachedChildren()) killGroup(pid, 'SIGKILL');
}

const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let reaperInstalled = false;

/**
 * Install (once per thread) the exit-time reaper: on 'exit', and on a SIGINT/SIGTERM/SIGHUP that no
 * command handles, kill every child group; the signal is then re-raised with its default action so
 * the process still ends "killed by" it. A command with its own handler (run, ab, benches) ends
 * its children itself and exits through 'exit'.
 */
export function installChildReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.on('exit', killAllChildGroups);
  // Signals are delivered to the main thread only; a worker's reaper is its 'exit' handler.
  if (!isMainThread) return;
  for (const sig of EXIT_SIGNALS) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return; // a command handles it (and exits through 'exit')
      killAllChildGroups();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
      // Still here: the signal was ignored when this process started (SIG_IGN is inherited, e.g. by
      // background jobs of a shell); end as it would have.
      setImmediate(() => process.exit(128 + (os.constants.signals[sig] ?? 0)));
    };
    process.on(sig, onSignal);
  }
}

/**
 * Run `file` with `args` in its own process group; resolves when it and its output streams have
 * ended. The group is SIGKILLed at `timeoutMs`, sent `abortKillSignal` then SIGKILL when `signal`
 * aborts, and SIGKILLed when the leader exits (stragglers it left). Never rejects.
 */
export function runChild(file: string, args: readonly string[], opts: ChildOptions = {}): Promise<ChildOutcome> {
  installChildReaper();
  const t0 = performance.now();
  const done = (o: Partial<ChildOutcome>): ChildOutcome => ({ code: null, signal: null, killed: null, spawnError: null, stdout: '', stderr: '', durationS: (performance.now() - t0) / 1000, ...o });
  if (opts.signal?.aborted) return Promise.resolve(done({ killed: 'abort' }));
  let logFd: number | null = null;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    logFd = openSync(opts.logFile, 'a');
  }
  return new Promise((resolve) => {
    const child = spawn(file, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'], windowsHide: true });
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    let killed: ChildOutcome['killed'] = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let graceTimer: NodeJS.Timeout | null = null;
    const end = (why: NonNullable<ChildOutcome['killed']>, sig: NodeJS.Signals) => {
      if (killed || pgid === undefined) return;
      killed = why;
      killGroup(pgid, sig);
      if (sig !== 'SIGKILL') graceTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      // A straggler may hold the pipes open after the group was signalled: stop reading them.
      if (sig === 'SIGKILL') {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
    };
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => end('timeout', 'SIGKILL'), opts.timeoutMs) : null;
    const onAbort = () => end('abort', opts.abortKillSignal ?? 'SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > max) end('overflow', 'SIGKILL');
      else out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (errBytes < max) err.push(b);
      errBytes += b.length;
    });
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pgid !== undefined) liveGroups.delete(pgid);
      if (logFd !== null) closeSync(logFd);
      resolve(done({ code, signal, killed, spawnError, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    };
    child.on('error', (e) => {
      spawnError = e as NodeJS.ErrnoException;
      if (pgid === undefined) finish(null, null); // never started: no 'close' to wait for
    });
    // The leader is gone: end what it left in its group, so 'close' (all pipes closed) follows.
    child.on('exit', () => {
      if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
    });
    child.on('close', finish);
  });
}

/** Run a shell command line with /bin/sh (see runChild). */
export function runShell(command: string, opts: ChildOptions = {}): Promise<ChildOutcome> {
  return runChild('/bin/sh', ['-c', command], opts);
}
