/**
 * Main-thread side of the decode worker (decode-worker.ts, which says why the session and the
 * timed runs live there). The main thread opens the session through it, runs each batch of a
 * sweep through it (sweep.ts MeasureBatchFn), answers the worker's calls to the energy monitor,
 * forwards its progress lines, and bounds every run() from outside: the worker stamps each run's
 * start in shared memory and a watchdog here turns a run older than the step timeout into a
 * TimeoutError. (A run() blocks its own thread in native code, so a timer on that thread could
 * not fire while it hangs.) When the process exits while the worker is inside a run(), the exit
 * waits (bounded) for that run to return and lets no other start (run-beacon.ts says why).
 */
import type { Worker } from 'node:worker_threads';
import { noteGpuInstance } from '../gpu/llvmpipe.js';
import type { WindowMonitor } from '../core/window.js';
import { TimeoutError, UsageError } from '../util/errors.js';
import { InterruptedError } from '../util/interrupt.js';
import { moduleWorker } from '../util/worker.js';
import { InterruptedPhase, type PhaseStats } from './phase-windows.js';
import { DEFAULT_STEP_TIMEOUT_MS } from './decoder.js';
import { RunBeacon, type RunInFlight } from './run-beacon.js';
import type { GcTally, MeasureReply, OpenReply, OpenRequest } from './decode-worker.js';
import type { MeasureBatchFn } from './sweep.js';

/** Default bound on creating the session in the worker (decoder.ts uses the same), ms. */
export const DEFAULT_OPEN_TIMEOUT_MS = 600_000;
/** Bound on releasing the session and stopping the worker, ms. */
const CLOSE_TIMEOUT_MS = 60_000;
/** Longest the process exit waits for a run() in flight in the worker, ms. */
export const EXIT_WAIT_MS = 10_000;

/**
 * Watches the runs of another thread (run-beacon.ts): `check()` reports a run in flight for
 * longer than `timeoutMs` once, through `onTimeout`, with the run named as DecoderRunner names it.
 */
export class RunWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private fired = false;

  constructor(
    private readonly runs: { inFlight(): RunInFlight | null },
    readonly timeoutMs: number,
    private readonly onTimeout: (message: string) => void,
    private readonly nowUnixMs: () => number = Date.now,
  ) {}

  /** Check every quarter of the timeout (at least every second, at most every 10 ms). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), Math.min(1000, Math.max(10, this.timeoutMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True when the run in flight has exceeded the bound (reported once). */
  check(): boolean {
    const run = this.fired ? null : this.runs.inFlight();
    if (!run || this.nowUnixMs() - run.startedUnixMs <= this.timeoutMs) return false;
    this.fired = true;
    const what = `onnxruntime run() of ${run.newTokens} token(s) per sequence at past length ${run.pastLength}`;
    this.onTimeout(`${what} did not finish within ${this.timeoutMs} ms`);
    return true;
  }
}

/** A worker's error as data (decode-worker.ts errorData); `interrupted` for an InterruptedError. */
interface ErrorData {
  name: string;
  message: string;
  cause?: string;
  status?: DecodeStatus;
  interrupted?: { sig: NodeJS.Signals; batch?: number; pp?: PhaseStats };
}
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorData };
type FromWorker = Reply | { type: 'log'; line: string } | { type: 'monitor'; call: number; method: 'begin' | 'end' | 'requirement'; name?: string };

/** Where the runs stand: a run() timed out (the session must not be released); where the KV cache lived. */
export interface DecodeStatus {
  timedOut: boolean;
  kvLocation?: string | null;
}

/** The error a worker reported, as the class the main thread's callers test for. */
function rebuildError(e: ErrorData): Error {
  const i = e.interrupted;
  if (i) return i.pp && i.batch !== undefined ? new InterruptedPhase(i.sig, i.batch, i.pp) : new InterruptedError(i.sig, e.message);
  if (e.name === 'UsageError') return new UsageError(e.message);
  if (e.name === 'TimeoutError') return new TimeoutError(e.message);
  return new Error(e.message, e.cause !== undefined ? { cause: new Error(e.cause) } : undefined);
}

/** A decode worker, from `start` to `close`. */
export class DecodeHost {
  /** What the runs reported last (a timeout is also set by the watchdog). */
  readonly status: DecodeStatus = { timedOut: false };
  /** The worker isolate's garbage collections, as of the last batch measured. */
  gc: GcTally | null = null;
  private readonly beacon = new RunBeacon();
  private readonly onExit = () => void this.beacon.requestStop(EXIT_WAIT_MS);
  private readonly worker: Worker;
  private readonly watchdog: RunWatchdog;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: string | null = null;
  private monitor: WindowMonitor | null = null;
  private log: (line: string) => void = () => {};

