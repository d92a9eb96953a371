/**
 * Complete output whatever reads it. The CLI exits explicitly (dawn.node keeps the event loop
 * alive: https://issues.chromium.org/issues/387965810), and `process.exit()` drops what stdout or
 * stderr still hold when they are pipes: Node writes to pipes asynchronously on POSIX
 * (https://nodejs.org/api/process.html#a-note-on-process-io), so `--json | jq` got the first
 * 64 KiB (one pipe buffer). Before exiting, the CLI waits until both streams have handed every byte
 * to the reader, and:
 *
 * - a reader that closes early (`| head`): EPIPE ends the output quietly; the exit code is the
 *   command's own (no stack trace from an unhandled 'error' event);
 * - a failed write (`> /dev/full`, a full disk, EIO): an error, exit code 1 (or the command's own
 *   non-zero code), one line on stderr;
 * - stdout on a file or a device: Node's stream for those (SyncWriteStream) ignores a short write,
 *   so a file on a nearly full disk kept the first 8 KB and the exit code was 0; its writes here
 *   loop until every byte is written or the write fails;
 * - a reader that stops reading for a while (a pager whose user reads a page, `| (sleep 30; jq)`)
 *   is waited for, as every Unix tool waits on a pipe: giving up after 10 s without progress cut
 *   `--json | less` at the pager's first page. JOULEBENCH_STDIO_STALL_S sets a bound (CI jobs that
 *   prefer a failure to a hang): after that long without progress the output is incomplete, one
 *   line, exit 1.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { errnoText } from '../util/errors.js';


/** What happened to one output stream. */
interface StreamWatch {
  name: 'stdout' | 'stderr';
  stream: NodeJS.WritableStream & { writableLength: number; destroyed: boolean; _handle?: { writeQueueSize?: number } | null };
  /** The reader closed its end (EPIPE): the rest of the output is dropped on purpose. */
  readerGone: boolean;
  /** The first write failure other than EPIPE. */
  error: NodeJS.ErrnoException | null;
}

let watches: StreamWatch[] | null = null;

type Chunk = Buffer | string;

/**
 * Make a file- or device-backed stdio stream write whole chunks: write(2) may take fewer bytes than
 * asked (a disk that fills up), and Node's SyncWriteStream drops the rest without an error. Pipes
 * and TTYs (net.Socket) are left alone: libuv finishes short writes itself.
 */
function completeSyncWrites(stream: NodeJS.WritableStream & { fd?: number }): void {
  if (stream instanceof Socket || typeof stream.fd !== 'number') return;
  const fd = stream.fd;
  (stream as unknown as { _write: (c: Chunk, e: BufferEncoding, cb: (err?: Error | null) => void) => void })._write = (chunk, encoding, cb) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb();
  };
}

/**
 * Listen for write errors on stdout and stderr (call once, first thing in the executable): an
 * EPIPE marks the reader gone, any other error is kept for `exitWhenFlushed` to report. Without a
 * listener either would be an uncaught 'error' event with a stack trace. Writes to a file or a
 * device are made whole (completeSyncWrites).
 */
export function guardStdio(): void {
  if (watches) return;
  watches = (['stdout', 'stderr'] as const).map((name) => {
    const w: StreamWatch = { name, stream: process[name] as StreamWatch['stream'], readerGone: false, error: null };
    completeSyncWrites(process[name]);
    w.stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') w.readerGone = true;
      else w.error ??= err;
    });
    return w;
  });
}

/**
 * A progress gauge of what the reader has not taken yet: Node's buffer (which holds a write in
 * flight whole) plus what libuv still holds of that write (it shrinks as the reader takes bytes).
 */
function pending(w: StreamWatch): number {
  return w.stream.writableLength + (w.stream._handle?.writeQueueSize ?? 0);
}

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wait until `w` is flushed, failed or closed by its reader: true, or false when it made no progress for `stallMs`. */
async function settle(w: StreamWatch, stallMs: number): Promise<boolean> {
  let last = pending(w);
  let lastChangeMs = performance.now();
  while (pending(w) > 0 && !w.readerGone && !w.error && !w.stream.destroyed) {
    await tick(10);
    const p = pending(w);
    if (p !== last) {
      last = p;
      lastChangeMs = performance.now();
    } else if (performance.now() - lastChangeMs > stallMs) return false;
  }
  await tick(0); // a synchronous stream's write error is emitted on a later tick
  return true;
}

/**
 * How long the exit waits for a reader that makes no progress, ms: no bound (Infinity) unless
 * JOULEBENCH_STDIO_STALL_S sets one.
 */
export function stdioStallMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.JOULEBENCH_STDIO_STALL_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : Infinity;
}

/** One line per stream whose output did not fully reach its reader (EPIPE excluded). */
async function outputProblems(stallMs: number): Promise<string[]> {
  const ws = watches ?? [];
  const flushed = await Promise.all(ws.map((w) => settle(w, stallMs)));
  const lines: string[] = [];
  ws.forEach((w, i) => {
    if (w.error) lines.push(`could not write to ${w.name} (${errnoText(w.error)}): the output is incomplete`);
    else if (!flushed[i]) lines.push(`${w.name}: the reader took nothing for ${stallMs / 1000} s: the output is incomplete`);
  });
  return lines;
}

/**
 * Exit with `code` once stdout and stderr are flushed (see the module comment); a failed or
 * stalled output turns a 0 into 1 and is named on stderr. Never returns.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  const stallMs = stdioStallMs();
  const problems = await outputProblems(stallMs);
  let final = code;
  if (problems.length) {
    final = code === 0 ? 1 : code;
    const err = watches?.find((w) => w.name === 'stderr');
    if (err && !err.error && !err.readerGone) {
      process.stderr.write(problems.map((p) => `joulebench: error: ${p}\n`).join(''));
      await settle(err, Math.min(stallMs, 1000));
    }
  }
  process.exit(final);
}
