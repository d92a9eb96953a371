/**
 * jStat (distributions: Student t, noncentral t, normal), loaded once for the stats modules. jstat is a
 * UMD/CommonJS module whose named exports Node's ESM loader cannot detect (`import { jStat } from
 * 'jstat'` throws under plain Node and tsx; only vite's interop accepts it), hence createRequire.
 */
import { createRequire } from 'node:module';

export const { jStat } = createRequire(import.meta.url)('jstat') as typeof import('jstat');
