// Adding a workload: its own folder (test/core/example-workload/) plus one registration line.
import { describe, expect, it } from 'vitest';
import { workloads } from '../../src/run/workloads.js';
import { WorkloadRegistry } from '../../src/core/registry.js';
import { countDefinition, type CountResult } from './example-workload/count-workload.js';
import { FakeMonitor, VirtualClock } from './fakes.js';

describe('core registry: a new workload runs on the core by name', () => {
  it('registers with one line and runs by name: rate and per-joule figures as worked out by hand', async () => {
    // The one registration line (src/run/workloads.ts has one like it per workload):
    const registry = new WorkloadRegistry().register(countDefinition);
    const clock = new VirtualClock();
    const monitor = new FakeMonitor([], clock, { minS: 0, periodS: null, basis: 'none' }, 50);
    const r = await registry.run<{ clock: VirtualClock; seconds: number }, CountResult>('example.count', { clock, seconds: 1 }, { monitor, notMeasured: '' });
    // By hand: 500 items per 50 ms unit = 10 000 items/s; 1 s → 20 units, 10 000 items in a 1 s
    // window at 50 W = 50 J → 200 items/J.
    expect(r).toMatchObject({ id: 'example.count', status: 'complete', samples: 20 });
    expect(r.itemsPerSecond).toBeCloseTo(10000, 9);
    expect(r.itemsPerJoule).toBeCloseTo(200, 9);
  });

  it('the project registry names its workloads and refuses an unknown or repeated name', () => {
    expect(workloads.names()).toContain('hash.sha256d');
    expect(() => workloads.get('nope')).toThrow(/no workload 'nope'; registered: hash.sha256d/);
    expect(() => new WorkloadRegistry().register(countDefinition).register(countDefinition)).toThrow(/registered twice/);
  });
});
