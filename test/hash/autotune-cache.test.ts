// The autotune cache (no GPU: the tune step is a stub): a second run on the same adapter, driver
// and kernels reuses the stored choice; any change to them re-tunes; a corrupt file is ignored.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterIdentity } from '../../src/gpu/adapter.js';
import { autotuneCacheKey, cachedAutotune, cacheFileFor, cacheRoot } from '../../src/hash/autotune-cache.js';
import type { AutotuneTrial } from '../../src/hash/bench.js';
import { launchLabel, type LaunchConfig } from '../../src/hash/kernels.js';

const adapter: AdapterIdentity = {
  index: 0,
  backend: 'vulkan',
  name: 'llvmpipe (LLVM 15.0.6, 256 bits)',
  vendor: 'mesa',
  architecture: '',
  device: '',
  description: 'Mesa 25.0.7 - kisak-mesa PPA (LLVM 15.0.6)',
  driver: 'llvmpipe Mesa 25.0.7',
  isSoftware: true,
};
const candidates: LaunchConfig[] = [
  { variant: 'x1', workgroupSize: 64, valuesPerInvocation: 4 },
  { variant: 'x2', workgroupSize: 256, valuesPerInvocation: 8 },
];
const params = { trialSeconds: 0.6, inFlight: 3 };
const rw = { read: true, write: true };

let tuned = 0;
const tune = async (): Promise<AutotuneTrial[]> => {
  tuned++;
  return candidates.map((launch, i) => ({ launch, label: launchLabel(launch), hashesPerSecond: 1e6 * (i + 1), compileTimeMs: 10 })).reverse();
};

let env0: Record<string, string | undefined>;
beforeEach(() => {
  env0 = { JOULEBENCH_CACHE_DIR: process.env.JOULEBENCH_CACHE_DIR, LP_NUM_THREADS: process.env.LP_NUM_THREADS };
  process.env.JOULEBENCH_CACHE_DIR = mkdtempSync(join(tmpdir(), 'jb-autotune-'));
  delete process.env.LP_NUM_THREADS;
  tuned = 0;
});
afterEach(() => {
  for (const [k, v] of Object.entries(env0)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

describe('autotune cache', () => {
  it('tunes once, then reuses the stored choice and says so', async () => {
    const first = await cachedAutotune(adapter, candidates, params, rw, tune);
    expect(first.cache!.status).toBe('miss');
    expect(first.cache!.note).toMatch(/autotuned now \(2 trials\); choice stored in/);
    const second = await cachedAutotune(adapter, candidates, params, rw, tune);
    expect(tuned).toBe(1);
    expect(second.cache!.status).toBe('hit');
    expect(second.trials.map((t) => t.label)).toEqual(first.trials.map((t) => t.label));
    expect(second.trials[0]!.launch).toEqual(candidates[1]);
    expect(second.cache!.note).toMatch(/^launch configuration x2 wg=256 npi=8 .* read from the autotune cache \(2 trials measured /);
    expect(readdirSync(join(cacheRoot(), 'autotune'))).toHaveLength(1);
  });
  it('re-tunes when the adapter, driver, driver settings or candidates change', async () => {
    await cachedAutotune(adapter, candidates, params, rw, tune);
    await cachedAutotune({ ...adapter, driver: 'llvmpipe Mesa 25.1.0' }, candidates, params, rw, tune);
    await cachedAutotune({ ...adapter, name: 'NVIDIA GeForce RTX 4090', isSoftware: false }, candidates, params, rw, tune);
    process.env.LP_NUM_THREADS = '1';
    await cachedAutotune(adapter, candidates, params, rw, tune);
    delete process.env.LP_NUM_THREADS;
    await cachedAutotune(adapter, candidates.slice(0, 1), params, rw, tune);
    await cachedAutotune(adapter, candidates, { ...params, trialSeconds: 1 }, rw, tune);
    expect(tuned).toBe(6);
    // The kernel version is the hash of each candidate kernel's WGSL source.
    const key = autotuneCacheKey(adapter, candidates, 0.6, 3);
    expect(Object.keys(key.kernelSources).sort()).toEqual(['sha256d_x1.wgsl', 'sha256d_x2.wgsl']);
    expect(key.kernelSources['sha256d_x1.wgsl']).toMatch(/^[0-9a-f]{64}$/);
    // The adapter index (which may change with another device plugged in) is not part of it.
    await cachedAutotune({ ...adapter, index: 3 }, candidates, params, rw, tune);
    expect(tuned).toBe(6);
  });
  it('without a cache mode it just tunes', async () => {
    const r = await cachedAutotune(adapter, candidates, params, undefined, tune);
    expect(r.cache).toBeNull();
    expect(tuned).toBe(1);
  });
  it('--no-autotune-cache re-tunes and refreshes the stored choice', async () => {
    await cachedAutotune(adapter, candidates, params, rw, tune);
    const fresh = await cachedAutotune(adapter, candidates, params, { read: false, write: true }, tune);
    expect(tuned).toBe(2);
    expect(fresh.cache!.status).toBe('refreshed');
  });
  it('ignores a corrupt cache file with a warning and re-tunes; an unwritable cache is not fatal', async () => {
    const { file } = cacheFileFor(autotuneCacheKey(adapter, candidates, params.trialSeconds, params.inFlight));
    await cachedAutotune(adapter, candidates, params, rw, tune);
    writeFileSync(file, '{"cacheVersion": 1, "trials": "garbage"}');
    const warnings: string[] = [];
    const r = await cachedAutotune(adapter, candidates, params, rw, tune, (w) => warnings.push(w));
    expect(tuned).toBe(2);
    expect(r.cache!.status).toBe('miss');
    expect(warnings[0]).toMatch(/autotune cache ignored: .* is not a valid autotune cache file/);
    // A cache path under a regular file cannot be created (ENOTDIR), even as root.
    const blocker = join(process.env.JOULEBENCH_CACHE_DIR!, 'a-file');
    writeFileSync(blocker, '');
    process.env.JOULEBENCH_CACHE_DIR = join(blocker, 'cache');
    const w2: string[] = [];
    const r2 = await cachedAutotune(adapter, candidates, params, rw, tune, (w) => w2.push(w));
    expect(r2.trials).toHaveLength(2);
    expect(w2.join(' ')).toMatch(/autotune cache not written .* set JOULEBENCH_CACHE_DIR/);
  });
});
