/**
 * llvmpipe (Mesa's software rasteriser behind lavapipe) driver settings that matter for compute.
 *
 * llvmpipe JIT-compiles each compute shader to run `LP_NATIVE_VECTOR_WIDTH` bits of invocations
 * per SIMD op (default min(CPU max, 256): Mesa gallivm `lp_build_init_native_width`, "Default to
 * 256 until we're confident llvmpipe with 512 is as correct and not slower than 256"). On a CPU
 * with full-width AVX-512, 512 runs 16 invocations per instruction instead of 8.
 *
 * The variable is read once per process, when llvmpipe initialises (the first WebGPU adapter
 * request), so it must be set before any adapter is opened. It changes the adapter's name
 * ("llvmpipe (LLVM 15.0.6, 512 bits)"), hence its identity: opt-in only.
 *
 * Mesa's on-disk shader cache key does not include the width (measured here: a 512-bit process
 * ran at the 256-bit rate until the cache was disabled), so a width other than the default gets
 * its own cache directory.
 */
import os from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** Widths llvmpipe accepts. */
export const LLVMPIPE_WIDTHS = [128, 256, 512] as const;

/** Parse a `--llvmpipe-width` value. */
export function parseLlvmpipeWidth(raw: string, flag = '--llvmpipe-width'): number {
  const bits = Number(raw);
  if (!(LLVMPIPE_WIDTHS as readonly number[]).includes(bits)) throw new UsageError(`${flag} '${raw}': must be one of ${LLVMPIPE_WIDTHS.join(', ')} (bits)`);
  return bits;
}

/**
 * Ask llvmpipe for `bits`-wide SIMD in this process. Call before the first adapter is opened;
 * check the result with `llvmpipeWidthOf(adapter name)` afterwards.
 */
export function setLlvmpipeVectorWidth(bits: number): void {
  parseLlvmpipeWidth(String(bits));
  if (gpuInstanceWidth !== undefined && gpuInstanceWidth !== String(bits)) {
    // Measured here: a Dawn/onnxruntime device created after the change ran onnxruntime's
    // MatMulNBits WGSL with logits off by ~10 (the process's llvmpipe had initialised at the old
    // width), while the same graph in a fresh process at either width was exact.
    throw new Error(
      `LP_NATIVE_VECTOR_WIDTH ${bits}: llvmpipe already initialised in this process at ${gpuInstanceWidth === '' ? 'its default width' : `${gpuInstanceWidth} bits`}; the width can only be chosen before the first WebGPU adapter or session opens (mixing widths in one process computes wrong results)`,
    );
  }
  process.env.LP_NATIVE_VECTOR_WIDTH = String(bits);
  isolateShaderCache();
}

/** LP_NATIVE_VECTOR_WIDTH ('' = default) when this process first created a WebGPU instance; undefined before. */
let gpuInstanceWidth: string | undefined;

/**
 * Record that this process is about to create a WebGPU instance (Dawn for hashing, or onnxruntime's
 * WebGPU EP): llvmpipe reads its width once per process, so later width changes are refused.
 */
export function noteGpuInstance(): void {
  gpuInstanceWidth ??= process.env.LP_NATIVE_VECTOR_WIDTH ?? '';
}

/** True once this process created a WebGPU instance (the llvmpipe width is then fixed). */
export function gpuInstanceCreated(): boolean {
  return gpuInstanceWidth !== undefined;
}

/** Give a non-default LP_NATIVE_VECTOR_WIDTH its own Mesa shader cache (unless the user chose a cache dir). */
export function isolateShaderCache(): void {
  const w = process.env.LP_NATIVE_VECTOR_WIDTH;
  if (!w || process.env.MESA_SHADER_CACHE_DIR) return;
  const base = process.env.XDG_CACHE_HOME ?? join(os.homedir(), '.cache');
  process.env.MESA_SHADER_CACHE_DIR = join(base, `joulebench-mesa-lp${w.replace(/[^0-9]/g, '')}`);
}

/** The SIMD width an llvmpipe adapter name reports ("llvmpipe (LLVM 15.0.6, 256 bits)"), or null. */
export function llvmpipeWidthOf(name: string): number | null {
  const m = /llvmpipe.*?(\d+) bits/i.exec(name);
  return m ? Number(m[1]) : null;
}

/** Driver settings worth recording with a software-adapter measurement. */
export function llvmpipeSettings(): Record<string, string | null> {
  return {
    LP_NATIVE_VECTOR_WIDTH: process.env.LP_NATIVE_VECTOR_WIDTH ?? null,
    LP_NUM_THREADS: process.env.LP_NUM_THREADS ?? null,
    MESA_SHADER_CACHE_DIR: process.env.MESA_SHADER_CACHE_DIR ?? null,
  };
}
