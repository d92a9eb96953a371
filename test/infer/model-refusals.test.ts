// Issue 21 case 12 (models): a config whose max_position_embeddings is −5 was taken at its word and
// the user advised "--prompt 1 --gen 1"; it is a bad model, refused as one. A cached preset model
// cut short (a copy interrupted, a disk that filled up) was handed to onnxruntime, whose parse error
// blamed --model; the cache is now checked against the sizes recorded at build time and named
// corrupt, with the command that rebuilds it. In process: both are refused before any session.
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess, useTempModelsDir } from '../helpers.js';

const tmp = useTempModelsDir('jb-model-refusals-');

describe('models refused before onnxruntime sees them', () => {
  it('max_position_embeddings −5 in config.json: "a bad model config", not advice to shrink the test', async () => {
    const dir = join(tmp, 'bad-config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', num_hidden_layers: 2, num_attention_heads: 4, hidden_size: 64, vocab_size: 256, max_position_embeddings: -5 }));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx model');
    const r = await runCliInProcess(['infer', 'bench', '--ep', 'cpu', '--model', dir]);
    expectUsageRefusal(r, /--model: .*bad-config\/config\.json: max_position_embeddings = -5 is not a count ≥ 1: a bad model config/);
    expect(r.stderr).not.toMatch(/--prompt 1 --gen 1/);
  });

  it('a truncated cached model.onnx: "cached model … is corrupt", with the --force rebuild', async () => {
    const built = await runCliInProcess(['infer', 'build', 'tiny', '--json']);
    expect(built.code, built.stderr).toBe(0);
    const dir = (JSON.parse(built.stdout) as { dir: string }).dir;
    const size = readFileSync(join(dir, 'model.onnx')).length;
    truncateSync(join(dir, 'model.onnx'), size >> 1);
    const r = await runCliInProcess(['infer', 'bench', '--ep', 'cpu', '--model', 'tiny', '-r', '1', '--prompt', '4', '--gen', '2']);
    expectUsageRefusal(r, new RegExp(`cached model ${dir} is corrupt: model\\.onnx is ${size >> 1} bytes, ${size} when built; rebuild it with 'joulebench infer build tiny --force'`));
    // `infer build` without --force says the same; with it, the cache is whole again.
    expectUsageRefusal(await runCliInProcess(['infer', 'build', 'tiny']), /is corrupt: .*--force/);
    const rebuilt = await runCliInProcess(['infer', 'build', 'tiny', '--force', '--json']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(readFileSync(join(dir, 'model.onnx')).length).toBe(size);
    expect(readdirSync(join(tmp, 'models')).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
