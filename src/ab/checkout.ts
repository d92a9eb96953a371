/**
 * The two checkouts of an A/B comparison: a git ref becomes a detached worktree of the repository
 * (`git worktree add --detach`, so both builds share one object store and neither touches the
 * user's working tree); a directory is used as it is. Every git call is bounded by a timeout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
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

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The commit a ref names in `repo`; UsageError naming the flag when it does not resolve. */
export function resolveRef(repo: string, ref: string, flag: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repo);
  } catch {
    throw new UsageError(`${flag} '${ref}': not a commit in the git repository at ${repo} (fetch it first, or pass --repo <dir>)`);
  }
}

/** HEAD of a directory if it is a git checkout, else null. */
export function headOf(dir: string): string | null {
  try {
    return git(['rev-parse', 'HEAD'], dir);
  } catch {
    return null;
  }
}

/** Check a directory argument. */
export function checkDir(dir: string, flag: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}': no such directory (give a checkout of joulebench)`);
}

/** Create a detached worktree of `sha` at `dir`. */
export function addWorktree(repo: string, sha: string, dir: string): void {
  git(['worktree', 'add', '--detach', dir, sha], repo);
}

/** Remove a worktree the driver created (force: its build outputs are untracked files). */
export function removeWorktree(repo: string, dir: string): void {
  try {
    git(['worktree', 'remove', '--force', dir], repo);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    try {
      git(['worktree', 'prune'], repo);
    } catch {
      // Nothing more to do: the directory is gone; git forgets it at its next prune.
    }
  }
}
