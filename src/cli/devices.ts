/**
 * `joulebench devices [--json]`: WebGPU adapters, onnxruntime execution providers, power meters.
 */
import type { Command } from 'commander';
import { listAdapters, pickAdapter, type AdapterReport } from '../gpu/adapter.js';
import { probeExecutionProviders, type EpStatus } from '../infer/probe.js';
import { printJson } from './common.js';
import { detectMeters, type MeterReport } from '../power/meters.js';
import { formatMeterReports } from './power.js';

/** What `devices --json` prints. */
export interface DevicesReport {
  adapters: AdapterReport[];
  /** Index of the adapter `--adapter` (or the default rule) selects; null when there is none. */
  selectedAdapter: number | null;
  executionProviders: EpStatus[];
  /** Power meters: found or not, scope, method, and why not (src/power/meters.ts). */
  meters: MeterReport[];
  warnings: string[];
}

/** Collect the devices report. */
export async function collectDevices(adapterSpec?: string): Promise<DevicesReport> {
  const adapters = await listAdapters();
  const warnings: string[] = [];
  let selected: number | null = null;
  if (adapters.length) selected = pickAdapter(adapters, adapterSpec).index;
  else warnings.push("no WebGPU adapter: install a Vulkan driver (Debian 12: 'apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1') or run 'npm run setup'");
  if (adapters.length && adapters.every((a) => a.isSoftware)) {
    warnings.push('only software adapters found: timings are CPU timings, not GPU figures');
  }
  const executionProviders = await probeExecutionProviders();
  const sel = adapters.find((a) => a.index === selected);
  const meters = detectMeters(sel ? { adapterName: `${sel.name} ${sel.device}`, adapterVendor: sel.vendor, adapterIsSoftware: sel.isSoftware } : {});
  return { adapters, selectedAdapter: selected, executionProviders, meters, warnings };
}

function printHuman(r: DevicesReport): void {
  const out: string[] = [];
  out.push('WebGPU adapters (Dawn):');
  if (!r.adapters.length) out.push('  (none)');
  for (const a of r.adapters) {
    const mark = a.index === r.selectedAdapter ? '*' : ' ';
    out.push(`${mark} [${a.index}] ${a.backend}: ${a.name}${a.isSoftware ? '  [software: CPU timings]' : ''}`);
    out.push(`      vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}, device ${a.device || '?'}`);
    if (a.description) out.push(`      ${a.description}`);
    out.push(`      driver ${a.driver ?? 'not reported'}; feature level ${a.featureLevel}`);
    out.push(`      limits: ${Object.entries(a.limits).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    out.push(`      features: ${a.features.join(', ') || '(none)'}`);
  }
  out.push('');
  out.push('onnxruntime-node execution providers:');
  for (const e of r.executionProviders) {
    out.push(`  ${e.usable ? 'yes' : 'no '} ${e.name}${e.reason ? `  — ${e.reason}` : ''}`);
  }
  out.push('');
  out.push('Power meters:');
  out.push(...formatMeterReports(r.meters));
  for (const w of r.warnings) out.push(`Warning: ${w}`);
  process.stdout.write(out.join('\n') + '\n');
}

/** Register the `devices` command. */
export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list WebGPU adapters, onnxruntime execution providers and power meters')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { adapter?: string };
      const r = await collectDevices(g.adapter);
      if (opts.json) printJson(r);
      else printHuman(r);
    });
}
