// The test fixtures (schema 1.0 files written by hand before digests and raw nonce counts existed)
// pass `joulebench verify`: nothing in them contradicts itself; what cannot be re-derived is a
// warning, never a guess; --strict fails them for the missing digest.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../../helpers.js';

const DIR = join(ROOT, 'test/fixtures/results');

describe('verify on the test fixtures', () => {
  it('every fixture passes, its unverifiable figures named in warnings', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = await runCliInProcess(['verify', DIR, '--json']);
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout) as { files: Array<{ path: string; status: string; digest: string; findings: Array<{ level: string; field: string }> }>; pass: number; fail: number };
    expect(out.fail).toBe(0);
    for (const f of out.files) {
      expect(f.status, f.path).toBe('pass');
      expect(f.digest).toBe('missing');
      expect(f.findings.every((x) => x.level === 'warn')).toBe(true);
    }
    const a = out.files.find((f) => f.path.endsWith('fixture-a-hardware.json'))!;
    expect(a.findings.map((x) => x.field)).toContain('measurements[0].metrics.hashesPerSecond.value');
  });
  it('--strict fails them: no digest', async () => {
    const r = await runCliInProcess(['verify', '--strict', DIR]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/WARN digest: no digest/);
  });
});
