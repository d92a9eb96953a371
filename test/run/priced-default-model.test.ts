/**
 * Measured tokens priced by default on real hardware (issue 22 item 7). `run` on a hardware adapter
 * benchmarks the largest preset whose tokens the site prices that fits the device's memory, and
 * says why; `profit` then prices that run's measured tok/J at the model's own $/Mtok. The adapter is
 * faked (an 80 GB "NVIDIA H100 80GB HBM3", as NVIDIA's driver names the SXM module) and the 8B model
 * is never built: its size comes from the graph's lazy initializers.
 *
 * Sizes (weights, from the graphs): llama3.1-8b fp16 16.06 GB, q4f16 5.39 GB; llama3.2-3b fp16
 * 6.43 GB, q4f16 2.65 GB; llama3.2-1b fp16 2.47 GB. The run's KV pool at batch 16, 512 + 128 tokens,
 * 3 repetitions + 1 runner, fp16: 2 × layers × 16 × 8 KV heads × 640 × 128 × 2 B × 4 = 5.37 GB (8B),
 * 4.70 GB (3B), 1.34 GB (1B). Headroom: 10 % of the memory, at least 1 GiB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { choosePricedPreset, deviceMemoryOf, presetWeightBytes } from '../../src/infer/priced-default.js';
import { parameterCount, PRESETS } from '../../src/infer/presets.js';
import { tokenLadderOf, validateSiteProfile } from '../../src/profit/index.js';
import { runInferDefaults } from '../../src/run/plan.js';
import { profitForDoc } from '../../src/run/economics.js';
import { profitDoc } from '../fixtures/results/profit-docs.js';
import { ROOT } from '../helpers.js';

const v = validateSiteProfile(parse(readFileSync(join(ROOT, 'sites/boden-sweden.yaml'), 'utf8')));
if (!v.ok) throw new Error(v.error);
const boden = v.profile;
const H100 = { isSoftware: false, name: 'NVIDIA H100 80GB HBM3' };
const TEST = { prompt: 512, gen: 128, batch: [1, 4, 16], repetitions: 3 };

describe('run: the default inference model is the largest priced preset that fits', () => {
  it('the new presets have the public parameter counts (Meta model cards: 3.21 B, 8.03 B)', () => {
    // 3B: 128,256 × 3,072 + 28 × (2 × 3,072² + 2 × 3,072 × 1,024 + 3 × 3,072 × 8,192 + 2 × 3,072) + 3,072 (tied).
    expect(parameterCount(PRESETS['llama3.2-3b']!)).toBe(128256 * 3072 + 28 * (2 * 3072 ** 2 + 2 * 3072 * 1024 + 3 * 3072 * 8192 + 2 * 3072) + 3072);
    expect(parameterCount(PRESETS['llama3.2-3b']!)).toBe(3_212_749_824);
    // 8B: embedding and LM head 2 × 128,256 × 4,096 + 32 × (2 × 4,096² + 2 × 4,096 × 1,024 + 3 × 4,096 × 14,336 + 2 × 4,096) + 4,096.
    expect(parameterCount(PRESETS['llama3.1-8b']!)).toBe(2 * 128256 * 4096 + 32 * (2 * 4096 ** 2 + 2 * 4096 * 1024 + 3 * 4096 * 14336 + 2 * 4096) + 4096);
    expect(parameterCount(PRESETS['llama3.1-8b']!)).toBe(8_030_261_248);
    // fp16 weights: 2 bytes a parameter plus the rotary tables (4,096 positions × 64 × cos and sin × 2 B)
    // and a few scalar constants of the graph (under 1 KiB).
    const extra = presetWeightBytes('llama3.1-8b', 'fp16') - 8_030_261_248 * 2 - 4096 * 64 * 2 * 2;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThan(1024);
  });

  it('a faked 80 GB H100: llama3.1-8b at fp16, priced as Llama-3.1-8B-Instruct at $0.18/Mtok, and run says why', () => {
    expect(deviceMemoryOf(H100)).toEqual({ bytes: 80e9, source: 'adapter name "NVIDIA H100 80GB HBM3"' });
    const d = runInferDefaults(H100, boden);
    expect(d.model).toBe('llama3.1-8b');
    expect(d.priced!.dtype).toBe('fp16');
    expect(d.priced!.pricedAs).toMatchObject({ name: 'Llama-3.1-8B-Instruct', usdPerMTok: 0.18 });
    // Needs 16.06 GB + 5.37 GB + 8 GB (10 % of 80 GB) = 29.43 GB ≤ 80 GB.
    expect(d.priced!.needBytes / 1e9).toBeCloseTo(29.43, 2);
    expect(d.reason).toBe('llama3.1-8b fp16: the largest priced preset that fits 80 GB (adapter name "NVIDIA H100 80GB HBM3"; needs ≈ 29.4 GB with the KV cache at batch 16); the site prices Llama-3.1-8B-Instruct tokens at $0.18/Mtok');
    // The rest of the test stays run's hardware default (pp512 tg128, batch 1,4,16).
    expect([d.prompt, d.gen, d.batch]).toEqual([512, 128, [1, 4, 16]]);
  });

  it('smaller cards take 4-bit or a smaller priced model; software adapters and unknown memory do not guess', () => {
    const at = (gb: number) => choosePricedPreset({ isSoftware: false, name: `Some GPU ${gb}GB` }, tokenLadderOf(boden), TEST)!;
    // 16 GB: 8B fp16 needs 16.06 + 5.37 + 1.6 > 16; q4f16 5.39 + 5.37 + 1.6 = 12.36 GB fits.
    expect([at(16).model, at(16).dtype]).toEqual(['llama3.1-8b', 'q4f16']);
    // 8 GB: 8B q4f16 11.9 GB, 3B fp16 12.2 GB, 3B q4f16 2.65 + 4.70 + 1.07 = 8.42 GB all too big; 1B fp16 4.89 GB fits.
    expect([at(8).model, at(8).dtype, at(8).pricedAs.usdPerMTok]).toEqual(['llama3.2-1b', 'fp16', 0.1]);
    expect(choosePricedPreset({ isSoftware: true, name: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, tokenLadderOf(boden), TEST)).toBeNull();
    const unknown = choosePricedPreset({ isSoftware: false, name: 'Mystery GPU' }, tokenLadderOf(boden), TEST)!;
    expect([unknown.model, unknown.dtype, unknown.memory]).toEqual(['llama3.2-1b', 'q4f16', null]);
    expect(unknown.reason).toMatch(/device memory unknown/);
    // No site prices a preset's model: run keeps its sized-for-time default.
    expect(runInferDefaults(H100, { ...boden, inference: { usdPerMTok: { value: 1, model: 'Mistral-Large', modelParameters: 123e9 } } }).priced).toBeNull();
  });

  it("profit prices the (faked) measured tok/J of that preset at the model's $/Mtok", () => {
    const choice = runInferDefaults(H100, boden).priced!;
    const c = PRESETS[choice.model]!;
    // A run of the chosen preset on the faked H100: 2,000 tok/s at 600 W metered (3.33 tok/J).
    const doc = profitDoc({ adapter: { name: H100.name }, hashesPerSecond: 1e9, decodeTokensPerSecond: 2000, model: { preset: choice.model, mirrors: c.mirrors, parameters: parameterCount(c) }, energy: { metered: 600 } });
    const r = profitForDoc(doc, 'faked-h100.json', { file: 'sites/boden-sweden.yaml', profile: boden }, {}, '2026-11-22')!;
    const inf = r.report.rows.find((x) => x.id === 'gpu-inference-tokens')!;
    expect(inf.priced).toBe(true);
    expect(r.report.inputs.usdPerMTok).toMatchObject({ value: 0.18, provenance: { kind: 'site', field: 'inference.usdPerMTok' } });
    // Per GPU: 2,000 tok/s × 86,400 s × 0.7 utilization × $0.18 / 1e6 = $21.7728/day.
    expect(inf.priced && inf.perUnit.revenueUsdPerDay).toBeCloseTo(21.7728, 6);
    // The verdict weighs selling tokens from the measurement.
    expect(r.report.decision.uses.map((u) => u.id)).toContain('gpu-inference-tokens');
  });
});
