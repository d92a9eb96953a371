import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DecoderRunner, detectDecoderIO } from '../../src/infer/decoder.js';
import { TimeoutError } from '../../src/util/errors.js';

const kv = (name: string) => ({ name, isTensor: true, type: 'float32', shape: ['batch', 1, 'past', 4] as Array<number | string> });
const io = detectDecoderIO(
  [{ name: 'input_ids', isTensor: true, type: 'int64', shape: ['batch', 'seq'] }, kv('past_key_values.0.key'), kv('past_key_values.0.value')],
  [{ name: 'logits', isTensor: true, type: 'float32', shape: ['batch', 'seq', 16] }, kv('present.0.key'), kv('present.0.value')],
  'hung.onnx',
);

describe('a decoder run() that never returns (hung device or driver) is bounded', () => {
  it('step() rejects with a TimeoutError naming the run, and the runner records the timeout', async () => {
    let calls = 0;
    const hung = {
      run: () => {
        calls++;
        return new Promise<never>(() => {});
      },
    } as unknown as ort.InferenceSession;
    const r = new DecoderRunner(hung, io, 1, 200);
    const t0 = performance.now();
    const err = await r.step([1, 2, 3], 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(String((err as Error).message)).toMatch(/onnxruntime run\(\) of 3 token\(s\) per sequence at past length 0 did not finish within 200 ms/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(calls).toBe(1);
    expect(r.timedOut).toBe(true);
    // The cache did not advance.
    expect(r.pastLength).toBe(0);
  });
});
