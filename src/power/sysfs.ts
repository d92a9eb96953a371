/**
 * sysfs access for the RAPL and hwmon meters. `JOULEBENCH_SYSFS_ROOT` replaces `/sys` in every
 * read (issue 5), so tests run the real reading code on a fake tree and containers can point at a
 * bind-mounted copy (Docker masks /sys/devices/virtual/powercap; Zeus mounts it as /zeus_sys).
 */
import { readFileSync, readdirSync, realpathSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** The directory standing in for /sys. */
export function sysfsRoot(): string {
  const r = process.env.JOULEBENCH_SYSFS_ROOT;
  return r && r.trim() !== '' ? r : '/sys';
}

/** Absolute path of a sysfs file given relative to /sys ("class/powercap/intel-rapl:0/energy_uj"). */
export function sysPath(rel: string): string {
  return join(sysfsRoot(), rel);
}

/** How to display a sysfs path in messages: the real /sys path, plus the root when it is replaced. */
export function showPath(rel: string): string {
  const root = sysfsRoot();
  return root === '/sys' ? `/sys/${rel}` : `${join(root, rel)} (JOULEBENCH_SYSFS_ROOT)`;
}

/** One-line message for a failed sysfs read, with the permission hint where it applies. */
export function sysfsErrorMessage(rel: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    // Linux 5.10 made energy_uj root-only (CVE-2020-8694, PLATYPUS; kernel commit 949dd0104c49).
    return `${showPath(rel)}: permission denied (root-only since Linux 5.10, CVE-2020-8694); run as root, or let an admin run 'chmod a+r' on it (e.g. a udev rule)`;
  }
  if (code === 'ENOENT') return `${showPath(rel)}: does not exist`;
  return `${showPath(rel)}: ${(err as Error)?.message ?? String(err)}`;
}

/** Read a sysfs file as trimmed text; throws a one-line Error. */
export function readSysText(rel: string): string {
  try {
    return readFileSync(sysPath(rel), 'utf8').trim();
  } catch (err) {
    throw new Error(sysfsErrorMessage(rel, err));
  }
}

/** Read a sysfs file holding one integer; throws a one-line Error (also for non-numeric content). */
export function readSysNumber(rel: string): number {
  const text = readSysText(rel);
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new Error(`${showPath(rel)}: expected a number, read '${text.slice(0, 40)}'`);
  return v;
}

/** Directory entries under a sysfs directory; [] when it does not exist. */
export function listSysDir(rel: string): string[] {
  try {
    return readdirSync(sysPath(rel)).sort(naturalCompare);
  } catch {
    return [];
  }
}

/** Does a sysfs path exist? */
export function sysExists(rel: string): boolean {
  return existsSync(sysPath(rel));
}

/** Resolved target of a sysfs symlink (e.g. hwmonN/device → the PCI device), null when absent. */
export function sysRealpath(rel: string): string | null {
  try {
    return realpathSync(sysPath(rel));
  } catch {
    return null;
  }
}

/** Sort "hwmon10" after "hwmon9". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
