#!/usr/bin/env node
/**
 * A minimal bare onnxruntime-node decode loop, the reference `infer bench` is compared against
 * (bench/infer-overhead.ts). Deliberately independent of joulebench: it imports onnxruntime-node
 * and Node built-ins only, and is written the way a user would write the loop: fresh input tensors
 * every step, the present.* outputs fed back as the next past_key_values.*.
 *
 *   node bench/bare-ort-loop.mjs --model models/gpt2-fp32/model.onnx [--prompt 64] [--gen 64] [--reps 5] [--threads N]
 *
 * Same test as infer bench: one untimed warmup repetition, then per repetition a prefill of
 * `prompt` random token ids from an empty cache and `gen` single-token decode steps; decode
 * tokens/s = gen / wall time of the decode steps. Prints one JSON line:
 * {"tg": [per-repetition tokens/s], "pp": [...], "threads": ..., "ort": "<version>"}.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    prompt: { type: 'string', default: '64' },
    gen: { type: 'string', default: '64' },
    reps: { type: 'string', default: '5' },
    threads: { type: 'string' },
  },
});
if (!values.model) {
  process.stderr.write('bare-ort-loop: --model <file.onnx> is required\n');
  process.exit(2);
}
const P = Number(values.prompt);
const N = Number(values.gen);
const R = Number(values.reps);

const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
if (values.threads) opts.intraOpNumThreads = Number(values.threads);
const session = await ort.InferenceSession.create(values.model, opts);

// I/O straight from the session's metadata.
const meta = Object.fromEntries(session.inputMetadata.map((m) => [m.name, m]));
const pastNames = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
const presentOf = (past) => past.replace(/^past_key_values\./, 'present.');
const kvMeta = meta[pastNames[0]];
const kvType = kvMeta.type;
const [, kvHeads, , headDim] = kvMeta.shape;
const idsType = meta.input_ids.type;
const vocab = session.outputMetadata.find((m) => m.name === 'logits').shape[2];
const hasMask = 'attention_mask' in meta;
const hasPos = 'position_ids' in meta;

let state = 0x2545f491;
const randomToken = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % vocab;
};
const intTensor = (type, values, dims) =>
  type === 'int32' ? new ort.Tensor('int32', Int32Array.from(values), dims) : new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);

/** One repetition: prefill then N decode steps; returns [pp tokens/s, tg tokens/s]. */
async function repetition() {
  const past = {};
  for (const n of pastNames) past[n] = new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, kvHeads, 0, headDim]);
  let pastLen = 0;
  const run = async (ids) => {
    const S = ids.length;
    const feeds = { input_ids: intTensor(idsType, ids, [1, S]), ...past };
    if (hasMask) feeds.attention_mask = intTensor(meta.attention_mask.type, new Array(pastLen + S).fill(1), [1, pastLen + S]);
    if (hasPos) feeds.position_ids = intTensor(meta.position_ids.type, Array.from({ length: S }, (_, i) => pastLen + i), [1, S]);
    const out = await session.run(feeds);
    for (const n of pastNames) past[n] = out[presentOf(n)];
    pastLen += S;
  };
  const t0 = performance.now();
  await run(Array.from({ length: P }, randomToken));
  const t1 = performance.now();
  for (let i = 0; i < N; i++) await run([randomToken()]);
  const t2 = performance.now();
  return [P / ((t1 - t0) / 1000), N / ((t2 - t1) / 1000)];
}

await repetition(); // warmup, untimed
const pp = [];
const tg = [];
for (let r = 0; r < R; r++) {
  const [a, b] = await repetition();
  pp.push(a);
  tg.push(b);
}
await session.release();
process.stdout.write(`${JSON.stringify({ tg, pp, threads: values.threads ? Number(values.threads) : null, ort: ort.env.versions?.common ?? null })}\n`);
