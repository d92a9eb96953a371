// `infer bench` by name through the workload registry (src/run/workloads.ts): the composite
// definition runs its prefill and decode benchmarks on the core inside the decode worker, each in
// its own window over the caller's monitor, planned from the monitor's rule (here ≥ 0.4 s), and the
// per-joule figures come from those windows (a monitor that reports a constant 100 W: tokens / J
// worked out by hand from the window's own time and the tokens it held).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloads } from '../../src/run/workloads.js';
import type { WindowMonitor } from '../../src/core/window.js';
import { measurementSchema, type Energy, type Measurement } from '../../src/results/schema.js';

const WATTS = 100;
const MIN_WINDOW_S = 0.4;

/** A wall-clock monitor at a constant draw, recording the windows it was asked for. */
class ConstantDrawMonitor implements WindowMonitor {
  readonly windows: Array<{ name: string; timeS: number }> = [];
  private opened = new Map<string, number>();
  async requirement() {
    return { minS: MIN_WINDOW_S, periodS: null, basis: `test rule: ≥ ${MIN_WINDOW_S} s` };
  }
  async begin(name: string): Promise<void> {
    this.opened.set(name, performance.now());
  }
  async end(name: string): Promise<Energy> {
    const timeS = (performance.now() - this.opened.get(name)!) / 1000;
    this.windows.push({ name, timeS });
    return { measured: true, energyJ: WATTS * timeS, timeS, avgPowerW: WATTS, method: 'constant draw (test)', scope: 'wall', meter: 'test', samples: 1, uncertaintyJ: null, complete: true };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'jb-registry-infer-'));
const prevModels = process.env.JOULEBENCH_MODELS_DIR;

describe('workload registry: infer bench by name', () => {
  beforeAll(() => {
    process.env.JOULEBENCH_MODELS_DIR = join(dir, 'models');
  });
  afterAll(() => {
    if (prevModels === undefined) delete process.env.JOULEBENCH_MODELS_DIR;
    else process.env.JOULEBENCH_MODELS_DIR = prevModels;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is registered with one line and runs tiny on the cpu EP in windows planned from the monitor', async () => {
    expect(workloads.names()).toEqual(['hash.sha256d', 'infer.decoder']);
    const monitor = new ConstantDrawMonitor();
    const m = await workloads.run<Record<string, unknown>, Measurement>('infer.decoder', { model: 'tiny', ep: 'cpu', prompt: 16, gen: 8, repetitions: 2, profile: false }, { monitor, notMeasured: 'unused' });
    measurementSchema.parse(m);
    expect(m).toMatchObject({ id: 'infer.tiny', kind: 'infer', status: 'complete' });
    const d = m.details as Record<string, any>;
    // A decode window found too short is retried with a bigger pool (phase-windows.ts): one window per attempt, the last one kept.
    expect(monitor.windows.map((w) => w.name)).toEqual(['infer.pp', ...Array<string>(d.phases.tg.attempts).fill('infer.tg')]);
    const pp = monitor.windows[0]!;
    const tg = monitor.windows.at(-1)!;
    // The kept windows were extended past the monitor's rule by the core's window plan.
    for (const w of [pp, tg]) expect(w.timeS, w.name).toBeGreaterThanOrEqual(MIN_WINDOW_S);
    expect(d.phases.tg.runs).toBeGreaterThanOrEqual(2);
    expect(d.tokens.decode).toBe(8 * d.phases.tg.runs);
    expect(d.phases.tg.requiredWindowS).toBe(MIN_WINDOW_S);
    expect(m.metrics['tokensPerJoule']!.value).toBeCloseTo(d.tokens.decode / (WATTS * tg.timeS), 6);
    expect(m.metrics['prefillTokensPerJoule']!.value).toBeCloseTo(d.tokens.prefill / (WATTS * pp.timeS), 6);
  }, 120_000);
});
