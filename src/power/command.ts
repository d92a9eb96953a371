/**
 * Generic meter: a shell command that prints the current power in watts (`--meter-cmd`), for PDUs
 * over SNMP, IPMI/Redfish, or anything else a user can script. Each read runs the command once,
 * bounded by a timeout; the output must be one number (an optional trailing "W" is accepted).
 */
import { execFile } from 'node:child_process';
import type { MeterReading, PowerMeter } from './meter.js';

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
  return v;
}

/** Run the command once; resolves with its stdout or rejects with a one-line Error. */
export function runMeterCommand(cmd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', cmd], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const e = err as Error & { killed?: boolean; code?: number | string };
        if (e.killed) return reject(new Error(`--meter-cmd '${cmd}': did not finish within ${timeoutMs} ms`));
        const msg = String(stderr).trim().split('\n')[0] || e.message.split('\n')[0];
        return reject(new Error(`--meter-cmd '${cmd}': exited with ${e.code ?? 'an error'}: ${msg}`));
      }
      resolve(String(stdout));
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
