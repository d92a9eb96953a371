/**
 * Request lengths (src/infer/serve/lengths.ts, azure-conv-2023.ts): the flag forms, draws against
 * their distributions (seeded), the context rejection, and the shipped histogram against the
 * published counts of its source (19,366 requests; mean / p50 / p90 / p99 as computed from the CSV).
 */
import { describe, expect, it } from 'vitest';
import { uniform01 } from '../../../src/infer/serve/arrivals.js';
import { AZURE_CONV_2023_OUTPUT, AZURE_CONV_2023_PROMPT } from '../../../src/infer/serve/azure-conv-2023.js';
import { drawLengths, lengthBounds, parseLengthSpec, sampleLength } from '../../../src/infer/serve/lengths.js';

const noFile = (p: string): string => {
  throw new Error(`no file ${p}`);
};

describe('request lengths', () => {
  it('a number, a range, the shipped histogram, or a file', () => {
    expect(parseLengthSpec('--prompt-len', '32', noFile)).toEqual({ kind: 'fixed', value: 32 });
    expect(parseLengthSpec('--prompt-len', '16-64', noFile)).toEqual({ kind: 'range', lo: 16, hi: 64 });
    expect(parseLengthSpec('--prompt-len', '8-8', noFile)).toEqual({ kind: 'fixed', value: 8 });
    expect(parseLengthSpec('--prompt-len', 'azure-conv-2023', noFile)).toMatchObject({ kind: 'histogram', histogram: AZURE_CONV_2023_PROMPT });
    expect(parseLengthSpec('--gen-len', 'azure-conv-2023', noFile)).toMatchObject({ kind: 'histogram', histogram: AZURE_CONV_2023_OUTPUT });
    expect(parseLengthSpec('--gen-len', '@l.txt', () => '# lengths\n12, 30\n7 9 # trailing\n')).toEqual({ kind: 'file', path: 'l.txt', values: [12, 30, 7, 9] });
  });

  it('bad forms are one-line usage errors naming the flag', () => {
    const bad: Array<[string, string | ((p: string) => string)]> = [
      ['', noFile], ['0', noFile], ['64-16', noFile], ['1.5', noFile], ['-3', noFile], ['@', noFile],
      ['@x', () => '12\nabc\n'], ['@x', () => '# nothing\n'],
    ];
    for (const [raw, read] of bad) expect(() => parseLengthSpec('--gen-len', raw, typeof read === 'function' ? read : noFile), raw).toThrow(/^--gen-len/);
  });

  it('a uniform range draws every length in it about equally often (chi-square, 7 cells, 1 % critical value 16.8)', () => {
    const s = { kind: 'range', lo: 10, hi: 16 } as const;
    const u = uniform01(5);
    const counts = new Map<number, number>();
    const N = 7000;
    for (let i = 0; i < N; i++) {
      const x = sampleLength(s, u);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    const chi = [...counts.values()].reduce((a, c) => a + (c - N / 7) ** 2 / (N / 7), 0);
    expect(chi).toBeLessThan(16.8);
  });

  it('the histogram is drawn in proportion to its bin counts (chi-square over bins with ≥ 5 expected, 0.1 % level)', () => {
    const h = AZURE_CONV_2023_OUTPUT;
    const total = h.bins.reduce((a, b) => a + b[2], 0);
    const u = uniform01(11);
    const N = 50_000;
    const hits = h.bins.map(() => 0);
    for (let i = 0; i < N; i++) {
      const x = sampleLength({ kind: 'histogram', histogram: h }, u);
      const k = h.bins.findIndex((b) => x >= b[0] && x < b[1]);
      if (k < 0) throw new Error(`length ${x} outside every bin`);
      hits[k]!++;
    }
    const cells = h.bins.map((b, k) => ({ e: (N * b[2]) / total, o: hits[k]! })).filter((c) => c.e >= 5);
    const chi = cells.reduce((a, c) => a + (c.o - c.e) ** 2 / c.e, 0);
    // 14 cells (the 1-request bin [6, 8) expects 2.6 and is left out), df 13: χ²(0.999, 13) = 34.53
    expect(cells.length).toBe(14);
    expect(chi).toBeLessThan(34.53);
  });

  it('the shipped histograms hold the 19,366 requests of the trace, with min/max inside the first/last bins', () => {
    for (const h of [AZURE_CONV_2023_PROMPT, AZURE_CONV_2023_OUTPUT]) {
      expect(h.bins.reduce((a, b) => a + b[2], 0)).toBe(19_366);
      expect(h.stats.min).toBeGreaterThanOrEqual(h.bins[0]![0]);
      expect(h.stats.max).toBeLessThan(h.bins.at(-1)![1]);
      // the median falls in the bin where the cumulative count crosses half
      let cum = 0;
      const mid = h.bins.find((b) => (cum += b[2]) >= 19_366 / 2)!;
      expect(h.stats.p50 >= mid[0] && h.stats.p50 < mid[1]).toBe(true);
    }
    expect(lengthBounds({ kind: 'histogram', histogram: AZURE_CONV_2023_OUTPUT })).toEqual({ min: 6, max: 1023 });
  });

  it('pairs longer than the context are drawn again, counted; an impossible fit is refused', () => {
    const p = { kind: 'range', lo: 1, hi: 100 } as const;
    const g = { kind: 'fixed', value: 20 } as const;
    const d = drawLengths(500, p, g, 70, uniform01(3));
    expect(d.lengths).toHaveLength(500);
    expect(d.lengths.every((x) => x.promptTokens + x.outputTokens <= 70)).toBe(true);
    // P(prompt > 50) = 50 %: about as many rejections as accepted draws
    expect(d.rejected).toBeGreaterThan(350);
    expect(d.rejected).toBeLessThan(650);
    expect(() => drawLengths(10, { kind: 'fixed', value: 60 }, g, 70, uniform01(3))).toThrow(/exceeds the model's context of 70/);
    expect(() => drawLengths(10, { kind: 'range', lo: 1, hi: 100_000 }, g, 70, uniform01(3))).toThrow(/fewer than 1 in 100/);
  });
});
