/**
 * Shared state of the decoder runs between the thread that runs them (the decode worker) and the
 * thread that watches them (the main thread, decode-host.ts), in one SharedArrayBuffer:
 *
 *  - which run is in flight (when it started, its past length and new tokens), so the watcher can
 *    bound each run() from outside: a run() blocks its own thread in native code;
 *  - a stop request, so the watcher can make the runner start no further run() and wait for the
 *    one in flight before the process exits: ending a worker's isolate while onnxruntime-node is
 *    inside run() aborts the process ("terminate called after throwing an instance of
 *    'Napi::Error'" when the binding converts the outputs), seen with `run` interrupted by Ctrl-C.
 *
 *  - an interruption (Ctrl-C: src/util/interrupt.ts), which the runner's phases read between runs
 *    as their AbortSignal (`interruptSignal()`): a message to the worker would wait for its event
 *    loop, which a decode loop does not yield to.
 *
 * `enter` and `requestStop` follow the store-then-load handshake on sequentially consistent
 * Atomics (ECMAScript memory model, https://tc39.es/ecma262/#sec-memory-model): either the
 * watcher sees the run in flight and waits for it, or the runner sees the stop and does not start.
 */

import os from 'node:os';
import { InterruptedError, type InterruptSignal } from '../util/interrupt.js';

const IN_RUN = 0;
const STOP = 1;
/** The interrupting signal's number (0: none). */
const INTERRUPT = 2;
const STARTED_UNIX_MS = 0;
const PAST_LENGTH = 1;
const NEW_TOKENS = 2;
/** Bytes of a beacon's buffer: three Int32 flags, padded to 16, then three Float64 stamps. */
export const RUN_BEACON_BYTES = 16 + 3 * 8;

/** The run in flight, as the watcher sees it. */
export interface RunInFlight {
  startedUnixMs: number;
  pastLength: number;
  newTokens: number;
}

/** One runner's runs, seen from either side of a thread boundary. */
export class RunBeacon {
  private readonly flags: Int32Array;
  private readonly stamps: Float64Array;

  /** @param buffer - shared with the other thread (pass `beacon.buffer` in workerData). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(RUN_BEACON_BYTES)) {
    this.flags = new Int32Array(buffer, 0, 3);
    this.stamps = new Float64Array(buffer, 16, 3);
  }

  /** Runner: a run() is about to start. False (and nothing marked) when a stop was requested. */
  enter(pastLength: number, newTokens: number): boolean {
    this.stamps[PAST_LENGTH] = pastLength;
    this.stamps[NEW_TOKENS] = newTokens;
    this.stamps[STARTED_UNIX_MS] = Date.now();
    Atomics.store(this.flags, IN_RUN, 1);
    if (Atomics.load(this.flags, STOP) === 0) return true;
    this.leave();
    return false;
  }

  /** Runner: the run() returned (or failed). */
  leave(): void {
    Atomics.store(this.flags, IN_RUN, 0);
    Atomics.notify(this.flags, IN_RUN);
  }

  /** Watcher: the run in flight, or null between runs. */
  inFlight(): RunInFlight | null {
    if (Atomics.load(this.flags, IN_RUN) === 0) return null;
    return { startedUnixMs: this.stamps[STARTED_UNIX_MS]!, pastLength: this.stamps[PAST_LENGTH]!, newTokens: this.stamps[NEW_TOKENS]! };
  }

  /**
   * Watcher: no run() may start from now on; wait (blocking this thread, at most `timeoutMs`) for
   * the one in flight. True when no run is in flight on return.
   */
  requestStop(timeoutMs: number): boolean {
    Atomics.store(this.flags, STOP, 1);
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.flags, IN_RUN) !== 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.flags, IN_RUN, 1, left);
    }
    return true;
  }

  /** True once a stop was requested. */
  get stopRequested(): boolean {
    return Atomics.load(this.flags, STOP) !== 0;
  }

  /** Watcher: the work was interrupted by `sig` (the first interruption is kept). */
  interrupt(sig: NodeJS.Signals): void {
    Atomics.compareExchange(this.flags, INTERRUPT, 0, os.constants.signals[sig] ?? 2);
  }

  /** The interrupting signal, or null. */
  interruptedBy(): NodeJS.Signals | null {
    const n = Atomics.load(this.flags, INTERRUPT);
    if (n === 0) return null;
    const name = Object.entries(os.constants.signals).find(([, v]) => v === n)?.[0];
    return (name ?? 'SIGINT') as NodeJS.Signals;
  }

  /**
   * Runner: the interruption as an AbortSignal's `aborted` and `reason` (an InterruptedError made
   * in the reader's own thread, so `instanceof` holds there).
   */
  interruptSignal(): InterruptSignal {
    let reason: InterruptedError | undefined;
    const flags = this.flags;
    const by = () => this.interruptedBy();
    return {
      get aborted() {
        return Atomics.load(flags, INTERRUPT) !== 0;
      },
      get reason() {
        const sig = by();
        if (sig && !reason) reason = new InterruptedError(sig);
        return reason;
      },
    };
  }
}
