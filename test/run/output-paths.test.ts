// Output paths of `hash bench`, `infer bench` and `run` are checked before any work: a directory,
// a place that cannot be written (procfs: where a recursive mkdir never returns), a path under a
// file, a device: one line naming the flag, exit 2, in well under a second of work (in process:
// a command that got as far as the GPU or onnxruntime would not finish this quickly, and plain
// tests never open either).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';

async function refused(args: string[], re: RegExp, env?: Record<string, string | undefined>): Promise<void> {
  const t0 = performance.now();
  const r = await runCliInProcess(args, { env });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^joulebench: error: /);
  expect(lines[0]).toMatch(re);
  expect(performance.now() - t0, 'validation must come before any benchmark work').toBeLessThan(15_000);
}

const dir = mkdtempSync(join(tmpdir(), 'jb-outpaths-'));
const file = join(dir, 'plain.txt');
writeFileSync(file, 'x');

describe('output paths are validated before any work', () => {
  for (const cmd of [['hash', 'bench'], ['infer', 'bench'], ['run']]) {
    it(`${cmd.join(' ')} --out <directory>`, async () => {
      await refused([...cmd, '--out', dir], /--out .*: is a directory; give a file name/);
    });
    it(`${cmd.join(' ')} --out under /proc: refused without hanging`, async () => {
      await refused([...cmd, '--out', '/proc/joulebench-no-such/r.json'], /--out \/proc\/joulebench-no-such\/r\.json: cannot write there \(creating \/proc\/joulebench-no-such: no such file or directory\)/);
    });
  }

  it('hash bench --out under a regular file', async () => {
    await refused(['hash', 'bench', '--out', join(file, 'r.json')], /--out .*plain\.txt\/r\.json: .*plain\.txt is not a directory/);
  });

  it('hash bench --out /dev/null (a device the atomic rename would replace)', async () => {
    await refused(['hash', 'bench', '--out', '/dev/null'], /--out \/dev\/null: not a regular file/);
  });

  it('hash bench --save and run without --out check the results directory', async () => {
    const env = { JOULEBENCH_RESULTS_DIR: '/proc/joulebench-no-such' };
    await refused(['hash', 'bench', '--save'], /--save: results directory \/proc\/joulebench-no-such: cannot write there/, env);
    await refused(['run'], /run \(no --out\): results directory \/proc\/joulebench-no-such: cannot write there/, env);
  });

  it('leaves nothing behind in the directories it probed', () => {
    expect(readdirSync(dir)).toEqual(['plain.txt']);
  });
});
