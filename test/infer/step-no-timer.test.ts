/**
 * A decode step in the decode worker (DecoderRunner with stepTimeoutMs 0 and a beacon) is the
 * feeds, one run() and the KV hand-over: no timer of its own (the main thread bounds the runs, see
 * test/infer/run-watchdog.test.ts); the beacon says which run is in flight while it is, and
 * nothing between runs; once a stop is requested no run() starts. Checked on a stand-in session
 * that returns outputs of a decoder's shapes.
 */
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DecoderRunner, type DecoderIO } from '../../src/infer/decoder.js';
import { RunBeacon, type RunInFlight } from '../../src/infer/run-beacon.js';

const io: DecoderIO = {
  inputIds: 'input_ids',
  inputIdsType: 'int64',
  attentionMask: 'attention_mask',
  attentionMaskType: 'int64',
  positionIds: null,
  positionIdsType: 'int64',
  useCacheBranch: null,
  logits: 'logits',
  logitsType: 'float32',
  layers: [{ pastKey: 'past_key_values.0.key', pastValue: 'past_key_values.0.value', presentKey: 'present.0.key', presentValue: 'present.0.value' }],
  kvType: 'float32',
  numKvHeads: 1,
  headDim: 2,
  vocabSize: 4,
};

afterEach(() => vi.restoreAllMocks());

describe('DecoderRunner.step without its own timeout', () => {
  it('sets no timer, runs once per step, and stamps the run in flight', async () => {
    const hb = new RunBeacon();
    const seen: Array<RunInFlight | null> = [];
    const session = {
      run: async (feeds: Record<string, ort.Tensor>) => {
        seen.push(hb.inFlight());
        const [, S] = feeds.input_ids!.dims as [number, number];
        const past = feeds['past_key_values.0.key']!.dims[2]!;
        const kv = () => new ort.Tensor('float32', new Float32Array((past + S) * 2), [1, 1, past + S, 2]);
        return { logits: new ort.Tensor('float32', new Float32Array(S * 4), [1, S, 4]), 'present.0.key': kv(), 'present.0.value': kv() };
      },
    } as unknown as ort.InferenceSession;
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const r = new DecoderRunner(session, io, 1, 0, hb);
    const t0 = Date.now();
    await r.step([1, 2, 3], 3);
    expect(hb.inFlight()).toBeNull();
    await r.step([2], 1);
    await r.step([3], 1);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(seen).toHaveLength(3);
    for (const run of seen) expect(run!.startedUnixMs).toBeGreaterThanOrEqual(t0);
    expect(seen.map((run) => [run!.pastLength, run!.newTokens])).toEqual([
      [0, 3],
      [3, 1],
      [4, 1],
    ]);
    expect(hb.inFlight()).toBeNull();
    expect(r.pastLength).toBe(5);
  });

  it('clears the stamp when a run fails', async () => {
    const hb = new RunBeacon();
    const session = { run: () => Promise.reject(new Error('injected failure')) } as unknown as ort.InferenceSession;
    const r = new DecoderRunner(session, io, 1, 0, hb);
    await expect(r.step([1], 1)).rejects.toThrow(/onnxruntime run\(\) of 1 token\(s\) per sequence at past length 0 failed .*injected failure/);
    expect(hb.inFlight()).toBeNull();
  });

  it('starts no run() once a stop was requested (the step never settles)', async () => {
    const hb = new RunBeacon();
    let runs = 0;
    const session = { run: () => (runs++, Promise.reject(new Error('must not run'))) } as unknown as ort.InferenceSession;
    const r = new DecoderRunner(session, io, 1, 0, hb);
    expect(hb.requestStop(1000)).toBe(true);
    const settled = await Promise.race([r.step([1], 1).then(() => 'settled', () => 'settled'), new Promise((res) => setTimeout(() => res('pending'), 100))]);
    expect(settled).toBe('pending');
    expect(runs).toBe(0);
    expect(r.pastLength).toBe(0);
  });
});
