/**
 * Which batching `infer serve` runs, and why (pure: decides from what the EP and the merge checks
 * said; src/infer/serve/merge-check.ts runs the checks).
 *
 * Continuous batching needs the batch's KV cache in host memory, where a joining sequence's KV can
 * be copied into a row: true on the cpu EP, and on the cuda EP as onnxruntime-node returns its
 * outputs (no device binding is requested). The WebGPU EP keeps present.* on the device
 * (`preferredOutputLocation: 'gpu-buffer'`), and onnxruntime-node 1.30 can neither read nor write
 * such a tensor from JavaScript (https://github.com/microsoft/onnxruntime/pull/22660): merging is
 * impossible there, so `auto` falls back to refilling at batch boundaries and says so.
 * `--batching continuous` on WebGPU keeps the KV on the host instead (a device→host→device copy of
 * the whole cache every step: labelled). A model whose merge check fails falls back too (`auto`)
 * or is refused (`continuous`).
 */
import { UsageError } from '../../util/errors.js';
import type { KvLayout } from './kv-batch.js';
import type { MergeCheck } from './merge-check.js';

/** `--batching`. */
export type BatchingRequest = 'auto' | 'continuous' | 'boundary';
/** The values `--batching` takes. */
export const BATCHING_CHOICES: readonly BatchingRequest[] = ['auto', 'continuous', 'boundary'];

/** The decision, with its reason in words (recorded in the result). */
export interface BatchingDecision {
  mode: 'continuous' | 'boundary';
  /** Layout the engine uses; null in boundary mode when every prompt has the same length (no padding, nothing to honour). */
  layout: KvLayout | null;
  /** Where the batch's KV lives during decode. */
  kvLocation: 'host' | 'device';
  /** True when continuous batching was wanted (auto/continuous) but could not run: the labelled fallback. */
  fallback: boolean;
  reason: string;
}

/** Layouts to try, most likely first: a GroupQueryAttention graph writes each row at its own length. */
export function layoutOrder(graphHasGqa: boolean): KvLayout[] {
  return graphHasGqa ? ['left', 'right'] : ['right', 'left'];
}

const DEVICE_WHY = "the WebGPU EP keeps the KV cache on the device, where onnxruntime-node cannot merge a joining sequence's KV into the running batch (device tensors are neither readable nor writable from JavaScript in Node: onnxruntime PR #22660)";

/** Does continuous batching need to be checked at all? False when the KV stays on the device under `auto`, or for `boundary`. */
export function wantsContinuous(req: BatchingRequest, ep: string): boolean {
  return req === 'continuous' || (req === 'auto' && ep !== 'webgpu');
}

const checkText = (c: MergeCheck) => `${c.layout} layout: merged vs solo logits differ by ${Number.isFinite(c.maxRelDiff) ? c.maxRelDiff.toExponential(1) : 'a run() failure'} (tolerance ${c.tolerance})`;

/**
 * Decide from the request, the EP and the continuous merge checks run (empty when not wanted).
 * UsageError when `--batching continuous` was asked for and no layout passed.
 */
export function decideBatching(req: BatchingRequest, ep: string, checks: readonly MergeCheck[]): BatchingDecision {
  const passed = checks.find((c) => c.kind === 'continuous' && c.ok);
  const kvHost = req === 'continuous' || ep !== 'webgpu';
  if (passed) {
    const hostNote = ep === 'webgpu' ? '; --batching continuous on WebGPU: KV kept on the host, copied device→host→device every step' : '';
    return { mode: 'continuous', layout: passed.layout, kvLocation: 'host', fallback: false, reason: `continuous batching, ${passed.layout} KV layout: a joining request's KV is merged into the batch on the host (merge check: ${checkText(passed)})${hostNote}` };
  }
  const tried = checks.filter((c) => c.kind === 'continuous');
  if (req === 'continuous') {
    throw new UsageError(`--batching continuous: this model does not honour per-row positions and masks in a merged batch (${tried.map(checkText).join('; ')}); use --batching boundary (or auto)`);
  }
  if (req === 'boundary') return { mode: 'boundary', layout: null, kvLocation: ep === 'webgpu' ? 'device' : 'host', fallback: false, reason: 'static batches refilled at batch boundaries (--batching boundary)' };
  if (!kvHost) return { mode: 'boundary', layout: null, kvLocation: 'device', fallback: true, reason: `FALLBACK to refilling at batch boundaries: ${DEVICE_WHY}; --batching continuous keeps the KV on the host instead` };
  return { mode: 'boundary', layout: null, kvLocation: 'host', fallback: true, reason: `FALLBACK to refilling at batch boundaries: the model failed the continuous-batching merge check (${tried.map(checkText).join('; ')})` };
}
