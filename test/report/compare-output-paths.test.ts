// Issue 21 case 1: compare's outputs (--md, --export-gha-benchmark, --export-gha-benchmark-smaller)
// are checked before any work, like report's and run's: never an input result file (given or found
// in an input directory), never a new *.json inside an input directory, never a directory, device
// node or FIFO (as root, `--md /dev/full` had replaced the device node with a regular file), never
// two outputs on one path. Refused with exit 2 and one line; nothing written, nothing replaced.
// `ab` checks the same outputs before it builds or runs anything.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';
import { charDevice, fifo } from '../fixtures/io/special-files.js';

const root = mkdtempSync(join(tmpdir(), 'jb-compare-out-'));

function runFile(path: string, hps: number, t: number): string {
  writeFileSync(path, JSON.stringify(runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: hps }], minute(t))));
  return path;
}

/** A scratch dir with a.json, b.json and two run directories base/ and cand/. */
function scratch() {
  const dir = mkdtempSync(join(root, 's-'));
  const a = runFile(join(dir, 'a.json'), 1000, 0);
  const b = runFile(join(dir, 'b.json'), 1001, 1);
  mkdirSync(join(dir, 'base'));
  mkdirSync(join(dir, 'cand'));
  for (let i = 0; i < 3; i++) runFile(join(dir, 'base', `run-${i}.json`), 1000 + i, 10 + i);
  for (let i = 0; i < 3; i++) runFile(join(dir, 'cand', `run-${i}.json`), 1000 + i, 20 + i);
  const snapshot = () => readdirSync(dir, { recursive: true }).map(String).sort().map((f) => [f, statSync(join(dir, f)).isFile() ? readFileSync(join(dir, f), 'utf8') : 'dir']);
  return { dir, a, b, snapshot };
}

async function refusedUntouched(s: ReturnType<typeof scratch>, args: string[], re: RegExp): Promise<void> {
  const before = s.snapshot();
  expectUsageRefusal(await runCliInProcess(args), re);
  expect(s.snapshot()).toEqual(before);
}

describe('compare output paths are checked before any work', () => {
  it('--md naming the candidate input, or --export-gha-benchmark naming the baseline: refused, inputs untouched', async () => {
    const s = scratch();
    await refusedUntouched(s, ['compare', s.a, s.b, '--md', s.b], /--md .*b\.json: is also an input file/);
    await refusedUntouched(s, ['compare', s.a, s.b, '--export-gha-benchmark', s.a], /--export-gha-benchmark .*a\.json: is also an input file/);
    await refusedUntouched(s, ['compare', s.a, s.b, '--export-gha-benchmark-smaller', s.a], /--export-gha-benchmark-smaller .*a\.json: is also an input file/);
  });

  it('directory form: an output that is a run file of a side, or a new *.json in a side directory: refused', async () => {
    const s = scratch();
    const sides = ['--baseline', join(s.dir, 'base'), '--candidate', join(s.dir, 'cand')];
    await refusedUntouched(s, ['compare', ...sides, '--md', join(s.dir, 'cand', 'run-1.json')], /--md .*run-1\.json: is also an input file/);
    await refusedUntouched(s, ['compare', ...sides, '--export-gha-benchmark', join(s.dir, 'base', 'gha.json')], /--export-gha-benchmark .*gha\.json: is inside the input directory .*base, where it would be read as a result file/);
  });

  it('the same path for --md and --export-gha-benchmark: refused, nothing written', async () => {
    const s = scratch();
    const x = join(s.dir, 'out.txt');
    await refusedUntouched(s, ['compare', s.a, s.b, '--md', x, '--export-gha-benchmark', x], /--md and --export-gha-benchmark name the same file/);
  });

  it('--md <directory>: exit 2 "is a directory" (was a raw EISDIR, exit 1)', async () => {
    const s = scratch();
    await refusedUntouched(s, ['compare', s.a, s.b, '--md', join(s.dir, 'base')], /--md .*base: is a directory/);
  });

  it('--md on a device node or a FIFO: refused, the node is still there (never replaced by a regular file)', async () => {
    const s = scratch();
    const dev = charDevice(s.dir, 'full', 'full');
    const pipe = fifo(s.dir, 'pipe');
    const isNode = (p: string) => statSync(p).isCharacterDevice() || statSync(p).isFIFO();
    expectUsageRefusal(await runCliInProcess(['compare', s.a, s.b, '--md', dev.path]), /--md .*full: not a regular file/);
    expectUsageRefusal(await runCliInProcess(['compare', s.a, s.b, '--export-gha-benchmark', pipe]), /--export-gha-benchmark .*pipe: not a regular file/);
    expect(isNode(dev.path), dev.kind).toBe(true);
    expect(isNode(pipe)).toBe(true);
  });

  it('ab: the compare outputs it will write are checked before it builds or runs anything', async () => {
    const s = scratch();
    const out = join(s.dir, 'ab-out');
    const r = await runCliInProcess(['ab', '--baseline-dir', s.dir, '--candidate-dir', s.dir, '--no-build', '--bench', 'false {out}', '--rounds', '2', '--out-dir', out, '--md', join(s.dir, 'base')]);
    expectUsageRefusal(r, /--md .*base: is a directory/);
    // An export that would land among the run files it is about to write: refused up front too.
    const gha = join(out, 'candidate', 'gha.json');
    const r2 = await runCliInProcess(['ab', '--baseline-dir', s.dir, '--candidate-dir', s.dir, '--no-build', '--bench', 'false {out}', '--rounds', '2', '--out-dir', out, '--export-gha-benchmark', gha]);
    expectUsageRefusal(r2, /--export-gha-benchmark .*candidate\/gha\.json: is inside the input directory/);
    expect(readdirSync(s.dir)).not.toContain('ab-out');
  });
});
