/**
 * Does this model honour per-row positions and masks? (I/O: runs the session.)
 *
 * Whether a graph can be batched with rows of different lengths is not visible in its inputs: a
 * GroupQueryAttention graph writes each row at its own length (`left` layout), a Hugging Face
 * export appends every row at the end and counts causality by key column (`right` layout), and a
 * graph that takes its rotary offset from the past length, or builds causality from position ids,
 * honours neither. So before `infer serve` relies on a layout, it decodes two requests of different
 * lengths (3 and 10 prompt tokens, 3 greedy output tokens each) the way the level will — merged
 * into one batch, the second joining while the first decodes and the first leaving before the
 * second ends (continuous), or prefilled together with padding (boundary) — and compares every
 * logit with the same requests decoded alone through the plain batch-1 runner
 * (src/infer/decoder.ts `DecoderRunner`). The largest difference, relative to the largest solo
 * logit, must stay within a tolerance set by the KV precision (batched and unbatched kernels may
 * round differently). Measured on this project's machine: honoured layouts differ by 0 (GQA presets,
 * cpu fp32 and WebGPU fp16) to 2e-7 (a Hugging Face-style export); wrong ones by 2.5e-3 (a graph
 * taking its rotary offset from the past length, whose synthetic weights make positions matter
 * little) to over 1 (position-based causal masks).
 */
import type * as ort from 'onnxruntime-node';
import { DecoderRunner, type DecoderIO } from '../decoder.js';
import { argmax, BoundaryEngine, ContinuousEngine, logitsAt, type EngineContext } from './ort-engine.js';
import type { KvLayout } from './kv-batch.js';
import type { EngineRequest } from './scheduler.js';

/** Relative logit difference a layout may show and still count as honoured, by KV precision. */
export const MERGE_TOLERANCE = { float32: 1e-4, float16: 5e-3 } as const;

/** What one check found. */
export interface MergeCheck {
  layout: KvLayout;
  /** continuous: a join into a running batch and a leave; padded-prefill: one batched prefill with padding. */
  kind: 'continuous' | 'padded-prefill';
  ok: boolean;
  /** max |merged − solo| / max |solo| over every compared logit. */
  maxRelDiff: number;
  tolerance: number;
  /** Logit vectors compared (one per token of each request). */
  comparisons: number;
}

const A: EngineRequest = { id: 0, promptTokens: 3, outputTokens: 3, promptIds: [3, 7, 11] };
const B: EngineRequest = { id: 1, promptTokens: 10, outputTokens: 3, promptIds: [5, 1, 4, 8, 6, 2, 9, 13, 10, 12] };

/** Each request's logits at its tokens, decoded alone (greedy) with the batch-1 runner. */
async function solo(session: ort.InferenceSession, io: DecoderIO, req: EngineRequest): Promise<Float32Array[]> {
  const r = new DecoderRunner(session, io, 1);
  try {
    const out: Float32Array[] = [];
    let lg = await r.step(req.promptIds!, req.promptTokens);
    out.push(logitsAt(lg, 0, req.promptTokens - 1));
    while (out.length < req.outputTokens) {
      lg = await r.step([argmax(out.at(-1)!)], 1);
      out.push(logitsAt(lg, 0, 0));
    }
    return out;
  } finally {
    r.close();
  }
}

function compare(ref: Float32Array[][], got: Float32Array[][]): { maxRelDiff: number; comparisons: number } {
  let worst = 0;
  let n = 0;
  ref.forEach((seq, k) => {
    seq.forEach((want, t) => {
      const have = got[k]![t];
      if (!have) {
        worst = Infinity;
        return;
      }
      let scale = 1e-6;
      let diff = 0;
      for (let v = 0; v < want.length; v++) {
        scale = Math.max(scale, Math.abs(want[v]!));
        diff = Math.max(diff, Math.abs(want[v]! - have[v]!));
      }
      worst = Math.max(worst, diff / scale);
      n++;
    });
  });
  return { maxRelDiff: worst, comparisons: n };
}

/** Drive the engine through the merged sequence of events; returns each request's logits. */
async function merged(ctx: Omit<EngineContext, 'onLogits' | 'layout' | 'tokens'>, layout: KvLayout, kind: MergeCheck['kind']): Promise<Float32Array[][]> {
  const got: Float32Array[][] = [[], []];
  const c: EngineContext = { ...ctx, layout, tokens: 'greedy', onLogits: (slot, lg) => got[slot]!.push(lg) };
  if (kind === 'continuous') {
    const e = new ContinuousEngine(c);
    await e.join([{ slot: 0, req: A }]);
    await e.step([0]);
    await e.join([{ slot: 1, req: B }]);
    await e.step([0, 1]);
    e.leave(0);
    await e.step([1]);
    e.clear();
  } else {
    const e = new BoundaryEngine(c);
    await e.startBatch([{ slot: 0, req: A }, { slot: 1, req: B }]);
    await e.step([0, 1]);
    await e.step([0, 1]);
    e.clear();
  }
  return got;
}

/** Check one layout: merged decoding against solo decoding. */
export async function checkMerge(ctx: Omit<EngineContext, 'onLogits' | 'layout' | 'tokens'>, layout: KvLayout, kind: MergeCheck['kind']): Promise<MergeCheck> {
  const tolerance = MERGE_TOLERANCE[ctx.io.kvType];
  const ref = [await solo(ctx.session, ctx.io, A), await solo(ctx.session, ctx.io, B)];
  let got: Float32Array[][];
  try {
    got = await merged(ctx, layout, kind);
  } catch (err) {
    if (ctx.status.timedOut) throw err;
    // A layout the graph rejects outright (e.g. a mask width it does not accept) is not honoured.
    return { layout, kind, ok: false, maxRelDiff: Infinity, tolerance, comparisons: 0 };
  }
  const { maxRelDiff, comparisons } = compare(ref, got);
  return { layout, kind, ok: maxRelDiff <= tolerance, maxRelDiff, tolerance, comparisons };
}
