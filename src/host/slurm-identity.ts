/**
 * The Slurm identity of a run: which job, array task, node and GPU produced a result. Read from
 * the variables Slurm sets in a job's environment (sbatch(1), "OUTPUT ENVIRONMENT VARIABLES":
 * https://slurm.schedmd.com/sbatch.html#SECTION_OUTPUT-ENVIRONMENT-VARIABLES) and, for the GPU
 * UUID, from `nvidia-smi --query-gpu` when the answer is unambiguous.
 *
 * Which UUID belongs to this task is only certain in two cases:
 *  - CUDA_VISIBLE_DEVICES already holds UUIDs ("GPU-…", "MIG-…"), as some sites configure;
 *  - nvidia-smi sees exactly the GPUs the task was given (Slurm's cgroup device confinement,
 *    `ConstrainDevices=yes` in cgroup.conf: https://slurm.schedmd.com/cgroup.conf.html).
 * Otherwise (nvidia-smi lists more GPUs than were assigned) the numeric indices in
 * CUDA_VISIBLE_DEVICES need not match nvidia-smi's order (CUDA enumerates fastest-first unless
 * CUDA_DEVICE_ORDER=PCI_BUS_ID), so no UUID is recorded and the note says why.
 */
import { execFileSync } from 'node:child_process';
import type { SlurmIdentity } from '../results/schema.js';

/** Runs a command bounded by a timeout; returns stdout, or null when it is absent or fails. */
export type CommandRunner = (cmd: string, args: readonly string[], timeoutMs: number) => string | null;

/** The default runner: execFileSync with a timeout, stderr discarded. */
export const runCommand: CommandRunner = (cmd, args, timeoutMs) => {
  try {
    return execFileSync(cmd, [...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
};

/** nvidia-smi is given this long: it can stall for seconds while the driver initialises. */
export const NVIDIA_SMI_TIMEOUT_MS = 10_000;

const UUID_RE = /^(GPU|MIG)-[0-9A-Za-z-/]+$/;

function val(env: NodeJS.ProcessEnv, ...names: string[]): string | null {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return null;
}

/** One GPU as `nvidia-smi --query-gpu=index,uuid,name,pci.bus_id --format=csv,noheader` lists it. */
export interface SmiGpu {
  index: number;
  uuid: string;
  name: string;
  pciBusId: string;
}

/** Parse nvidia-smi's CSV (no header) into GPUs; malformed lines are skipped. */
export function parseNvidiaSmiGpus(csv: string): SmiGpu[] {
  const out: SmiGpu[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const raw = line.split(',');
    if (raw.length < 4 || raw[0]!.trim() === '') continue;
    const index = Number(raw[0]);
    const uuid = raw[1]!.trim();
    if (!Number.isInteger(index) || !UUID_RE.test(uuid)) continue;
    // A name may hold commas: it is everything between the UUID and the bus id.
    out.push({ index, uuid, name: raw.slice(2, -1).join(',').trim(), pciBusId: raw.at(-1)!.trim() });
  }
  return out;
}

/** The UUIDs of this task's GPUs, or none with the reason (see the module comment). */
export function gpuUuidsFor(cudaVisibleDevices: string | null, run: CommandRunner): { uuids: string[]; note: string } {
  if (cudaVisibleDevices === null) return { uuids: [], note: 'no NVIDIA GPU assigned (CUDA_VISIBLE_DEVICES unset)' };
  const entries = cudaVisibleDevices.split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length || entries.every((e) => e === '-1' || e === 'NoDevFiles')) return { uuids: [], note: `no GPU visible (CUDA_VISIBLE_DEVICES=${cudaVisibleDevices})` };
  if (entries.every((e) => UUID_RE.test(e))) return { uuids: entries, note: 'from CUDA_VISIBLE_DEVICES' };
  const csv = run('nvidia-smi', ['--query-gpu=index,uuid,name,pci.bus_id', '--format=csv,noheader'], NVIDIA_SMI_TIMEOUT_MS);
  if (csv === null) return { uuids: [], note: 'nvidia-smi not found or failed: GPU UUID not readable' };
  const gpus = parseNvidiaSmiGpus(csv);
  if (gpus.length === entries.length) return { uuids: gpus.map((g) => g.uuid), note: 'from nvidia-smi (it sees only the GPUs this task was given)' };
  return {
    uuids: [],
    note: `nvidia-smi lists ${gpus.length} GPUs but this task was given ${entries.length} (CUDA_VISIBLE_DEVICES=${cudaVisibleDevices}): which UUID is this task's cannot be told without device confinement (ConstrainDevices=yes in cgroup.conf)`,
  };
}

/**
 * The Slurm identity of this process, or undefined outside a Slurm job (no SLURM_JOB_ID).
 * `run` queries nvidia-smi only when a GPU was assigned by index.
 */
export function slurmIdentity(env: NodeJS.ProcessEnv = process.env, run: CommandRunner = runCommand): SlurmIdentity | undefined {
  const jobId = val(env, 'SLURM_JOB_ID', 'SLURM_JOBID');
  if (jobId === null) return undefined;
  const task = val(env, 'SLURM_ARRAY_TASK_ID');
  const taskId = task !== null && /^\d+$/.test(task) ? Number(task) : null;
  const cvd = env.CUDA_VISIBLE_DEVICES === undefined ? null : env.CUDA_VISIBLE_DEVICES.trim();
  const rocr = val(env, 'ROCR_VISIBLE_DEVICES');
  const gpu = cvd === null && rocr !== null ? { uuids: [], note: `AMD GPU ${rocr} assigned (ROCR_VISIBLE_DEVICES): UUID not read` } : gpuUuidsFor(cvd, run);
  const allocated = val(env, 'SLURM_STEP_GPUS', 'SLURM_JOB_GPUS');
  return {
    jobId,
    arrayJobId: val(env, 'SLURM_ARRAY_JOB_ID'),
    arrayTaskId: taskId,
    node: val(env, 'SLURMD_NODENAME'),
    cluster: val(env, 'SLURM_CLUSTER_NAME'),
    partition: val(env, 'SLURM_JOB_PARTITION'),
    cudaVisibleDevices: cvd,
    ...(rocr !== null ? { rocrVisibleDevices: rocr } : {}),
    ...(allocated !== null ? { allocatedGpus: allocated } : {}),
    gpuUuids: gpu.uuids,
    gpuUuidNote: gpu.note,
  };
}

/** "123_4" for an array task, else the job id; null without an identity. */
export function taskLabel(s: SlurmIdentity | undefined | null): string | null {
  if (!s) return null;
  return s.arrayJobId !== null && s.arrayTaskId !== null ? `${s.arrayJobId}_${s.arrayTaskId}` : s.jobId;
}
