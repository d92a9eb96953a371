/**
 * Shared CLI plumbing: option parsing helpers that fail with one line naming the flag and the fix
 * (they live in src/util/flags.ts, for the code below the CLI too), JSON output.
 */
export { numberArg, parseNumberFlag, percentHint, warn, type NumberBounds } from '../util/flags.js';

/** Print a JSON document to stdout (the only thing `--json` prints). */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
