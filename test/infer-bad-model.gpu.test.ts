import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeModelBytes } from '../src/infer/probe.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-infer-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

describe('infer bench rejects a corrupt or non-decoder .onnx with one line and exit 2', () => {
  it('corrupt file (random bytes)', async () => {
    const p = join(dir, 'corrupt.onnx');
    writeFileSync(p, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)));
    const r = await runCli(['infer', 'bench', '--model', p, '--ep', 'cpu', '--prompt', '4', '--gen', '2', '-r', '1']);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^joulebench: error: --model .*corrupt\.onnx: onnxruntime cannot load it as an ONNX model/);
  });

  it('valid ONNX that is not a decoder with KV cache', async () => {
    const p = join(dir, 'add.onnx');
    writeFileSync(p, probeModelBytes());
    const r = await runCli(['infer', 'bench', '--model', p, '--ep', 'cpu', '--prompt', '4', '--gen', '2', '-r', '1']);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/not a decoder with KV cache \(no 'input_ids' input; inputs \[x\], outputs \[y\]\)/);
  });

  it('unknown preset name and missing path', async () => {
    const a = await runCli(['infer', 'bench', '--model', 'no-such-preset', '--ep', 'cpu']);
    expect(a.code).toBe(2);
    expect(errorLines(a.stderr)).toHaveLength(1);
    expect(a.stderr).toMatch(/--model 'no-such-preset': not a preset \(tiny, /);
    const b = await runCli(['infer', 'bench', '--model', join(dir, 'missing.onnx'), '--ep', 'cpu']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no such file or directory/);
  });
});
