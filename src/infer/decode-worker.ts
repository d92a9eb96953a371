/**
 * Worker-thread side of `infer bench`'s measurement (decode-host.ts starts it and speaks to it).
 * The onnxruntime session and every timed run() live here, in a JavaScript isolate that holds the
 * decoder and nothing of the CLI, so the timed loops run on a thread and a heap of their own.
 *
 * Why: V8 starts incremental marking from its old-generation allocation limit only once the old
 * generation holds more than a few MB (heap.cc, `IncrementalMarking::IsBelowActivationThresholds`,
 * https://chromium.googlesource.com/v8/v8/+/refs/heads/main/src/heap/heap.cc). The CLI's own heap
 * (commander, zod, the report code, the model's graph summary: ≈ 14 MB) is above that, and a decode
 * loop allocates onnxruntime's output tensors every step; on the main thread that made V8 run a full
 * mark-compact every ≈ 150 ms (6 decode steps of gpt2) during decode, with concurrent marking
 * threads competing with onnxruntime's own for the CPU. A bare loop's ≈ 4 MB heap never gets there.
 * Here the isolate's heap stays near the bare loop's.
 *
 * Protocol: requests `{ id, type: 'open' | 'measure' | 'close', ... }` → replies `{ id, ok, value }`
 * or `{ id, ok: false, error }`; the worker asks the main thread's energy monitor through
 * `{ type: 'monitor', call, method, name }` → `{ type: 'monitor-reply', call, ok, value | error }`,
 * and sends progress as `{ type: 'log', line }`. Nothing crosses between threads inside a timed
 * loop: the main thread watches the runs through the shared beacon (run-beacon.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { EnergyMonitor } from '../power/monitor.js';
import type { WindowRequirement } from '../power/sampler.js';
import { mulberry32 } from '../util/random.js';
import { openDecoderSession, type DecoderIO, type DecoderIOHints, type Ep } from './decoder.js';
import { InterruptedPhase, measureBatch, type BatchContext, type BatchMeasurement } from './phase-windows.js';
import { InterruptedError } from '../util/interrupt.js';
import { RunBeacon } from './run-beacon.js';
import type { OnnxGraphSummary } from './onnx-reader.js';

/** `open`: create the session (decoder.ts openDecoderSession) in this worker. */
export interface OpenRequest {
  type: 'open';
  file: string;
  ep: Ep;
  profilePrefix?: string;
  threads?: number;
  presentNames?: string[];
  /** The graph's declared inputs and outputs (the rest of a summary is not needed here). */
  graph?: Pick<OnnxGraphSummary, 'inputs' | 'outputs'>;
  hints?: DecoderIOHints;
  /** The test, shared by every batch. */
  test: { prompt: number; gen: number; minRuns: number; tokens: 'random' | 'greedy'; seed: number; maxWindowS?: number; warmup: boolean };
  /** Vocabulary size for random token ids when the graph's logits shape does not give it (config files', else 1000). */
  vocabFallback: number;
  /** What the main thread's monitor offers (null: no monitor). */
  monitor: { requirement: boolean } | null;
}

/** What `open` answers. */
export interface OpenReply {
  io: DecoderIO;
  createTimeS: number;
  inputNames: string[];
  outputNames: string[];
  threadId: number;
}

/** `measure`: one batch size (phase-windows.ts measureBatch). */
export interface MeasureRequest {
  type: 'measure';
  batch: number;
  windowTag: string;
  kvBytesPerRunner: number;
  profileWarmup: boolean;
}

/** What `measure` answers: the batch, and the state of the runs and of this isolate's collector. */
export interface MeasureReply {
  measurement: BatchMeasurement;
  status: { timedOut: boolean; kvLocation?: string | null };
  gc: GcTally;
}

/** Garbage collections in this worker's isolate since the session opened (perf_hooks 'gc' entries). */
export interface GcTally {
  minor: number;
  major: number;
  /** Total pause on this thread, ms. */
  pauseMs: number;
}

type Request = ({ id: number } & OpenRequest) | ({ id: number } & MeasureRequest) | { id: number; type: 'close' };

const port = parentPort!;
const beacon = new RunBeacon((workerData as { beacon: SharedArrayBuffer }).beacon);
const gc: GcTally = { minor: 0, major: 0, pauseMs: 0 };
let session: ort.InferenceSession | null = null;
let ctx: Omit<BatchContext, 'kvBytesPerRunner' | 'windowTag'> | null = null;

// perf_hooks.constants: NODE_PERFORMANCE_GC_MAJOR = 4 (mark-compact); minor, incremental and weak-callback passes otherwise.
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind;
    if (kind === 4) gc.major++;
    else gc.minor++;
    gc.pauseMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