  /** Start the worker; `stepTimeoutMs` bounds each run() (prefill or decode step). */
  constructor(readonly stepTimeoutMs: number = DEFAULT_STEP_TIMEOUT_MS) {
    this.worker = moduleWorker(import.meta.url, 'decode-worker', { beacon: this.beacon.buffer });
    process.on('exit', this.onExit);
    this.watchdog = new RunWatchdog(this.beacon, stepTimeoutMs, (message) => {
      this.status.timedOut = true;
      this.failAll(new TimeoutError(message));
    });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => this.stopWith(`decode worker crashed: ${String(e?.message ?? e).split('\n')[0]}`));
    this.worker.on('exit', (code) => this.stopWith(`decode worker exited (code ${code})`));
  }

  private onMessage(m: FromWorker): void {
    if ('type' in m && m.type === 'log') return this.log(m.line);
    if ('type' in m && m.type === 'monitor') return void this.answerMonitor(m.call, m.method, m.name);
    const r = m as Reply;
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) return p.resolve(r.value);
    if (r.error.status) Object.assign(this.status, r.error.status);
    p.reject(rebuildError(r.error));
  }

  private async answerMonitor(call: number, method: 'begin' | 'end' | 'requirement', name?: string): Promise<void> {
    try {
      if (!this.monitor) throw new Error('no energy monitor');
      const m = this.monitor;
      const value = method === 'begin' ? await m.begin(name!) : method === 'end' ? await m.end(name!) : await m.requirement!();
      this.worker.postMessage({ type: 'monitor-reply', call, ok: true, value });
    } catch (err) {
      this.worker.postMessage({ type: 'monitor-reply', call, ok: false, error: String((err as Error)?.message ?? err) });
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private stopWith(why: string): void {
    this.dead ??= why;
    this.watchdog.stop();
    this.failAll(new Error(why));
  }

  /** One request; `timeoutMs` bounds it as a whole (the watchdog bounds each run inside it). */
  private request<T>(msg: Record<string, unknown>, timeoutMs: number | null, what: string): Promise<T> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (f: () => void) => {
        if (timer) clearTimeout(timer);
        f();
      };
      this.pending.set(id, { resolve: (v) => done(() => resolve(v as T)), reject: (e) => done(() => reject(e)) });
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.pending.delete(id);
          this.status.timedOut = true;
          reject(new TimeoutError(`${what} did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
      }
      this.worker.postMessage({ id, ...msg });
    });
  }

  /**
   * Pass an interruption (Ctrl-C: src/util/interrupt.ts) on to the worker's phases: they read it
   * from the beacon between runs, end their windows and report what completed (phase-windows.ts).
   */
  interruptOn(signal: AbortSignal | undefined): void {
    if (!signal) return;
    const pass = () => {
      const r: unknown = signal.reason;
      if (r instanceof InterruptedError) this.beacon.interrupt(r.sig);
    };
    if (signal.aborted) pass();
    else signal.addEventListener('abort', pass, { once: true });
  }

  /** Create the session in the worker; `monitor` answers the worker's window calls, `log` gets its progress lines. */
  async open(req: Omit<OpenRequest, 'type' | 'monitor'>, monitor: WindowMonitor | null, log: (line: string) => void, timeoutMs = DEFAULT_OPEN_TIMEOUT_MS): Promise<OpenReply> {
    this.monitor = monitor;
    this.log = log;
    if (req.ep === 'webgpu') noteGpuInstance(); // this process's llvmpipe width is fixed from here on
    const reply = await this.request<OpenReply>({ ...req, type: 'open', monitor: monitor ? { requirement: typeof monitor.requirement === 'function' } : null }, timeoutMs, `onnxruntime ${req.ep} session creation for ${req.file}`);
    this.watchdog.start();
    return reply;
  }

  /** Measure one batch size in the worker (a sweep.ts MeasureBatchFn). */
  readonly measure: MeasureBatchFn = async (batch, o) => {
    const r = await this.request<MeasureReply>({ type: 'measure', batch, ...o }, null, `batch ${batch}`);
    Object.assign(this.status, r.status);
    this.gc = r.gc;
    return r.measurement;
  };

  /**
   * Release the session and stop the worker. After a timed-out run() onnxruntime may still be
   * using the session: the worker is then left to process exit.
   */
  async close(): Promise<void> {
    this.watchdog.stop();
    process.removeListener('exit', this.onExit);
    if (this.status.timedOut || this.dead) {
      this.worker.unref();
      return;
    }
    try {
      await this.request({ type: 'close' }, CLOSE_TIMEOUT_MS, 'releasing the onnxruntime session');
    } finally {
      this.dead ??= 'closed';
      await this.worker.terminate();
    }
  }
}
