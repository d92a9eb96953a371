import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInferBench } from '../../src/infer/bench.js';
import { DeclaredMeter } from '../../src/power/monitor.js';
import { measurementSchema } from '../../src/results/schema.js';
import { validateResult } from '../../src/results/files.js';
import { kvCacheBytes, PRESETS } from '../../src/infer/presets.js';
import { runCliInProcess, useTempModelsDir } from '../helpers.js';

const dir = useTempModelsDir('jb-infer-bench-');

describe('infer bench produces a schema Measurement with llama-bench metrics', () => {
  it('cpu EP, tiny preset: per-run samples, latency percentiles, model size, declared energy', async () => {
    const reps = 3;
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', batch: 2, prompt: 8, gen: 5, repetitions: reps }, new DeclaredMeter(100));
    expect(() => measurementSchema.parse(m)).not.toThrow();
    expect(m.id).toBe('infer.tiny');
    expect(m.kind).toBe('infer');
    const pp = m.metrics.prefillTokensPerSecond!;
    const tg = m.metrics.decodeTokensPerSecond!;
    expect(pp.samples).toHaveLength(reps);
    expect(tg.samples).toHaveLength(reps);
    expect(pp.value).toBeCloseTo(pp.samples!.reduce((a, b) => a + b, 0) / reps, 6);
    expect(tg.summary!.n).toBe(reps);
    // llama-bench test names; tg runs after the prompt, i.e. at KV depth 8.
    expect(Object.keys((m.details as any).llamaBench)).toEqual(['pp8', 'tg5 @ d8']);
    expect(m.metrics.timeToFirstTokenMs!.samples).toHaveLength(reps);
    const d = m.details as any;
    expect(d.tokenLatencyPercentilesMs.n).toBe(reps * 5);
    expect(d.tokenLatencyPercentilesMs.p50).toBeLessThanOrEqual(d.tokenLatencyPercentilesMs.p99);
    // KV bytes at context prompt+gen: 2 (k,v) · layers · batch · kv heads · tokens · head_dim · 4 bytes.
    const c = PRESETS.tiny!;
    expect(d.model.kvCacheBytes).toBe(2 * c.numLayers * 2 * c.numKvHeads * 13 * c.headDim * 4);
    expect(d.model.kvCacheBytes).toBe(kvCacheBytes(c, 2, 13, 4));
    expect(d.model.parameters).toBe(c.vocabSize * c.hiddenSize * 2 + 2 * (c.hiddenSize * 2 + 64 * 64 * 2 + 64 * 32 * 2 + 64 + 32 * 2 + 3 * 64 * 128) + 64);
    expect(d.model.synthetic).toBe(true);
    expect(d.model.note).toMatch(/synthetic/);
    expect(d.memory.peakRssBytes).toBeGreaterThan(0);
    expect(d.placement.nodesByProvider.CPUExecutionProvider).toBeGreaterThan(10);
    // Declared meter: energy = 100 W × decode window time; tokens/J = decode tokens / J, labelled
    // declared (issue 11: declared watts are never "measured").
    const e = m.energy as { measured: boolean; declared?: boolean; energyJ: number; timeS: number };
    expect(e).toMatchObject({ measured: false, declared: true, scope: 'declared' });
    expect(m.metrics.tokensPerJoule!.value).toBeCloseTo((2 * 5 * reps) / e.energyJ, 6);
    expect(m.metrics.tokensPerJoule!.energyBasis).toBe('declared');
    expect(e.energyJ).toBeCloseTo(100 * e.timeS, 6);
  });

  it('without a meter tokensPerJoule is null with the reason', async () => {
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', prompt: 4, gen: 2, repetitions: 1, profile: false, energyReason: 'no meter here' });
    expect(m.metrics.tokensPerJoule!.value).toBeNull();
    expect(m.metrics.tokensPerJoule!.reason).toBe('energy not measured: no meter here');
    expect(m.energy).toEqual({ measured: false, reason: 'no meter here' });
  });

  it('CLI on a model directory (user-model path, I/O detected from the session) writes a valid result document', async () => {
    // Build via the CLI into the temp models dir, then bench it as a plain directory.
    const env = { JOULEBENCH_MODELS_DIR: join(dir, 'models') };
    const b = await runCliInProcess(['infer', 'build', 'tiny-gpt2', '--json'], { env });
    expect(b.code, b.stderr).toBe(0);
    const built = JSON.parse(b.stdout);
    const out = join(dir, 'result.json');
    const r = await runCliInProcess(['infer', 'bench', '--model', built.dir, '--ep', 'cpu', '--prompt', '6', '--gen', '3', '-r', '2', '--json', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.details.model.source).toBe('file');
    expect(m.details.model.io.positionIds).toBe(true);
    expect(m.metrics.prefillTokensPerSecond.samples).toHaveLength(2);
    expect(m.metrics.decodeTokensPerSecond.value).toBeGreaterThan(0);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.measurements[0]!.id).toBe(m.id);
  });

  it('rejects prompt + gen beyond the model context with a usage error', async () => {
    await expect(runInferBench({ model: 'tiny', ep: 'cpu', prompt: 250, gen: 10, repetitions: 1 })).rejects.toThrow(/exceeds the model's context of 256/);
  });
});
