// runHashBench with a warm autotune cache: no trials run, the cached launch configuration is used
// and the result says what was cached. (The cached numbers are planted: the bench must take the
// configuration the cache names, not re-measure.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityOf, openDevice, type GpuContext } from '../../src/gpu/adapter.js';
import { autotuneCacheKey, writeAutotuneCache } from '../../src/hash/autotune-cache.js';
import { runHashBench } from '../../src/hash/bench.js';
import { launchLabel, type LaunchConfig } from '../../src/hash/kernels.js';

let ctxP: Promise<GpuContext> | null = null;
const gpu = (): Promise<GpuContext> => (ctxP ??= openDevice(process.env.JOULEBENCH_TEST_ADAPTER));
afterAll(async () => {
  if (ctxP) (await ctxP.catch(() => null))?.close();
});

describe('hash bench with a warm autotune cache', () => {
  it('uses the cached choice without trials and records the cache in the result', async () => {
    const ctx = await gpu();
    const saved = process.env.JOULEBENCH_CACHE_DIR;
    process.env.JOULEBENCH_CACHE_DIR = mkdtempSync(join(tmpdir(), 'jb-autotune-gpu-'));
    try {
      const candidates: LaunchConfig[] = [
        { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 2 },
        { variant: 'ref', workgroupSize: 64, valuesPerInvocation: 1 },
      ];
      // Planted: claim the second-listed config won, so the choice can only come from the cache.
      const key = autotuneCacheKey(identityOf(ctx.report), candidates, 0.6, 3);
      const trials = [candidates[1]!, candidates[0]!].map((launch, i) => ({ launch, label: launchLabel(launch), hashesPerSecond: 2e6 - i * 1e6, compileTimeMs: 1 }));
      writeAutotuneCache(key, trials, 'test');
      const t0 = performance.now();
      const m = await runHashBench(ctx, { seconds: 1, candidates, trialSeconds: 0.6, autotuneCache: { read: true, write: true } });
      const d = m.details as Record<string, any>;
      expect(d.launch.label).toBe(launchLabel(candidates[1]!));
      expect(d.autotuneCache.status).toBe('hit');
      expect(d.autotuneCache.note).toMatch(/read from the autotune cache/);
      expect(m.params.autotuneCache).toBe('hit');
      expect(d.autotune).toHaveLength(2);
      expect(d.stoppedBy).toBe('time-limit');
      // No trial ran: the whole bench is its warm-up, 1 s timed phase and one pipeline build.
      console.log(`[autotune-cache] warm bench with --seconds 1 took ${((performance.now() - t0) / 1000).toFixed(1)} s (pipeline ${Math.round(d.launch.compileTimeMs)} ms)`);
    } finally {
      if (saved === undefined) delete process.env.JOULEBENCH_CACHE_DIR;
      else process.env.JOULEBENCH_CACHE_DIR = saved;
    }
  });
});
