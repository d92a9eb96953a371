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
