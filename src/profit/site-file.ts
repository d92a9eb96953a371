/**
 * Site profile files (JSON or YAML): read, parse and validate (validateSiteProfile, src/profit/
 * profile.ts), with a one-line UsageError naming the file and the field. The file I/O beside the
 * pure profit model; used by `profit`, `report --reprice`, `run` and `fleet submit`.
 */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../util/errors.js';
import { readInputFile } from '../util/input-file.js';
import { validateSiteProfile, type SiteProfile } from './index.js';

/** Parse site-profile text (JSON or YAML by extension; unknown extension: JSON, then YAML). */
export function parseSiteText(text: string, path: string): unknown {
  const ext = extname(path).toLowerCase();
  const oneLine = (m: string) => m.split('\n')[0]?.trim() ?? m;
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`site file ${path}: not valid JSON (${oneLine((err as Error).message)})`);
    }
  }
  try {
    return parseYaml(text, { prettyErrors: false });
  } catch (err) {
    throw new UsageError(`site file ${path}: not valid YAML (${oneLine((err as Error).message)})`);
  }
}

/** Read and validate a site profile file (a regular file only); UsageError (exit 2) with one line naming the field. */
export function readSiteProfile(path: string): SiteProfile {
  const text = readInputFile(path, 'site file', `--site ${path}`);
  const v = validateSiteProfile(parseSiteText(text, path));
  if (!v.ok) throw new UsageError(`site file ${path}: ${v.error}`);
  return v.profile;
}
