import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three projects (issue 12: `npm test` ≤ 2 min on a 2-core machine):
//  1. unit  (`*.test.ts`): no GPU, no onnxruntime; many wait on timers, fake meters and child
//     processes. vitest's default is (CPUs − 1) = ONE worker here.
//  2. gpu   (`*.gpu.test.ts`): open the WebGPU adapter or an onnxruntime session (directly or via
//     a spawned CLI): correctness tests, never timing-gated.
//     unit and gpu share one pool of four workers (one sequence group; vitest requires the same
//     maxWorkers within a group): the unit files' waits overlap the GPU files' CPU work. Run one
//     after the other (3 + 2 workers) the suite took 126.6 s here on a quiet 2-core AMD EPYC; in
//     one pool, 102.9 s, every file passing (2026-12-07).
//  3. solo  (`*.solo.test.ts`): end-to-end checks whose verdict depends on run-to-run noise (the
//     interleaved A/B gate on real runs); they run alone, after everything else.
// `isolate: false` keeps one module graph per worker (no per-file re-import of Dawn, onnxruntime
// and the CLI program: ~20 s per run here); each file restores the environment it changes. The
// llvmpipe SIMD width is fixed per process once a WebGPU instance exists (src/gpu/llvmpipe.ts).
// Tests keep the autotune cache (src/hash/autotune-cache.ts) out of the user's ~/.cache.
const env = {
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
  JOULEBENCH_CACHE_DIR: process.env.JOULEBENCH_CACHE_DIR ?? join(tmpdir(), 'joulebench-test-cache'),
};
const common = { isolate: false, env };
// GPU files run llvmpipe at 128-bit SIMD with its own Mesa shader cache (what
// src/gpu/llvmpipe.ts setLlvmpipeVectorWidth does; spawned CLIs inherit it): on a cold cache most
// of their time is llvmpipe JIT-compiling onnxruntime's WGSL, and that compile time grows with the
// width (tiny GQA prefill: 11.7 s at 128 bits vs 28.9 s at 256). The width changes how invocations
// are vectorised, not what a shader computes; `hash-llvmpipe-width` runs a 512-bit process too.
// One llvmpipe thread per process (LP_NUM_THREADS): two workers, their spawned CLIs and
// onnxruntime's own threads already cover the 2 cores; a second llvmpipe thread each only added
// contention.
const gpuEnv = {
  ...env,
  LP_NUM_THREADS: process.env.LP_NUM_THREADS ?? '1',
  LP_NATIVE_VECTOR_WIDTH: process.env.LP_NATIVE_VECTOR_WIDTH ?? '128',
  MESA_SHADER_CACHE_DIR: process.env.MESA_SHADER_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), `joulebench-mesa-lp${process.env.LP_NATIVE_VECTOR_WIDTH ?? '128'}`),
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.gpu.test.ts', 'test/**/*.solo.test.ts', '**/node_modules/**'],
          maxWorkers: 4,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'gpu',
          env: gpuEnv,
          include: ['test/**/*.gpu.test.ts'],
          maxWorkers: 4,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'solo',
          env: gpuEnv,
          include: ['test/**/*.solo.test.ts'],
          fileParallelism: false,
          testTimeout: 420_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
