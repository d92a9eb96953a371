/**
 * Which onnxruntime-node execution providers are usable here, and why one is not.
 * "Usable" is tested for real: a one-node model (y = x + x) is created and run on the EP.
 */
import { noteGpuInstance } from '../gpu/llvmpipe.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { withTimeout } from '../util/timeout.js';
import { DT, graph, model, node, valueInfo } from './onnx-writer.js';

/** Result of probing one execution provider. */
export interface EpStatus {
  name: string;
  /** Shipped inside onnxruntime-node's npm package (cpu, webgpu) or downloaded at install (cuda). */
  bundled: boolean;
  usable: boolean;
  /** Why not usable (or a note when usable). */
  reason: string | null;
}

/** The probe model's bytes: ONNX IR 8, opset 17, one Add node, x:[4] float -> y:[4] float (via the ONNX writer). */
export function probeModelBytes(): Uint8Array {
  const g = graph('probe', [node('Add', ['x', 'x'], ['y'], 'add')], [], [valueInfo('x', DT.FLOAT, [4])], [valueInfo('y', DT.FLOAT, [4])]);
  return model(g, { '': 17 }).toBytes();
}

function cudaLibPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    const napi = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(napi, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** Probe one EP by creating and running the probe model on it (bounded by `timeoutMs`). */
export async function probeEp(name: string, timeoutMs = 30_000): Promise<{ usable: boolean; reason: string | null }> {
  if (name === 'cuda' && !cudaLibPresent()) {
    return {
      usable: false,
      reason:
        "CUDA provider libraries not installed (.npmrc has onnxruntime-node-install=skip); with internet and an NVIDIA driver: 'npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12'",
    };
  }
  try {
    if (name === 'webgpu') noteGpuInstance();
    const session = await withTimeout(
      ort.InferenceSession.create(probeModelBytes(), { executionProviders: [name], logSeverityLevel: 3 }),
      timeoutMs,
      `onnxruntime ${name} session creation`,
    );
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]);
    const out = await withTimeout(session.run({ x }), timeoutMs, `onnxruntime ${name} probe run`);
    const y = out.y?.data as Float32Array | undefined;
    await session.release();
    if (!y || y[3] !== 8) return { usable: false, reason: `probe model ran but returned wrong values on ${name}` };
    return { usable: true, reason: null };
  } catch (err) {
    const msg = String((err as Error).message ?? err).split('\n')[0]!;
    const hint = name === 'webgpu' ? " (WebGPU EP on Linux needs a Vulkan driver: see 'joulebench devices' adapters)" : '';
    return { usable: false, reason: `${msg}${hint}` };
  }
}

/** Probe every EP onnxruntime-node knows on this platform. */
export async function probeExecutionProviders(): Promise<EpStatus[]> {
  const out: EpStatus[] = [];
  for (const b of ort.listSupportedBackends()) {
    if (b.name === 'tensorrt' && !cudaLibPresent()) {
      out.push({ name: b.name, bundled: b.bundled, usable: false, reason: 'TensorRT provider not installed (needs the CUDA download and TensorRT libraries)' });
      continue;
    }
    const r = await probeEp(b.name);
    out.push({ name: b.name, bundled: b.bundled, ...r });
  }
  return out;
}
