import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic.js';

describe('atomic write', () => {
  it('a writer killed mid-write leaves the previous complete file, never a partial one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-atomic-'));
    const target = join(dir, 'result.json');
    writeFileAtomic(target, JSON.stringify({ ok: true }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'fixtures/atomic-writer.ts'), target], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('writer did not start within 60 s')), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('writing')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    // It rewrites a 32 MB file in a loop (write + fsync + rename): kill it hard partway.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const text = readFileSync(target, 'utf8');
    // Either the old document or a complete new one: always valid JSON, never truncated.
    expect(() => JSON.parse(text)).not.toThrow();
    const leftovers = readdirSync(dir).filter((f) => f !== 'result.json');
    // A killed writer may leave its temp file, but only under a dot-name that readers never pick up.
    for (const f of leftovers) expect(f).toMatch(/^\.result\.json\.[0-9a-f]+\.tmp$/);
    rmSync(dir, { recursive: true, force: true }); // the killed writer's temp file can be 32 MB
  });
  it('a directory that cannot be created fails at once (Node\'s recursive mkdir never returns on procfs)', () => {
    const t0 = performance.now();
    expect(() => writeFileAtomic('/proc/joulebench-no-such/deeper/r.json', 'x')).toThrow(/ENOENT.*\/proc\/joulebench-no-such/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
  it('creates missing parent directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-atomic3-'));
    writeFileAtomic(join(dir, 'a', 'b', 'r.json'), 'deep');
    expect(readFileSync(join(dir, 'a', 'b', 'r.json'), 'utf8')).toBe('deep');
  });
  it('replaces the target in one step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-atomic2-'));
    const target = join(dir, 'nested', 'r.json');
    writeFileAtomic(target, 'one');
    writeFileAtomic(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['r.json']);
  });
});
