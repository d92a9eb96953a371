import { describe, expect, it } from 'vitest';
import { benchCommand, planRuns } from '../../src/ab/plan.js';

describe('A/B run plan', () => {
  it('runs both sides once per round, in a seeded random order, after the warm-up runs', () => {
    const p = planRuns(8, 42, 1);
    expect(p.runs.slice(0, 2).map((r) => [r.round, r.side, r.warmup])).toEqual([
      [0, 'baseline', true],
      [0, 'candidate', true],
    ]);
    expect(p.order).toHaveLength(8);
    for (const pair of p.order) expect([...pair].sort()).toEqual(['baseline', 'candidate']);
    expect(p.runs.slice(2).map((r) => r.side)).toEqual(p.order.flat());
    expect(p.runs.map((r) => r.index)).toEqual([...Array(18).keys()]);
    // Reproducible from the seed; another seed gives another order; both orders occur.
    expect(planRuns(8, 42, 1).order).toEqual(p.order);
    expect(planRuns(8, 43, 1).order).not.toEqual(p.order);
    const firsts = new Set(planRuns(64, 7, 0).order.map((pair) => pair[0]));
    expect(firsts).toEqual(new Set(['baseline', 'candidate']));
  });
  it('each order is about equally likely (64 000 rounds: baseline first 50 % ± 1 %)', () => {
    const p = planRuns(64_000, 2026, 0);
    const bFirst = p.order.filter((pair) => pair[0] === 'baseline').length / p.order.length;
    expect(Math.abs(bFirst - 0.5)).toBeLessThan(0.01);
  });
  it('fills the command placeholders, shell-quoted, and needs {out}', () => {
    expect(benchCommand("node b.js --out {out} --tag {side}-{round} --cwd {dir}", { out: "/tmp/it's.json", side: 'candidate', round: 3, dir: '/w' })).toBe(
      "node b.js --out '/tmp/it'\\''s.json' --tag candidate-3 --cwd '/w'",
    );
    expect(() => benchCommand('node b.js', { out: 'x', side: 'baseline', round: 1, dir: '.' })).toThrow(/must contain \{out\}/);
    expect(() => planRuns(0, 1)).toThrow(/rounds/);
  });
});
