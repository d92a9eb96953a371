/**
 * Identity matching behind "like with like": GPU names from different tools (adapter names,
 * marketing names, cloud SKUs) and model names from different conventions (Hugging Face ids,
 * provider SKUs, presets).
 */
import { describe, expect, it } from 'vitest';
import { fmtParams, isTestModel, modelKey, modelMismatch, sameGpu } from '../../src/profit/match.js';

describe('GPU names', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 SXM', true],
    ['NVIDIA H100 PCIe', 'NVIDIA H100 SXM', false],
    ['NVIDIA A100-SXM4-80GB', 'A100 SXM', true],
    ['NVIDIA GeForce RTX 4070 Ti', 'NVIDIA GeForce RTX 4070', false],
    ['NVIDIA GeForce RTX 3060', 'NVIDIA H100 SXM', false],
    ['AMD Radeon RX 7900 XTX', 'Radeon RX 7900 XTX', true],
    ['AMD Radeon RX 7900 XT', 'Radeon RX 7900 XTX', false],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'NVIDIA H100 SXM', false],
    ['NVIDIA RTX A6000', 'RTX A6000', true],
  ])('%s vs %s → %s', (a, b, same) => {
    expect(sameGpu(a, b)).toBe(same);
    expect(sameGpu(b, a)).toBe(same);
  });
});

describe('model names and sizes', () => {
  it('keys drop the organisation, Instruct/Turbo suffixes and punctuation', () => {
    expect(modelKey('meta-llama/Meta-Llama-3.1-8B-Instruct')).toBe(modelKey('Llama-3.1-8B'));
    expect(modelKey('Meta-Llama-3.1-8B-Instruct-Turbo')).toBe(modelKey('Llama-3.1-8B-Instruct'));
    expect(modelKey('Qwen/Qwen2.5-0.5B (Qwen2 architecture: …)')).toBe(modelKey('qwen2.5-0.5b'));
    expect(modelKey('Llama-3.1-70B')).not.toBe(modelKey('Llama-3.1-8B'));
  });

  it('parameter counts within ±15 % match, further apart do not', () => {
    const price = { name: 'Llama-3.1-8B-Instruct', parameters: 8.03e9 };
    const m = (parameters: number) => ({ preset: 'x', name: null, mirrors: 'org/Other', parameters });
    expect(modelMismatch(m(8.03e9 * 0.86), price)).toBeNull();
    expect(modelMismatch(m(8.03e9 * 1.149), price)).toBeNull();
    expect(modelMismatch(m(8.03e9 * 0.84), price)).toMatch(/^measured Other \(6\.75 B params\); the price is for Llama-3\.1-8B-Instruct \(8\.03 B\)$/);
  });

  it('test presets are never the priced model, whatever their size', () => {
    const tiny = { preset: 'tiny', name: 'tiny', mirrors: 'synthetic test model (Llama/Qwen2-style block)', parameters: 139_840 };
    expect(isTestModel(tiny)).toBe(true);
    expect(modelMismatch({ ...tiny, parameters: 8.03e9 }, { name: 'Llama-3.1-8B', parameters: 8.03e9 })).toMatch(/synthetic test model/);
    expect(fmtParams(139_840)).toBe('0.14 M');
    expect(fmtParams(8.03e9)).toBe('8.03 B');
    expect(fmtParams(494_032_768)).toBe('494 M');
  });
});