let nextCall = 1;
const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** Ask the main thread's monitor (outside the timed loops: window begin, end and requirement). */
function callMonitor(method: 'begin' | 'end' | 'requirement', name?: string): Promise<unknown> {
  const call = nextCall++;
  return new Promise((resolve, reject) => {
    calls.set(call, { resolve, reject });
    port.postMessage({ type: 'monitor', call, method, name });
  });
}

/** The main thread's monitor, as phase-windows.ts uses it. */
function monitorProxy(offers: { requirement: boolean }): EnergyMonitor {
  const unused = () => Promise.reject(new Error('not available in the decode worker'));
  return {
    meter: 'main-thread monitor',
    begin: (name) => callMonitor('begin', name) as Promise<void>,
    end: (name) => callMonitor('end', name) as ReturnType<EnergyMonitor['end']>,
    ...(offers.requirement ? { requirement: () => callMonitor('requirement') as Promise<WindowRequirement> } : {}),
    idleBaseline: unused,
    close: unused,
  };
}

async function open(req: OpenRequest): Promise<OpenReply> {
  const opened = await openDecoderSession(req.file, req.ep, { profilePrefix: req.profilePrefix, threads: req.threads, presentNames: req.presentNames, graph: req.graph as OnnxGraphSummary | undefined, hints: req.hints });
  session = opened.session;
  const t = req.test;
  const rnd = mulberry32(t.seed);
  const vocab = opened.io.vocabSize ?? req.vocabFallback;
  const s = session;
  ctx = {
    session: s,
    io: opened.io,
    prompt: t.prompt,
    gen: t.gen,
    minRuns: t.minRuns,
    tokens: t.tokens,
    randomTokens: (n) => Int32Array.from({ length: n }, () => rnd() % vocab),
    monitor: req.monitor ? monitorProxy(req.monitor) : null,
    maxWindowS: t.maxWindowS,
    warmup: t.warmup,
    // The profile is written after the warmup and parsed on the main thread after the timed runs.
    afterWarmup: req.profilePrefix ? () => s.endProfiling() : undefined,
    log: (line) => port.postMessage({ type: 'log', line }),
    status: { timedOut: false },
    // Ctrl-C on the main thread, read from shared memory between runs (run-beacon.ts).
    signal: beacon.interruptSignal(),
    // The main thread bounds each run() through the beacon; no timer rides on the steps here.
    stepTimeoutMs: 0,
    beacon,
  };
  return { io: opened.io, createTimeS: opened.createTimeS, inputNames: [...s.inputNames], outputNames: [...s.outputNames], threadId };
}

async function measure(req: MeasureRequest): Promise<MeasureReply> {
  if (!ctx) throw new Error('decode worker: measure before open');
  const c = ctx;
  try {
    const measurement = await measureBatch({ ...c, afterWarmup: req.profileWarmup ? c.afterWarmup : undefined, kvBytesPerRunner: req.kvBytesPerRunner, windowTag: req.windowTag }, req.batch);
    return { measurement, status: { ...c.status }, gc: { ...gc } };
  } catch (err) {
    (err as { status?: unknown }).status = { ...c.status };
    throw err;
  }
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'open':
      return open(req);
    case 'measure':
      return measure(req);
    case 'close':
      // After a timed-out run() onnxruntime may still use the session: leave it to process exit.
      if (session && !ctx?.status.timedOut) await session.release();
      session = null;
      return null;
  }
}

/**
 * An error as plain data: its class (UsageError, TimeoutError, Error), message, cause and the runs'
 * status; an interruption with its signal and, after a batch's prefill test, that test's figures.
 */
function errorData(err: unknown) {
  const e = err as Error & { status?: unknown };
  const cause = e?.cause instanceof Error ? e.cause.message : undefined;
  const interrupted = err instanceof InterruptedPhase ? { sig: err.sig, batch: err.batch, pp: err.pp } : err instanceof InterruptedError ? { sig: err.sig } : undefined;
  return { name: e?.name ?? 'Error', message: String(e?.message ?? err), cause, status: e?.status, ...(interrupted ? { interrupted } : {}) };
}

port.on('message', (m: Request | { type: 'monitor-reply'; call: number; ok: boolean; value?: unknown; error?: string }) => {
  if (m.type === 'monitor-reply') {
    const p = calls.get(m.call);
    calls.delete(m.call);
    if (m.ok) p?.resolve(m.value);
    else p?.reject(new Error(m.error));
    return;
  }
  handle(m).then(
    (value) => port.postMessage({ id: m.id, ok: true, value }),
    (err) => port.postMessage({ id: m.id, ok: false, error: errorData(err) }),
  );
});
