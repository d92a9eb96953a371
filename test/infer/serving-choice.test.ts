/**
 * The serving figure of a batch sweep (src/infer/serving.ts chooseServing), on hand-made sweeps:
 * the most tokens/J among batches whose p99 step latency meets the target (MLPerf Server-style);
 * none meeting it; no energy (chosen by tokens/s, labelled); declared watts; no target; batch 1 only.
 */
import { describe, expect, it } from 'vitest';
import { chooseServing, type SweepPoint } from '../../src/infer/serving.js';

// An H100-like sweep with hand-picked numbers: throughput grows with batch, so does p99 step
// latency; power grows less than throughput, so tokens/J peaks at the largest batch that runs.
const pt = (batch: number, tps: number, w: number | null, p99: number): SweepPoint => ({
  batch,
  decodeTokensPerSecond: tps,
  tokensPerJoule: w === null ? null : tps / w,
  avgPowerW: w,
  stepLatencyP99Ms: p99,
  energyBasis: w === null ? null : 'metered',
});
const sweep = [pt(1, 120, 300, 9), pt(4, 440, 360, 10), pt(16, 1500, 450, 12), pt(64, 4000, 600, 18), pt(256, 6000, 690, 48)];

describe('chooseServing', () => {
  it('picks the most tokens/J among the batches meeting the p99 target', () => {
    // 50 ms: every batch meets it; tokens/J: 0.4, 1.22, 3.33, 6.67, 8.70 → batch 256.
    const a = chooseServing(sweep, 50);
    expect(a).toMatchObject({ batch: 256, basis: 'slo', chosenBy: 'tokens-per-joule', sloMsPerToken: 50, decodeTokensPerSecond: 6000, avgPowerW: 690, stepLatencyP99Ms: 48 });
    expect(a.tokensPerJoule).toBeCloseTo(6000 / 690, 12);
    expect(a.candidates).toEqual([1, 4, 16, 64, 256]);
    // 20 ms: batch 256 (48 ms) misses; the best of the rest is batch 64 (4000 / 600 = 6.67 tok/J).
    const b = chooseServing(sweep, 20);
    expect(b).toMatchObject({ batch: 64, basis: 'slo', candidates: [1, 4, 16, 64] });
    expect(b.note).toMatch(/batch 256 \(p99 48\.0 ms\) misses it/);
    // Exactly on the target meets it (p99 ≤ target).
    expect(chooseServing(sweep, 18).batch).toBe(64);
    expect(chooseServing(sweep, 17.99).batch).toBe(16);
  });

  it('efficiency, not throughput: a faster batch that wastes power loses', () => {
    // Batch 64 is faster (2000 tok/s) but burns 1000 W (2 tok/J); batch 16 gives 1200 / 400 = 3 tok/J.
    const s = [pt(1, 100, 250, 5), pt(16, 1200, 400, 8), pt(64, 2000, 1000, 9)];
    expect(chooseServing(s, 10)).toMatchObject({ batch: 16, chosenBy: 'tokens-per-joule' });
  });

  it('no batch meets the target: the closest (lowest p99) is recorded as slo-unmet, never as a serving figure', () => {
    const s = chooseServing(sweep, 5);
    expect(s).toMatchObject({ basis: 'slo-unmet', batch: 1, stepLatencyP99Ms: 9, chosenBy: 'lowest-p99', candidates: [], sloMsPerToken: 5 });
    expect(s.note).toMatch(/no batch meets 5 ms\/token at p99.*lowest p99 9\.00 ms at batch 1.*NOT a serving figure/);
    // Only batch 1 measured and it misses: still unmet, not "batch-1-only".
    expect(chooseServing([pt(1, 20, 100, 170)], 50).basis).toBe('slo-unmet');
  });

  it('without energy the choice is by tokens/s, and says so', () => {
    const noJ = sweep.map((p) => ({ ...p, tokensPerJoule: null, avgPowerW: null, energyBasis: null }));
    const s = chooseServing(noJ, 20);
    expect(s).toMatchObject({ batch: 64, chosenBy: 'tokens-per-second', tokensPerJoule: null, avgPowerW: null, basis: 'slo' });
    expect(s.note).toMatch(/energy not measured, so chosen by tokens\/s, not tokens\/J/);
  });

  it('a batch without a complete energy window is not compared on tokens/J, and is named', () => {
    const s = [pt(1, 100, 250, 5), pt(4, 390, 300, 6), { ...pt(16, 1500, null, 7) }];
    const c = chooseServing(s, 10);
    expect(c.batch).toBe(4);
    expect(c.note).toMatch(/batch 16 not compared: no complete energy window/);
  });

  it('declared watts rank like tokens/s, labelled', () => {
    const d = [pt(1, 100, 100, 5), pt(4, 300, 100, 6)].map((p) => ({ ...p, energyBasis: 'declared' as const }));
    expect(chooseServing(d, 10).note).toMatch(/DECLARED watts, so the ranking is that of tokens\/s/);
  });

  it('no target: the most efficient of the sweep, basis best-efficiency', () => {
    const s = chooseServing(sweep, null);
    expect(s).toMatchObject({ batch: 256, basis: 'best-efficiency', sloMsPerToken: null });
    expect(s.note).toMatch(/no latency target given/);
  });

  it('only batch 1 measured: batch-1-only (with or without a target it meets), skipped batches named', () => {
    expect(chooseServing([pt(1, 120, 300, 9)], null, [64])).toMatchObject({ basis: 'batch-1-only', batch: 1 });
    const s = chooseServing([pt(1, 120, 300, 9)], 50, [64]);
    expect(s.basis).toBe('batch-1-only');
    expect(s.note).toMatch(/not a served figure.*batch 64 not measured/);
    // A single batch other than 1 is a served figure at that batch.
    expect(chooseServing([pt(8, 800, 400, 9)], 50)).toMatchObject({ basis: 'slo', batch: 8 });
  });

  it('ties on tokens/J go to the lower p99 (and input order does not matter)', () => {
    const s = [pt(16, 1600, 400, 12), pt(4, 400, 100, 7)];
    expect(chooseServing(s, 50).batch).toBe(4);
    expect(chooseServing([...s].reverse(), 50).batch).toBe(4);
  });
});
