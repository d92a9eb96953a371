// The README's simulated rates are the committed ones: its table of `ab --detect` figures and its
// sentences of `compare` and gross-deviation figures are exactly what bench/verdict-simulations.ts
// renders from bench/out/verdict-simulations.json (whose counts the other
// verdict-simulations-*.test.ts files re-run). Regenerate both with
// `node --import tsx bench/verdict-simulations.ts` and paste the table when the verdict changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAbTable, renderCompareFigures, renderGrossFigure } from '../../bench/verdict-simulations.js';
import { ROOT } from '../helpers.js';
import { committed } from '../fixtures/verdict-sims.js';

describe('README figures of the verdict simulations', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const file = committed();
  it('the ab --detect table between its markers is the committed one', () => {
    const m = readme.match(/<!-- verdict-simulations:ab -->\n([\s\S]*?)\n<!-- \/verdict-simulations:ab -->/);
    expect(m, 'README markers <!-- verdict-simulations:ab --> … <!-- /verdict-simulations:ab -->').not.toBeNull();
    expect(m![1]).toBe(renderAbTable(file));
  });
  it('the compare and gross-deviation figures are the committed ones', () => {
    expect(readme).toContain(renderCompareFigures(file));
    expect(readme).toContain(renderGrossFigure(file));
  });
  it('the figure file says what made it', () => {
    expect(file).toMatchObject({ name: 'verdict-simulations', command: 'node --import tsx bench/verdict-simulations.ts', adapter: null });
    expect(Date.parse(file.date)).toBeGreaterThan(0);
    expect(file.cpu.model).not.toBe('');
  });
});
