/**
 * Which physical adapter onnxruntime's WebGPU EP runs on, compared with the hashing adapter.
 *
 * onnxruntime-node 1.30 bundles its own Dawn. Its WebGPU EP (onnxruntime/core/providers/webgpu/
 * webgpu_context.cc, WebGpuContext::Initialize) calls `instance.RequestAdapter` with
 * `powerPreference = HighPerformance` (config key ep.webgpuexecutionprovider.powerPreference, logged
 * as "WebGPU EP power preference: 2") and `backendType` undefined (logged "Dawn backend type: 0"),
 * i.e. it takes Dawn's default adapter and logs nothing about which one it got (verbose logs on
 * this machine show no adapter name; only `GetAdapterInfo` internally). So the identity can only be
 * *inferred*: we make the same request through dawn.node (npm `webgpu`, also Dawn) and record how
 * sure that is — `only-candidate` when a single adapter exists on the EP's backend (still inferred:
 * onnxruntime's own Dawn build does the enumeration and reports nothing).
 */
import { create } from 'webgpu';
import { describeAdapter, identityOf, listAdapters, pickAdapter, type AdapterIdentity, type AdapterReport } from '../gpu/adapter.js';
import { UsageError } from '../util/errors.js';
import { withTimeout } from '../util/timeout.js';

/** The Dawn backend onnxruntime's WebGPU EP uses per platform (its Dawn build). */
export function ortDawnBackend(platform = process.platform): string {
  if (platform === 'win32') return 'd3d12';
  if (platform === 'darwin') return 'metal';
  return 'vulkan';
}

/** Outcome of the same-adapter check. */
export interface AdapterMatch {
  /** The adapter the hashing kernel uses (`--adapter` rule). */
  hashing: AdapterIdentity;
  /** The adapter inferred for onnxruntime's WebGPU EP (null when it could not be determined). */
  onnxruntime: AdapterIdentity | null;
  same: boolean;
  /**
   * "only-candidate" (one adapter on the EP's backend), "inferred" (Dawn default for the same
   * request among several) or "unknown". Never "certain": onnxruntime does not report its adapter.
   */
  confidence: 'only-candidate' | 'inferred' | 'unknown';
  /** How the onnxruntime identity was established, in words. */
  method: string;
}

function sameAdapter(a: AdapterIdentity, b: AdapterIdentity): boolean {
  return a.backend === b.backend && a.name === b.name && a.description === b.description && a.device === b.device;
}

/** Dawn's default high-performance adapter on `backend`, as dawn.node returns it, matched to the list. */
async function dawnDefault(backend: string, list: AdapterReport[]): Promise<AdapterIdentity | null> {
  const gpu = create([`backend=${backend}`]);
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), 30_000, `requestAdapter(${backend}, high-performance)`);
  if (!adapter) return null;
  const r = describeAdapter(adapter, { index: -1, backend, name: '', featureLevel: 'core' });
  const hit = list.find((a) => a.backend === backend && a.description === r.description && a.vendor === r.vendor && a.device === r.device);
  return hit ? identityOf(hit) : null;
}

/**
 * Establish both identities and compare. Throws UsageError on a mismatch unless `allowMismatch`.
 * `list` may be passed to avoid re-enumerating adapters.
 */
export async function checkSameAdapter(adapterSpec: string | undefined, allowMismatch: boolean, list?: AdapterReport[]): Promise<AdapterMatch> {
  const adapters = list ?? (await listAdapters());
  const hashing = identityOf(pickAdapter(adapters, adapterSpec));
  const backend = ortDawnBackend();
  const onBackend = adapters.filter((a) => a.backend === backend);
  let onnxruntime: AdapterIdentity | null = null;
  let confidence: AdapterMatch['confidence'] = 'unknown';
  let method: string;
  if (onBackend.length === 1) {
    onnxruntime = identityOf(onBackend[0]!);
    confidence = 'only-candidate';
    method = `inferred, not reported by onnxruntime: its WebGPU EP uses Dawn's ${backend} backend and requests the default high-performance adapter (webgpu_context.cc); dawn.node sees exactly one ${backend} adapter here, so onnxruntime's bundled Dawn, enumerating the same drivers, has only this one to pick`;
  } else if (onBackend.length > 1) {
    onnxruntime = await dawnDefault(backend, adapters);
    confidence = onnxruntime ? 'inferred' : 'unknown';
    method = `inferred, not reported by onnxruntime: its WebGPU EP requests Dawn's default adapter with powerPreference=high-performance on ${backend} (webgpu_context.cc); the same request through dawn.node returned ${onnxruntime ? `'${onnxruntime.name}'` : 'no listed adapter'} among ${onBackend.length} ${backend} adapters`;
  } else {
    method = `no ${backend} adapter visible to Dawn, so onnxruntime's WebGPU EP (which uses ${backend} on ${process.platform}) has no adapter to match`;
  }
  const same = onnxruntime !== null && sameAdapter(onnxruntime, hashing);
  if (!same && !allowMismatch) {
    const ortText = onnxruntime ? `'${onnxruntime.name}' (${onnxruntime.backend}, index ${onnxruntime.index})` : 'an undetermined adapter';
    throw new UsageError(
      `--adapter: hashing would run on '${hashing.name}' (${hashing.backend}, index ${hashing.index}) but onnxruntime's WebGPU EP runs on ${ortText}; pick ${onnxruntime ? `--adapter ${onnxruntime.index}` : 'a vulkan adapter'} or pass --allow-adapter-mismatch`,
    );
  }
  return { hashing, onnxruntime, same, confidence, method };
}
