/**
 * Autotune cache: the launch configuration `hash bench` picked, stored per adapter + driver +
 * kernel version, so a short run costs its timed phase plus one pipeline compilation instead of
 * seven compile-and-measure trials.
 *
 * The key holds everything that can change the choice: the adapter's identity (backend, name,
 * vendor, architecture, device, description — Vulkan puts the driver version there — and driver),
 * the llvmpipe settings for a software adapter (LP_NATIVE_VECTOR_WIDTH, LP_NUM_THREADS), the Dawn
 * (`webgpu` package) version, the WGSL source of every candidate kernel, the candidate list and the
 * trial parameters. Any change gives another key, hence another file: nothing stale is ever read.
 * The file stores the key in full and is checked against it (and validated) on read; a corrupt or
 * mismatching file is ignored with a warning and re-tuned.
 *
 * Location: $JOULEBENCH_CACHE_DIR, else $XDG_CACHE_HOME/joulebench, else ~/.cache/joulebench
 * (XDG Base Directory Specification), under `autotune/`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { llvmpipeSettings } from '../gpu/llvmpipe.js';
import { depVersion, toolVersion } from '../util/package.js';
import { writeFileAtomic } from '../util/atomic.js';
import { kernelSource, launchLabel, type LaunchConfig } from './kernels.js';

/** One autotune trial: a launch configuration and the rate it reached (src/hash/bench.ts autotune). */
export interface AutotuneTrial {
  launch: LaunchConfig;
  label: string;
  hashesPerSecond: number;
  compileTimeMs: number;
}

/**
 * Bump when the autotune procedure changes meaning (invalidates every cached choice). 2: trials
 * timed by the issue-19 engine; version-1 trials could be skewed by the old wait's feedback loop
 * (one trial measured x2 wg=64 npi=2 at 1.08 MH/s against 24 MH/s for x2 wg=256 npi=8).
 */
export const AUTOTUNE_CACHE_VERSION = 2;

/** Everything a cached choice depends on. */
export interface AutotuneCacheKey {
  cacheVersion: number;
  adapter: Omit<AdapterIdentity, 'index'>;
  /** Driver settings that change compute throughput (software adapters). */
  driverSettings: Record<string, string | null>;
  /** npm `webgpu` (Dawn) version. */
  dawn: string | null;
  /** sha256 of each candidate kernel's WGSL source as it will run, by file. */
  kernelSources: Record<string, string>;
  candidates: LaunchConfig[];
  trialSeconds: number;
  inFlight: number;
}

const launchSchema = z.object({ variant: z.enum(['ref', 'x1', 'x2', 'x4']), workgroupSize: z.number().int().positive(), valuesPerInvocation: z.number().int().positive() });

const fileSchema = z.object({
  cacheVersion: z.literal(AUTOTUNE_CACHE_VERSION),
  keyHash: z.string(),
  key: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  toolVersion: z.string().nullable(),
  trials: z.array(z.object({ launch: launchSchema, label: z.string(), hashesPerSecond: z.number().positive(), compileTimeMs: z.number().nonnegative() })).min(1),
});

/** What a result records about the cache. */
export interface AutotuneCacheInfo {
  /** hit: choice read from the cache; miss: tuned and stored; refreshed: tuned (--no-autotune-cache) and stored. */
  status: 'hit' | 'miss' | 'refreshed';
  file: string;
  keyHash: string;
  /** When the cached trials were measured. */
  tunedAt: string;
  /** What was cached, in words. */
  note: string;
  /** Why a cache file was ignored, if one was. */
  ignored?: string;
}

