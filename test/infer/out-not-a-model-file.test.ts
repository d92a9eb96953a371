/**
 * `infer bench --model <dir> --out <dir>/model.onnx` measured the model, then replaced it with the
 * result document (the output check knew only the directory as an input; `infer serve` knew no
 * input at all). The model's files —
 * the graph, its external data, config.json / genai_config.json beside it — are inputs: an output
 * naming one is refused before any work (exit 2); another file in that directory is fine.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelInputFiles } from '../../src/cli/result-file.js';
import { runCliInProcess } from '../helpers.js';

describe('infer bench --out and the model it reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-model-out-'));
  for (const f of ['model.onnx', 'model.onnx.data', 'config.json', 'genai_config.json', 'notes.txt']) writeFileSync(join(dir, f), `not really ${f}\n`);

  it('the model files of its directory are inputs', () => {
    expect(modelInputFiles(dir).sort()).toEqual([dir, ...['config.json', 'genai_config.json', 'model.onnx', 'model.onnx.data'].map((f) => join(dir, f))].sort());
    expect(modelInputFiles(join(dir, 'model.onnx'))).toContain(join(dir, 'config.json'));
    expect(modelInputFiles('tiny')).toEqual([]);
  });

  it('an output naming one is refused before any work, and the file is untouched', async () => {
    for (const [cmd, model, out] of [['bench', dir, 'model.onnx'], ['bench', join(dir, 'model.onnx'), 'config.json'], ['bench', dir, 'model.onnx.data'], ['serve', dir, 'model.onnx'], ['serve', join(dir, 'model.onnx'), 'model.onnx']] as const) {
      const r = await runCliInProcess(['infer', cmd, '--model', model, '--ep', 'cpu', '--out', join(dir, out)]);
      expect(r.code, out).toBe(2);
      expect(r.stderr.trim(), out).toMatch(new RegExp(`^joulebench: error: --out ${join(dir, out).replace(/[.]/g, '\\.')}: is also an input file `));
      expect(readFileSync(join(dir, out), 'utf8')).toBe(`not really ${out}\n`);
    }
  });
});
