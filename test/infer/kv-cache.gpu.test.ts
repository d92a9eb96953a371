import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModelDir } from '../../src/infer/model-store.js';
import { DecoderRunner, openDecoderSession } from '../../src/infer/decoder.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-kv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const B = 2;
const P = 5;
const N = 7;
// Two sequences of P + N token ids (row-major per sequence).
const seqs = [
  [3, 141, 59, 26, 5, 358, 97, 93, 238, 46, 264, 33],
  [2, 71, 82, 81, 82, 84, 59, 4, 52, 353, 60, 287],
];

/** logits[b][pos] as plain arrays. */
function rows(t: ort.Tensor): number[][][] {
  const [b, s, v] = t.dims as number[];
  const d = t.data as Float32Array;
  return Array.from({ length: b! }, (_, i) => Array.from({ length: s! }, (_, j) => Array.from(d.subarray((i * s! + j) * v!, (i * s! + j + 1) * v!))));
}
function maxAbsDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function fullAndIncremental(dir: string) {
  const { session, io } = await openDecoderSession(join(dir, 'model.onnx'), 'cpu');
  try {
    const full = new DecoderRunner(session, io, B);
    const all = rows(await full.step(seqs.flat(), P + N));
    const inc = new DecoderRunner(session, io, B);
    const incremental: number[][][] = [[], []];
    const pre = rows(await inc.step(seqs.flatMap((s) => s.slice(0, P)), P));
    for (let b = 0; b < B; b++) incremental[b]!.push(...pre[b]!);
    for (let i = P; i < P + N; i++) {
      const step = rows(await inc.step(seqs.map((s) => s[i]!), 1));
      for (let b = 0; b < B; b++) incremental[b]!.push(step[b]![0]!);
    }
    expect(inc.pastLength).toBe(P + N);
    return { all, incremental };
  } finally {
    await session.release();
  }
}

describe('decode with KV cache equals full recomputation without cache (fp32, max |Δ| ≤ 1e-4)', () => {
  for (const preset of ['tiny', 'tiny-gpt2']) {
    it(`${preset}: both graph variants, and the GQA fast path equals the standard-opset graph`, async () => {
      const results: Record<string, { all: number[][][]; incremental: number[][][] }> = {};
      for (const variant of ['gqa', 'std'] as const) {
        const m = buildModelDir(preset, { dtype: 'fp32', variant, dir: join(root, `${preset}-${variant}`) });
        const r = await fullAndIncremental(m.dir);
        results[variant] = r;
        let worst = 0;
        for (let b = 0; b < B; b++) for (let p = 0; p < P + N; p++) worst = Math.max(worst, maxAbsDiff(r.all[b]![p]!, r.incremental[b]![p]!));
        expect(worst, `${preset}/${variant}: cached vs recomputed`).toBeLessThanOrEqual(1e-4);
        // Logits must actually vary with the input (a graph ignoring the cache would still "agree").
        expect(maxAbsDiff(r.all[0]![P + N - 1]!, r.all[1]![P + N - 1]!)).toBeGreaterThan(1e-3);
      }
      let cross = 0;
      for (let b = 0; b < B; b++) for (let p = 0; p < P + N; p++) cross = Math.max(cross, maxAbsDiff(results.gqa!.all[b]![p]!, results.std!.all[b]![p]!));
      expect(cross, `${preset}: GroupQueryAttention graph vs standard-op graph`).toBeLessThanOrEqual(1e-4);
    });
  }
});
