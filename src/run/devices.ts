/**
 * What a run opens before and between its workloads: the adapter (hashing and the webgpu EP share
 * it), the energy monitor for the first window with its idle baseline, and a monitor for each later
 * window whose work is on another device (power/monitor.ts monitorForNextWorkload).
 */
import { NoAdapterError, identityOf, openDevice, type AdapterIdentity } from '../gpu/adapter.js';
import { createEnergyMonitor, monitorForNextWorkload } from '../power/monitor.js';
import type { ResultDoc } from '../results/schema.js';
import type { EnergyWindow, PlanDevice, RunPlan } from './plan.js';
import type { RunState } from './state.js';

/** The run's adapter identity (null: none). */
export function adapterOf(st: RunState): AdapterIdentity | null {
  return (st.doc.environment.adapter ?? null) as AdapterIdentity | null;
}

/** The adapter (hashing and the webgpu EP share it); none: hashing skipped, inference on the CPU EP. */
export async function openAdapter(st: RunState): Promise<PlanDevice> {
  const { doc, progress } = st;
  try {
    st.ctx = await openDevice(st.opts.adapter, 'joulebench-run');
    const r = st.ctx.report;
    doc.environment.adapter = identityOf(r) as ResultDoc['environment']['adapter'];
    progress.info(`adapter: [${r.index}] ${r.backend}: ${r.name}${r.isSoftware ? ' (software: CPU timings, not GPU figures)' : ''}`);
    if (r.isSoftware) doc.warnings.push('software adapter: all timings are CPU timings, not GPU figures');
  } catch (err) {
    if (!(err instanceof NoAdapterError)) throw err;
    const msg = `NO WEBGPU ADAPTER: hashing skipped, inference runs on the CPU execution provider. Fix: ${err.message.replace(/^no WebGPU adapter found\. /, '')}`;
    doc.warnings.push(msg);
    st.alert(msg);
  }
  return { adapter: adapterOf(st), maxWorkgroupInvocations: st.ctx?.device.limits.maxComputeInvocationsPerWorkgroup ?? null };
}

/** The energy monitor for the first window, and the idle baseline before any GPU work. */
export async function openEnergy(st: RunState, energy: RunPlan['energy']): Promise<void> {
  const choice = await createEnergyMonitor(st.opts, { adapter: adapterOf(st), workload: energy.first });
  st.doc.warnings.push(...choice.warnings);
  st.monitor = choice.monitor;
  st.energyReason = choice.monitor ? undefined : choice.reason;
  st.workload = energy.first;
  st.progress.info(st.monitor ? `energy: meter '${st.monitor.meter}'` : `energy: not measured (${st.energyReason})`);
  // Idle baseline before any GPU work (the monitor would otherwise take it at the first window,
  // after autotune has warmed the device up).
  if (st.monitor && energy.idleBaselineS) {
    st.progress.info(`energy: idle baseline, ${energy.idleBaselineS} s`);
    await st.monitor.idleBaseline(energy.idleBaselineS);
  }
}

/** Before a step's work: a monitor that matches its device when that is not the previous window's. */
export async function enterWindow(st: RunState, w: EnergyWindow): Promise<void> {
  const next = await monitorForNextWorkload(st.monitor, st.opts, { adapter: adapterOf(st), from: st.workload, to: w.workload });
  if (next) {
    st.monitor = next.monitor;
    st.energyReason = next.monitor ? undefined : next.reason;
    st.doc.warnings.push(...next.warnings);
  }
  st.workload = w.workload;
}
