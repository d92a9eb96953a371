/**
 * The environment block of a result: who/what/where produced the numbers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterIdentity } from '../gpu/adapter.js';
import { slurmIdentity } from '../fleet/identity.js';
import { SCHEMA_VERSION, type Environment, type ResultDoc } from './schema.js';

const require = createRequire(import.meta.url);

/** The package root (where package.json, shaders/ and models/ live), for both src/ (vitest) and dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'joulebench') return dir;
    } catch {
      /* keep climbing */
    }
    dir = dirname(dir);
  }
  throw new Error('cannot locate the joulebench package root');
}

/** joulebench's own version from package.json. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Installed version of a dependency, or null. */
export function depVersion(name: string): string | null {
  try {
    const pj = require.resolve(`${name}/package.json`, { paths: [packageRoot()] });
    return (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

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
