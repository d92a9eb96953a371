/**
 * `infer serve` on real onnxruntime sessions (the one ORT test file of src/infer/serve/):
 *
 * 1. continuous batching is exact: every request of a Poisson level (different prompt and output
 *    lengths, joins and leaves mid-batch) generates, greedily, the same tokens as the same prompt
 *    decoded alone by the plain batch-1 runner — on a GQA preset (left KV layout) and on a Hugging
 *    Face-style export (right layout, test/fixtures/hf-decoder.ts); a graph that honours neither
 *    (test/fixtures/user-decoder.ts) falls back to batch boundaries, labelled;
 * 2. the CLI's result validates, and every level figure recomputes, with this file's own
 *    arithmetic, from the per-request records it stores;
 * 3. WebGPU keeps the KV on the device: refilling at batch boundaries, said in the result.
 */
import '../../fixtures/narrow-llvmpipe.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateResult } from '../../../src/results/files.js';
import { DecoderRunner, argmaxLast, openDecoderSession } from '../../../src/infer/decoder.js';
import { ensureModel } from '../../../src/infer/model-store.js';
import { poissonArrivalsMs, uniform01 } from '../../../src/infer/serve/arrivals.js';
import { ContinuousEngine, argmax } from '../../../src/infer/serve/ort-engine.js';
import { FakeClock } from '../../fixtures/fake-serve.js';
import { runLevel, type BatchEngine, type EngineRequest, type ScheduledRequest } from '../../../src/infer/serve/scheduler.js';
import { buildHfGpt2Fixture } from '../../fixtures/hf-decoder.js';
import { buildGenaiMhaFixture } from '../../fixtures/user-decoder.js';
import { runCliInProcess, useTempModelsDir } from '../../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'jb-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
useTempModelsDir('jb-serve-models-');

/** numpy.percentile's default (linear), written out again here. */
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
}

/** Solo greedy decoding of one prompt with the batch-1 runner. */
async function soloTokens(session: Parameters<typeof DecoderRunner>[0], io: Parameters<typeof DecoderRunner>[1], prompt: readonly number[], n: number): Promise<number[]> {
  const r = new DecoderRunner(session, io, 1);
  const out = [argmaxLast(await r.step(prompt, prompt.length))[0]!];
  while (out.length < n) out.push(argmaxLast(await r.step([out.at(-1)!], 1))[0]!);
  r.close();
  return out;
}

/** Wraps an engine to note which request each slot holds, so logits can be attributed to requests. */
function tracking(e: BatchEngine, slotReq: Map<number, number>): BatchEngine {
  return { mode: e.mode, join: (x) => (x.forEach(({ slot, req }) => slotReq.set(slot, req.id)), e.join(x)), startBatch: (x) => e.startBatch(x), step: (s) => e.step(s), leave: (s) => e.leave(s), clear: () => e.clear() };
}

