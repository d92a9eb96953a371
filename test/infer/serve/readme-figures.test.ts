/**
 * The README's serving-under-load figures come from the committed bench/out files, and those files'
 * figures recompute from the per-request records they carry (this file's own arithmetic): a
 * figure in the README that no committed measurement backs, or a stored figure its records do not
 * give, fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const raw = readme.slice(readme.indexOf('### Serving under load (`infer serve`)'), readme.indexOf('### Energy meters'));
/** The section with line breaks inside paragraphs read as spaces (prose is re-wrapped freely). */
const section = raw.replace(/(?<!\n)\n(?![\n|])/g, ' ');
const load = (name: string) => JSON.parse(readFileSync(join(ROOT, 'bench/out', `${name}.json`), 'utf8'));
const gpt2 = load('serve-load-gpt2-cpu');
const tiny = load('serve-load-tiny-webgpu');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
};
const x2 = (v: number) => v.toFixed(2);
const range = (xs: number[]) => `${x2(Math.min(...xs))}–${x2(Math.max(...xs))}`;

describe('README serving figures', () => {
  for (const [name, doc] of [['gpt2 cpu', gpt2], ['tiny webgpu', tiny]] as const) {
    it(`${name}: every level figure recomputes from the committed per-request records`, () => {
      const m = doc.curve.result.measurements[0];
      for (const l of m.levels) {
        const done = l.requests.filter((q: any) => q.doneMs !== null);
        const dur = Math.max(...done.map((q: any) => q.doneMs)) / 1000;
        const tokens = done.reduce((a: number, q: any) => a + q.outputTokens, 0);
        expect(l.durationS).toBe(dur);
        expect(l.outputTokensPerSecond).toBeCloseTo(tokens / dur, 9);
        expect(l.ttftMs.p99).toBeCloseTo(pct(done.map((q: any) => q.firstTokenMs - q.arrivalMs), 0.99), 9);
        expect(l.tpotMs.p99).toBeCloseTo(pct(done.filter((q: any) => q.outputTokens > 1).map((q: any) => (q.doneMs - q.firstTokenMs) / (q.outputTokens - 1)), 0.99), 9);
      }
    });
  }

  it('the gpt2 table rows are the committed curve levels', () => {
    const levels = gpt2.curve.result.measurements[0].levels;
    expect(section).toContain('`' + gpt2.curve.command + '`'); // the measured command, as run
    for (const l of levels) {
      const q = l.offeredQps === 'inf' ? 'inf (burst of' : String(l.offeredQps);
      const row = raw.split('\n').find((r) => r.startsWith(`| ${q}`) || r.startsWith(`| **${q}**`));
      expect(row, `no README row for ${l.offeredQps}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim().replace(/\*\*/g, ''));
      expect(cells[2]).toBe(String(l.completedRequests));
      expect(cells[3]).toBe(l.requestsPerSecond.toFixed(2));
      expect(cells[4]).toBe(l.outputTokensPerSecond.toFixed(1));
      expect(cells[5]).toBe(`${Math.round(l.ttftMs.p50)} / ${Math.round(l.ttftMs.p99)}`);
      expect(cells[6]).toBe(`${l.tpotMs.p50.toFixed(1)} / ${l.tpotMs.p99.toFixed(1)}`);
      expect(cells[7]).toBe(String(Math.round(l.itlMs.p99)));
      expect(cells[8]).toBe(l.goodputRequestsPerSecond.toFixed(2));
    }
    const s = gpt2.figures.sustainable;
    expect(section).toContain(`**${s.offeredQps} req/s → ${s.outputTokensPerSecond.toFixed(1)} output tok/s**`);
  });

  it('the static-vs-burst ratios are the committed rounds', () => {
    const f = gpt2.figures;
    expect(section).toContain(`**${x2(f.burstOverStatic.median)}× the static batch-4 decode tok/s** (median; ${range(f.burstOverStatic.all)} over the rounds; ${f.burstOutputTokS.median.toFixed(1)} vs ${f.staticDecodeTokS.median.toFixed(1)} tok/s)`);
    expect(section).toContain(`**${x2(f.decodeStepOverStatic.median)}×** (${range(f.decodeStepOverStatic.all)})`);
    expect(section).toContain(`**${x2(f.burstOverPredicted.median)}×** (${range(f.burstOverPredicted.all)})`);
    const share = gpt2.rounds.map((r: any) => r.burst.prefillS / r.burst.durationS);
    expect(section).toContain(`${Math.round(pct(share, 0.5) * 100)} % of the burst's wall time`);
    const t = tiny.figures;
    expect(section).toContain(`**${t.sustainable.offeredQps} req/s → ${Math.round(t.sustainable.outputTokensPerSecond)} output tok/s**`);
    expect(section).toContain(`the burst **${x2(t.burstOverStatic.median)}×** (${range(t.burstOverStatic.all)}), its decode steps ${x2(t.decodeStepOverStatic.median)}× (${range(t.decodeStepOverStatic.all)})`);
    expect(tiny.curve.result.measurements[0].details.batching).toMatchObject({ mode: 'boundary', fallback: true });
  });
});
