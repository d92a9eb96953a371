/**
 * Harness overhead check: the `infer bench` decode loop (runInferBench) against a minimal bare
 * onnxruntime-node loop on the same model and EP. The harness must reach ≥ 0.97× the bare loop's
 * decode tokens/s (issue 4).
 *
 *   node --import tsx bench/infer-bare-loop.ts [--model gpt2] [--ep cpu] [--prompt 64] [--gen 64] [--rounds 3] [--reps 3]
 *                                              [--same-session] [--check] [--json]
 *
 * Default: rounds alternate the whole harness (runInferBench: model resolution, adapter check,
 * session, warmup, timed repetitions) and the bare loop, each with its own session created and
 * released in turn (weights loaded once at a time); the ratio compares the medians of the
 * per-repetition tg. On 2 shared cores whole rounds can differ by 2–3× (onnxruntime's spinning
 * thread pool against everything else), which swamps a 3 % question for small models.
 * --same-session isolates the decode loop itself: ONE session, and every repetition runs the
 * harness's loop (DecoderRunner.step with runInferBench's per-step bookkeeping) and the bare loop
 * back to back in alternating order; the ratio is the median of the per-pair ratios, so drift
 * between pairs cancels.
 * --check exits 1 when the ratio is below 0.97.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { runInferBench } from '../src/infer/bench.js';
import { ensureModel } from '../src/infer/model-store.js';
import { PRESETS } from '../src/infer/presets.js';
import { summarize } from '../src/stats/summary.js';
import { DecoderRunner, openDecoderSession, type Ep } from '../src/infer/decoder.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'gpt2' },
    ep: { type: 'string', default: 'cpu' },
    dtype: { type: 'string' },
    prompt: { type: 'string', default: '64' },
    gen: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'same-session': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const ep = values.ep as Ep;
const P = Number(values.prompt);
const N = Number(values.gen);
const rounds = Number(values.rounds);
const reps = Number(values.reps);
const dtype = (values.dtype ?? (ep === 'webgpu' ? 'fp16' : 'fp32')) as 'fp32' | 'fp16';
const cfg = PRESETS[values.model!];
if (!cfg) throw new Error(`--model ${values.model}: presets only (${Object.keys(PRESETS).join(', ')})`);
const m = ensureModel(values.model!, { dtype, variant: 'gqa' });

/** Session options of the bare loop: the plain ones any onnxruntime-node user would write. */
function bareSessionOptions(): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: [ep], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (ep === 'webgpu') {
    const loc: Record<string, 'gpu-buffer'> = {};
    for (let l = 0; l < cfg!.numLayers; l++) loc[`present.${l}.key`] = loc[`present.${l}.value`] = 'gpu-buffer';
    opts.preferredOutputLocation = loc;
  }
  return opts;
}

