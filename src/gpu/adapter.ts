/**
 * WebGPU adapter discovery and selection through Dawn's Node bindings (npm `webgpu`).
 *
 * The WebGPU API only hands out one adapter per request, so to list *every* adapter we use
 * dawn.node's own option: `create(['adapter=<unknown>'])` fails with a list of the adapters Dawn
 * found ("Available adapters: * backend: 'vulkan', name: '...'"; see the `webgpu` package README).
 * Each listed adapter is then opened with `backend=<b>` + `adapter=<name>`.
 */
import { create, globals } from 'webgpu';
import { UsageError } from '../util/errors.js';
import { noteGpuInstance } from './llvmpipe.js';
import { withTimeout } from '../util/timeout.js';

// WebGPU enums (GPUBufferUsage, GPUMapMode, ...) live on globalThis in browsers; dawn.node exports them.
Object.assign(globalThis, globals);

// Dawn's OpenGL ES backend needs EGL without a display server; Mesa picks the platform from this
// variable (Mesa docs, "EGL_PLATFORM"). Harmless for Vulkan.
process.env.EGL_PLATFORM ??= 'surfaceless';

/** Bound on any adapter/device request: a broken ICD can hang instead of failing. */
export const ADAPTER_TIMEOUT_MS = 30_000;

/** The identity of an adapter, as stored in results and compared between hashing and inference. */
export interface AdapterIdentity {
  /** Position in `listAdapters()` order; `--adapter <index>` refers to this. */
  index: number;
  /** Dawn backend: vulkan, opengles, metal, d3d12, ... */
  backend: string;
  /** Dawn's adapter name (what `adapter=<name>` selects), e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Driver name and version where the backend reports it (Vulkan: in the description). */
  driver: string | null;
  /** True for CPU rasterisers (lavapipe/llvmpipe, SwiftShader): timings are CPU timings. */
  isSoftware: boolean;
}

/** Everything `devices` shows about one adapter. */
export interface AdapterReport extends AdapterIdentity {
  featureLevel: 'core' | 'compatibility';
  features: string[];
  limits: Record<string, number>;
  subgroupMinSize: number | null;
  subgroupMaxSize: number | null;
}

/** An adapter opened for use, with the dawn.node instance that must stay referenced. */
export interface OpenedAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  report: AdapterReport;
}

const KEY_LIMITS = [
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
] as const;

const SOFTWARE_RE = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render/i;

/** Parse dawn.node's "Available adapters" list out of its error message. */
export function parseAdapterList(message: string): Array<{ backend: string; name: string }> {
  const out: Array<{ backend: string; name: string }> = [];
  for (const m of message.matchAll(/\*\s*backend:\s*'([^']+)',\s*name:\s*'([^']*)'/g)) {
    out.push({ backend: m[1]!, name: m[2]! });
  }
  return out;
}

/** Which backends/names Dawn can see, in Dawn's order. Null backend excluded (it runs no shaders). */
export async function discoverAdapterNames(): Promise<Array<{ backend: string; name: string }>> {
  let message = '';
  try {
    noteGpuInstance();
    const gpu = create(['adapter=__joulebench_list_adapters__']);
    await withTimeout(gpu.requestAdapter(), ADAPTER_TIMEOUT_MS, 'Dawn adapter discovery');
  } catch (err) {
    message = String((err as Error).message ?? err);
  }
  return parseAdapterList(message).filter((a) => a.backend !== 'null');
}

function featureLevelFor(backend: string): 'core' | 'compatibility' {
  // Dawn's GL/GLES backends only offer WebGPU "compatibility mode".
  return backend === 'opengles' || backend === 'opengl' ? 'compatibility' : 'core';
}

async function openNamed(backend: string, name: string, index: number): Promise<OpenedAdapter | null> {
  noteGpuInstance();
  const gpu = create([`backend=${backend}`, `adapter=${name}`]);
  const featureLevel = featureLevelFor(backend);
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel } as GPURequestAdapterOptions),
      ADAPTER_TIMEOUT_MS,
      `requestAdapter(${backend}: ${name})`,
    );
  } catch {
    return null;
  }
  if (!adapter) return null;
  return { gpu, adapter, report: describeAdapter(adapter, { index, backend, name, featureLevel }) };
}

/** Build the report for an opened adapter. */
export function describeAdapter(
  adapter: GPUAdapter,
  where: { index: number; backend: string; name: string; featureLevel: 'core' | 'compatibility' },
): AdapterReport {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean; subgroupMinSize?: number; subgroupMaxSize?: number };
  const limits: Record<string, number> = {};
  for (const k of KEY_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const description = info.description ?? '';
  const isSoftware = Boolean(info.isFallbackAdapter) || info.architecture === 'software' || SOFTWARE_RE.test(`${where.name} ${description}`);
  return {
    index: where.index,
    backend: where.backend,
    name: where.name,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description,
    // Dawn's Vulkan backend puts "driverName: driverInfo" into the description (VkPhysicalDeviceDriverProperties).
    driver: where.backend === 'vulkan' && description ? description : null,
    isSoftware,
    featureLevel: where.featureLevel,
    features: [...adapter.features].map(String).sort(),
    limits,
    subgroupMinSize: info.subgroupMinSize ?? null,
    subgroupMaxSize: info.subgroupMaxSize ?? null,
  };
}

