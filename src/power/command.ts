/**
 * Generic meter: a shell command that prints the current power in watts (`--meter-cmd`), for PDUs
 * over SNMP, IPMI/Redfish, or anything else a user can script. Each read runs the command once,
 * bounded by a timeout; the output must be one number (an optional trailing "W" is accepted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { MeterReading, PowerMeter } from './meter.js';
import { MAX_DEVICE_POWER_W } from './integrate.js';

/** Most stdout a meter command may print (it should print one number). */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** Default bound for one run of the meter command, ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/** Parse the command's output as watts; throws a one-line Error naming --meter-cmd. */
export function parseWattsOutput(cmd: string, stdout: string): number {
  const text = stdout.trim();
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*[wW]?$/.exec(text);
  const v = m ? Number(m[1]) : Number.NaN;
  if (!Number.isFinite(v)) {
    const shown = text.split('\n')[0]!.slice(0, 60);
    throw new Error(`--meter-cmd '${cmd}': printed '${shown}'${text.includes('\n') ? ' (and more lines)' : ''}, expected one number of watts, e.g. '231.5'`);
  }
  if (v < 0) throw new Error(`--meter-cmd '${cmd}': printed a negative power (${v} W)`);
  if (v > MAX_DEVICE_POWER_W) throw new Error(`--meter-cmd '${cmd}': printed ${v} W, more than the ${MAX_DEVICE_POWER_W / 1000} kW one device can draw`);
  return v;
}

/**
 * Run the command once; resolves with its stdout or rejects with a one-line Error.
 *
 * The shell runs as the leader of its own process group, and a timeout kills the whole group:
 * killing only `/bin/sh` (what execFile's `timeout` does) leaves whatever it started (`sleep 5;
 * echo 5`, an `snmpget` still waiting for its reply) running as an orphan, one more per poll.
 */
export function runMeterCommand(cmd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', cmd], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      reject(new Error(`--meter-cmd '${cmd}': could not start /bin/sh (${(err as Error).message.split('\n')[0]})`));
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let outBytes = 0;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    /** `abort`: the command is still running (timeout, runaway output): kill its process group. */
    const finish = (err: Error | null, abort = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (abort) {
        // Leave nothing behind: the command's children, and the pipes they may still hold open.
        killGroup();
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      if (err) reject(err);
      else resolve(Buffer.concat(out).toString('utf8'));
    };
    const timer = setTimeout(() => finish(new Error(`--meter-cmd '${cmd}': did not finish within ${timeoutMs} ms`), true), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > MAX_OUTPUT_BYTES) finish(new Error(`--meter-cmd '${cmd}': printed more than ${MAX_OUTPUT_BYTES} bytes; it should print one number of watts`), true);
      else out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (errOut.length < 16) errOut.push(b);
    });
    child.on('error', (e) => finish(new Error(`--meter-cmd '${cmd}': could not run (${e.message.split('\n')[0]})`)));
    // 'close' waits for the shell's stdout/stderr to close too; a child it left holding them open
    // is caught by the timeout above.
    child.on('close', (code, signal) => {
      if (code === 0) return finish(null);
      const msg = Buffer.concat(errOut).toString('utf8').trim().split('\n')[0] || (signal ? `killed by ${signal}` : 'no message on stderr');
      finish(new Error(`--meter-cmd '${cmd}': exited with ${code ?? signal}: ${msg}`));
    });
  });
}

/** Command meter. */
export class CommandMeter implements PowerMeter {
  readonly name = 'cmd' as const;
  readonly kind = 'power' as const;
  readonly label: string;
  readonly method: string;
  readonly resolutionJ = 0;
  readonly accuracyW = null;
  // A process per read: at most 20 reads/s; the default of 1 s matches PDU/IPMI refresh rates.
  readonly poll = { min: 0.05, max: 5, fallback: 1 };
  readonly probeUpdatePeriod = false;

  constructor(
    private readonly cmd: string | undefined,
    readonly scope: 'wall' | 'gpu-board' | 'cpu-package' = 'wall',
    private readonly timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {
    if (!cmd || cmd.trim() === '') throw new Error("--meter cmd needs --meter-cmd '<command that prints watts>'");
    this.label = `command '${cmd}'`;
    this.method = `watts printed by --meter-cmd, polled and integrated (trapezoid); scope ${scope} as declared by the user`;
  }

  async read(): Promise<MeterReading> {
    const out = await runMeterCommand(this.cmd!, this.timeoutMs);
    return { powerW: parseWattsOutput(this.cmd!, out) };
  }

  info(): Record<string, unknown> {
    return { command: this.cmd };
  }

  async close(): Promise<void> {}
}
