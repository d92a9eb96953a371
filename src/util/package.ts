/**
 * Where joulebench is installed and which versions it runs with (package.json of this package and
 * of its dependencies), for both src/ (vitest, tsx) and dist/src/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The package root (where package.json, shaders/ and models/ live), for both src/ (vitest) and dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'joulebench') return dir;
    } catch {
      /* keep climbing */
    }
    dir = dirname(dir);
  }
  throw new Error('cannot locate the joulebench package root');
}

/** joulebench's own version from package.json. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Installed version of a dependency, or null. */
export function depVersion(name: string): string | null {
  try {
    const pj = require.resolve(`${name}/package.json`, { paths: [packageRoot()] });
    return (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}
