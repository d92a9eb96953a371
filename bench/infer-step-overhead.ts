/**
 * The JavaScript cost of one decode step around `session.run()`: the harness's DecoderRunner.step
 * (feeds, bounded run, KV hand-over) against the per-step code of a bare loop (fresh tensors, spread
 * feeds), both driving a stand-in session whose run() resolves at once with preallocated outputs of
 * a real preset's shapes. What is left is exactly the per-step work the harness adds or saves, in
 * µs, free of onnxruntime's own time, so it can be measured on a busy machine (CPU time of the
 * same process, interleaved batches; medians).
 *
 *   node --import tsx bench/infer-step-overhead.ts [--model gpt2] [--context 64] [--steps 2000] [--batches 15]
 *
 * Compare the result with the decode step time of the model (e.g. tg t/s from `infer bench`):
 * a step of 20 ms (gpt2 on 2 cores) makes a 10 µs difference 0.05 %.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DecoderRunner, type DecoderIO } from '../src/infer/decoder.js';
import { RunBeacon } from '../src/infer/run-beacon.js';
import { PRESETS } from '../src/infer/presets.js';
import { percentileSorted } from '../src/stats/summary.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'gpt2' },
    context: { type: 'string', default: '64' },
    steps: { type: 'string', default: '2000' },
    batches: { type: 'string', default: '15' },
  },
});
const c = PRESETS[values.model!];
if (!c) throw new Error(`--model: one of ${Object.keys(PRESETS).join(', ')}`);
const ctx = Number(values.context);
const steps = Number(values.steps);
const L = c.numLayers;
const io: DecoderIO = {
  inputIds: 'input_ids',
  inputIdsType: 'int64',
  attentionMask: 'attention_mask',
  attentionMaskType: 'int64',
  positionIds: c.family === 'gpt2' ? 'position_ids' : null,
  positionIdsType: 'int64',
  useCacheBranch: null,
  logits: 'logits',
  logitsType: 'float32',
  layers: Array.from({ length: L }, (_, l) => ({ pastKey: `past_key_values.${l}.key`, pastValue: `past_key_values.${l}.value`, presentKey: `present.${l}.key`, presentValue: `present.${l}.value` })),
  kvType: 'float32',
  numKvHeads: c.numKvHeads,
  headDim: c.headDim,
  vocabSize: c.vocabSize,
};
// Outputs as a CPU session returns them: logits [1,1,V] and present.* at the context length.
const outputs: Record<string, ort.Tensor> = { logits: new ort.Tensor('float32', new Float32Array(c.vocabSize), [1, 1, c.vocabSize]) };
for (const l of io.layers) {
  for (const n of [l.presentKey, l.presentValue]) outputs[n] = new ort.Tensor('float32', new Float32Array(c.numKvHeads * ctx * c.headDim), [1, c.numKvHeads, ctx, c.headDim]);
}
const session = { run: () => Promise.resolve(outputs) } as unknown as ort.InferenceSession;

/**
 * The harness: DecoderRunner.step as the decode worker calls it (no timer of its own, the run
 * marked on the shared beacon for the main thread's watchdog; one reused token array, per-step
 * timestamps).
 */
const beacon = new RunBeacon();
async function harnessBatch(): Promise<number> {
  const r = new DecoderRunner(session, io, 1, 0, beacon);
  const tok = new Int32Array(1);
  const stamps = new Array<number>(steps);
  const t0 = performance.now();
  let t = t0;
  for (let i = 0; i < steps; i++) {
    tok[0] = i % c!.vocabSize;
    await r.step(tok, 1);
    const now = performance.now();
    stamps[i] = now - t;
    t = now;
  }
  return ((performance.now() - t0) * 1000) / steps;
}

/** A bare loop's step: fresh int64 tensors, spread past into the feeds, present.* taken back. */
async function bareBatch(): Promise<number> {
  const past: Record<string, ort.Tensor> = {};
  for (const l of io.layers) for (const n of [l.pastKey, l.pastValue]) past[n] = new ort.Tensor('float32', new Float32Array(0), [1, c!.numKvHeads, 0, c!.headDim]);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const pos = ctx - 1;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(i % c!.vocabSize)), [1, 1]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(pos + 1).fill(1n), [1, pos + 1]),
      ...past,
    };
    if (io.positionIds) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.of(BigInt(pos)), [1, 1]);
    const out = await session.run(feeds);
    for (const l of io.layers) {
      past[l.pastKey] = out[l.presentKey]!;
      past[l.pastValue] = out[l.presentValue]!;
    }
  }
  return ((performance.now() - t0) * 1000) / steps;
}

const h: number[] = [];
const b: number[] = [];
await harnessBatch();
await bareBatch();
for (let k = 0; k < Number(values.batches); k++) {
  if (k % 2 === 0) {
    h.push(await harnessBatch());
    b.push(await bareBatch());
  } else {
    b.push(await bareBatch());
    h.push(await harnessBatch());
  }
}
const med = (xs: number[]) => percentileSorted([...xs].sort((x, y) => x - y), 0.5);
process.stdout.write(
  `${values.model} (${L} layers, ${2 * L} KV tensors), context ${ctx}, ${steps} steps × ${values.batches} batches, run() stubbed:\n` +
    `  harness DecoderRunner.step: median ${med(h).toFixed(2)} µs/step (range ${Math.min(...h).toFixed(2)}–${Math.max(...h).toFixed(2)})\n` +
    `  bare-loop step code:        median ${med(b).toFixed(2)} µs/step (range ${Math.min(...b).toFixed(2)}–${Math.max(...b).toFixed(2)})\n`,
);
