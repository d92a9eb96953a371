import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/files.js';
import { runCli } from '../helpers.js';

// No WebGPU adapter at all (the Vulkan loader is pointed at a missing ICD, so Dawn finds none):
// `run` still completes what it can — inference on the CPU execution provider — marks hashing
// skipped with the fix, and says so loudly.
describe('joulebench run without any WebGPU adapter', () => {
  it('skips hashing with the fix, runs CPU-EP inference and writes a complete result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-noad-'));
    const out = join(dir, 'run.json');
    const r = await runCli(['run', '--model', 'tiny', '--prompt', '16', '--gen', '8', '-r', '2', '--out', out, '--progress', 'plain'], {
      timeoutMs: 180_000,
      env: { VK_ICD_FILENAMES: join(dir, 'no-icd.json'), VK_DRIVER_FILES: join(dir, 'no-icd.json') },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\*\*\* NO WEBGPU ADAPTER: hashing skipped, inference runs on the CPU execution provider\. Fix: .*mesa-vulkan-drivers/);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(true);
    expect(doc.environment.adapter).toBeNull();
    const hash = doc.measurements.find((m) => m.kind === 'hash')!;
    expect(hash.status).toBe('skipped');
    expect(hash.reason).toMatch(/no WebGPU adapter/);
    const inf = doc.measurements.find((m) => m.kind === 'infer')!;
    expect(inf.status).toBe('complete');
    expect(inf.params.ep).toBe('cpu');
    expect(inf.metrics.decodeTokensPerSecond!.value).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/hashing\s+SKIPPED/);
  });
});
