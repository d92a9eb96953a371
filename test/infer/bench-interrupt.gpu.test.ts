// `infer bench --out` interrupted (issue 21 case 8): exit 130 and the partial measurement written,
// marked incomplete, with the prefills (and any decode sequences) timed so far; nothing was written
// before. 1,000 repetitions of a short test keep the bench busy well past the interrupt.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/files.js';
import { spawnCli } from '../helpers.js';
import { waitFor } from '../fixtures/processes.js';

describe('infer bench interrupted', () => {
  it('writes what was timed, marked incomplete, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-infer-int-'));
    const out = join(dir, 'infer.json');
    const child = spawnCli(['infer', 'bench', '--model', 'tiny', '--prompt', '16', '--gen', '8', '-r', '1000', '--no-profile', '-v', '--out', out]);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // The warmup's line, then time for it to end and the pp test to begin.
    expect(await waitFor(() => /^warmup/m.test(stderr), 120_000, 50), `the bench never started:\n${stderr}`).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exit;
    clearTimeout(guard);
    expect(code, stderr).toBe(130);
    const doc = validateResult(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/interrupted by SIGINT/);
    const m = doc.measurements[0]!;
    expect(m.kind).toBe('infer');
    expect(m.status).toBe('incomplete');
    const pp = m.metrics.prefillTokensPerSecond!;
    expect(pp.samples!.length).toBeGreaterThanOrEqual(1);
    expect(pp.samples!.length).toBeLessThan(1000); // cut short, not the full test
    expect(pp.value).toBeCloseTo(pp.samples!.reduce((a, b) => a + b, 0) / pp.samples!.length, 6);
    const tg = m.metrics.decodeTokensPerSecond!;
    // Either the decode test never ran (its figure null with the reason) or it was cut short too.
    if (tg.value === null) expect(tg.reason).toMatch(/not measured: interrupted by SIGINT/);
    else expect(tg.samples!.length).toBeLessThan(1000);
  });
});
