import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeModelBytes } from '../../src/infer/probe.js';
import { buildGenaiMhaFixture } from '../fixtures/user-decoder.js';
import { cliNodeArgs, ROOT, runCli, runCliInProcess, type CliOutcome } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-infer-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

/**
 * The CLI as root without the capabilities that let root read any file (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH dropped from the bounding set, see capabilities(7)): file modes then apply
 * to it as to any owner, while the checkout stays readable however private its directory is (a
 * `mktemp -d` clone is mode 0700, which another user such as nobody cannot even enter).
 */
function runCliWithoutDacOverride(args: string[]): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...cliNodeArgs(), ...args], {
      cwd: ROOT,
      env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('infer bench rejects an unusable model with one line and exit 2', () => {
  it('corrupt file (random bytes): spawned, so any line onnxruntime logs natively would show', async () => {
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
    const r = await runCliInProcess(['infer', 'bench', '--model', p, '--ep', 'cpu', '--prompt', '4', '--gen', '2', '-r', '1']);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/not a decoder with KV cache \(no 'input_ids' input; inputs \[x\], outputs \[y\]\)/);
  });

  it('unknown preset name and missing path', async () => {
    const a = await runCliInProcess(['infer', 'bench', '--model', 'no-such-preset', '--ep', 'cpu']);
    expect(a.code).toBe(2);
    expect(errorLines(a.stderr)).toHaveLength(1);
    expect(a.stderr).toMatch(/--model 'no-such-preset': not a preset \(tiny, /);
    const b = await runCliInProcess(['infer', 'bench', '--model', join(dir, 'missing.onnx'), '--ep', 'cpu']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no such file or directory/);
  });

  it('an unreadable .onnx: "permission denied" naming the path (not onnxruntime\'s "system error number 13")', async () => {
    const p = join(dir, 'locked.onnx');
    writeFileSync(p, probeModelBytes());
    chmodSync(p, 0o000);
    const args = ['infer', 'bench', '--model', p, '--ep', 'cpu', '--prompt', '4', '--gen', '2', '-r', '1'];
    const r = process.getuid?.() === 0 ? await runCliWithoutDacOverride(args) : await runCliInProcess(args);
    expect(r.code, r.stderr).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toBe(`joulebench: error: --model ${p}: permission denied (the model file is not readable by this user; fix its permissions, e.g. chmod a+r '${p}')`);
  });

  it('an external data file the graph references is missing: named in one line before any session', async () => {
    const m = join(dir, 'split');
    buildGenaiMhaFixture(m);
    rmSync(join(m, 'model.onnx_data_1'));
    const r = await runCliInProcess(['infer', 'bench', '--model', m, '--ep', 'cpu', '--prompt', '4', '--gen', '2', '-r', '1']);
    expect(r.code, r.stderr).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`joulebench: error: --model ${join(m, 'model.onnx')}: external data file 'model.onnx_data_1' referenced by the graph is missing (expected at ${join(m, 'model.onnx_data_1')})`]);
  });
});
