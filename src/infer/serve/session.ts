/**
 * Model, adapter and session of `infer serve` (I/O): the same model resolution and adapter checks
 * as `infer bench` (src/infer/bench.ts), a session whose KV cache lives where the batching needs it,
 * and the merge checks that decide the batching (src/infer/serve/batching.ts).
 */
import type * as ort from 'onnxruntime-node';
import { listAdapters, type AdapterReport } from '../../gpu/adapter.js';
import { UsageError } from '../../util/errors.js';
import { dtypeOfGraph, resolveModel, type ResolvedModel } from '../bench.js';
import { openDecoderSession, type DecoderIO, type Ep } from '../decoder.js';
import { factsFromGraph, type ModelFacts } from '../model-facts.js';
import { checkSameAdapter, type AdapterMatch } from '../ort-adapter.js';
import { probeEp } from '../probe.js';
import type { Variant } from '../builder.js';
import type { ModelDtype } from '../weights.js';
import { decideBatching, layoutOrder, wantsContinuous, type BatchingDecision, type BatchingRequest } from './batching.js';
import { checkMerge, type MergeCheck } from './merge-check.js';
import { uniform01 } from './arrivals.js';

/** What the levels run on. */
export interface ServeSession {
  model: ResolvedModel;
  facts: ModelFacts;
  session: ort.InferenceSession;
  io: DecoderIO;
  ep: Ep;
  dtype: string;
  variant: Variant | null;
  match: AdapterMatch | null;
  adapter: AdapterReport | null;
  vocabSize: number;
  maxContext: number | null;
  createTimeS: number;
  batching: BatchingDecision;
  checks: MergeCheck[];
  warnings: string[];
  status: { timedOut: boolean };
}

/** The adapter checks `infer bench` makes (WebGPU only): the EP must run on the hashing adapter. */
async function adapterFor(ep: Ep, spec: string | undefined, allowMismatch: boolean, warnings: string[]): Promise<{ match: AdapterMatch | null; adapter: AdapterReport | null }> {
  if (ep === 'cuda') {
    const probe = await probeEp('cuda');
    if (!probe.usable) throw new UsageError(`--ep cuda: not usable here: ${probe.reason}`);
  }
  if (ep !== 'webgpu') return { match: null, adapter: null };
  const adapters = await listAdapters();
  const match = await checkSameAdapter(spec, allowMismatch, adapters);
  if (!match.same) warnings.push(`adapter mismatch allowed by --allow-adapter-mismatch: hashing on '${match.hashing.name}', onnxruntime WebGPU EP on '${match.onnxruntime?.name ?? 'unknown'}'`);
  const adapter = adapters.find((a) => a.index === (match.onnxruntime ?? match.hashing).index) ?? null;
  if (adapter?.isSoftware) warnings.push(`software adapter '${adapter.name}': WebGPU EP timings are CPU timings, not GPU figures`);
  return { match, adapter };
}

/** Options the session needs. */
export interface SessionOptions {
  model: string;
  ep: Ep;
  dtype?: ModelDtype;
  variant?: Variant;
  batching: BatchingRequest;
  threads?: number;
  adapterSpec?: string;
  allowAdapterMismatch?: boolean;
  /** Will a boundary batch hold prompts of different lengths (padding to check)? */
  promptsVary: boolean;
  log: (line: string) => void;
}

/** Resolve the model, open the session with the KV where the batching needs it, and decide the batching. */
export async function openServeSession(o: SessionOptions): Promise<ServeSession> {
  const warnings: string[] = [];
  const { match, adapter } = await adapterFor(o.ep, o.adapterSpec, o.allowAdapterMismatch ?? false, warnings);
  const dtype: ModelDtype = o.dtype ?? (o.ep === 'webgpu' && adapter?.features.includes('shader-f16') ? 'fp16' : 'fp32');
  const variant: Variant = o.variant ?? 'gqa';
  if (variant === 'std' && (dtype === 'q4' || dtype === 'q4f16')) throw new UsageError(`--dtype ${dtype} with --variant std: 4-bit presets use the gqa graph; drop --variant std`);
  const model = resolveModel({ model: o.model }, dtype, variant, o.log);
  const f = model.facts;
  const hints = { numKvHeads: f?.numKvHeads, headDim: f?.headDim, vocabSize: f?.vocabSize, pastKey: f?.genai?.pastKey, pastValue: f?.genai?.pastValue, presentKey: f?.genai?.presentKey, presentValue: f?.genai?.presentValue };
  // Continuous batching on WebGPU needs the KV on the host: no present.* kept on the device.
  const hostKv = o.ep === 'webgpu' && o.batching === 'continuous';
  o.log(`session: creating on ${o.ep} EP${hostKv ? ' (KV cache on the host)' : ''}`);
  const { session, io, createTimeS } = await openDecoderSession(model.file, o.ep, { threads: o.threads, graph: model.graph ?? undefined, hints, ...(hostKv ? { presentNames: [] } : {}) });
  const facts = model.facts ?? factsFromGraph({ layers: io.layers.length, numKvHeads: io.numKvHeads, headDim: io.headDim, vocabSize: io.vocabSize });
  const status = { timedOut: false };
  const vocabSize = io.vocabSize ?? facts.vocabSize ?? 1000;
  const s: ServeSession = {
    model, facts, session, io, ep: o.ep, status, vocabSize, createTimeS, warnings, match, adapter,
    dtype: model.generated ? dtype : (model.info?.dtype ?? dtypeOfGraph(model.graph, io)),
    variant: model.generated ? variant : (model.info?.variant ?? null),
    maxContext: model.generated?.config.maxPositions ?? model.facts?.contextLength ?? null,
    batching: null as unknown as BatchingDecision,
    checks: [],
  };
  try {
    await decide(s, o);
  } catch (err) {
    if (!status.timedOut) await session.release();
    throw err;
  }
  return s;
}

/** Run the merge checks the request needs and decide the batching (sets s.batching, s.checks). */
async function decide(s: ServeSession, o: SessionOptions): Promise<void> {
  const gqa = Boolean(s.model.graph?.nodes.some((n) => n.opType === 'GroupQueryAttention'));
  const ctx = { session: s.session, io: s.io, vocabSize: s.vocabSize, u: uniform01(1), status: s.status };
  if (wantsContinuous(o.batching, o.ep)) {
    for (const layout of layoutOrder(gqa)) {
      const c = await checkMerge(ctx, layout, 'continuous');
      s.checks.push(c);
      o.log(`merge check (continuous, ${layout} layout): ${c.ok ? 'honoured' : 'NOT honoured'}, max relative logit difference ${c.maxRelDiff.toExponential(2)}`);
      if (c.ok) break;
    }
  }
  s.batching = decideBatching(o.batching, o.ep, s.checks);
  if (s.batching.mode === 'boundary' && o.promptsVary) {
    // Prompts of different lengths are padded in one prefill: the padding must be honoured too.
    for (const layout of layoutOrder(gqa)) {
      const c = await checkMerge(ctx, layout, 'padded-prefill');
      s.checks.push(c);
      if (c.ok) {
        s.batching = { ...s.batching, layout };
        return;
      }
    }
    throw new UsageError(`--prompt-len: batches at boundaries pad prompts of different lengths, and this model does not honour the padding (${s.checks.filter((c) => c.kind === 'padded-prefill').map((c) => `${c.layout}: ${c.maxRelDiff.toExponential(1)}`).join(', ')}); give a fixed --prompt-len`);
  }
}
