/**
 * A batch that fails to allocate in the middle of a sweep (injected: a stand-in session that
 * rejects any run() of ≥ 16 sequences with onnxruntime's allocation message) is recorded with the
 * error, every larger batch is skipped and named, and the batches that ran keep their figures.
 * A failure of the first batch, or of a single listed batch, is the command's error. No session is
 * opened: the stand-in returns plain CPU tensors of the shapes a decoder returns.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { DecoderIO } from '../../src/infer/decoder.js';
import { chooseServing } from '../../src/infer/serving.js';
import { measureHere, runSweep, sweepFits, sweepPoint, sweepRow } from '../../src/infer/sweep.js';

const VOCAB = 8;
const io: DecoderIO = {
  inputIds: 'input_ids',
  inputIdsType: 'int64',
  attentionMask: null,
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
  vocabSize: VOCAB,
};

/** A decoder stand-in that cannot allocate for `failFrom` sequences or more. */
function fakeSession(failFrom: number): ort.InferenceSession {
  const run = async (feeds: Record<string, ort.Tensor>) => {
    const [B, S] = feeds.input_ids!.dims as [number, number];
    if (B >= failFrom) throw new Error(`Failed to allocate memory for requested buffer of size ${B * 1_000_000_000}`);
    const past = feeds['past_key_values.0.key']!.dims[2]!;
    const kv = () => new ort.Tensor('float32', new Float32Array(B * (past + S) * 2), [B, 1, past + S, 2]);
    return { logits: new ort.Tensor('float32', new Float32Array(B * S * VOCAB), [B, S, VOCAB]), 'present.0.key': kv(), 'present.0.value': kv() };
  };
  return { run } as unknown as ort.InferenceSession;
}

/** The sweep over a stand-in session that fails from `failFrom` sequences, measured in this thread. */
function sweepOn(failFrom: number, batches: number[], log: (s: string) => void) {
  const c = ctx(failFrom);
  return runSweep(measureHere(c), fitsFor(batches), log, c.status);
}

function ctx(failFrom: number) {
  let seed = 1;
  return {
    session: fakeSession(failFrom),
    io,
    prompt: 4,
    gen: 3,
    minRuns: 2,
    tokens: 'random' as const,
    randomTokens: (n: number) => Int32Array.from({ length: n }, () => (seed = (seed * 48271) % 2147483647) % VOCAB),
    monitor: null,
    status: { timedOut: false },
  };
}

const fitsFor = (batches: number[]) => sweepFits(batches, { io, prompt: 4, gen: 3, minRuns: 2, metered: false, kvOn: 'host', maxBufferBytes: null, hostAvailableBytes: 2 ** 34 });

describe('a batch that fails to allocate mid-sweep', () => {
  it('is recorded with the error; larger batches are skipped; the rest keep their figures', async () => {
    const log: string[] = [];
    const fits = fitsFor([1, 4, 16, 64]);
    const { measured, skipped } = await sweepOn(16, [1, 4, 16, 64], (s) => log.push(s));
    expect(measured.map((b) => b.batch)).toEqual([1, 4]);
    expect(skipped).toEqual([
      { batch: 16, reason: 'failed: Failed to allocate memory for requested buffer of size 16000000000' },
      { batch: 64, reason: 'not run: batch 16 failed (Failed to allocate memory for requested buffer of size 16000000000)' },
    ]);
    expect(log).toContain('batch 16: failed (Failed to allocate memory for requested buffer of size 16000000000); larger batches are skipped');
    const rows = measured.map((b) => sweepRow(b, fits.find((f) => f.batch === b.batch)!, { prompt: 4, gen: 3, sloMsPerToken: null, notMeasured: 'no meter' }));
    for (const r of rows) expect(r.decodeTokens).toBe(r.batch * 3 * r.decodeSequences);
    const s = chooseServing(rows.map(sweepPoint), null, skipped.map((k) => k.batch));
    expect([1, 4]).toContain(s.batch);
    expect(s.note).toMatch(/batch 16, 64 not measured/);
  });

  it('the first batch failing is the error (nothing measured to fall back on)', async () => {
    await expect(sweepOn(1, [1, 4], () => {})).rejects.toThrow(/Failed to allocate memory/);
  });

  it('a single listed batch failing is the error, not a skipped row', async () => {
    await expect(sweepOn(4, [4], () => {})).rejects.toThrow(/Failed to allocate memory/);
  });
});
