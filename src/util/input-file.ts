/**
 * Input files: only regular files are read. `/dev/zero` as a result file read until memory ran out
 * (5.7 GB in 15 s), a FIFO hung the command forever waiting for a writer. The one reader every
 * command uses for the files it is given (result files, site profiles, manifests, model configs;
 * the model files onnxruntime reads are checked with fileKind in src/infer/decoder.ts): open
 * without blocking (O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer), look
 * at what was opened (fstat on the descriptor, so the check and the read are about the same file),
 * refuse anything but a regular file with one line, and name errno failures (a symlink loop is
 * ELOOP, not "no such file").
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { errnoText, UsageError } from './errors.js';

/** An input that cannot be read: one line naming the path; `code` is the errno code, or 'ENOTREG'. */
export class InputFileError extends UsageError {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** "a FIFO (named pipe)", "a character device", …: what a non-regular file is. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, who: string, what: string, st: Stats): InputFileError {
  return new InputFileError(path, 'ENOTREG', `${who}: is ${fileKind(st)}, not a regular file; pass a ${what}`);
}

function unreadable(path: string, who: string, what: string, err: unknown): InputFileError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new InputFileError(path, code, `${who}: cannot read ${what} (${errnoText(err)})`);
}

/**
 * Read a regular file as UTF-8. A directory, device, FIFO or socket is refused before any byte is
 * read; an errno failure (ENOENT, EACCES, ELOOP, EIO) is one line naming the path. Throws an
 * InputFileError starting with `who` (default: the path); `what` names the expected file.
 */
export function readInputFile(path: string, what: string, who = path): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(path, who, what, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, who, what, st);
    return readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw unreadable(path, who, what, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The file a path names: absolute, through symlinks when it exists, so `a.json`, `./a.json`,
 * `/abs/a.json` and a link to it are one file (a path that does not resolve stays as given, absolute).
 */
export function fileIdentity(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
