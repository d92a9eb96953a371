import '../fixtures/narrow-llvmpipe.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModelDir } from '../../src/infer/model-store.js';
import { DecoderRunner, argmaxLast, openDecoderSession, type Ep } from '../../src/infer/decoder.js';

// Runs the WebGPU EP on the software Vulkan adapter (lavapipe) in CI; with no adapter the WebGPU
// session cannot be created and this test FAILS (by design).
const root = mkdtempSync(join(tmpdir(), 'jb-infer-ep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Greedy decode: the prompt as one prefill run, then n − 1 single-token steps; where each step left the KV cache. */
async function greedy(file: string, ep: Ep, prompt: number[], n: number): Promise<{ tokens: number[]; locations: Array<string | null> }> {
  const presentNames = ['present.0.key', 'present.0.value', 'present.1.key', 'present.1.value'];
  const { session, io } = await openDecoderSession(file, ep, { presentNames });
  const r = new DecoderRunner(session, io, 1);
  const locations: Array<string | null> = [];
  try {
    let next = argmaxLast(await r.step(prompt, prompt.length))[0]!;
    const tokens = [next];
    for (let i = 1; i < n; i++) {
      next = argmaxLast(await r.step([next], 1))[0]!;
      locations.push(r.kvLocation);
      tokens.push(next);
    }
    return { tokens, locations };
  } finally {
    r.close();
    await session.release();
  }
}

describe('CPU EP and WebGPU EP (software Vulkan) agree on greedy tokens for the tiny model', () => {
  for (const variant of ['gqa', 'std'] as const) {
    it(`tiny fp32 ${variant}: 10 greedy tokens identical; WebGPU keeps the KV cache on the device`, async () => {
      const m = buildModelDir('tiny', { dtype: 'fp32', variant, dir: join(root, variant) });
      const prompt = [7, 300, 12, 99, 4, 250, 18, 77];
      const cpu = await greedy(m.modelPath, 'cpu', prompt, 10);
      const gpu = await greedy(m.modelPath, 'webgpu', prompt, 10);
      expect(gpu.tokens).toEqual(cpu.tokens);
      // Non-trivial sequence: a constant output would agree for the wrong reason.
      expect(new Set(cpu.tokens).size).toBeGreaterThan(2);
      expect(cpu.locations.every((l) => l === 'cpu')).toBe(true);
      expect(gpu.locations.every((l) => l === 'gpu-buffer')).toBe(true);
    });
  }
});
