/**
 * Shader loading, a per-device compute-pipeline cache and labelled buffer helpers.
 *
 * Pipelines are keyed by shader file + entry point + override constants: WGSL `override`
 * constants are fixed at pipeline creation (WGSL spec §"Override declarations"), so every
 * autotune point is its own pipeline, and compiling one can take seconds on a software adapter.
 * Compilation errors are surfaced through `getCompilationInfo()` and a validation error scope,
 * bounded by a timeout like every other GPU wait.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../report/environment.js';
import { withTimeout } from '../util/timeout.js';

/** Bound on one pipeline compilation (a software adapter compiles a big unrolled kernel in seconds). */
export const PIPELINE_TIMEOUT_MS = 180_000;

const sourceCache = new Map<string, string>();

/** Read `<packageRoot>/shaders/<file>` (cached per process). */
export function loadShaderSource(file: string): string {
  const hit = sourceCache.get(file);
  if (hit !== undefined) return hit;
  const text = readFileSync(join(packageRoot(), 'shaders', file), 'utf8');
  sourceCache.set(file, text);
  return text;
}

/** A compiled pipeline and how long it took to build. */
export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  compileTimeMs: number;
}

const pipelineCaches = new WeakMap<GPUDevice, Map<string, Promise<CachedPipeline>>>();

/**
 * Get (or build) a compute pipeline for `file` with the given override constants.
 * Throws with the compiler's messages when the shader does not compile.
 */
export function computePipeline(
  device: GPUDevice,
  file: string,
  constants: Record<string, number> = {},
  entryPoint = 'main',
): Promise<CachedPipeline> {
  let cache = pipelineCaches.get(device);
  if (!cache) {
    cache = new Map();
    pipelineCaches.set(device, cache);
  }
  const key = `${file}#${entryPoint}#${Object.entries(constants).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',')}`;
  let p = cache.get(key);
  if (!p) {
    p = buildPipeline(device, file, constants, entryPoint, key);
    cache.set(key, p);
    p.catch(() => cache!.delete(key));
  }
  return p;
}

async function buildPipeline(
  device: GPUDevice,
  file: string,
  constants: Record<string, number>,
  entryPoint: string,
  label: string,
): Promise<CachedPipeline> {
  const t0 = performance.now();
  const module = device.createShaderModule({ label: `shader:${file}`, code: loadShaderSource(file) });
  const info = await withTimeout(module.getCompilationInfo(), PIPELINE_TIMEOUT_MS, `compiling ${file}`);
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new Error(`${file} does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  }
  device.pushErrorScope('validation');
  const pipeline = await withTimeout(
    device.createComputePipelineAsync({ label: `pipeline:${label}`, layout: 'auto', compute: { module, entryPoint, constants } }),
    PIPELINE_TIMEOUT_MS,
    `creating pipeline ${label}`,
  );
  const err = await withTimeout(device.popErrorScope(), PIPELINE_TIMEOUT_MS, `validating pipeline ${label}`);
  if (err) throw new Error(`pipeline ${label}: ${err.message}`);
  return { pipeline, compileTimeMs: performance.now() - t0 };
}

/** Create a labelled buffer (every GPU object carries a label so validation errors name it). */
export function createBuffer(device: GPUDevice, label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
  // Buffer sizes must be multiples of 4 for copies and mapping.
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
}

/** Upload words into a buffer at offset 0. */
export function writeWords(device: GPUDevice, buffer: GPUBuffer, words: Uint32Array): void {
  device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, words.byteLength);
}
