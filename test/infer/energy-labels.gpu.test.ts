import { describe, expect, it } from 'vitest';
import { useTempModelsDir } from '../helpers.js';
import { runInferBench } from '../../src/infer/bench.js';
import type { EnergyMonitor } from '../../src/power/monitor.js';
import type { Energy } from '../../src/results/schema.js';

useTempModelsDir('jb-infer-energy-');

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
    // One window per test (issue 11, like llama-bench's pp and tg): all prefills in one, all decode
    // sequences in the other; none for the warmup.
    expect(mon.names).toEqual(['infer.pp', 'infer.tg']);
    const tpj = m.metrics.tokensPerJoule!;
    expect(tpj.value).toBeNull();
    expect(tpj.reason).toMatch(/incomplete: meter stopped answering/);
    expect(tpj.method).toMatch(/^DECODE ONLY: .*one window holding the 2 decode sequences back to back \(prefills run before the window, excluded/);
    const ptpj = m.metrics.prefillTokensPerJoule!;
    expect(ptpj.value).toBeNull();
    expect(ptpj.reason).toMatch(/incomplete: meter stopped answering/);
    expect(ptpj.method).toMatch(/^PREFILL ONLY/);
    // The measurement's energy record is the decode window's; the prefill window's is in details.
    expect(m.energy).toMatchObject({ measured: true, energyJ: 2, complete: false });
    expect((m.details as any).energyPrefill).toMatchObject({ measured: true, energyJ: 2, complete: false });
    expect((m.details as any).phases.tg).toMatchObject({ test: 'tg3 @ d4', runs: 2 });
  });
});
