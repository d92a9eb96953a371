/**
 * Ctrl-C and SIGTERM for commands that stop early and keep what they measured (`run`, `hash bench`,
 * `infer bench`, `ab`, `infer build`): the first signal aborts an AbortSignal the work checks
 * between units (a hash slice, a prefill, a decode sequence, a benchmark run); the command then
 * writes what it has, marked incomplete, ends its children and exits with 128 + the signal number
 * (130 for SIGINT, 143 for SIGTERM: the status a shell reports for a process killed by it, bash(1)
 * "EXIT STATUS"). A second signal, or the grace period passing with the work still busy (a GPU
 * wait, a long onnxruntime run()), forces the exit.
 */
import os from 'node:os';
import { installChildReaper, killAllChildGroups } from './child.js';

/** How long the work has after the first signal before the exit is forced, ms. */
export const DEFAULT_INTERRUPT_GRACE_MS = 10_000;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Exit status of a process ended by `sig`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 0);
}

/** The work stopped because the user (or a scheduler) asked it to; nothing more will be measured. */
export class InterruptedError extends Error {
  constructor(
    readonly sig: NodeJS.Signals,
    message = `interrupted by ${sig}`,
  ) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/**
 * What the work reads of an interruption: an AbortSignal, or anything with its `aborted` and
 * `reason` (the decode worker's view of the main thread's signal, src/infer/run-beacon.ts).
 */
export type InterruptSignal = Pick<AbortSignal, 'aborted' | 'reason'>;

/** The signal `signal` was aborted with, when it was an interruption (else null). */
export function interruptionOf(signal: InterruptSignal | undefined | null): NodeJS.Signals | null {
  const r: unknown = signal?.aborted ? signal.reason : null;
  return r instanceof InterruptedError ? r.sig : null;
}

/** Throw the interruption when `signal` has been aborted by one. */
export function throwIfInterrupted(signal: InterruptSignal | undefined | null): void {
  const sig = interruptionOf(signal);
  if (sig) throw new InterruptedError(sig);
}

/**
 * The forced end of an interrupted command (a second signal, or the work still busy after the
 * grace period): say so, kill every child group, exit 128 + n without writing anything more.
 */
export function forcedExit(sig: NodeJS.Signals, what: string): never {
  process.stderr.write(`\njoulebench: ${what} did not stop in time after ${sig}: ended without writing a result\n`);
  killAllChildGroups();
  process.exit(signalExitCode(sig));
}

/** What `onInterrupt` returns. */
export interface Interruption {
  /** Aborted (reason: an InterruptedError) at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  received(): NodeJS.Signals | null;
  /** 130/143/129 once a signal came, else null. */
  exitCode(): number | null;
  /** Remove the handlers and the grace timer (call when the command is done). */
  dispose(): void;
}

/**
 * Handle SIGINT/SIGTERM/SIGHUP for the life of a command: the first aborts `signal`; a second,
 * or `graceMs` without `dispose()`, calls `force(sig)` — by default: kill every child process
 * group and exit 128 + n at once. `force` should write what it can synchronously and exit.
 */
export function onInterrupt(opts: { graceMs?: number; force?: (sig: NodeJS.Signals) => void } = {}): Interruption {
  installChildReaper(); // its handlers stand aside while these are installed
  const ac = new AbortController();
  let first: NodeJS.Signals | null = null;
  let grace: NodeJS.Timeout | null = null;
  const force =
    opts.force ??
    ((sig: NodeJS.Signals) => {
      killAllChildGroups();
      process.exit(signalExitCode(sig));
    });
  const onSignal = (sig: NodeJS.Signals) => {
    if (first) return force(first);
    first = sig;
    grace = setTimeout(() => force(sig), opts.graceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
    ac.abort(new InterruptedError(sig));
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    signal: ac.signal,
    received: () => first,
    exitCode: () => (first ? signalExitCode(first) : null),
    dispose: () => {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      if (grace) clearTimeout(grace);
    },
  };
}
