// A run is set aside as disturbed only on evidence that does not depend on its side: here, the host
// telemetry recorded in the run (the measurement's `hostActivity`). The rounds of
// compare-intermittent-regression (one real `hash bench` file, candidate at half speed in rounds 3
// and 6) with telemetry saying other work took ~half the CPUs in exactly those runs are a
// disturbed machine, not a regression: set aside, SAME. Quiet telemetry changes nothing, and
// throttling that only one program's runs show is not evidence (the code may cause it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERFERENCE_EXCESS, TELEMETRY_MIN_RUNS, telemetryDisturbed } from '../../src/stats/disturbance.js';
import { runCliInProcess } from '../helpers.js';
import { jitter, writeRounds, type RoundSpec } from '../fixtures/runs/rounds.js';

const ROUNDS = 8;
const SLOW = new Set([2, 5]); // rounds 3 and 6
const jb = jitter(20, ROUNDS);
const jc = jitter(21, ROUNDS);
const dir = mkdtempSync(join(tmpdir(), 'jb-telemetry-'));
const GATE = ['--fail-on-regression', '--fail-on-unknown', '--json'];
const quiet = { stealFraction: 0, otherProcessCpuFraction: 0.01, throttled: false };

async function compare(name: string, spec: RoundSpec) {
  const d = writeRounds(join(dir, name), ROUNDS, spec);
  const r = await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, ...GATE]);
  return { code: r.code, stderr: r.stderr, row: JSON.parse(r.stdout).rows[0] };
}

describe('host telemetry as the evidence of a disturbed run', () => {
  it('other work took half the CPUs in the slow candidate runs: those rounds set aside, SAME, exit 0', async () => {
    const r = await compare('busy', {
      baseline: (i) => jb[i]!,
      candidate: (i) => jc[i]! * (SLOW.has(i) ? 0.5 : 1),
      activity: (side, i) => (side === 'candidate' && SLOW.has(i) ? { stealFraction: 0.02, otherProcessCpuFraction: 0.45, throttled: false } : quiet),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.row.verdict).toBe('SAME');
    expect(r.row).toMatchObject({ setAsideBaseline: 2, setAsideCandidate: 2, verdictDetail: null });
    expect(r.row.reason).toMatch(/^2 round\(s\) set aside as disturbed \(round 3: candidate run: other work took 47 % of the CPUs \(steal \+ other processes\) vs a median of 1 %; round 6: /);
  });

  it('quiet telemetry in every run: the slow rounds stay, SLOWER (intermittent: 2 of 8 rounds)', async () => {
    const r = await compare('quiet', { baseline: (i) => jb[i]!, candidate: (i) => jc[i]! * (SLOW.has(i) ? 0.5 : 1), activity: () => quiet });
    expect(r.code).toBe(1);
    expect(r.row).toMatchObject({ verdict: 'SLOWER', verdictDetail: 'intermittent: 2 of 8 rounds', setAsideBaseline: 0 });
  });

  it('the mirror with the same evidence on the baseline runs: set aside, SAME (not FASTER)', async () => {
    const r = await compare('mirror-busy', {
      baseline: (i) => jb[i]! * (SLOW.has(i) ? 0.5 : 1),
      candidate: (i) => jc[i]!,
      activity: (side, i) => (side === 'baseline' && SLOW.has(i) ? { stealFraction: 0.4, otherProcessCpuFraction: 0.05 } : quiet),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.row.verdict).toBe('SAME');
  });

  it('throttling in the slow candidate runs only is not evidence; throttling on both sides is', async () => {
    const one = await compare('throttle-one', {
      baseline: (i) => jb[i]!,
      candidate: (i) => jc[i]! * (SLOW.has(i) ? 0.5 : 1),
      activity: (side, i) => ({ ...quiet, throttled: side === 'candidate' && SLOW.has(i) }),
    });
    expect(one.row).toMatchObject({ verdict: 'SLOWER', verdictDetail: 'intermittent: 2 of 8 rounds', setAsideCandidate: 0 });
    // Round 3's candidate and round 6's baseline throttled (and slow): the machine, on both sides.
    const both = await compare('throttle-both', {
      baseline: (i) => jb[i]! * (i === 5 ? 0.5 : 1),
      candidate: (i) => jc[i]! * (i === 2 ? 0.5 : 1),
      activity: (side, i) => ({ ...quiet, throttled: (side === 'candidate' && i === 2) || (side === 'baseline' && i === 5) }),
    });
    expect(both.row.verdict).toBe('SAME');
    expect(both.row.reason).toMatch(/round 3: candidate run: throttled \(2 of 16 runs, on both sides\); round 6: baseline run: throttled/);
  });

  it('the rule by hand: a peer median needs enough runs; steal and other processes add up; fields may be null', () => {
    const run = (side: 'baseline' | 'candidate', steal: number | null, other: number | null) => ({ side, activity: { stealFraction: steal, otherProcessCpuFraction: other } });
    expect(TELEMETRY_MIN_RUNS).toBe(4);
    expect(INTERFERENCE_EXCESS).toBe(0.1);
    // Three runs with telemetry: no peer median, nothing judged.
    expect(telemetryDisturbed([run('baseline', 0, 0), run('candidate', 0.5, 0), run('baseline', 0, 0)])).toEqual([null, null, null]);
    // Interference 0.01, 0.02, 0.03 and 0.06 + 0.07 = 0.13 (the fifth run has none): median 0.025,
    // and only 0.13 − 0.025 ≥ 0.1.
    const w = telemetryDisturbed([run('baseline', 0, 0.01), run('candidate', 0.02, null), run('baseline', null, 0.03), run('candidate', 0.06, 0.07), { side: 'candidate', activity: null }]);
    expect(w.map((x) => x !== null)).toEqual([false, false, false, true, false]);
    // The whole machine busy in every run: no run above its peers, none set aside.
    expect(telemetryDisturbed([0, 1, 2, 3].map((i) => run(i % 2 ? 'candidate' : 'baseline', 0, 0.5)))).toEqual([null, null, null, null]);
  });
});
