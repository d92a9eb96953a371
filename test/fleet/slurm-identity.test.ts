/**
 * The Slurm identity a run records: ids, node and GPU from the job's environment, the GPU UUID
 * only when it is certain (UUIDs in CUDA_VISIBLE_DEVICES, or nvidia-smi confined to the task's
 * GPUs), and none outside Slurm. nvidia-smi output is in its documented CSV format.
 */
import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiGpus, slurmIdentity, type CommandRunner } from '../../src/host/slurm-identity.js';
import { environmentSchema } from '../../src/results/schema.js';

const job = { SLURM_JOB_ID: '8812', SLURM_ARRAY_JOB_ID: '8800', SLURM_ARRAY_TASK_ID: '12', SLURMD_NODENAME: 'gpu-a07', SLURM_CLUSTER_NAME: 'hall-a', SLURM_JOB_PARTITION: 'h100' };
const smi = (csv: string | null): CommandRunner & { calls: string[][] } => {
  const calls: string[][] = [];
  const f = ((cmd: string, args: readonly string[]) => {
    calls.push([cmd, ...args]);
    return csv;
  }) as CommandRunner & { calls: string[][] };
  f.calls = calls;
  return f;
};
const ONE = '0, GPU-3f1c2a9e-7d1b-4c55-9a10-0e9bd0c1a2b3, NVIDIA H100 80GB HBM3, 00000000:1B:00.0\n';
const EIGHT = Array.from({ length: 8 }, (_, i) => `${i}, GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd, NVIDIA H100 80GB HBM3, 00000000:${(0x1b + i).toString(16).toUpperCase()}:00.0`).join('\n');

describe('Slurm identity', () => {
  it('is absent outside a Slurm job', () => {
    expect(slurmIdentity({ PATH: '/usr/bin' }, smi(null))).toBeUndefined();
  });

  it('records ids, node and the UUID when nvidia-smi sees only the task\'s GPU (device confinement)', () => {
    const run = smi(ONE);
    const s = slurmIdentity({ ...job, CUDA_VISIBLE_DEVICES: '0', SLURM_STEP_GPUS: '5' }, run)!;
    expect(s).toMatchObject({ jobId: '8812', arrayJobId: '8800', arrayTaskId: 12, node: 'gpu-a07', cluster: 'hall-a', partition: 'h100', cudaVisibleDevices: '0', allocatedGpus: '5' });
    expect(s.gpuUuids).toEqual(['GPU-3f1c2a9e-7d1b-4c55-9a10-0e9bd0c1a2b3']);
    expect(run.calls[0]).toEqual(['nvidia-smi', '--query-gpu=index,uuid,name,pci.bus_id', '--format=csv,noheader']);
    expect(environmentSchema.shape.slurm.safeParse(s).success).toBe(true);
  });

  it('takes UUIDs straight from CUDA_VISIBLE_DEVICES without asking nvidia-smi', () => {
    const run = smi(EIGHT);
    const s = slurmIdentity({ ...job, CUDA_VISIBLE_DEVICES: 'GPU-3f1c2a9e-7d1b-4c55-9a10-0e9bd0c1a2b3' }, run)!;
    expect(s.gpuUuids).toEqual(['GPU-3f1c2a9e-7d1b-4c55-9a10-0e9bd0c1a2b3']);
    expect(run.calls).toEqual([]);
  });

  it('records no UUID, and says why, when nvidia-smi sees every GPU of the node', () => {
    const s = slurmIdentity({ ...job, CUDA_VISIBLE_DEVICES: '3' }, smi(EIGHT))!;
    expect(s.gpuUuids).toEqual([]);
    expect(s.gpuUuidNote).toMatch(/nvidia-smi lists 8 GPUs but this task was given 1 .*ConstrainDevices=yes/);
  });

  it('records a CPU-only task without calling nvidia-smi', () => {
    const run = smi(ONE);
    const s = slurmIdentity({ ...job, SLURM_ARRAY_TASK_ID: undefined, SLURM_ARRAY_JOB_ID: undefined }, run)!;
    expect(s).toMatchObject({ arrayJobId: null, arrayTaskId: null, cudaVisibleDevices: null, gpuUuids: [] });
    expect(s.gpuUuidNote).toMatch(/CUDA_VISIBLE_DEVICES unset/);
    expect(run.calls).toEqual([]);
  });

  it('parses nvidia-smi CSV, keeping commas inside GPU names and skipping junk', () => {
    const gpus = parseNvidiaSmiGpus('0, GPU-aa-1, NVIDIA A100-SXM4-80GB, 00000000:07:00.0\nNo devices were found\n1, GPU-bb-2, Weird, Name, 00000000:0F:00.0\n');
    expect(gpus).toEqual([
      { index: 0, uuid: 'GPU-aa-1', name: 'NVIDIA A100-SXM4-80GB', pciBusId: '00000000:07:00.0' },
      { index: 1, uuid: 'GPU-bb-2', name: 'Weird, Name', pciBusId: '00000000:0F:00.0' },
    ]);
  });
});
