/**
 * The two checkouts of an A/B comparison: a git ref becomes a detached worktree of the repository
 * (`git worktree add --detach`, so both builds share one object store and neither touches the
 * user's working tree); a directory is used as it is. Every git call is bounded by a timeout and
 * runs as its own process group (src/util/child.ts): a hook or a filter git starts (post-checkout,
 * an LFS smudge) is ended with it, and an interrupted `ab` does not wait for a long checkout.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { runChild } from '../util/child.js';
import { UsageError } from '../util/errors.js';
import type { Side } from './plan.js';

/** Bound on one git command, ms (a worktree checkout of a large tree can take a while). */
export const GIT_TIMEOUT_MS = 300_000;

/** One side's checkout. */
export interface Checkout {
  side: Side;
  /** What the user gave (`origin/main`, `./other-clone`). */
  spec: string;
  kind: 'ref' | 'dir';
  dir: string;
  /** Commit checked out (null for a directory that is not a git checkout). */
  sha: string | null;
  /** Whether the driver created (and will remove) a worktree. */
  worktree: boolean;
}

/** Run git; its trimmed stdout, or an Error with git's last stderr line. */
async function git(args: string[], cwd: string): Promise<string> {
  const r = await runChild('git', args, { cwd, timeoutMs: GIT_TIMEOUT_MS });
  if (r.code === 0) return r.stdout.trim();
  const why = r.spawnError ? r.spawnError.message : r.killed === 'timeout' ? `did not finish within ${GIT_TIMEOUT_MS / 1000} s` : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code ?? r.signal}`);
  throw new Error(`git ${args[0]}: ${why}`);
}

/** The commit a ref names in `repo`; UsageError naming the flag when it does not resolve. */
export async function resolveRef(repo: string, ref: string, flag: string): Promise<string> {
  try {
    return await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repo);
  } catch {
    throw new UsageError(`${flag} '${ref}': not a commit in the git repository at ${repo} (fetch it first, or pass --repo <dir>)`);
  }
}

/** HEAD of a directory if it is a git checkout, else null. */
export async function headOf(dir: string): Promise<string | null> {
  try {
    return await git(['rev-parse', 'HEAD'], dir);
  } catch {
    return null;
  }
}

/** Check a directory argument. */
export function checkDir(dir: string, flag: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}': no such directory (give a checkout of joulebench)`);
}

/** Create a detached worktree of `sha` at `dir`. */
export async function addWorktree(repo: string, sha: string, dir: string): Promise<void> {
  await git(['worktree', 'add', '--detach', dir, sha], repo);
}

/** Remove a worktree the driver created (force: its build outputs are untracked files). */
export async function removeWorktree(repo: string, dir: string): Promise<void> {
  try {
    await git(['worktree', 'remove', '--force', dir], repo);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    try {
      await git(['worktree', 'prune'], repo);
    } catch {
      // Nothing more to do: the directory is gone; git forgets it at its next prune.
    }
  }
}
