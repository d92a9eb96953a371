/**
 * `joulebench profit --results` with figures measured on a software adapter (Mesa llvmpipe): the
 * site's GPU-hour contract price and GPU capex are for its planned GPU, not for a CPU rasterizer,
 * so the rental row and the GPU depreciation/payback are left out with a warning (as
 * `joulebench run` does); the same figures marked as hardware keep both; --usd-per-gpu-hour
 * given by hand still prices the rental row.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'jb-profit-sw-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'profit', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A real run on llvmpipe with a declared 65 W (shipped example), and the same document with the
// adapter marked as hardware.
const softwareFile = join(root, 'results', 'examples', 'llvmpipe-declared-65w.json');
const doc = JSON.parse(readFileSync(softwareFile, 'utf8'));
const asHardware = JSON.parse(JSON.stringify(doc), (k, v) => (k === 'isSoftware' ? false : v));
const hardwareFile = join(tmp, 'hardware.json');
writeFileSync(hardwareFile, JSON.stringify(asHardware));

const run = (file: string, extra: string[] = []) => {
  const r = cli(['--site', 'sites/boden-sweden.yaml', '--results', file, '--as-of', '2026-11-22', '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return { rep: JSON.parse(r.stdout), stderr: r.stderr };
};

describe('profit --results from a software adapter', () => {
  it('leaves out the site GPU rental row and GPU capex, saying so', () => {
    expect(doc.environment.adapter.isSoftware).toBe(true);
    const { rep, stderr } = run(softwareFile);
    const ids = rep.rows.map((r: { id: string }) => r.id);
    expect(ids).toContain('gpu-mining');
    expect(ids).not.toContain('gpu-inference-hourly');
    expect(rep.inputs.gpuCapexUsd.value).toBeNull();
    expect(rep.inputs.usdPerGpuHour).toBeUndefined();
    for (const r of rep.rows.filter((x: { id: string }) => x.id.startsWith('gpu-'))) {
      expect(r.perUnit.depreciationUsdPerDay).toBeNull();
      expect(r.perUnit.paybackDays).toBeNull();
    }
    expect(stderr).toMatch(/GPU-hour rental row left out/);
    expect(stderr).toMatch(/GPU capex, depreciation and payback left out/);
  });

  it('keeps both for the same figures from a hardware adapter', () => {
    const { rep, stderr } = run(hardwareFile);
    expect(rep.rows.map((r: { id: string }) => r.id)).toContain('gpu-inference-hourly');
    expect(rep.inputs.gpuCapexUsd.value).toBe(30_000);
    expect(stderr).not.toMatch(/left out/);
  });

  it('an explicit --usd-per-gpu-hour still prices the rental row', () => {
    const { rep } = run(softwareFile, ['--usd-per-gpu-hour', '2']);
    const row = rep.rows.find((r: { id: string }) => r.id === 'gpu-inference-hourly');
    expect(row).toBeDefined();
    expect(rep.inputs.usdPerGpuHour.provenance).toEqual({ kind: 'flag', flag: '--usd-per-gpu-hour' });
  });
});
