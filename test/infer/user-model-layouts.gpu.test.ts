import '../fixtures/narrow-llvmpipe.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/files.js';
import { DecoderRunner, openDecoderSession } from '../../src/infer/decoder.js';
import { runInferBench } from '../../src/infer/bench.js';
import { buildDecoderGraph, serializeModel } from '../../src/infer/builder.js';
import { writeMsgToFile } from '../../src/infer/onnx-writer.js';
import { PRESETS } from '../../src/infer/presets.js';
import { appendFileSync } from 'node:fs';
import { buildGenaiMhaFixture } from '../fixtures/user-decoder.js';
import { runCliInProcess } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'jb-infer-layouts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const genai = join(root, 'genai-mha');
buildGenaiMhaFixture(genai);

// Hand count of the fixture's parameters (test/fixtures/user-decoder.ts, FIXTURE: 2 layers, hidden
// 64, 4 heads × 16, MLP 128, vocab 256):
//   embedding 256·64                                   = 16,384
//   per layer: ln1 64+64, q/k/v 3·64·64, o 64·64,
//              ln2 64+64, fc1 64·128, fc2 128·64       = 33,024   × 2 layers = 66,048
//   final LayerNorm 64+64                              =    128
//   LM head 64·256                                     = 16,384
//   total                                              = 98,944   (fp32: 395,776 bytes)
// Not parameters: the rotary cos/sin tables (2 · 128·8 floats) and the scalar/shape constants.
const FIXTURE_PARAMS = 98_944;

describe('infer bench on decoder exports the builder never writes', () => {
  for (const ep of ['cpu', 'webgpu'] as const) {
    it(`genai-style export (MultiHeadAttention + RotaryEmbedding, genai_config.json only, 2 external data files, int32 ids, no position_ids) on ${ep}: prints the parameter count and writes a valid result`, async () => {
      const out = join(root, `result-${ep}.json`);
      const r = await runCliInProcess(['infer', 'bench', '--model', genai, '--ep', ep, '--prompt', '6', '--gen', '3', '-r', '2', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`parameters: ${FIXTURE_PARAMS.toLocaleString('en-US')}, weights 386.5 KiB, counted from the graph's initializers; model facts from genai_config.json`);
      const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')));
      const m = doc.measurements[0]!;
      const d = (m.details as any).model;
      expect(d).toMatchObject({ source: 'file', synthetic: false, parameters: FIXTURE_PARAMS, weightBytes: FIXTURE_PARAMS * 4, externalDataFiles: ['model.onnx_data', 'model.onnx_data_1'], layers: 2, numKvHeads: 4, headDim: 16, vocabSize: 256 });
      expect(d.facts).toMatchObject({ source: 'genai_config.json', contextLength: 128, numLayers: 2 });
      expect(d.io).toMatchObject({ positionIds: false, attentionMask: true });
      expect(d.contribOps).toEqual({ 'com.microsoft.MultiHeadAttention': 2, 'com.microsoft.RotaryEmbedding': 4 });
      expect(m.params.dtype).toBe('fp32');
      expect(m.metrics.decodeTokensPerSecond!.samples).toHaveLength(2);
      if (ep === 'webgpu') expect((m.details as any).session.kvOnDevice).toBe(true);
    });
  }

  it('the harness feeds that layout correctly: cached decoding equals full recomputation (cpu, ≤ 1e-4)', async () => {
    const { session, io } = await openDecoderSession(join(genai, 'model.onnx'), 'cpu');
    try {
      expect([io.inputIdsType, io.attentionMaskType, io.positionIds]).toEqual(['int32', 'int32', null]);
      const toks = [5, 9, 200, 33, 17, 101, 7, 64];
      const full = (await new DecoderRunner(session, io, 1).step(toks, 8)).data as Float32Array;
      const inc = new DecoderRunner(session, io, 1);
      await inc.step(toks.slice(0, 5), 5);
      let worst = 0;
      for (let i = 5; i < 8; i++) {
        const d = (await inc.step([toks[i]!], 1)).data as Float32Array;
        for (let v = 0; v < 256; v++) worst = Math.max(worst, Math.abs(d[v]! - full[i * 256 + v]!));
      }
      expect(worst).toBeLessThanOrEqual(1e-4);
    } finally {
      await session.release();
    }
  });

  it("the context length comes from genai_config.json: a longer run is refused before any session", async () => {
    const r = await runCliInProcess(['infer', 'bench', '--model', genai, '--ep', 'cpu', '--prompt', '120', '--gen', '20']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^joulebench: error: --prompt 120 \+ --gen 20 = 140 tokens: exceeds the model's context of 128 \(genai_config\.json\); lower them, e\.g\. --prompt 64 --gen 16\n$/);
  });

  it('no config file at all, fp16 KV cache, weights in one external file of another name: facts and parameters from the graph', async () => {
    const dir = join(root, 'graph-only');
    mkdirSync(dir);
    const c = PRESETS.tiny!;
    const built = buildDecoderGraph(c, { dtype: 'fp16', variant: 'gqa', seed: 3 });
    const data = join(dir, 'weights.bin');
    writeMsgToFile(join(dir, 'decoder.onnx'), serializeModel(built, { external: { location: 'weights.bin', writeChunk: (b) => appendFileSync(data, b) }, alignBytes: 16 }));
    const m = await runInferBench({ model: dir, ep: 'cpu', prompt: 4, gen: 2, repetitions: 1, profile: false });
    const d = (m.details as any).model;
    // tiny by hand: embedding 512·64 + LM head 64·512, per layer norms 2·64, q 64·64, k/v 2·64·32,
    // q/k/v bias 64+32+32, o 64·64, gate/up 2·64·128, down 128·64; final norm 64.
    const perLayer = 2 * 64 + 64 * 64 + 2 * 64 * 32 + 64 + 32 + 32 + 64 * 64 + 2 * 64 * 128 + 128 * 64;
    expect(d.parameters).toBe(512 * 64 * 2 + 2 * perLayer + 64);
    expect(d.weightBytes).toBe(d.parameters * 2);
    expect(d.facts).toMatchObject({ source: 'graph', numLayers: 2, numKvHeads: 2, headDim: 16, vocabSize: 512, contextLength: null });
    expect(d.kvType).toBe('float16');
    expect(d.externalDataFiles).toEqual(['weights.bin']);
    expect(d.synthetic).toBe(false);
    expect(m.params.dtype).toBe('fp16');
  });
});
