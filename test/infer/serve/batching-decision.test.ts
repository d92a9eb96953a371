/**
 * Which batching `infer serve` runs (src/infer/serve/batching.ts): continuous only when a merge
 * check passed; WebGPU's device-resident KV falls back to batch boundaries, labelled; an explicit
 * `--batching continuous` that cannot run is refused.
 */
import { describe, expect, it } from 'vitest';
import { decideBatching, layoutOrder, wantsContinuous } from '../../../src/infer/serve/batching.js';
import type { MergeCheck } from '../../../src/infer/serve/merge-check.js';

const check = (layout: 'left' | 'right', ok: boolean): MergeCheck => ({ layout, kind: 'continuous', ok, maxRelDiff: ok ? 0 : 0.3, tolerance: 1e-3, comparisons: 6 });

describe('batching decision', () => {
  it('cpu with a passing layout: continuous on the host', () => {
    expect(decideBatching('auto', 'cpu', [check('left', true)])).toMatchObject({ mode: 'continuous', layout: 'left', kvLocation: 'host', fallback: false });
    expect(decideBatching('auto', 'cpu', [check('right', false), check('left', true)]).layout).toBe('left');
  });

  it('webgpu under auto: no merge on the device, boundary FALLBACK said out loud', () => {
    expect(wantsContinuous('auto', 'webgpu')).toBe(false);
    const d = decideBatching('auto', 'webgpu', []);
    expect(d).toMatchObject({ mode: 'boundary', kvLocation: 'device', fallback: true });
    expect(d.reason).toMatch(/^FALLBACK to refilling at batch boundaries: .*onnxruntime PR #22660/);
  });

  it('webgpu with --batching continuous: the KV on the host, labelled', () => {
    expect(wantsContinuous('continuous', 'webgpu')).toBe(true);
    expect(decideBatching('continuous', 'webgpu', [check('left', true)]).reason).toMatch(/KV kept on the host, copied device→host→device every step/);
  });

  it('a model failing every merge check: fallback under auto, refused under continuous', () => {
    const fails = [check('right', false), check('left', false)];
    expect(decideBatching('auto', 'cpu', fails)).toMatchObject({ mode: 'boundary', fallback: true, kvLocation: 'host' });
    expect(decideBatching('auto', 'cpu', fails).reason).toMatch(/failed the continuous-batching merge check \(right layout: merged vs solo logits differ by 3\.0e-1/);
    expect(() => decideBatching('continuous', 'cpu', fails)).toThrow(/^--batching continuous: this model does not honour/);
  });

  it('--batching boundary is a choice, not a fallback; GQA graphs try the left layout first', () => {
    expect(decideBatching('boundary', 'cpu', [])).toMatchObject({ mode: 'boundary', fallback: false });
    expect(wantsContinuous('boundary', 'cpu')).toBe(false);
    expect(layoutOrder(true)).toEqual(['left', 'right']);
    expect(layoutOrder(false)).toEqual(['right', 'left']);
  });
});
