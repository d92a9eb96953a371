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
 *
 * Threads: llvmpipe runs a compute dispatch on LP_NUM_THREADS threads (default: one per CPU), each
 * taking one contiguous chunk of num_workgroups / threads, and the dispatch ends when the last
 * chunk does (Mesa src/gallium/drivers/llvmpipe/lp_cs_tpool.c: `iter_per_thread = num_iters /
 * num_threads`, `lp_cs_tpool_wait_for_task`). With one thread per CPU, anything else that runs on
 * one CPU (another process, a kernel worker, the host's own wake-ups, a busy hyperthread of the
 * VM's host) stalls every dispatch while the other CPUs idle: a busy loop pinned to one of this
 * machine's 2 CPUs cut the hash rate 42-48 % (cpuminer, one independent thread per CPU: 24 %), and
 * quiet runs varied 36-46 MH/s. With two threads per CPU the scheduler hands a slowed CPU's second
 * chunk to a free one: 23 % under the same busy loop, and the same rate on a quiet machine.
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

/** llvmpipe threads per CPU joulebench asks for when LP_NUM_THREADS is not set (see the module note). */
export const LLVMPIPE_THREADS_PER_CPU = 2;
/** llvmpipe's own cap (LP_MAX_THREADS in Mesa's lp_limits.h). */
export const LLVMPIPE_MAX_THREADS = 32;

/**
 * Ask llvmpipe for LLVMPIPE_THREADS_PER_CPU threads per CPU, unless the user set LP_NUM_THREADS
 * or this process already created a WebGPU instance (llvmpipe reads it once, at initialisation).
 */
export function defaultLlvmpipeThreads(cpus = os.availableParallelism()): void {
  if (process.env.LP_NUM_THREADS !== undefined || gpuInstanceCreated()) return;
  process.env.LP_NUM_THREADS = String(Math.min(LLVMPIPE_MAX_THREADS, LLVMPIPE_THREADS_PER_CPU * cpus));
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
