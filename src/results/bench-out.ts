/**
 * Committed benchmark output: the source of every measured figure the README and models/README
 * quote (test/docs/docs-figures.test.ts maps each quoted figure to its file). A benchmark in `bench/`
 * that produces a published figure writes `bench/out/<name>.json`:
 *
 *   { name, date (ISO), commit, dirty, command, cpu: { model, flags[] }, adapter | null, ...figures }
 *
 * `cpu.flags` are the CPU's SIMD and crypto flags (/proc/cpuinfo): every CPU figure is quoted with
 * them, since llvmpipe, onnxruntime's MLAS and the peers pick their code paths by them. `adapter`
 * is the WebGPU adapter the figures ran on (null when none was used). Figures sit next to the raw
 * values they summarise (every run's time, every repetition), so a reader re-checks the summary.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';
import { packageRoot } from '../util/package.js';

/** The contract every bench/out file meets (areas.md "Committed figures"); figures are extra fields. */
export const benchOutSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase name, the file name without .json'),
    date: z.iso.datetime({ offset: true }),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'a git commit sha'),
    dirty: z.boolean().optional(),
    command: z.string().min(1),
    cpu: z.object({ model: z.string().min(1), flags: z.array(z.string()).min(1, 'quote the CPU flags with every figure') }).passthrough(),
    adapter: z.record(z.string(), z.unknown()).nullable(),
  })
  .passthrough();

/** A bench/out document. */
export type BenchOut = z.infer<typeof benchOutSchema>;

/** SIMD and crypto flags of this CPU (x86 /proc/cpuinfo `flags`, Arm `Features`), sorted. */
export function cpuFlags(cpuinfo = readCpuinfo()): string[] {
  const line = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '';
  const keep = /^(sse\d*(_\d)?|ssse3|avx.*|fma\d?|f16c|sha(_ni)?|aes|vaes|vpclmulqdq|gfni|bmi\d|amx.*|asimd.*|sve.*|sha\d+|neon)$/;
  return [...new Set(line.split(/\s+/).filter((f) => keep.test(f)))].sort();
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/**
 * Paths whose changes do not make the measured code differ from the commit: measured output
 * (another benchmark's fresh bench/out file, saved results), so a run right after another is not
 * marked dirty by the first one's output.
 */
export const OUTPUT_PATHSPECS = [':(exclude)bench/out', ':(exclude)results'];

/** The checkout's commit and whether the tree (measured output aside) differs from it. */
function gitCommit(): { commit: string; dirty: boolean } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  return { commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain', '--untracked-files=no', '--', '.', ...OUTPUT_PATHSPECS]).length > 0 };
}

/** The contract fields of a bench/out document measured now by `command` on `adapter`. */
export function benchOutHeader(name: string, command: string, adapter: Record<string, unknown> | null): BenchOut {
  const cpus = os.cpus();
  return {
    name,
    date: new Date().toISOString(),
    ...gitCommit(),
    command,
    cpu: { model: cpus[0]?.model.trim() || 'unknown', cores: cpus.length, flags: cpuFlags() },
    adapter,
  };
}

/** Validate and write `bench/out/<doc.name>.json` atomically; returns the path. */
export function writeBenchOut(doc: BenchOut, dir = join(packageRoot(), 'bench', 'out')): string {
  const valid = benchOutSchema.parse(doc);
  const path = join(dir, `${valid.name}.json`);
  writeFileAtomic(path, JSON.stringify(valid, null, 2) + '\n');
  return path;
}
