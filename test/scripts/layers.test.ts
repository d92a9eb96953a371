// scripts/layers.mjs (issue 24: "no import cycle, type imports included; nothing outside src/cli
// imports src/cli; nothing in results/, core/, hash/, infer/, power/, profit/ imports report/") on a
// hand-written project whose cycles and upward imports are written out here, then on the package.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SCRIPT = join(ROOT, 'scripts/layers.mjs');
const dir = mkdtempSync(join(tmpdir(), 'jb-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  // A type-only cycle between two files of one folder.
  'src/hash/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
  'src/hash/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
  // A three-file cycle through an `import()` type and a re-export.
  'src/stats/x.ts': "export type X = import('./y.js').Y;\n",
  'src/stats/y.ts': "export { z as y } from './z.js';\nexport type Y = number;\n",
  'src/stats/z.ts': "import { type X } from './x.js';\nexport const z: X = 1;\n",
  // Upward imports: profit → report, util → cli, results → hash.
  'src/report/view.ts': 'export const view = 1;\n',
  'src/profit/p.ts': "import { view } from '../report/view.js';\nexport const p = view;\n",
  'src/cli/main.ts': 'export const main = 1;\n',
  'src/util/u.ts': "export async function u() { return (await import('../cli/main.js')).main; }\n",
  'src/results/r.ts': "import type { A } from '../hash/a.js';\nexport type R = A;\n",
  // Allowed: cli → report, report → results, fleet → report.
  'src/cli/ok.ts': "import { view } from '../report/view.js';\nexport const ok = view;\n",
  'src/fleet/f.ts': "import { view } from '../report/view.js';\nexport const f = view;\n",
};
for (const [f, text] of Object.entries(files)) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), text);
}
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2023', module: 'NodeNext' }, include: ['src/**/*.ts'] }));

const run = (cwd: string, args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

describe('scripts/layers.mjs', () => {
  it('finds every cycle (type-only ones too) and every import that points up, and exits 1', () => {
    const r = run(dir, ['--project', join(dir, 'tsconfig.json'), '--json']);
    expect(r.status, r.stderr).toBe(1);
    const found = JSON.parse(r.stdout) as { files: number; cycles: string[][]; violations: Array<{ from: string; to: string }> };
    expect(found.files).toBe(12);
    expect(found.cycles).toEqual([
      ['src/hash/a.ts', 'src/hash/b.ts'],
      ['src/stats/x.ts', 'src/stats/y.ts', 'src/stats/z.ts'],
    ]);
    expect(found.violations.map((v) => `${v.from} → ${v.to}`)).toEqual([
      'src/profit/p.ts → src/report/view.ts',
      'src/results/r.ts → src/hash/a.ts',
      'src/util/u.ts → src/cli/main.ts',
    ]);
  });

  it('the package itself: no cycle, nothing pointing up', () => {
    const r = run(ROOT, []);
    expect(r.stdout).toMatch(/: 0 cycle\(s\), 0 forbidden import\(s\)\n$/);
    expect(r.status, r.stdout).toBe(0);
  });

  it('the package itself: no function over 80 lines in src/', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/long-functions.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('0 function(s) over 80 lines in src\n');
    expect(r.status).toBe(0);
  });
});
