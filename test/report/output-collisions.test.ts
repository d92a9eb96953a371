// `report` outputs that collide with an input or with each other, or cannot be written, are
// refused with one line and exit 2 before anything is written: the inputs stay as they were and
// no output appears.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

const FIXTURE = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');

/** A scratch directory holding one copy of a fixture result as in.json. */
function scratch(): { dir: string; input: string; before: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jb-report-out-'));
  const input = join(dir, 'in.json');
  copyFileSync(FIXTURE, input);
  return { dir, input, before: readFileSync(input, 'utf8') };
}

async function refused(args: string[], re: RegExp): Promise<void> {
  const r = await runCliInProcess(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^joulebench: error: /);
  expect(lines[0]).toMatch(re);
}

describe('report output collisions', () => {
  it('--md naming the input result file: refused, the result file untouched', async () => {
    const s = scratch();
    await refused(['report', s.input, '--md', s.input], /--md .*in\.json: is also an input file/);
    expect(readFileSync(s.input, 'utf8')).toBe(s.before);
  });

  it('an output reaching an input through a symlink or a directory argument: refused', async () => {
    const s = scratch();
    symlinkSync(s.input, join(s.dir, 'link.md'));
    await refused(['report', s.input, '--csv', join(s.dir, 'link.md')], /--csv .*link\.md: is also an input file/);
    await refused(['report', s.dir, '--html', join(s.dir, 'in.json')], /--html .*in\.json: is also an input file/);
    expect(readFileSync(s.input, 'utf8')).toBe(s.before);
  });

  it('--md X --csv X: refused, nothing written', async () => {
    const s = scratch();
    const x = join(s.dir, 'x.out');
    await refused(['report', s.input, '--md', x, '--csv', x], /--md and --csv name the same file/);
    expect(readdirSync(s.dir)).toEqual(['in.json']);
  });

  it('--md a.md --csv <directory>: refused before a.md is written', async () => {
    const s = scratch();
    mkdirSync(join(s.dir, 'sub'));
    await refused(['report', s.input, '--md', join(s.dir, 'a.md'), '--csv', join(s.dir, 'sub')], /--csv .*sub: is a directory/);
    expect(readdirSync(s.dir).sort()).toEqual(['in.json', 'sub']);
  });

  it('an output under /proc: refused, without hanging', async () => {
    const s = scratch();
    await refused(['report', s.input, '--md', '/proc/joulebench-no-such/r.md'], /--md \/proc\/joulebench-no-such\/r\.md: cannot write there/);
  }, 20_000);

  it('a result file holding "hello\\nworld": one line naming the file', async () => {
    const s = scratch();
    const bad = join(s.dir, 'bad.json');
    copyFileSync(s.input, bad);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'hello\nworld');
    await refused(['report', bad], /bad\.json: not valid JSON \(.*hello\\nworld.*\)/);
  });
});
