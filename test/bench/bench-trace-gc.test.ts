/**
 * bench/trace-gc.ts counts V8 collections from `node --trace-gc` output. Checked on lines V8
 * printed on this machine (Node 20.20, V8 11.3) for the harness and the bare loop, with the
 * program's own output mixed in, and on a real `node --trace-gc` child that forces two full GCs.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcCensus } from '../../bench/trace-gc.js';

const recorded = [
  '[14179:0x3b98e5c0]      290 ms: Mark-Compact 16.7 (27.7) -> 13.5 (31.4) MB, 4.41 / 0.18 ms  (+ 4.0 ms in 85 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 69 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via stack guard; GC in old space requested',
  '{"tg": [40.1, 41.2]}',
  '[27195:0x310f8d90]     2073 ms: Scavenge 5.2 (9.5) -> 5.1 (9.5) MB, 0.38 / 0.00 ms  (average mu = 1.000, current mu = 1.000) external memory pressure; ',
  '[26192:0x226c1d90]     5821 ms: [IncrementalMarking] Start (allocation limit): (size/limit/slack) v8: 24MB / 33MB / 9MB global: 24MB / 33MB / 9MB',
  '[14179:0x3b98e5c0]     8153 ms: Mark-Compact 14.1 (20.9) -> 14.0 (20.9) MB, 13.30 / 0.01 ms  (+ 0.2 ms in 2 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 46 ms) (average mu = 0.964, current mu = 0.948) finalize incremental marking via task; GC in old space requested',
].join('\n');

describe('gcCensus', () => {
  it('counts mark-compacts and scavenges with their pauses, ignoring other lines', () => {
    const c = gcCensus(recorded);
    expect(c.markCompacts).toBe(2);
    expect(c.markCompactPauseMs).toBeCloseTo(4.41 + 13.3, 9);
    expect(c.scavenges).toBe(1);
    expect(c.scavengePauseMs).toBeCloseTo(0.38, 9);
  });

  it('reads what node --trace-gc prints for forced full collections', () => {
    const r = spawnSync(process.execPath, ['--trace-gc', '--expose-gc', '-e', 'gc(); gc();'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(gcCensus(r.stdout).markCompacts).toBeGreaterThanOrEqual(2);
  });
});
