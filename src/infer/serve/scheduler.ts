/**
 * The load level's scheduler (pure: time comes from an injected clock, work from an injected
 * engine, so tests drive it with a fake clock and a fake engine and check every timestamp).
 *
 * Iteration-level scheduling as Orca introduced it (Yu et al., OSDI 2022): the loop runs one decode
 * iteration at a time over the sequences in the batch; between iterations, finished sequences leave
 * and the requests that have arrived join, as many as there are free slots, prefilled together
 * (the engine batches prompts of equal length into one run) before the sequences decode with the
 * others. New arrivals are admitted before the next decode step (prefill first, as vLLM's default
 * scheduler does), so a join stalls the decoding sequences for one prefill: visible as an ITL spike,
 * hidden in the mean TPOT.
 *
 * `boundary` mode is static batching: a batch is formed from the requests waiting when the previous
 * batch has completely finished, prefilled together, and decoded until its longest request is done
 * (finished rows keep being computed; their tokens are dropped). The engine picks it when its KV
 * cache cannot be merged (src/infer/serve/ort-engine.ts), and results say so.
 *
 * Arrivals are open loop: each request arrives at its scheduled time whatever the server is doing;
 * a request that finds no free slot waits in a FIFO queue, and its TTFT includes that wait.
 */
import type { RequestRecord } from './metrics.js';

/** Time source (ms, monotonic) and a wait until an absolute time on it. */
export interface Clock {
  nowMs(): number;
  sleepUntilMs(tMs: number): Promise<void>;
}

/** What a request asks the engine for. */
export interface EngineRequest {
  id: number;
  promptTokens: number;
  outputTokens: number;
  /** The prompt's token ids (else the engine draws random ids of length promptTokens). */
  promptIds?: readonly number[];
}

/** The work behind the scheduler (onnxruntime in src/infer/serve/ort-engine.ts; fakes in tests). */
export interface BatchEngine {
  /** 'continuous': requests join a running batch; 'boundary': a new batch starts when the last one ended. */
  readonly mode: 'continuous' | 'boundary';
  /** continuous: prefill these requests and place each sequence in its slot; their first tokens exist when this resolves. */
  join(entries: ReadonlyArray<{ slot: number; req: EngineRequest }>): Promise<void>;
  /** boundary: prefill these requests together as one batch. */
  startBatch(entries: ReadonlyArray<{ slot: number; req: EngineRequest }>): Promise<void>;
  /** One decode step: each listed slot gets one token. */
  step(slots: readonly number[]): Promise<void>;
  /** continuous: the sequence in `slot` left the batch. */
  leave(slot: number): void;
  /** boundary: the batch ended; also called at the end of a level (drop every sequence). */
  clear(): void;
}

/** One scheduled request. */
export interface ScheduledRequest extends EngineRequest {
  /** Scheduled arrival, ms from the level start. */
  arrivalMs: number;
}

/** What a level needs besides the engine. */
export interface LevelPlan {
  maxBatch: number;
  clock: Clock;
  /** Sorted by arrival. */
  requests: readonly ScheduledRequest[];
  /** Stop the level this long after its start, ms (null: run until every request is done). */
  cutAfterMs: number | null;
  /** Called after each completed request (progress). */
  onDone?: (done: number, total: number) => void;
}

/** What a level did. */
export interface LevelRun {
  records: RequestRecord[];
  /** Clock time of the level start (the schedule's origin), ms. */
  startMs: number;
  /** Level start → last completion (or → the cut), s. */
  durationS: number;
  /** True when the level was cut before every request finished. */
  cut: boolean;
  /** Decode steps run and the sequences they carried (sum over steps). */
  decodeSteps: number;
  stepSequences: number;
  /** Boundary mode: rows computed after their request had finished (wasted work). */
  idleRowSteps: number;
  prefills: number;
  /** Clock time inside prefills (join / startBatch) and inside decode steps, s (the rest is idle or scheduling). */
  prefillS: number;
  decodeS: number;
}

interface State {
  recs: RequestRecord[];
  waiting: number[];
  free: number[];
  /** slot → record index, sequences generating (continuous) or in the current batch (boundary). */
  inBatch: Map<number, number>;
  next: number;
  /** Requests completed so far. */
  done: number;
  run: LevelRun;
}

const freeSlot = (s: State): number => {
  s.free.sort((a, b) => a - b); // reuse the lowest free slot: deterministic, checkable
  return s.free.shift()!;
};

/** Record one token for a record at `t`; true when the request is done. */
function token(r: RequestRecord, t: number): boolean {
  if (!r.tokenMs.length) r.firstTokenMs = t;
  r.tokenMs.push(t);
  if (r.tokenMs.length < r.outputTokens) return false;
  r.doneMs = t;
  return true;
}

