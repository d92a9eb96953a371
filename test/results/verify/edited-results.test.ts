// `joulebench verify` catches a hand-edited result file, naming the field, whether or not the
// editor also re-sealed the digest: the shipped examples (real runs) edited the ways a careless or
// hopeful publisher would — H/s raised 10 %, an energy window shortened (with its joules, edges and
// per-joule figure made consistent), the software-adapter flag flipped — each exit 1 with the field.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../../src/results/digest.js';
import { ROOT, runCliInProcess } from '../../helpers.js';

type Doc = Record<string, any>;
const EXAMPLES = join(ROOT, 'results', 'examples');
const dir = mkdtempSync(join(tmpdir(), 'jb-verify-edit-'));
const declared = (): Doc => JSON.parse(readFileSync(join(EXAMPLES, 'llvmpipe-declared-65w.json'), 'utf8'));
const idx = (d: Doc, kind: string) => d.measurements.findIndex((m: Doc) => m.kind === kind);

/** Write `d` (re-sealed: its digest recomputed after the edit, as a forger would) and verify it. */
async function verifyCopy(name: string, d: Doc, reseal: boolean) {
  if (reseal) d.digest = computeDigest(d);
  const p = join(dir, `${name}${reseal ? '-resealed' : ''}.json`);
  writeFileSync(p, JSON.stringify(d, null, 2));
  return { p, r: await runCliInProcess(['verify', p]) };
}

const EDITS: Array<{ what: string; field: (d: Doc) => string; edit: (d: Doc) => void }> = [
  {
    what: 'hashesPerSecond raised 10 %',
    field: (d) => `measurements[${idx(d, 'hash')}].metrics.hashesPerSecond.value`,
    edit: (d) => {
      d.measurements[idx(d, 'hash')].metrics.hashesPerSecond.value *= 1.1;
    },
  },
  {
    what: 'the hash energy window shortened by 2 s (edges, joules and H/J made consistent)',
    field: (d) => `measurements[${idx(d, 'hash')}].energy.timeS`,
    edit: (d) => {
      const m = d.measurements[idx(d, 'hash')];
      const e = m.energy;
      e.timeS -= 2;
      e.endUnixMs -= 2000;
      e.energyJ = e.avgPowerW * e.timeS;
      m.metrics.hashesPerJoule.value = m.details.windowHashes / e.energyJ;
    },
  },
  {
    what: 'the decode energy window shortened by 20 % (joules and tok/J made consistent)',
    field: (d) => `measurements[${idx(d, 'infer')}].energy.timeS`,
    edit: (d) => {
      const m = d.measurements[idx(d, 'infer')];
      const e = m.energy;
      e.timeS *= 0.8;
      e.endUnixMs = e.startUnixMs + e.timeS * 1000;
      e.energyJ = e.avgPowerW * e.timeS;
      m.metrics.tokensPerJoule.value = m.details.tokens.decode / e.energyJ;
    },
  },
  {
    what: 'isSoftware flipped to false everywhere',
    field: () => 'environment.adapter.isSoftware',
    edit: (d) => {
      d.environment.adapter.isSoftware = false;
      for (const m of d.measurements) if (m.adapter) m.adapter.isSoftware = false;
    },
  },
];

describe('joulebench verify on edited copies of the shipped examples', () => {
  it('the unedited examples pass', async () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const r = await runCliInProcess(['verify', EXAMPLES]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Shipped examples are written by the current tool: sealed, so the unsealed edits below fail on the digest.
    for (const f of files) expect(r.stdout).toMatch(new RegExp(`${f}: PASS \\(\\d+ checks, 0 failed.*digest ok\\)`));
  });

  for (const { what, field, edit } of EDITS) {
    for (const reseal of [false, true]) {
      it(`${what}${reseal ? ', digest re-sealed' : ''}: exit 1, the field named`, async () => {
        const d = declared();
        edit(d);
        const { p, r } = await verifyCopy(what.replace(/\W+/g, '-'), d, reseal);
        expect(r.code, r.stdout).toBe(1);
        expect(r.stdout).toContain(`${p}: FAIL ${field(d)}: `);
        expect(r.stdout).toContain(`${p}: FAIL (`);
        // Re-sealing hides the edit from the digest, never from the re-derivation.
        if (reseal) expect(r.stdout).not.toMatch(/FAIL digest/);
        else expect(r.stdout).toMatch(/FAIL digest: the file was changed after it was written/);
      });
    }
  }
});
