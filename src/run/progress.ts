/**
 * What the run reports while it works: the executor (src/run/execute.ts) calls these; how they look
 * (bars on a TTY, timestamped lines in CI logs, nothing with --json) is the CLI's business
 * (src/cli/progress.ts), passed in as an implementation of this interface.
 */

/** Progress sink used by the run pipeline. */
export interface Progress {
  /** Start a phase; `total` units (samples, tokens, seconds) if known. */
  phase(name: string, total?: number, unit?: string): void;
  /** Advance the current phase to `value` (absolute), with an optional short status. */
  update(value: number, status?: string): void;
  /** End the current phase with a one-line outcome. */
  end(outcome: string): void;
  /** A line of information between phases. */
  info(line: string): void;
  /** Stop bars (idempotent). */
  stop(): void;
}

/** A progress sink that shows nothing (--json, tests). */
export function silentProgress(): Progress {
  return { phase() {}, update() {}, end() {}, info() {}, stop() {} };
}