/** The bare loop on session `s`: the least code that prefills P tokens and decodes N with the KV cache fed back; returns tg tokens/s. */
async function bareOnce(s: ort.InferenceSession): Promise<number> {
  const L = cfg!.numLayers;
  const hasPos = s.inputNames.includes('position_ids');
  const kvType = dtype === 'fp32' ? 'float32' : 'float16';
  const empty = () => new ort.Tensor(kvType, dtype === 'fp32' ? new Float32Array(0) : new Uint16Array(0), [1, cfg!.numKvHeads, 0, cfg!.headDim]);
  const past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < L; l++) {
    past[`past_key_values.${l}.key`] = empty();
    past[`past_key_values.${l}.value`] = empty();
  }
  const run = async (ids: BigInt64Array, pos0: number) => {
    const S = ids.length;
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [1, S]), attention_mask: new ort.Tensor('int64', new BigInt64Array(pos0 + S).fill(1n), [1, pos0 + S]), ...past };
    if (hasPos) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from({ length: S }, (_, i) => BigInt(pos0 + i)), [1, S]);
    const out = await s.run(feeds);
    for (let l = 0; l < L; l++) {
      for (const kv of ['key', 'value']) {
        const old = past[`past_key_values.${l}.${kv}`]!;
        if (old.location === 'gpu-buffer') old.dispose();
        past[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`]!;
      }
    }
  };
  await run(BigInt64Array.from({ length: P }, (_, i) => BigInt((i * 31 + 7) % cfg!.vocabSize)), 0);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await run(BigInt64Array.of(BigInt((i * 17 + 3) % cfg!.vocabSize)), P + i);
  const dt = performance.now() - t0;
  for (const t of Object.values(past)) if (t.location === 'gpu-buffer') t.dispose();
  return N / (dt / 1000);
}

/** The bare loop with its own session (default mode): warmup + `reps` timed repetitions. */
async function bare(): Promise<number[]> {
  const s = await ort.InferenceSession.create(m.modelPath, bareSessionOptions());
  await bareOnce(s); // warmup, as the harness does
  const out: number[] = [];
  for (let r = 0; r < reps; r++) out.push(await bareOnce(s));
  await s.release();
  return out;
}

/**
 * The harness's decode loop on a given runner, as runInferBench runs it (src/infer/bench.ts
 * `repetition`): reset, prefill through DecoderRunner.step, then N single-token steps with the
 * per-step timestamps it keeps for latency percentiles.
 */
async function harnessLoopOnce(runner: DecoderRunner): Promise<number> {
  runner.reset();
  await runner.step(Int32Array.from({ length: P }, (_, i) => (i * 31 + 7) % cfg!.vocabSize), P);
  const steps: number[] = new Array(N);
  const tok = new Int32Array(1);
  let tStep = performance.now();
  const t0 = tStep;
  for (let i = 0; i < N; i++) {
    tok[0] = (i * 17 + 3) % cfg!.vocabSize;
    await runner.step(tok, 1);
    const now = performance.now();
    steps[i] = now - tStep;
    tStep = now;
  }
  return N / ((tStep - t0) / 1000);
}

/** --same-session: paired repetitions on one session; returns [harness tg, bare tg] per pair. */
async function sameSession(pairs: number): Promise<Array<[number, number]>> {
  const presentNames = Array.from({ length: cfg!.numLayers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
  const { session, io } = await openDecoderSession(m.modelPath, ep, { presentNames });
  const runner = new DecoderRunner(session, io, 1);
  try {
    await harnessLoopOnce(runner);
    await bareOnce(session);
    const out: Array<[number, number]> = [];
    for (let r = 0; r < pairs; r++) {
      if (r % 2 === 0) {
        const h = await harnessLoopOnce(runner);
        out.push([h, await bareOnce(session)]);
      } else {
        const b = await bareOnce(session);
        out.push([await harnessLoopOnce(runner), b]);
      }
    }
    return out;
  } finally {
    runner.close();
    await session.release();
  }
}

async function harness(): Promise<number[]> {
  const meas = await runInferBench({ model: values.model!, ep, dtype, variant: 'gqa', batch: 1, prompt: P, gen: N, repetitions: reps, allowAdapterMismatch: false, profile: !values['no-profile'] });
  return meas.metrics.decodeTokensPerSecond!.samples!;
}

if (values['same-session']) {
  const pairs = await sameSession(rounds * reps);
  const ratios = pairs.map(([h, b]) => h / b);
  const ratio = summarize(ratios).median;
  const hs = summarize(pairs.map((p) => p[0]));
  const bs = summarize(pairs.map((p) => p[1]));
  const result = {
    mode: 'same-session',
    model: values.model,
    ep,
    dtype,
    prompt: P,
    gen: N,
    pairs: pairs.length,
    harnessDecodeTokensPerSecond: { median: hs.median, mean: hs.mean, sd: hs.sd, samples: pairs.map((p) => p[0]) },
    bareDecodeTokensPerSecond: { median: bs.median, mean: bs.mean, sd: bs.sd, samples: pairs.map((p) => p[1]) },
    pairRatios: ratios,
    ratio,
    pass: ratio >= 0.97,
  };
  if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else
    process.stdout.write(
      `${values.model} ${ep} ${dtype} tg${N}@${P}, one session, ${pairs.length} pairs: harness loop ${hs.median.toFixed(2)} t/s, bare ${bs.median.toFixed(2)} t/s → median pair ratio ${ratio.toFixed(3)} ${ratio >= 0.97 ? '≥' : '<'} 0.97\n`,
    );
  process.exit(values.check && !result.pass ? 1 : 0);
}

const h: number[] = [];
const b: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternate the order so drift (thermal, other load) does not favour one side.
  if (r % 2 === 0) {
    h.push(...(await harness()));
    b.push(...(await bare()));
  } else {
    b.push(...(await bare()));
    h.push(...(await harness()));
  }
  if (!values.json) process.stderr.write(`round ${r + 1}/${rounds}: harness ${summarize(h).median.toFixed(2)} t/s, bare ${summarize(b).median.toFixed(2)} t/s\n`);
}
const hs = summarize(h);
const bs = summarize(b);
const ratio = hs.median / bs.median;
const result = {
  model: values.model,
  harnessProfiledWarmup: !values['no-profile'],
  ep,
  dtype,
  prompt: P,
  gen: N,
  rounds,
  repsPerRound: reps,
  harnessDecodeTokensPerSecond: { median: hs.median, mean: hs.mean, sd: hs.sd, samples: h },
  bareDecodeTokensPerSecond: { median: bs.median, mean: bs.mean, sd: bs.sd, samples: b },
  ratio,
  pass: ratio >= 0.97,
};
if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
else process.stdout.write(`${values.model} ${ep} ${dtype} tg${N}@${P}: harness ${hs.median.toFixed(2)} t/s (sd ${hs.sd.toFixed(2)}), bare ${bs.median.toFixed(2)} t/s (sd ${bs.sd.toFixed(2)}) → ratio ${ratio.toFixed(3)} ${ratio >= 0.97 ? '≥' : '<'} 0.97\n`);
process.exit(values.check && ratio < 0.97 ? 1 : 0);
