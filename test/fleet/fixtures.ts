/**
 * Synthetic result documents and campaign directories for the fleet tests, written by hand from
 * the schema (not by the code under test): a GPU run with an NVML-metered hash window and an
 * inference window, and the Slurm identity a task on `node` would record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Figures of one synthetic run. */
export interface RunFigures {
  node: string;
  jobId: string;
  task: number;
  /** Hashes per second. */
  hps: number;
  /** Board power during hashing, W (H/J = hps / watts). */
  hashW: number;
  decodeTps: number;
  inferW: number;
  gpu?: string;
  complete?: boolean;
  startedAt?: string;
}

const energy = (powerW: number, timeS: number) => ({
  measured: true,
  energyJ: powerW * timeS,
  timeS,
  avgPowerW: powerW,
  method: 'NVML total energy counter over the window',
  scope: 'gpu-board',
  meter: 'nvml',
  samples: 100,
  uncertaintyJ: null,
  complete: true,
});

const metric = (value: number, unit: string) => ({ value, unit, higherIsBetter: true, method: 'synthetic' });

/** A valid schema-1.1 result document for one task. */
export function resultDoc(f: RunFigures): Record<string, unknown> {
  const startedAt = f.startedAt ?? `2026-05-01T12:00:${String(f.task % 60).padStart(2, '0')}.000Z`;
  return {
    schemaVersion: '1.1',
    tool: { name: 'joulebench', version: '0.1.0' },
    git: { sha: 'abc1234def', dirty: false },
    argv: ['run', '--out', `results/task-${f.task}.json`],
    startedAt,
    endedAt: startedAt,
    complete: f.complete ?? true,
    ...(f.complete === false ? { incompleteReason: "interrupted by SIGTERM during phase 'inference'" } : {}),
    environment: {
      hostname: f.node,
      os: { platform: 'linux', release: '6.1', distro: 'Debian GNU/Linux 12 (bookworm)', arch: 'x64' },
      cpu: { model: 'AMD EPYC 9654', cores: 192 },
      memoryBytes: 1.5e12,
      node: 'v20.19.0',
      versions: { webgpu: '0.6.2', onnxruntime: '1.30.0' },
      adapter: { index: 0, backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3', vendor: 'nvidia', architecture: 'hopper', device: '0x2330', description: 'NVIDIA H100 80GB HBM3', driver: '550.54.15', isSoftware: false },
      slurm: {
        jobId: String(Number(f.jobId) + f.task + 1),
        arrayJobId: f.jobId,
        arrayTaskId: f.task,
        node: f.node,
        cluster: 'hall-a',
        partition: 'gpu',
        cudaVisibleDevices: '0',
        gpuUuids: [f.gpu ?? `GPU-${f.node}-0000`],
        gpuUuidNote: 'from nvidia-smi (it sees only the GPUs this task was given)',
      },
    },
    measurements: [
      {
        id: 'hash.sha256d',
        kind: 'hash',
        status: 'complete',
        params: {},
        metrics: { hashesPerSecond: metric(f.hps, 'H/s'), hashesPerJoule: metric(f.hps / f.hashW, 'H/J') },
        energy: energy(f.hashW, 20),
        warnings: [],
      },
      {
        id: 'infer.tiny',
        kind: 'infer',
        status: 'complete',
        params: { model: 'tiny', ep: 'webgpu' },
        metrics: { decodeTokensPerSecond: metric(f.decodeTps, 'tokens/s'), tokensPerJoule: metric(f.decodeTps / f.inferW, 'tokens/J') },
        energy: energy(f.inferW, 5),
        warnings: [],
      },
    ],
    warnings: [],
  };
}

/** A campaign directory: manifest for `tasks` tasks of array job `jobId`, empty subdirectories. */
export function campaignDir(dir: string, jobId: string, tasks: number): void {
  for (const d of ['results', 'tasks', 'logs', 'report']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'campaign.json'),
    JSON.stringify({
      kind: 'joulebench-fleet-campaign',
      version: 1,
      dir,
      submittedAt: '2026-05-01T11:59:00.000Z',
      submitHost: 'login1',
      user: 'alice',
      tool: { name: 'joulebench', version: '0.1.0' },
      git: { sha: 'abc1234def', dirty: false },
      jobId,
      cluster: null,
      tasks,
      partition: 'gpu',
      gpusPerTask: 1,
      timeLimit: null,
      runArgs: ['--seconds', '20'],
      sbatchArgv: ['sbatch', '--array=0-2'],
      batchScript: '/opt/joulebench/deploy/slurm/joulebench.sbatch',
      launcher: { node: '/usr/bin/node', main: '/opt/joulebench/dist/src/cli/main.js' },
    }),
  );
}

/** What the batch script records for a task that ended. */
export function taskRecord(dir: string, jobId: string, task: number, node: string, exitCode: number, signal: string | null = null): void {
  writeFileSync(
    join(dir, 'tasks', `task-${task}.json`),
    JSON.stringify({ index: task, jobId: String(Number(jobId) + task + 1), arrayJobId: jobId, node, cudaVisibleDevices: '0', startedAt: '2026-05-01T12:00:00Z', endedAt: '2026-05-01T12:01:00Z', exitCode, signal }),
  );
}

/** Write an executable fake command (a shell script) into `bin`. */
export function fakeCommand(bin: string, name: string, script: string): void {
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
}
