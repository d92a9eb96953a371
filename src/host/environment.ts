/**
 * The environment block of a result: who/what/where produced the numbers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { depVersion, packageRoot, toolVersion } from '../util/package.js';
import { slurmIdentity } from './slurm-identity.js';
import { SCHEMA_VERSION, type Environment, type ResultDoc } from '../results/schema.js';


/** Git sha and dirty flag of the package checkout (null outside a git checkout). */
export function gitState(): { sha: string | null; dirty: boolean | null } {
  const opts = { cwd: packageRoot(), encoding: 'utf8' as const, timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim().length > 0;
    return { sha, dirty };
  } catch {
    return { sha: null, dirty: null };
  }
}

function distro(): string | null {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Capture the environment block. */
export function captureEnvironment(adapter: AdapterIdentity | null): Environment {
  const cpus = os.cpus();
  const slurm = slurmIdentity();
  return {
    hostname: os.hostname(),
    os: { platform: process.platform, release: os.release(), distro: distro(), arch: process.arch },
    cpu: { model: cpus[0]?.model?.trim() ?? 'unknown', cores: Math.max(1, cpus.length) },
    memoryBytes: os.totalmem(),
    node: process.version,
    versions: { webgpu: depVersion('webgpu'), onnxruntime: depVersion('onnxruntime-node') },
    adapter: adapter as Environment["adapter"],
    // Inside a Slurm job: which job, array task, node and GPU (issue 15); absent elsewhere.
    ...(slurm ? { slurm } : {}),
  };
}

/** A new, empty, complete-so-far result document for this process. */
export function newResultDoc(adapter: AdapterIdentity | null, startedAt = new Date()): ResultDoc {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'joulebench', version: toolVersion() },
    git: gitState(),
    argv: process.argv.slice(2),
    startedAt: startedAt.toISOString(),
    endedAt: startedAt.toISOString(),
    complete: true,
    environment: captureEnvironment(adapter),
    measurements: [],
    warnings: [],
  };
}
