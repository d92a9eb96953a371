import { describe, expect, it } from 'vitest';
import { fallbackWarnings, placementFromEvents } from '../../src/infer/profile.js';

// Events shaped like onnxruntime's Chrome-trace profile (one per kernel run).
const ev = (node: string, op: string, provider: string, dur = 10) => ({ cat: 'Node', name: `${node}_kernel_time`, dur, args: { op_name: op, provider } });

describe('EP placement from an onnxruntime profile', () => {
  const events = [
    { cat: 'Session', name: 'model_loading_uri', dur: 1000 },
    ev('/MatMul_1', 'MatMul', 'WebGpuExecutionProvider', 50),
    ev('/MatMul_1', 'MatMul', 'WebGpuExecutionProvider', 40), // second run of the same node
    ev('/GQA_2', 'GroupQueryAttention', 'WebGpuExecutionProvider', 30),
    ev('/Cast_3', 'Cast', 'CPUExecutionProvider', 2),
    { cat: 'Node', name: '/MatMul_1_fence_before', dur: 0, args: { op_name: 'MatMul' } },
  ];
  it('counts distinct nodes per provider and sums kernel time', () => {
    const p = placementFromEvents(events);
    expect(p.totalNodes).toBe(3);
    expect(p.nodesByProvider).toEqual({ WebGpuExecutionProvider: 2, CPUExecutionProvider: 1 });
    expect(p.opsByProvider.WebGpuExecutionProvider).toEqual({ MatMul: 1, GroupQueryAttention: 1 });
    expect(p.kernelTimeUsByProvider.WebGpuExecutionProvider).toBe(120);
  });
  it('warns about shape-only CPU nodes mildly and about compute fallbacks loudly', () => {
    const shapeOnly = fallbackWarnings(placementFromEvents(events), 'webgpu');
    expect(shapeOnly.cpuComputeOps).toEqual([]);
    expect(shapeOnly.warnings[0]).toMatch(/1 of 3 graph nodes ran on the CPU EP \(integer shape\/mask ops only: Cast/);
    const bad = fallbackWarnings(placementFromEvents([...events, ev('/Attention_4', 'Attention', 'CPUExecutionProvider')]), 'webgpu');
    expect(bad.cpuComputeOps).toEqual(['Attention']);
    expect(bad.warnings[0]).toMatch(/fell back to the CPU EP, including compute ops Attention/);
    expect(fallbackWarnings(placementFromEvents(events), 'cpu').warnings).toEqual([]);
  });
  it('a shape-arithmetic op type on the CPU is a compute fallback when it moved float tensors (embedding Gather, KV Concat)', () => {
    // input_type_shape / output_type_shape as onnxruntime writes them: [{"<type>": [dims]}].
    const typed = (node: string, op: string, inT: string, outT: string) => ({
      cat: 'Node',
      name: `${node}_kernel_time`,
      dur: 5,
      args: { op_name: op, provider: 'CPUExecutionProvider', input_type_shape: [{ [inT]: [1, 4] }, { int64: [1, 4] }], output_type_shape: [{ [outT]: [1, 4, 64] }] },
    });
    const intOnly = fallbackWarnings(placementFromEvents([...events, typed('/Gather_pos', 'Gather', 'int64', 'int64')]), 'webgpu');
    expect(intOnly.cpuComputeOps).toEqual([]);
    expect(intOnly.cpuShapeOps).toEqual(['Cast', 'Gather']);
    const p = placementFromEvents([...events, typed('/Gather_pos', 'Gather', 'int64', 'int64'), typed('/embed/Gather', 'Gather', 'float16', 'float16')]);
    expect(p.floatOpsByProvider.CPUExecutionProvider).toEqual({ Gather: 1 });
    const f = fallbackWarnings(p, 'webgpu');
    expect(f.cpuComputeOps).toEqual(['Gather']);
    expect(f.cpuShapeOps).toEqual(['Cast']);
    expect(f.warnings[0]).toMatch(/^3 of 5 graph nodes fell back to the CPU EP, including compute ops Gather/);
  });
});