let adapterListCache: Promise<AdapterReport[]> | null = null;

/**
 * Every WebGPU adapter Dawn can see, fully described. Empty when there is none. Discovered once
 * per process: the set does not change while we run, and each discovery creates Dawn instances
 * (and, on lavapipe, a Vulkan instance with its own worker threads) that linger until GC.
 */
export function listAdapters(): Promise<AdapterReport[]> {
  adapterListCache ??= (async () => {
    const names = await discoverAdapterNames();
    const out: AdapterReport[] = [];
    for (const [i, n] of names.entries()) {
      const opened = await openNamed(n.backend, n.name, i);
      if (opened) out.push(opened.report);
    }
    return out;
  })();
  // A failed discovery is not cached: the next call tries again.
  adapterListCache.catch(() => {
    adapterListCache = null;
  });
  return adapterListCache;
}

/** Pick an adapter from the list by `--adapter <index|substring>`; default: first hardware adapter, else first. */
export function pickAdapter<T extends AdapterIdentity>(list: T[], spec?: string): T {
  if (list.length === 0) {
    throw new NoAdapterError();
  }
  if (spec === undefined || spec === '') {
    return list.find((a) => !a.isSoftware) ?? list[0]!;
  }
  if (/^\d+$/.test(spec)) {
    const hit = list.find((a) => a.index === Number(spec));
    if (!hit) throw new UsageError(`--adapter ${spec}: no adapter with that index (have ${list.map((a) => a.index).join(', ')}); run 'joulebench devices' to list them`);
    return hit;
  }
  const needle = spec.toLowerCase();
  const hits = list.filter((a) => `${a.backend} ${a.name} ${a.vendor} ${a.description}`.toLowerCase().includes(needle));
  if (hits.length === 0) throw new UsageError(`--adapter '${spec}': matches no adapter; run 'joulebench devices' to list them`);
  return hits[0]!;
}

/** Raised when Dawn finds no adapter at all; carries the fix. */
export class NoAdapterError extends Error {
  constructor() {
    super(
      'no WebGPU adapter found. On Debian 12 install a Vulkan driver: ' +
        "'apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1' (software) or your GPU vendor's driver; then run 'joulebench devices'",
    );
    this.name = 'NoAdapterError';
  }
}

/** Open the adapter selected by `--adapter` (see pickAdapter). */
export async function openAdapter(spec?: string): Promise<OpenedAdapter> {
  const names = await discoverAdapterNames();
  const ids = names.map((n, index) => ({ ...n, index }));
  if (ids.length === 0) throw new NoAdapterError();
  // Identity-only pick first (by name/backend), then open just that one.
  const light = ids.map((n) => ({
    index: n.index, backend: n.backend, name: n.name, vendor: '', architecture: '', device: '', description: n.name, driver: null,
    isSoftware: SOFTWARE_RE.test(n.name),
  }));
  const chosen = pickAdapter(light, spec);
  const opened = await openNamed(chosen.backend, chosen.name, chosen.index);
  if (!opened) throw new Error(`adapter ${chosen.index} (${chosen.backend}: ${chosen.name}) was listed by Dawn but could not be opened`);
  return opened;
}

/** A device ready for compute work, with the adapter identity it came from. */
export interface GpuContext {
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  report: AdapterReport;
  /** Errors Dawn reported outside any error scope (validation, OOM); checked by callers after work. */
  uncapturedErrors: string[];
  /** Wait for the queue to drain, bounded by `timeoutMs`. */
  drain(timeoutMs?: number, what?: string): Promise<void>;
  /** Destroy the device and drop the dawn.node instance so the process can exit. */
  close(): void;
}

/**
 * Open a device on the selected adapter with the limits compute kernels need (largest storage
 * buffers the adapter allows) and timestamp queries when available.
 */
export async function openDevice(spec?: string, label = 'joulebench'): Promise<GpuContext> {
  const opened = await openAdapter(spec);
  const { adapter, report } = opened;
  const wanted: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) wanted.push('timestamp-query');
  const requiredLimits: Record<string, number> = {};
  for (const k of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'] as const) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await withTimeout(
    adapter.requestDevice({ label: `${label}-device`, requiredFeatures: wanted, requiredLimits }),
    ADAPTER_TIMEOUT_MS,
    `requestDevice on ${report.name}`,
  );
  const uncapturedErrors: string[] = [];
  device.addEventListener('uncapturederror', (ev) => {
    uncapturedErrors.push(String((ev as GPUUncapturedErrorEvent).error?.message ?? ev));
  });
  let gpu: GPU | null = opened.gpu;
  return {
    gpu: opened.gpu,
    adapter,
    device,
    report,
    uncapturedErrors,
    drain: (timeoutMs = 60_000, what = 'GPU queue drain') => withTimeout(device.queue.onSubmittedWorkDone(), timeoutMs, what),
    close: () => {
      device.destroy();
      gpu = null;
      void gpu;
    },
  };
}

/** Identity fields only (what results store and what the same-adapter check compares). */
export function identityOf(r: AdapterIdentity): AdapterIdentity {
  const { index, backend, name, vendor, architecture, device, description, driver, isSoftware } = r;
  return { index, backend, name, vendor, architecture, device, description, driver, isSoftware };
}
