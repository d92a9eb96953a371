import { TimeoutError } from './errors.js';

/**
 * Bound a promise by a timeout. Every wait on a GPU, a process or a meter goes through this,
 * so a hung driver or dead meter turns into a clear error instead of a hang.
 * @param what - named in the error message ("GPU queue drain", "Shelly meter at 127.0.0.1:8080").
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Resolve after `ms` milliseconds (unref'd: never keeps the process alive on its own). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
