import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errnoText } from './errors.js';

/**
 * A file that could not be written, naming it: Node's own message for a failed write(2) is
 * "ENOSPC: no space left on device, write", without the path.
 */
export class WriteFileError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(`cannot write ${path} (${errnoText(cause)})`, { cause });
    this.name = 'WriteFileError';
  }
}

/**
 * Create `dir` and its missing parents, one level at a time (at most one mkdir per path
 * component). Not `mkdirSync(dir, { recursive: true })`: on procfs, where mkdir fails with
 * ENOENT, Node's recursive mkdir never returns (seen with `--out /proc/x/r.json`).
 */
export function mkdirParents(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Write `data` to a new temp file next to `path` and fsync it; returns the temp path. Errors name `path`. */
function writeTemp(path: string, data: string | Uint8Array): string {
  const dir = dirname(path);
  mkdirParents(dir);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed or failing: the write error is the one to report */
    }
    rmSync(tmp, { force: true });
    throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
  return tmp;
}

/**
 * Write a file atomically: write a temp file in the same directory, fsync it, then rename it
 * over the target. A killed writer leaves at most a `.<name>.<random>.tmp` file, never a
 * half-written target (rename(2) is atomic within one filesystem). A failed write (a full disk)
 * removes the temp file and throws a WriteFileError naming `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = writeTemp(path, data);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
}

/** A complete file written next to its target and not yet in place (see stageFileAtomic). */
export interface StagedFile {
  path: string;
  /** Rename it over the target (WriteFileError naming the target on failure; the temp file is removed). */
  commit(): void;
  /** Remove the temp file: the target is untouched. */
  abort(): void;
}

/**
 * First half of writeFileAtomic: the whole file written to a temp file next to `path` and fsynced,
 * nothing replaced yet. For commands that write several files and must write all or none: stage
 * every one, then commit them (or abort them all when one could not be staged: a full disk).
 */
export function stageFileAtomic(path: string, data: string | Uint8Array): StagedFile {
  const tmp = writeTemp(path, data);
  return {
    path,
    commit() {
      try {
        renameSync(tmp, path);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
      }
    },
    abort() {
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * Like writeFileAtomic, but never replaces an existing file: the complete temp file is hard-linked
 * to `path` (link(2) fails with EEXIST when the name is taken, atomically, so of two writers that
 * chose one name exactly one gets it). Returns false when `path` exists. Where the filesystem has
 * no hard links, the name is reserved with O_EXCL and the file renamed onto the reservation.
 */
export function writeNewFileAtomic(path: string, data: string | Uint8Array): boolean {
  const tmp = writeTemp(path, data);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EMLINK') throw new WriteFileError(path, code ?? 'EIO', err);
    return reserveThenRename(tmp, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed onto its reservation */
    }
  }
}

function reserveThenRename(tmp: string, path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o644));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(path, { force: true });
    throw new WriteFileError(path, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
  return true;
}
