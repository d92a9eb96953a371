/**
 * Errors the CLI turns into a one-line message and an exit code.
 * A UsageError is bad input (a flag, a file, a header): exit code 2, like commander's own usage errors.
 */
export class UsageError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A wait on a GPU, process, meter or network peer that ran past its bound. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** Raise a UsageError naming the flag or field and how to fix it. */
export function usage(message: string): never {
  throw new UsageError(message);
}

/**
 * Rethrow `err`, as a UsageError (exit 2) when it is one of `inputKinds`: the error classes that
 * code below the CLI throws for bad input (e.g. the profit model's InputError and RangeError).
 */
export function rethrowAsUsage(err: unknown, ...inputKinds: Array<abstract new (...args: never[]) => Error>): never {
  if (err instanceof UsageError) throw err;
  if (inputKinds.some((k) => err instanceof k)) throw new UsageError((err as Error).message);
  throw err;
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links (a symlink loop?)',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EPIPE: 'the reader closed the pipe',
};

/**
 * "no space left on device" for an errno error (ENOSPC): the reason without Node's syscall and
 * path (callers name the path themselves, once); a non-errno error gives its message.
 */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  return code ?? String((err as Error)?.message ?? err);
}
