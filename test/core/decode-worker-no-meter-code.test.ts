// The decode worker runs the core's loop next to the onnxruntime session; what it loads stays
// small: following its runtime imports (type-only imports are erased) from src/infer/decode-worker.ts
// reaches the core and the window rule (src/power/window-rule.ts), never the meters, the sampler or
// the reporting layer.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Source files reached from `entry` through runtime (non-type) relative imports and re-exports. */
function runtimeGraph(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(join(ROOT, file), 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)\.js['"]/gm)) {
      queue.push(normalize(join(dirname(file), `${m[1]}.ts`)));
    }
  }
  return [...seen].map((f) => relative('.', f)).sort();
}

describe('decode worker: no meter code', () => {
  it('loads the core and the window rule, and nothing else of power/ or any of report/', () => {
    const files = runtimeGraph('src/infer/decode-worker.ts');
    expect(files).toContain('src/core/run.ts');
    expect(files).toContain('src/power/window-rule.ts');
    expect(files.filter((f) => f.startsWith('src/power/') && f !== 'src/power/window-rule.ts')).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/report/'))).toEqual([]);
  });
});
