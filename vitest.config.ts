import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects (issue 12): pure tests run in parallel first; tests that open the WebGPU adapter
// or an onnxruntime session (`*.gpu.test.ts`) then run one file at a time, because they share one
// software adapter on 2 cores (correctness tests, never timing-gated).
// Tests keep the autotune cache (src/hash/autotune-cache.ts) out of the user's ~/.cache.
const env = {
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
  JOULEBENCH_CACHE_DIR: process.env.JOULEBENCH_CACHE_DIR ?? join(tmpdir(), 'joulebench-test-cache'),
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.gpu.test.ts', '**/node_modules/**'],
          // vitest's default is (CPUs − 1) workers: ONE on a 2-core machine, which ran these files
          // one after another. Many wait on timers, meters and child processes, so two overlap.
          maxWorkers: 4,
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
          env,
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['test/**/*.gpu.test.ts'],
          fileParallelism: false,
          // One worker process for all GPU files (no per-file re-import of Dawn, onnxruntime and
          // the source graph: ~40 s of a loaded run). Each file opens and closes its own device
          // (test/helpers.ts useGpu) and restores any environment variable it sets.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
          env,
        },
      },
    ],
  },
});