/** Cache root: $JOULEBENCH_CACHE_DIR, else $XDG_CACHE_HOME/joulebench, else ~/.cache/joulebench. */
export function cacheRoot(): string {
  if (process.env.JOULEBENCH_CACHE_DIR) return process.env.JOULEBENCH_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache'), 'joulebench');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Stable JSON (sorted object keys) so equal keys hash equally. */
function stable(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stable).join(',')}]`;
  if (x && typeof x === 'object') return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${stable((x as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(x);
}

/** Build the key for this adapter, candidate list and trial parameters. */
export function autotuneCacheKey(adapter: AdapterIdentity, candidates: readonly LaunchConfig[], trialSeconds: number, inFlight: number): AutotuneCacheKey {
  const { index: _index, ...identity } = adapter;
  const variants = [...new Set(candidates.map((c) => c.variant))].sort();
  return {
    cacheVersion: AUTOTUNE_CACHE_VERSION,
    adapter: identity,
    driverSettings: adapter.isSoftware ? llvmpipeSettings() : {},
    dawn: depVersion('webgpu'),
    // The code each kernel will run (generated in memory or a JOULEBENCH_SHADER_DIR override): an
    // edit to the generator or the override invalidates the cached choice.
    kernelSources: Object.fromEntries(variants.map((v) => { const src = kernelSource(v); return [src.name, src.sha256]; })),
    candidates: candidates.map((c) => ({ ...c })),
    trialSeconds,
    inFlight,
  };
}

/** The cache file of a key. */
export function cacheFileFor(key: AutotuneCacheKey): { file: string; keyHash: string } {
  const keyHash = sha256(stable(key));
  return { file: join(cacheRoot(), 'autotune', `${keyHash.slice(0, 24)}.json`), keyHash };
}

/** Read the cached trials for `key` (best first), or null with why (absent, corrupt, other key). */
export function readAutotuneCache(key: AutotuneCacheKey): { trials: AutotuneTrial[]; tunedAt: string; file: string; keyHash: string } | { file: string; keyHash: string; ignored: string | null } {
  const { file, keyHash } = cacheFileFor(key);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file, keyHash, ignored: null };
  }
  try {
    const doc = fileSchema.parse(JSON.parse(text));
    if (doc.keyHash !== keyHash || stable(doc.key) !== stable(key)) return { file, keyHash, ignored: `${file} holds another key` };
    const trials = doc.trials.map((t) => ({ launch: t.launch as LaunchConfig, label: launchLabel(t.launch as LaunchConfig), hashesPerSecond: t.hashesPerSecond, compileTimeMs: t.compileTimeMs }));
    return { trials: trials.sort((a, b) => b.hashesPerSecond - a.hashesPerSecond), tunedAt: doc.createdAt, file, keyHash };
  } catch (e) {
    return { file, keyHash, ignored: `${file} is not a valid autotune cache file (${(e as Error).message.split('\n')[0]})` };
  }
}

/** Store the trials for `key` (atomically); returns the file. */
export function writeAutotuneCache(key: AutotuneCacheKey, trials: readonly AutotuneTrial[], toolVersion: string | null): { file: string; keyHash: string; tunedAt: string } {
  const { file, keyHash } = cacheFileFor(key);
  const tunedAt = new Date().toISOString();
  const doc = {
    cacheVersion: AUTOTUNE_CACHE_VERSION,
    keyHash,
    key,
    createdAt: tunedAt,
    toolVersion,
    trials: trials.map((t) => ({ launch: t.launch, label: t.label, hashesPerSecond: t.hashesPerSecond, compileTimeMs: t.compileTimeMs })),
  };
  writeFileAtomic(file, JSON.stringify(doc, null, 2) + '\n');
  return { file, keyHash, tunedAt };
}

/** How runHashBench should use the cache. */
export interface AutotuneCacheMode {
  /** Read a cached choice (false: tune afresh, then refresh the cache). */
  read: boolean;
  /** Store the choice after tuning. */
  write: boolean;
}

/**
 * The autotuned trials for this adapter: from the cache when `mode` allows and it holds them, else
 * by running `tune` (and storing its trials). No `mode`: just `tune` (cache null). A cache that
 * cannot be written is reported, never fatal.
 */
export async function cachedAutotune(
  adapter: AdapterIdentity,
  candidates: readonly LaunchConfig[],
  params: { trialSeconds: number; inFlight: number },
  mode: AutotuneCacheMode | undefined,
  tune: () => Promise<AutotuneTrial[]>,
  onWarning: (m: string) => void = () => {},
): Promise<{ trials: AutotuneTrial[]; cache: AutotuneCacheInfo | null }> {
  if (!mode) return { trials: await tune(), cache: null };
  const key = autotuneCacheKey(adapter, candidates, params.trialSeconds, params.inFlight);
  let ignored: string | undefined;
  if (mode.read) {
    const hit = readAutotuneCache(key);
    if ('trials' in hit) {
      const best = hit.trials[0]!;
      return {
        trials: hit.trials,
        cache: {
          status: 'hit',
          file: hit.file,
          keyHash: hit.keyHash,
          tunedAt: hit.tunedAt,
          note: `launch configuration ${best.label} read from the autotune cache (${hit.trials.length} trials measured ${hit.tunedAt}; key: adapter + driver + Dawn version + kernel sources + candidates); --no-autotune-cache re-tunes`,
        },
      };
    }
    if (hit.ignored) {
      ignored = hit.ignored;
      onWarning(`autotune cache ignored: ${hit.ignored}; re-tuning`);
    }
  }
  const trials = await tune();
  const { file, keyHash } = cacheFileFor(key);
  let tunedAt = new Date().toISOString();
  let written = false;
  if (mode.write) {
    try {
      tunedAt = writeAutotuneCache(key, trials, toolVersion()).tunedAt;
      written = true;
    } catch (e) {
      onWarning(`autotune cache not written (${(e as Error).message}); set JOULEBENCH_CACHE_DIR to a writable directory`);
    }
  }
  return {
    trials,
    cache: {
      status: mode.read ? 'miss' : 'refreshed',
      file,
      keyHash,
      tunedAt,
      note: `autotuned now (${trials.length} trials)${written ? `; choice stored in ${file} for the next run on this adapter, driver and kernel version` : '; not stored'}`,
      ...(ignored ? { ignored } : {}),
    },
  };
}
