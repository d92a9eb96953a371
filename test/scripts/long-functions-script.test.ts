// scripts/long-functions.mjs (the "no function over 80 lines" gate of issue 24) on a hand-written
// project: exactly which functions it lists, by line counts written out here, not read from it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SCRIPT = join(ROOT, 'scripts/long-functions.mjs');

/** `n` statements: a function whose body holds them spans n + 2 lines (header and closing brace). */
const body = (n: number, indent = '  '): string => Array.from({ length: n }, (_, i) => `${indent}void ${i};`).join('\n');

const dir = mkdtempSync(join(tmpdir(), 'jb-long-functions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'other'));
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2023', module: 'NodeNext' }, include: ['src/**/*.ts', 'other/**/*.ts'] }));
writeFileSync(
  join(dir, 'src/a.ts'),
  [
    '/** JSDoc lines above a function are not counted. */',
    '/** ... */',
    'export function exactly80(): void {', // line 3, 78 statements + 2 = 80 lines: not listed
    body(78),
    '}',
    'export function over80(): void {', // line 83 (3 + 80): 81 lines
    body(79),
    '}',
    'export const arrow = (): void => {', // line 164: 82 lines
    body(80),
    '};',
    'export class Box {',
    '  method(): void {', // line 247 (164 + 82 + 1): 90 lines
    body(88, '    '),
    '  }',
    '}',
    'export function outer(): void {', // line 338: 1 + 1 + (1 + 85 + 1) + 1 + 1 = 91 lines
    '  const x = 1;',
    '  function inner(): void {', // line 340: 87 lines
    body(85, '    '),
    '  }',
    '  inner();',
    '}',
  ].join('\n') + '\n',
);
writeFileSync(join(dir, 'other/b.ts'), `export function elsewhere(): void {\n${body(100)}\n}\n`);

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, '--project', join(dir, 'tsconfig.json'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/long-functions.mjs', () => {
  it('lists functions over 80 source lines in src/ (arrows, methods, nested ones on their own), longest first, and exits 1', () => {
    const r = run(['--json']);
    expect(r.code, r.stderr).toBe(1);
    const found = (JSON.parse(r.stdout) as { functions: Array<{ file: string; line: number; name: string; lines: number }> }).functions;
    expect(found).toEqual([
      { file: 'src/a.ts', line: 338, name: 'outer', lines: 91 },
      { file: 'src/a.ts', line: 247, name: 'Box.method', lines: 90 },
      { file: 'src/a.ts', line: 340, name: 'inner', lines: 87 },
      { file: 'src/a.ts', line: 164, name: 'arrow', lines: 82 },
      { file: 'src/a.ts', line: 83, name: 'over80', lines: 81 },
    ]);
  });

  it('--max and path prefixes narrow the list; nothing listed exits 0', () => {
    expect(JSON.parse(run(['--max', '90', '--json']).stdout).functions).toEqual([{ file: 'src/a.ts', line: 338, name: 'outer', lines: 91 }]);
    const other = run(['other']);
    expect(other.code).toBe(1);
    expect(other.stdout).toBe(' 102  other/b.ts:1  elsewhere\n1 function(s) over 80 lines in other\n');
    const none = run(['--max', '200']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('0 function(s) over 200 lines in src\n');
  });

  it('bad usage: one line naming the option, exit 2', () => {
    for (const args of [['--max', 'eighty'], ['--max', '0'], ['--frobnicate'], ['no/such/dir']]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(/^long-functions: /);
    }
  });

  it('runs on the package itself (the default project)', () => {
    let out = '';
    try {
      out = execFileSync(process.execPath, [SCRIPT, 'src/util'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    } catch (err) {
      out = (err as { stdout?: string }).stdout ?? '';
    }
    expect(out).toMatch(/function\(s\) over 80 lines in src\/util\n$/);
  });
});
