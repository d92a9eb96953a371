/**
 * `infer bench` runs its onnxruntime session and every timed run() in a worker thread
 * (src/infer/decode-worker.ts), not on the thread that called it: no session is created on the
 * caller's thread, the runs report another thread id, the energy windows are still opened and
 * closed on the caller's monitor (on the caller's thread, around the work), and an error inside
 * the worker reaches the caller as the same kind of error.
 */
import * as ort from 'onnxruntime-node';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import { DeclaredMeter, type EnergyMonitor } from '../../src/power/monitor.js';
import { measurementSchema, type Energy } from '../../src/results/schema.js';
import { useTempModelsDir } from '../helpers.js';

const dir = useTempModelsDir('jb-infer-worker-');

afterEach(() => vi.restoreAllMocks());

/** A declared meter that records, for each window call, the name and the thread it came on. */
function recordingMonitor(): EnergyMonitor & { calls: Array<[string, string, number]> } {
  const inner = new DeclaredMeter(100);
  const calls: Array<[string, string, number]> = [];
  return {
    meter: inner.meter,
    calls,
    idleBaseline: (s) => inner.idleBaseline(s),
    requirement: () => inner.requirement(),
    begin: async (name: string) => {
      calls.push(['begin', name, threadId]);
      return inner.begin(name);
    },
    end: async (name: string): Promise<Energy> => {
      calls.push(['end', name, threadId]);
      return inner.end(name);
    },
    close: () => inner.close(),
  };
}

describe('infer bench measures in a decode worker', () => {
  it('no session on the calling thread; runs on another thread; windows on the caller monitor', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const mon = recordingMonitor();
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', prompt: 8, gen: 6, repetitions: 2, tokens: 'greedy' }, mon);
    measurementSchema.parse(m);
    expect(create).not.toHaveBeenCalled();
    const s = (m.details as any).session;
    expect(s.decodeThread.thread).toBe('worker');
    expect(s.decodeThread.threadId).not.toBe(threadId);
    expect(s.decodeThread.gc.minor + s.decodeThread.gc.major).toBeGreaterThanOrEqual(0);
    expect(mon.calls).toEqual([
      ['begin', 'infer.pp', threadId],
      ['end', 'infer.pp', threadId],
      ['begin', 'infer.tg', threadId],
      ['end', 'infer.tg', threadId],
    ]);
    // The decode window's energy came back from the caller's (declared) meter.
    const e = m.energy as { declared?: boolean; energyJ: number; timeS: number };
    expect(e).toMatchObject({ declared: true });
    expect(e.energyJ).toBeCloseTo(100 * e.timeS, 6);
    expect(m.metrics.decodeTokensPerSecond!.samples).toHaveLength((m.details as any).phases.tg.runs);
    expect(m.metrics.tokensPerJoule!.value).toBeCloseTo((6 * (m.details as any).phases.tg.runs) / e.energyJ, 6);
  });

  it('an error inside the worker reaches the caller as the same kind of error', async () => {
    // A file that is not ONNX is refused by onnxruntime inside the worker: still a usage error here.
    const bad = join(dir, 'not-a-model.onnx');
    writeFileSync(bad, 'this is not a protobuf');
    const err = await runInferBench({ model: bad, ep: 'cpu', prompt: 4, gen: 2, repetitions: 1 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('UsageError');
    expect(String((err as Error).message)).toMatch(/onnxruntime cannot load it as an ONNX model/);
  });
});
