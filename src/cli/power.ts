/**
 * `joulebench power meters [--json]`: which power meters this machine has, and why the others are not usable.
 * `joulebench power sample --meter <name> --seconds S [--json]`: measure energy over S seconds with one meter.
 */
import type { Command } from 'commander';
import { numberArg, printJson, warn } from './common.js';
import { detectMeters, type MeterReport } from '../power/meters.js';
import { addMeterOptions, createEnergyMonitor, validateMeterOptions, wattsArg, workloadFor, type MeterOptions } from '../power/monitor.js';
import { energyJoules } from '../power/energy-basis.js';
import { openAdapter, identityOf, NoAdapterError, type AdapterIdentity } from '../gpu/adapter.js';
import { sleep } from '../util/timeout.js';

/** Human lines for a list of meter reports (shared with `devices`). */
export function formatMeterReports(reports: MeterReport[]): string[] {
  const out: string[] = [];
  const width = Math.max(...reports.map((r) => r.name.length));
  for (const r of reports) {
    const head = `  ${r.found ? 'yes' : 'no '} ${r.name.padEnd(width)}  ${r.scope.padEnd(11)}`;
    if (r.found) {
      out.push(`${head}  ${r.label ?? ''} — ${r.method}`);
      if (r.note) out.push(`      note: ${r.note}`);
    } else {
      out.push(`${head}  ${r.whyNot ?? ''}`);
    }
  }
  return out;
}

function fmt(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '?' : v.toFixed(digits);
}

/** The text `power sample` prints for one energy reading. */
function formatSample(e: Record<string, any>, j: NonNullable<ReturnType<typeof energyJoules>>): string[] {
  const lines = [
    `${j.kind === 'declared' ? 'declared watts, not measured' : `${e.meter} (${e.scope})`}: ${fmt(j.energyJ, 3)} J over ${fmt(j.timeS, 3)} s = ${fmt(j.avgPowerW, 2)} W average` +
      (typeof e.uncertaintyJ === 'number' ? ` (± ${fmt(e.uncertaintyJ, 3)} J)` : e.uncertaintyJ === null ? ' (uncertainty unknown)' : ''),
    `  method: ${e.method}`,
  ];
  if (typeof e.uncertaintyNote === 'string') lines.push(`  uncertainty: ${e.uncertaintyNote}`);
  if (typeof e.label === 'string') lines.push(`  measures: ${e.label}`);
  if (j.kind === 'metered') lines.push(
    `  samples ${e.samples}; sensor update period ${e.sensorUpdatePeriodS == null ? 'unknown' : `${fmt(Number(e.sensorUpdatePeriodS) * 1000, 1)} ms`}` +
      (e.pollIntervalS !== undefined ? `; poll interval ${fmt(Number(e.pollIntervalS) * 1000, 1)} ms` : ''),
  );
  if (typeof e.windowRule === 'string') lines.push(`  window: ${e.windowRule}`);
  if (!j.complete) lines.push(`  INCOMPLETE: ${j.incompleteReason}`);
  return lines;
}

/** `power sample`: one meter over a fixed time, no workload. */
async function powerSample(opts: MeterOptions & { seconds: number; json?: boolean }, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals() as { adapter?: string };
  validateMeterOptions(opts);
  // Auto-detection maps the meter to the adapter in use; explicit meters need no adapter.
  let adapter: AdapterIdentity | null = null;
  if (opts.meter === undefined && opts.watts === undefined && opts.meterCmd === undefined) {
    try {
      const opened = await openAdapter(g.adapter);
      adapter = identityOf(opened.report);
    } catch (err) {
      if (!(err instanceof NoAdapterError)) throw err;
    }
  }
  const choice = await createEnergyMonitor(opts, { adapter, workload: workloadFor('hash', adapter) });
  for (const w of choice.warnings) warn(w);
  if (!choice.monitor) {
    if (opts.json) printJson({ measured: false, reason: choice.reason });
    else process.stdout.write(`${choice.reason}\n`);
    process.exitCode = 1;
    return;
  }
  const monitor = choice.monitor;
  try {
    await monitor.begin('sample');
    await sleep(opts.seconds * 1000);
    const e = await monitor.end('sample');
    const j = energyJoules(e);
    if (!j || !j.complete) process.exitCode = 1;
    if (opts.json) printJson({ ...e, meterInfo: monitor.info ?? null });
    else if (!j) process.stdout.write(`${e.measured ? 'no joules' : e.reason}\n`);
    else process.stdout.write(formatSample(e as Record<string, any>, j).join('\n') + '\n');
  } finally {
    await monitor.close();
  }
}

/** Register the `power` command group. */
export function registerPower(program: Command): void {
  const power = program.command('power').description('power meters: list them, or sample energy over a fixed time');

  power
    .command('meters')
    .description('list the power meters found on this machine and why the others are not usable')
    .option('--json', 'print JSON')
    .option('--meter-url <url>', 'a Shelly/Tasmota address to mention')
    .option('--meter-cmd <command>', 'a meter command to mention')
    .option('--watts <W>', 'declared power to mention', wattsArg)
    .option('--meter-device <id>', 'device the meter reads (NVML index/UUID/PCI bus id, hwmonN)')
    .action((opts: { json?: boolean; meterUrl?: string; meterCmd?: string; watts?: number; meterDevice?: string }) => {
      const reports = detectMeters({ url: opts.meterUrl, cmd: opts.meterCmd, watts: opts.watts, deviceHint: opts.meterDevice });
      if (opts.json) {
        printJson({ meters: reports });
        return;
      }
      process.stdout.write(['Power meters:', ...formatMeterReports(reports)].join('\n') + '\n');
    });

  addMeterOptions(
    power
      .command('sample')
      .description('measure energy with one meter over a fixed time (no workload): prints energyJ, avgPowerW, ...')
      .option('--seconds <s>', 'how long to sample', numberArg('--seconds', { min: 0.01, max: 86_400 }), 5)
      .option('--json', 'print JSON'),
    // No workload here: the sample itself is the measurement, so no idle baseline and no
    // --min-window by default (the 10-update-period rule still holds).
    { idleBaselineS: 0, minWindowS: 0 },
  ).action(powerSample);
}
