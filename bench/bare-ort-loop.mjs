#!/usr/bin/env node
/**
 * A minimal bare onnxruntime-node greedy decode loop: the peer `infer bench` is measured against
 * (bench/infer-bare-loop.ts). Deliberately independent of joulebench: it imports onnxruntime-node
 * and Node built-ins only, and is written the way a user would write the loop from onnxruntime's
 * own documentation: a session created with onnxruntime's default options (only the execution
 * provider named; on WebGPU the present.* outputs kept on the device, as the onnxruntime
 * maintainers' Node chat prototype does:
 * https://github.com/fs-eire/ort-webgpu-nodejs-chatapp-prototype), fresh input tensors every step,
 * the present.* outputs fed back as the next past_key_values.*, and the next token the argmax of
 * the last position's logits, computed on the host.
 *
 *   node bench/bare-ort-loop.mjs --model models/gpt2-fp32/model.onnx [--ep cpu|webgpu]
 *       [--prompt 64] [--gen 64] [--reps 3] [--tokens greedy|random] [--threads N]
 *
 * Same test as `infer bench`: one untimed warmup repetition, then per repetition a prefill of
 * `prompt` random token ids from an empty cache (+ the argmax giving the first generated token)
 * and `gen` single-token decode steps; decode tokens/s = gen / wall time of the decode steps.
 * Prints one JSON line: {"tg": [per-repetition tokens/s], "pp": [...], "ep", "threads", "ort",
 * "sessionOptions", "tokens": [last repetition's generated ids]}.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
    prompt: { type: 'string', default: '64' },
    gen: { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    tokens: { type: 'string', default: 'greedy' },
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
const greedy = values.tokens === 'greedy';

// onnxruntime's defaults: nothing but the execution provider (and, on WebGPU, the KV cache kept
// on the device). An explicit --threads is the one override, for a like-for-like --threads run.
const opts = { executionProviders: [values.ep] };
if (values.threads) opts.intraOpNumThreads = Number(values.threads);
if (values.ep === 'webgpu') {
  // Output names are known only after loading: a first plain session tells them (then released).
  const probe = await ort.InferenceSession.create(values.model, { executionProviders: ['cpu'] });
  opts.preferredOutputLocation = Object.fromEntries(probe.outputNames.filter((n) => n.startsWith('present')).map((n) => [n, 'gpu-buffer']));
  await probe.release();
}
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

/** IEEE half → float (for fp16 logits). */
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Argmax of the last position's logits. */
function argmaxLast(logits) {
  const [, S, V] = logits.dims;
  const d = logits.data;
  const half = logits.type === 'float16';
  const base = (S - 1) * V;
  let best = -Infinity;
  let arg = 0;
  for (let v = 0; v < V; v++) {
    const x = half ? halfToFloat(d[base + v]) : d[base + v];
    if (x > best) {
      best = x;
      arg = v;
    }
  }
  return arg;
}

/** One repetition: prefill then N decode steps; returns [pp tokens/s, tg tokens/s, generated ids]. */
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
    for (const n of pastNames) {
      if (past[n].location === 'gpu-buffer') past[n].dispose();
      past[n] = out[presentOf(n)];
    }
    pastLen += S;
    return out.logits;
  };
  const generated = [];
  const t0 = performance.now();
  let next = argmaxLast(await run(Array.from({ length: P }, randomToken)));
  const t1 = performance.now();
  for (let i = 0; i < N; i++) {
    generated.push(next);
    const logits = await run([greedy ? next : randomToken()]);
    next = greedy ? argmaxLast(logits) : 0;
  }
  const t2 = performance.now();
  for (const n of pastNames) if (past[n].location === 'gpu-buffer') past[n].dispose();
  return [P / ((t1 - t0) / 1000), N / ((t2 - t1) / 1000), generated];
}

await repetition(); // warmup, untimed
const pp = [];
const tg = [];
let tokens = [];
for (let r = 0; r < R; r++) {
  const [a, b, g] = await repetition();
  pp.push(a);
  tg.push(b);
  tokens = g;
}
await session.release();
const sessionOptions = { ...opts, preferredOutputLocation: opts.preferredOutputLocation ? 'present.*: gpu-buffer' : undefined };
process.stdout.write(`${JSON.stringify({ tg, pp, ep: values.ep, tokensMode: values.tokens, threads: values.threads ? Number(values.threads) : null, ort: ort.env.versions?.common ?? null, sessionOptions, tokens })}\n`);
// Exit explicitly: onnxruntime's WebGPU EP keeps the event loop alive.
process.exit(0);
