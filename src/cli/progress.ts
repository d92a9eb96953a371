/**
 * Progress output for long commands (`run`): a bar per phase with samples and ETA on a TTY
 * (cli-progress), plain timestamped lines when stderr is not a TTY (CI logs), nothing with --json
 * beyond warnings. Everything goes to stderr so stdout carries only the result. The run calls it
 * through the interface of src/run/progress.ts.
 */
import cliProgress from 'cli-progress';
import { silentProgress, type Progress } from '../run/progress.js';

export type { Progress } from '../run/progress.js';

/** Choose the progress style: 'bar' on a TTY, 'plain' otherwise, 'quiet' for --json. */
export function createProgress(mode: 'auto' | 'bar' | 'plain' | 'quiet' = 'auto', stream: NodeJS.WriteStream = process.stderr): Progress {
  const style = mode === 'auto' ? (stream.isTTY ? 'bar' : 'plain') : mode;
  if (style === 'bar') return new BarProgress(stream);
  if (style === 'plain') return new PlainProgress(stream);
  return silentProgress();
}

class PlainProgress implements Progress {
  private name = '';
  private total: number | undefined;
  private lastPrintMs = 0;
  private t0 = performance.now();
  constructor(private readonly out: NodeJS.WriteStream) {}
  private line(s: string) {
    const t = ((performance.now() - this.t0) / 1000).toFixed(1).padStart(6);
    this.out.write(`[${t}s] ${s}\n`);
  }
  phase(name: string, total?: number): void {
    this.name = name;
    this.total = total;
    this.lastPrintMs = 0;
    this.line(`${name}: started`);
  }
  update(value: number, status?: string): void {
    // At most one line every 5 s: CI logs stay readable.
    const now = performance.now();
    if (now - this.lastPrintMs < 5000) return;
    this.lastPrintMs = now;
    this.line(`${this.name}: ${this.total ? `${value}/${this.total}` : value}${status ? ` ${status}` : ''}`);
  }
  end(outcome: string): void {
    this.line(`${this.name}: ${outcome}`);
  }
  info(line: string): void {
    this.line(line);
  }
  stop(): void {}
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  private name = '';
  constructor(private readonly out: NodeJS.WriteStream) {}
  phase(name: string, total?: number, unit = ''): void {
    this.stop();
    this.name = name;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.out,
        format: `${name.padEnd(18)} [{bar}] {value}/{total} ${unit} | ETA {eta_formatted} | {status}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total ?? 1, 0, { status: '' });
  }
  update(value: number, status = ''): void {
    this.bar?.update(value, { status });
  }
  end(outcome: string): void {
    this.stop();
    this.out.write(`${this.name.padEnd(18)} ${outcome}\n`);
  }
  info(line: string): void {
    this.stop();
    this.out.write(`${line}\n`);
  }
  stop(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
  }
}
