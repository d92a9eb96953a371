/**
 * A batch whose KV cache and prefill logits would not fit is refused before it runs
 * (src/infer/serving.ts batchFit), with the bytes worked out by hand for GPT-2 124M shapes.
 */
import { describe, expect, it } from 'vitest';
import { batchFit, HOST_MEMORY_SHARE, LOGITS_COPIES, type FitInputs } from '../../src/infer/serving.js';

// GPT-2 124M: 12 layers, 12 heads of 64, fp32 KV; vocab 50257. One sequence at 512 + 128 tokens
// holds 2 (k, v) × 12 × 12 × 640 × 64 × 4 B = 47,185,920 B of KV cache.
const PER_SEQ = 2 * 12 * 12 * 640 * 64 * 4;
const GiB = 2 ** 30;
const base: FitInputs = {
  batch: 1,
  kvBytesPerSequence: PER_SEQ,
  kvTensors: 24,
  poolRunners: 5,
  prompt: 512,
  vocabSize: 50257,
  logitsBytesPerElement: 4,
  kvOn: 'host',
  hostAvailableBytes: 20 * GiB,
  maxBufferBytes: null,
};

describe('batchFit', () => {
  it('counts the decode pool, the stepped cache and the prefill logits copies', () => {
    const f = batchFit({ ...base, batch: 4 });
    expect(PER_SEQ).toBe(47_185_920);
    expect(f.kvCacheBytes).toBe(4 * 47_185_920);
    expect(f.kvPoolBytes).toBe(5 * 4 * 47_185_920);
    expect(f.prefillLogitsBytes).toBe(4 * 512 * 50257 * 4); // 411,705,344 B
    expect(f.kvTensorBytes).toBe((4 * 47_185_920) / 24);
    // 6 × 188.7 MB KV + 3 × 411.7 MB logits = 2.37 GB, well inside 80 % of 20 GiB.
    expect(f.reason).toBeNull();
  });

  it('refuses a batch over the host share, naming the sizes and the fix', () => {
    // Batch 64: KV 3.02 GB × 6 = 18.1 GB; logits 6.59 GB × 3 = 19.8 GB; need 37.9 GB > 16 GiB.
    const f = batchFit({ ...base, batch: 64 });
    const need = 6 * 64 * PER_SEQ + LOGITS_COPIES * 64 * 512 * 50257 * 4;
    expect(need / GiB).toBeCloseTo(35.3, 1);
    expect(f.reason).toMatch(/^needs ≈ 35\.3 GiB of host memory \(KV cache 6 × 2\.8 GiB: the decode pool and the step's new cache \+ prefill logits 3 × 6\.1 GiB \(64 × 512 × 50257: .*\)\), over 80 % of the 20\.0 GiB available; lower --prompt\/--gen\/--repetitions or drop 64 from --batch$/);
    // The boundary is HOST_MEMORY_SHARE of what is available.
    expect(batchFit({ ...base, batch: 64, hostAvailableBytes: need / HOST_MEMORY_SHARE + 1 }).reason).toBeNull();
    expect(batchFit({ ...base, batch: 64, hostAvailableBytes: need / HOST_MEMORY_SHARE - 1 }).reason).not.toBeNull();
  });

  it('KV on a device: host memory holds the logits only; one KV tensor must fit the adapter\'s largest buffer', () => {
    const dev = { ...base, kvOn: 'device' as const, maxBufferBytes: 256 * 2 ** 20 };
    // Batch 16: one layer's key = 16 × 47,185,920 / 24 = 31.5 MB ≤ 256 MiB.
    expect(batchFit({ ...dev, batch: 16 }).reason).toBeNull();
    // Batch 256: 503 MB > 256 MiB (logits 26 GB × 3 are over the host share first at 20 GiB).
    const f = batchFit({ ...dev, batch: 256, hostAvailableBytes: 200 * GiB });
    expect(f.reason).toMatch(/^one layer's KV tensor would be 0\.47 GiB, over the adapter's largest buffer \(0\.25 GiB\)/);
  });

  it('unknown vocab: logits are not counted, and not invented', () => {
    expect(batchFit({ ...base, batch: 4, vocabSize: null }).prefillLogitsBytes).toBeNull();
  });
});
