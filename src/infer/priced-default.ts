/**
 * `run`'s default inference model on a hardware adapter: the largest preset whose tokens the site
 * prices (its token-price ladder) that fits the device's memory, so the verdict can weigh selling
 * tokens from a measured tok/J. Pure (the graph sizes come from the builder's lazy initializers:
 * nothing is generated).
 *
 * - Candidates: presets that mirror a public model (never the test models) whose model is a rung
 *   of the ladder (same checkpoint or parameter count within ±15 %, src/profit/match.ts).
 * - Precision: fp16 (the 16-bit weights servers run), else q4f16 (4-bit linear layers).
 * - Fits: weights + the decode pool's KV cache at the run's largest batch and full context
 *   (repetitions + 1 runners, fp16) + headroom (10 % of the memory, at least 1 GiB, for
 *   activations and the runtime) ≤ device memory.
 * - Device memory: WebGPU does not report it; the adapter name often does ("NVIDIA H100 80GB
 *   HBM3"), else a short table of data-centre and workstation GPUs from the vendors' datasheets.
 *   Unknown: the smallest priced preset at q4f16, and the reason says so.
 */
import { modelMismatch, gpuIdentity, type PricedModel } from '../profit/match.js';
import { buildDecoderGraph } from './builder.js';
import { kvCacheBytes, parameterCount, PRESETS } from './presets.js';
import type { ModelDtype } from './weights.js';

/** A price of the site's ladder: the model and its $/Mtok. */
export interface LadderPrice extends PricedModel {
  usdPerMTok: number;
}

/** The size of the run's inference test, for the memory check. */
export interface RunTestSize {
  prompt: number;
  gen: number;
  batch: readonly number[];
  repetitions: number;
}

/** The default model `run` picked, and why. */
export interface PricedModelChoice {
  model: string;
  dtype: ModelDtype;
  /** One line for the summary and the result ("llama3.1-8b fp16: the largest priced preset that fits 80 GB ..."). */
  reason: string;
  /** The ladder rung that prices its tokens. */
  pricedAs: LadderPrice;
  /** Device memory and where it came from; null when unknown. */
  memory: { bytes: number; source: string } | null;
  /** What the model and the run's KV cache need, bytes (with headroom). */
  needBytes: number;
}

const GB = 1e9;
const GIB = 2 ** 30;

/**
 * Memory per GPU (GB) by model number, from the vendors' datasheets: NVIDIA H100 80 GB (SXM and
 * PCIe; NVL 94 GB), H200 141 GB, A100 40 GB (the smaller version), L40S/L40/A40 48 GB, L4 24 GB,
 * A10 24 GB, T4 16 GB, RTX 4090/3090 24 GB, RTX 4080 16 GB, RTX 3060 12 GB; AMD MI300X 192 GB.
 */
const MEMORY_GB: Record<string, number> = { h100: 80, h200: 141, a100: 40, l40s: 48, l40: 48, a40: 48, l4: 24, a10: 24, t4: 16, '4090': 24, '3090': 24, '4080': 16, '3060': 12, mi300x: 192 };

/** Device memory from the adapter name ("80GB"), else the datasheet table; null when neither says. */
export function deviceMemoryOf(adapter: { name: string; description?: string }): { bytes: number; source: string } | null {
  const text = `${adapter.name} ${adapter.description ?? ''}`;
  const m = /\b(\d{1,4})\s?GB\b/i.exec(text);
  if (m) return { bytes: Number(m[1]) * GB, source: `adapter name "${adapter.name}"` };
  const id = gpuIdentity(adapter.name);
  if (id.model === 'h100' && /\bnvl\b/i.test(adapter.name)) return { bytes: 94 * GB, source: 'NVIDIA H100 NVL datasheet' };
  const gb = id.model ? MEMORY_GB[id.model] : undefined;
  return gb ? { bytes: gb * GB, source: `${adapter.name}: ${gb} GB per the vendor datasheet` } : null;
}

/** Bytes of a preset's weights at `dtype` (the built graph's initializers, counted lazily). */
export function presetWeightBytes(preset: string, dtype: ModelDtype): number {
  return buildDecoderGraph(PRESETS[preset]!, { dtype, variant: 'gqa', seed: 1 }).inits.reduce((s, t) => s + t.data.byteLength, 0);
}

/** Weights + the run's KV pool + headroom, bytes. */
export function presetNeedBytes(preset: string, dtype: ModelDtype, test: RunTestSize, memoryBytes: number | null): number {
  const c = PRESETS[preset]!;
  const kv = kvCacheBytes(c, Math.max(...test.batch), test.prompt + test.gen, 2) * (test.repetitions + 1);
  const headroom = Math.max(GIB, 0.1 * (memoryBytes ?? 0));
  return presetWeightBytes(preset, dtype) + kv + headroom;
}

/** Presets whose model is a rung of the ladder, largest first, with the rung that prices them. */
export function pricedPresets(ladder: readonly LadderPrice[]): { preset: string; price: LadderPrice; parameters: number }[] {
  const out: { preset: string; price: LadderPrice; parameters: number }[] = [];
  for (const [name, c] of Object.entries(PRESETS)) {
    if (/^synthetic/i.test(c.mirrors)) continue;
    const parameters = parameterCount(c);
    const mm = { preset: name, name: null, mirrors: c.mirrors, parameters };
    const price = ladder.find((p) => modelMismatch(mm, p) === null);
    if (price) out.push({ preset: name, price, parameters });
  }
  return out.sort((a, b) => b.parameters - a.parameters);
}

const fmtGB = (b: number) => `${Number((b / GB).toPrecision(3))} GB`;

/**
 * The default model for `run` on this adapter, or null (a software adapter, no adapter, or no
 * preset the site prices: `run` keeps its sized-for-time default).
 */
export function choosePricedPreset(adapter: { isSoftware: boolean; name: string; description?: string } | null, ladder: readonly LadderPrice[], test: RunTestSize): PricedModelChoice | null {
  if (!adapter || adapter.isSoftware) return null;
  const cands = pricedPresets(ladder);
  if (!cands.length) return null;
  const memory = deviceMemoryOf(adapter);
  const price = (p: LadderPrice) => `the site prices ${p.name} tokens at $${p.usdPerMTok}/Mtok`;
  if (!memory) {
    const c = cands[cands.length - 1]!;
    const need = presetNeedBytes(c.preset, 'q4f16', test, null);
    return { model: c.preset, dtype: 'q4f16', pricedAs: c.price, memory: null, needBytes: need, reason: `${c.preset} q4f16: device memory unknown (WebGPU does not report it, nor does the adapter name), so the smallest priced preset (needs ≈ ${fmtGB(need)}); ${price(c.price)}; pass --model for a larger one` };
  }
  for (const c of cands) {
    for (const dtype of ['fp16', 'q4f16'] as const) {
      const need = presetNeedBytes(c.preset, dtype, test, memory.bytes);
      if (need <= memory.bytes) {
        return { model: c.preset, dtype, pricedAs: c.price, memory, needBytes: need, reason: `${c.preset} ${dtype}: the largest priced preset that fits ${fmtGB(memory.bytes)} (${memory.source}; needs ≈ ${fmtGB(need)} with the KV cache at batch ${Math.max(...test.batch)}); ${price(c.price)}` };
      }
    }
  }
  return null;
}
