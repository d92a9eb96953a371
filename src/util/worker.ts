/**
 * Start a worker thread on a module next to the caller: the compiled `.js` when running from
 * dist/, the `.ts` source through tsx's ESM API when running under tsx/vitest (a worker does not
 * inherit the parent's `--import tsx` loader; tsx's CJS build cannot load ESM sources from an
 * eval worker, its `tsImport` can: https://tsx.is/dev-api/ts-import).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Path of tsx's ESM API (its `import` export of `./esm/api`). */
function tsxEsmApiPath(from: string): string {
  const req = createRequire(from);
  const pkgPath = req.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } | string }> };
  const e = pkg.exports?.['./esm/api']?.import;
  const rel = typeof e === 'string' ? e : (e?.default ?? './dist/esm/api/index.mjs');
  return join(dirname(pkgPath), rel);
}

/**
 * A worker running module `name` (no extension) of the caller's directory; `from` is the caller's
 * `import.meta.url`.
 */
export function moduleWorker(from: string, name: string, workerData: unknown): Worker {
  if (from.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, from).href;
    const tsxApi = pathToFileURL(tsxEsmApiPath(from)).href;
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(from)}));`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL(`./${name}.js`, from), { workerData });
}
