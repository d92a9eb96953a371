/**
 * Generic meter: a shell command that prints the current power in watts (`--meter-cmd`), for PDUs
 * over SNMP, IPMI/Redfish, or anything else a user can script. Each read runs the command once,
 * bounded by a timeout; the output must be one number (an optional trailing "W" is accepted).
 */
import { runShell } from '../util/child.js';
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
 * The shell runs as the leader of its own process group (src/util/child.ts), and a timeout, a
 * cancel (`signal`) or runaway output kills the whole group: killing only `/bin/sh` (what
 * execFile's `timeout` does) leaves whatever it started (`sleep 5; echo 5`, an `snmpget` still
 * waiting for its reply) running as an orphan, one more per poll.
 */
export async function runMeterCommand(cmd: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const r = await runShell(cmd, { timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES, ...(signal ? { signal, abortKillSignal: 'SIGKILL' as const } : {}) });
  const first = (t: string) => t.trim().split('\n')[0];
  if (r.spawnError) throw new Error(`--meter-cmd '${cmd}': could not run (${first(r.spawnError.message)})`);
  if (r.killed === 'timeout') throw new Error(`--meter-cmd '${cmd}': did not finish within ${timeoutMs} ms`);
  if (r.killed === 'overflow') throw new Error(`--meter-cmd '${cmd}': printed more than ${MAX_OUTPUT_BYTES} bytes; it should print one number of watts`);
  if (r.killed === 'abort') throw new Error(`--meter-cmd '${cmd}': ${first(String((signal?.reason as Error | undefined)?.message ?? 'cancelled'))}`);
  if (r.code === 0) return r.stdout;
  const msg = first(r.stderr) || (r.signal ? `killed by ${r.signal}` : 'no message on stderr');
  throw new Error(`--meter-cmd '${cmd}': exited with ${r.code ?? r.signal}: ${msg}`);
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

  /** Reads in flight (one at a time from the sampler; a set all the same). */
  private readonly inFlight = new Set<AbortController>();

  async read(): Promise<MeterReading> {
    const ac = new AbortController();
    this.inFlight.add(ac);
    try {
      const out = await runMeterCommand(this.cmd!, this.timeoutMs, ac.signal);
      return { powerW: parseWattsOutput(this.cmd!, out) };
    } finally {
      this.inFlight.delete(ac);
    }
  }

  /** End the reads in flight (their command's whole process group); each rejects with `reason`. */
  cancel(reason: string): void {
    for (const ac of this.inFlight) ac.abort(new Error(reason));
  }

  info(): Record<string, unknown> {
    return { command: this.cmd };
  }

  async close(): Promise<void> {
    this.cancel('cancelled: the meter was closed');
  }
}
