/**
 * The README's Boden example is what the tool prints: every line of its block (the verdict, the
 * options, the tornado, the flip points; "…" marks lines left out) appears verbatim in the output of
 * the command it names, so the README cannot keep a stale verdict after the model changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

describe('README economics example', () => {
  it('the Boden block is the output of the command it names', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /^`profit --site sites\/boden-sweden\.yaml --as-of 2026-11-22` alone[^\n]*\n\n```\n([^]*?)\n```/m.exec(readme);
    expect(m, 'README block after "profit --site sites/boden-sweden.yaml --as-of 2026-11-22"').not.toBeNull();
    const block = m![1]!.split('\n').filter((l) => l.trim() !== '…');
    const r = await runCliInProcess(['profit', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(block[0]).toBe(out[2]);
    expect(block[0]).toMatch(/^Verdict \(per MW of site power\): /);
    for (const line of block) expect(out, line).toContain(line);
  });
});