/** continuous: admit waiting requests into the free slots (FIFO), prefilled together; again while slots and arrivals remain. */
async function admitContinuous(e: BatchEngine, p: LevelPlan, s: State, rel: () => number, arrive: () => void): Promise<void> {
  for (arrive(); s.free.length && s.waiting.length; arrive()) {
    const take = s.waiting.splice(0, s.free.length);
    const entries = take.map((i) => ({ slot: freeSlot(s), req: p.requests[i]! }));
    const t0 = rel();
    entries.forEach(({ slot }, k) => Object.assign(s.recs[take[k]!]!, { slot, admittedMs: t0 }));
    await e.join(entries);
    const t = rel();
    s.run.prefillS += (t - t0) / 1000;
    s.run.prefills += entries.length;
    entries.forEach(({ slot }, k) => {
      if (token(s.recs[take[k]!]!, t)) {
        e.leave(slot);
        s.free.push(slot);
        p.onDone?.(++s.done, s.recs.length);
      } else s.inBatch.set(slot, take[k]!);
    });
  }
}

/** boundary: start a batch from the waiting requests when none is running. */
async function admitBoundary(e: BatchEngine, p: LevelPlan, s: State, rel: () => number): Promise<void> {
  if (s.inBatch.size || !s.waiting.length) return;
  const take = s.waiting.splice(0, p.maxBatch);
  const entries = take.map((i) => ({ slot: freeSlot(s), req: p.requests[i]! }));
  const t0 = rel();
  entries.forEach(({ slot }, k) => {
    s.recs[take[k]!]!.slot = slot;
    s.recs[take[k]!]!.admittedMs = t0;
    s.inBatch.set(slot, take[k]!);
  });
  await e.startBatch(entries);
  s.run.prefills += entries.length;
  const t = rel();
  s.run.prefillS += (t - t0) / 1000;
  for (const i of take) if (token(s.recs[i]!, t)) p.onDone?.(++s.done, s.recs.length);
  endBatchIfDone(e, s);
}

function endBatchIfDone(e: BatchEngine, s: State): void {
  if (![...s.inBatch.values()].every((i) => s.recs[i]!.doneMs !== null)) return;
  for (const slot of s.inBatch.keys()) s.free.push(slot);
  s.inBatch.clear();
  e.clear();
}

/** One decode step over the batch; records the tokens of the sequences still generating. */
async function decodeStep(e: BatchEngine, p: LevelPlan, s: State, rel: () => number): Promise<void> {
  const slots = [...s.inBatch.keys()].sort((a, b) => a - b);
  const t0 = rel();
  await e.step(slots);
  const t = rel();
  s.run.decodeS += (t - t0) / 1000;
  s.run.decodeSteps++;
  s.run.stepSequences += slots.length;
  for (const slot of slots) {
    const i = s.inBatch.get(slot)!;
    const r = s.recs[i]!;
    if (r.doneMs !== null) {
      s.run.idleRowSteps++;
      continue;
    }
    if (!token(r, t)) continue;
    p.onDone?.(++s.done, s.recs.length);
    if (e.mode === 'continuous') {
      s.inBatch.delete(slot);
      e.leave(slot);
      s.free.push(slot);
    }
  }
  if (e.mode === 'boundary') endBatchIfDone(e, s);
}

/** Run one load level to its end (every request done, or the cut). */
export async function runLevel(e: BatchEngine, p: LevelPlan): Promise<LevelRun> {
  const { clock } = p;
  const startMs = clock.nowMs();
  const rel = () => clock.nowMs() - startMs;
  const recs: RequestRecord[] = p.requests.map((q) => ({ id: q.id, slot: null, arrivalMs: q.arrivalMs, admittedMs: null, firstTokenMs: null, doneMs: null, promptTokens: q.promptTokens, outputTokens: q.outputTokens, tokenMs: [] }));
  const run: LevelRun = { records: recs, startMs, durationS: 0, cut: false, decodeSteps: 0, stepSequences: 0, idleRowSteps: 0, prefills: 0, prefillS: 0, decodeS: 0 };
  const s: State = { recs, waiting: [], free: Array.from({ length: p.maxBatch }, (_, i) => i), inBatch: new Map(), next: 0, done: 0, run };
  const arrive = () => {
    const now = rel();
    while (s.next < recs.length && recs[s.next]!.arrivalMs <= now) s.waiting.push(s.next++);
  };
  try {
    for (;;) {
      arrive();
      if (p.cutAfterMs !== null && rel() >= p.cutAfterMs && recs.some((r) => r.doneMs === null)) {
        run.cut = true;
        break;
      }
      if (e.mode === 'continuous') await admitContinuous(e, p, s, rel, arrive);
      else await admitBoundary(e, p, s, rel);
      if (s.inBatch.size) await decodeStep(e, p, s, rel);
      else if (s.next < recs.length && !s.waiting.length) await clock.sleepUntilMs(startMs + recs[s.next]!.arrivalMs);
      else if (!s.waiting.length) break;
    }
  } finally {
    e.clear();
  }
  const last = Math.max(0, ...recs.map((r) => r.doneMs ?? 0));
  run.durationS = (run.cut ? rel() : last) / 1000;
  return run;
}
