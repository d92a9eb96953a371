// Issue 21 case 3: a full disk at the final write lost the whole measurement (no summary, and the
// message "ENOSPC: no space left on device, write" without a path). Now the figures (and the JSON)
// are printed anyway, the file that could not be written is named, the exit code is 1, and no temp
// file is left behind. Real processes; the full disk is injected (every write(2) under the results
// directory fails with ENOSPC: test/fixtures/io/enospc.ts) so the test needs no root. `run` runs
// without a WebGPU adapter (hashing skipped, tiny model on the CPU EP: about a second).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, useTempModelsDir } from '../helpers.js';

const tmp = useTempModelsDir('jb-full-disk-');
const TINY = ['--model', 'tiny', '--prompt', '8', '--gen', '4', '-r', '1', '--batch', '1'];

/** The CLI with an injected full disk under `dir` (and the file's own models directory). */
function onFullDisk(args: string[], dir: string, env: NodeJS.ProcessEnv = {}) {
  return runCli(args, { timeoutMs: 120_000, preload: [join(ROOT, 'test/fixtures/io/enospc.ts')], env: { JOULEBENCH_TEST_ENOSPC_DIR: dir, JOULEBENCH_MODELS_DIR: join(tmp, 'models'), ...env } });
}

describe('a full disk at the final write', () => {
  it('infer bench --save: the figures are printed, the file is named, exit 1, no temp file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-full-save-'));
    const r = await onFullDisk(['infer', 'bench', '--ep', 'cpu', ...TINY, '--save'], dir, { JOULEBENCH_RESULTS_DIR: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\| tiny \(synthetic\) .* \| tg4 @ d8 \| [\d.]+ ± /);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error: '));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^joulebench: error: could not write the result file ${dir}/\\S+_infer-tiny\\.json \\(no space left on device\\): the figures above are not saved$`))]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('run --json --out: the whole JSON document is printed, the file is named, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-full-run-'));
    const out = join(dir, 'run.json');
    const r = await onFullDisk(['run', ...TINY, '--watts', '100', '--min-window', '0.1', '--out', out, '--json'], dir, {
      VK_ICD_FILENAMES: join(dir, 'no-icd.json'),
      VK_DRIVER_FILES: join(dir, 'no-icd.json'),
    });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { complete: boolean; measurements: Array<{ kind: string; status: string }> };
    expect(doc.complete).toBe(true);
    expect(doc.measurements.find((m) => m.kind === 'infer')?.status).toBe('complete');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`joulebench: error: could not write the result file ${out} (no space left on device): the figures above are not saved`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
