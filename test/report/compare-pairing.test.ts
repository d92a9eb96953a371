// Runs interleaved in rounds (as `joulebench ab` makes them) are compared paired by round: a load
// drift shared by the two runs of a round cancels in their ratio (Abedi & Brecht, ICPE 2017).
import { describe, expect, it } from 'vitest';
import { compareRunSets, interleavedRounds } from '../../src/report/compare-results.js';
import { minute, runDoc, runFiles } from '../fixtures/results/run-docs.js';

const hash = (value: number, t: number) => runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value }], minute(t));
// Round drift of up to ±12 % (machine load), shared within a round; the candidate is 5 % slower.
const drift = [1.0, 0.88, 1.12, 0.95, 1.07, 0.9];
const jitter = [1.002, 0.998, 1.001, 0.999, 1.0015, 0.9985];
// Random order within each round: B first in rounds 1, 2 and 4.
const bFirst = [false, true, true, false, true, false];
const base = drift.map((d, k) => hash(1e6 * d * jitter[k]!, 2 * k + (bFirst[k] ? 1 : 0)));
const cand = drift.map((d, k) => hash(0.95e6 * d * jitter[5 - k]!, 2 * k + (bFirst[k] ? 0 : 1)));

describe('pairing by round', () => {
  it('detects interleaved rounds from start times, whatever the order within a round', () => {
    const r = interleavedRounds(runFiles(base, 'b'), runFiles(cand, 'c'));
    expect('rounds' in r && r.rounds).toEqual([0, 1, 2, 3, 4, 5].map((k) => [k, k]));
  });
  it('paired: the 5 % slowdown under ±12 % round drift is SLOWER; unpaired it is UNKNOWN', () => {
    const paired = compareRunSets(runFiles(base, 'b'), runFiles(cand, 'c'), { baseline: 'b', candidate: 'c' });
    expect(paired.pairing.paired).toBe(true);
    expect(paired.rows[0]!.method).toBe('paired-log');
    expect(paired.rows[0]!.verdict).toBe('SLOWER');
    expect(paired.rows[0]!.relChange!).toBeCloseTo(-0.05, 2);
    const unpaired = compareRunSets(runFiles(base, 'b'), runFiles(cand, 'c'), { baseline: 'b', candidate: 'c' }, { pairing: 'unpaired' });
    expect(unpaired.rows[0]!.method).toBe('welch-log');
    expect(unpaired.rows[0]!.verdict).toBe('UNKNOWN');
  });
  it('blocked runs (all baseline, then all candidate) are compared unpaired, saying why', () => {
    const blocked = cand.map((d, k) => hash(d.measurements[0]!.metrics.hashesPerSecond!.value!, 100 + k));
    const r = compareRunSets(runFiles(base, 'b'), runFiles(blocked, 'c'), { baseline: 'b', candidate: 'c' });
    expect(r.pairing).toEqual({ paired: false, why: 'unpaired (runs were not interleaved in rounds (two runs of one side in a row))' });
  });
});
