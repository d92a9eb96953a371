import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInferBench } from '../src/infer/bench.js';
import type { EnergyMonitor } from '../src/power/monitor.js';
import type { Energy } from '../src/report/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-infer-energy-'));
const prevModels = process.env.JOULEBENCH_MODELS_DIR;
beforeAll(() => {
  process.env.JOULEBENCH_MODELS_DIR = join(dir, 'models');
});
afterAll(() => {
  if (prevModels === undefined) delete process.env.JOULEBENCH_MODELS_DIR;
  else process.env.JOULEBENCH_MODELS_DIR = prevModels;
  rmSync(dir, { recursive: true, force: true });
});

/** A meter whose windows all come back measured but incomplete (a meter that died mid-window). */
function incompleteMeter(): EnergyMonitor & { names: string[] } {
  const names: string[] = [];
  return {
    meter: 'rapl',
    names,
    async idleBaseline() {},
    async begin(name: string) {
      names.push(name);
    },
    async end(): Promise<Energy> {
      return { measured: true, energyJ: 2, timeS: 0.5, avgPowerW: 4, method: 'test meter', scope: 'cpu-package', meter: 'rapl', samples: 3, uncertaintyJ: null, complete: false, incompleteReason: 'meter stopped answering' };
    },
    async close() {},
  };
}

describe('inference energy records say which phase they cover and why a per-joule figure is missing', () => {
  it('incomplete windows: tokens/J null with the incompleteness as the reason; decode-only and prefill-only labels', async () => {
    const mon = incompleteMeter();
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', prompt: 4, gen: 3, repetitions: 2, profile: false }, mon);
    // One prefill and one decode window per timed repetition, none for the warmup.
    expect(mon.names).toEqual(['infer.prefill.r0', 'infer.decode.r0', 'infer.prefill.r1', 'infer.decode.r1']);
    const tpj = m.metrics.tokensPerJoule!;
    expect(tpj.value).toBeNull();
    expect(tpj.reason).toMatch(/incomplete: meter stopped answering/);
    expect(tpj.method).toMatch(/^DECODE ONLY: .*prefill energy is excluded/);
    const ptpj = m.metrics.prefillTokensPerJoule!;
    expect(ptpj.value).toBeNull();
    expect(ptpj.reason).toMatch(/incomplete: meter stopped answering/);
    expect(ptpj.method).toMatch(/^PREFILL ONLY/);
    // The measurement's energy record is the decode windows' sum and says so.
    expect(m.energy!.measured).toBe(true);
    if (m.energy!.measured) {
      expect(m.energy!.energyJ).toBe(4);
      expect(m.energy!.complete).toBe(false);
      expect(m.energy!.method).toMatch(/summed over 2 decode windows .*prefill excluded/);
    }
    const ep = (m.details as any).energyPrefill;
    expect(ep.method).toMatch(/summed over 2 prefill windows .*decode excluded/);
  });
});