describe('infer serve on onnxruntime', () => {
  const hf = buildHfGpt2Fixture(join(root, 'hf'));
  const genai = buildGenaiMhaFixture(join(root, 'genai'));

  for (const [name, file, layout] of [['tiny (GQA preset)', () => ensureModel('tiny', { dtype: 'fp32', variant: 'gqa' }).modelPath, 'left'], ['Hugging Face-style export', () => hf, 'right']] as const) {
    it(`continuous batching generates exactly the solo-decoded tokens: ${name}, ${layout} layout`, async () => {
      const { session, io } = await openDecoderSession(file(), 'cpu');
      try {
        const u = uniform01(3);
        const arrivals = poissonArrivalsMs(400, 0.05, u); // ≈ 20 requests in 50 ms: joins while others decode
        const reqs: ScheduledRequest[] = arrivals.map((arrivalMs, id) => {
          const p = u() < 0.5 ? 3 : 2 + Math.floor(u() * 14); // half of them 3 tokens: same-length joiners share a prefill
          return { id, arrivalMs, promptTokens: p, outputTokens: 1 + Math.floor(u() * 8), promptIds: Array.from({ length: p }, () => Math.floor(u() * 100)) };
        });
        const got = new Map<number, number[]>();
        const slotReq = new Map<number, number>();
        const engine = new ContinuousEngine({ session, io, layout, tokens: 'greedy', vocabSize: io.vocabSize!, u: uniform01(1), status: { timedOut: false }, onLogits: (slot, lg) => {
          const id = slotReq.get(slot)!;
          got.set(id, [...(got.get(id) ?? []), argmax(lg)]);
        } });
        const joins: number[][] = [];
        const t = tracking(engine, slotReq);
        // A virtual clock that moves only when the engine works (a prefill 4 ms, a decode step 5 ms): the
        // schedule (who joins when, with whom) is the same on every run, however loaded the machine is;
        // the tokens still come from the real onnxruntime session.
        const clock = new FakeClock();
        const timed: BatchEngine = {
          ...t,
          join: async (x) => (joins.push(x.map((e) => e.req.promptTokens)), await t.join(x), (clock.t += 4)),
          step: async (s) => (await t.step(s), (clock.t += 5)),
        } as BatchEngine;
        const run = await runLevel(timed, { maxBatch: 3, clock, requests: reqs, cutAfterMs: null });
        expect(joins.some((g) => g.length > 1 && g.filter((p) => p === g[0]).length > 1), JSON.stringify(joins)).toBe(true); // a batched prefill happened
        expect(run.records.every((r) => r.doneMs !== null)).toBe(true);
        expect(run.decodeSteps).toBeGreaterThan(0);
        expect(engine.copies.compactions + engine.copies.resizes).toBeGreaterThan(0); // rows did leave and the buffer did move
        for (const q of reqs) {
          const want = await soloTokens(session, io, q.promptIds!, q.outputTokens);
          // the engine also chooses the token after the last one; the request's tokens are its first outputTokens
          expect(got.get(q.id)!.slice(0, q.outputTokens), `request ${q.id} (prompt ${q.promptTokens}, output ${q.outputTokens})`).toEqual(want);
        }
      } finally {
        await session.release();
      }
    });
  }

  it('CLI on cpu: a valid result whose every level figure recomputes from its per-request records', async () => {
    const out = join(root, 'tiny-cpu.json');
    const r = await runCliInProcess(['infer', 'serve', '--model', 'tiny', '--ep', 'cpu', '--qps', '60,inf', '--duration', '0.4', '--max-batch', '4', '--prompt-len', '8-24', '--gen-len', '2-10', '--slo-ttft-ms', '500', '--slo-tpot-ms', '50', '--search', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\| offered \| requests/);
    const m = validateResult(JSON.parse(readFileSync(out, 'utf8'))).measurements[0]!;
    expect(m.id).toBe('infer.serve.tiny');
    expect((m.details as any).batching).toMatchObject({ mode: 'continuous', layout: 'left', fallback: false });
    expect(m.levels!.map((l) => [l.offeredQps, l.role])).toEqual([[60, 'listed'], ['inf', 'listed'], [expect.any(Number), 'search']]);
    for (const l of m.levels!) {
      const done = l.requests.filter((q) => q.doneMs !== null);
      const durationS = Math.max(...done.map((q) => q.doneMs!)) / 1000;
      const ttft = done.map((q) => q.firstTokenMs! - q.arrivalMs);
      const tpot = done.filter((q) => q.outputTokens > 1).map((q) => (q.doneMs! - q.firstTokenMs!) / (q.outputTokens - 1));
      const itl = done.flatMap((q) => q.tokenMs.slice(1).map((t, i) => t - q.tokenMs[i]!));
      const tokens = done.reduce((a, q) => a + q.outputTokens, 0);
      const good = done.filter((q, i) => ttft[i]! <= 500 && (q.outputTokens <= 1 || (q.doneMs! - q.firstTokenMs!) / (q.outputTokens - 1) <= 50)).length;
      expect(l.durationS).toBe(durationS);
      expect(l.completedRequests).toBe(done.length);
      expect(l.outputTokens).toBe(tokens);
      expect(l.outputTokensPerSecond).toBeCloseTo(tokens / durationS, 9);
      for (const [fig, xs] of [[l.ttftMs, ttft], [l.tpotMs, tpot], [l.itlMs, itl]] as const) {
        expect(fig!.p50).toBeCloseTo(pct(xs, 0.5), 9);
        expect(fig!.p90).toBeCloseTo(pct(xs, 0.9), 9);
        expect(fig!.p99).toBeCloseTo(pct(xs, 0.99), 9);
      }
      expect(l.goodRequests).toBe(good);
      expect(l.goodputRequestsPerSecond).toBeCloseTo(good / durationS, 9);
      // every request ran in a slot of the batch, and no slot held two requests at once
      const bySlot = new Map<number, Array<[number, number]>>();
      for (const q of done) bySlot.set(q.slot!, [...(bySlot.get(q.slot!) ?? []), [q.admittedMs!, q.doneMs!]]);
      expect([...bySlot.keys()].every((s) => s >= 0 && s < 4)).toBe(true);
      for (const spans of bySlot.values()) spans.sort((a, b) => a[0] - b[0]).forEach((s, i) => i && expect(s[0]).toBeGreaterThanOrEqual(spans[i - 1]![1]));
    }
    const passing = m.levels!.filter((l) => l.meetsSlo).map((l) => l.offeredQps as number);
    expect(m.sustainable!.offeredQps).toBe(passing.length ? Math.max(...passing) : null);
  });

  it('a graph honouring neither layout (rotary offset from the past length) falls back to batch boundaries, labelled', async () => {
    const out = join(root, 'genai.json');
    const r = await runCliInProcess(['infer', 'serve', '--model', genai, '--ep', 'cpu', '--qps', '100', '--duration', '0.2', '--prompt-len', '4-12', '--gen-len', '3', '--search', '0', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Warning: batching: FALLBACK to refilling at batch boundaries: the model failed the continuous-batching merge check/);
    const m = validateResult(JSON.parse(readFileSync(out, 'utf8'))).measurements[0]!;
    const b = (m.details as any).batching;
    expect(b).toMatchObject({ mode: 'boundary', fallback: true, layout: 'right' });
    expect(b.checks.map((c: any) => [c.kind, c.layout, c.ok])).toEqual([['continuous', 'right', false], ['continuous', 'left', false], ['padded-prefill', 'right', true]]);
    expect(m.levels![0]!.requests.every((q) => q.doneMs !== null)).toBe(true);
  });

  it('WebGPU: the KV stays on the device, so batches refill at boundaries, said in the result', async () => {
    const out = join(root, 'tiny-webgpu.json');
    const r = await runCliInProcess(['infer', 'serve', '--model', 'tiny', '--ep', 'webgpu', '--qps', 'inf', '--burst-requests', '6', '--max-batch', '3', '--prompt-len', '8', '--gen-len', '4', '--search', '0', '--no-warmup', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = validateResult(JSON.parse(readFileSync(out, 'utf8'))).measurements[0]!;
    expect((m.details as any).batching).toMatchObject({ mode: 'boundary', kvLocation: 'device', fallback: true });
    expect(m.warnings.join('\n')).toMatch(/FALLBACK to refilling at batch boundaries: the WebGPU EP keeps the KV cache on the device/);
    const l = m.levels![0]!;
    expect([l.completedRequests, l.prefills, l.decodeSteps]).toEqual([6, 6, 6]); // two batches of 3, 3 steps each
    expect(l.requests.map((q) => q.admittedMs === l.requests[0]!.admittedMs)).toEqual([true, true, true, false, false, false]);
  });
});
