// `joulebench ab` end to end without a GPU: a throwaway git repository whose "benchmark" is a tiny
// script writing a result file (its speed set by a file in the commit), two refs checked out as
// worktrees, built once each, runs interleaved in seeded order, every run kept, then compared.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRuns } from '../../src/ab/plan.js';
import { manifestSchema } from '../../src/ab/manifest.js';
import { readResult } from '../../src/results/files.js';
import { runCliInProcess } from '../helpers.js';
import { minute, runDoc } from '../fixtures/results/run-docs.js';

const root = mkdtempSync(join(tmpdir(), 'jb-ab-'));
const repo = join(root, 'repo');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();

// The fake benchmark (POSIX sh, fast to start): a valid joulebench result whose hash rate is
// speed.txt × a small wobble, recording its side and round in argv.
const template = JSON.stringify(
  runDoc([{ measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, value: 1 }], minute(0)),
)
  .replace('"value":1', '"value":__VALUE__')
  .replace(/"startedAt":"[^"]*"/, '"startedAt":"__T__"')
  .replace(/"endedAt":"[^"]*"/, '"endedAt":"__T__"')
  .replace('"argv":["synthetic"]', '"argv":["__SIDE__","__ROUND__"]');
const benchSh = `#!/bin/sh
set -e
v=$(awk -v s="$(cat speed.txt)" -v r="$JOULEBENCH_AB_RUN" 'BEGIN { printf "%.6f", s * (1 + 0.003 * (((r * 7) % 5) - 2)) }')
t=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
sed -e "s/__VALUE__/$v/" -e "s/__T__/$t/g" -e "s/__SIDE__/$JOULEBENCH_AB_SIDE/" -e "s/__ROUND__/$JOULEBENCH_AB_ROUND/" template.json > "$1"
`;
execFileSync('git', ['init', '-q', repo]);
writeFileSync(join(repo, 'template.json'), template);
writeFileSync(join(repo, 'bench.sh'), benchSh);
writeFileSync(join(repo, 'speed.txt'), '1000');
git('add', '.');
git('commit', '-qm', 'base');
const baseSha = git('rev-parse', 'HEAD');
writeFileSync(join(repo, 'speed.txt'), '900');
git('commit', '-qam', 'slower');
const candSha = git('rev-parse', 'HEAD');

const BENCH = 'test -f built.txt && sh bench.sh {out}';
const common = ['--repo', repo, '--bench', BENCH, '--build', 'echo built > built.txt', '--seed', '42', '--rounds', '5', '--warmup-runs', '1'];

describe('joulebench ab', () => {
  it('builds both refs in worktrees, runs 5 interleaved rounds, keeps every file, finds the 10 % slowdown (exit 1)', async () => {
    const out = join(root, 'ab1');
    const r = await runCliInProcess(['ab', '--baseline-ref', baseSha, '--candidate-ref', candSha, ...common, '--out-dir', out, '--fail-on-regression']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\*\*SLOWER\*\* \| hash\.sha256d hashesPerSecond/);
    expect(r.stdout).toMatch(/paired by round/);
    expect(readdirSync(join(out, 'baseline'))).toHaveLength(5);
    expect(readdirSync(join(out, 'candidate'))).toHaveLength(5);
    expect(readdirSync(join(out, 'warmup'))).toHaveLength(2);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/REGRESSION: 1 of 1 gated metric SLOWER/);
    const m = manifestSchema.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')));
    expect(m.status).toBe('complete');
    expect(m.sides.baseline!.sha).toBe(baseSha);
    expect(m.sides.candidate!.sha).toBe(candSha);
    // The runs happened in the planned order (each run records its side and round in argv).
    const plan = planRuns(5, 42, 1);
    expect(m.order).toEqual(plan.order);
    const ran = m.runs.map((x) => readResult(x.file).argv);
    expect(ran).toEqual(plan.runs.map((p) => [p.side, p.warmup ? 'warmup' : String(p.round)]));
    // The worktrees are gone; the user's checkout was never touched.
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(readFileSync(join(repo, 'speed.txt'), 'utf8')).toBe('900');
    expect(existsSync(join(repo, 'built.txt'))).toBe(false);
  });
  it('the same ref on both sides (A/A) passes the gate', async () => {
    const r = await runCliInProcess(['ab', '--baseline-ref', candSha, '--candidate-ref', candSha, ...common, '--rounds', '2', '--warmup-runs', '0', '--out-dir', join(root, 'ab2'), '--fail-on-regression']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/same commit: an A\/A run/);
  });
  it('a failing benchmark run stops with exit 1 naming its log; the manifest says so', async () => {
    const out = join(root, 'ab3');
    const r = await runCliInProcess(['ab', '--baseline-ref', baseSha, '--candidate-ref', candSha, ...common, '--bench', 'exit 3 # {out}', '--out-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warm-up baseline: the benchmark exited 3; see .*logs\/warmup-baseline-0\.log/);
    expect(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')).status).toBe('failed');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
  it('a run past --run-timeout is killed, exit 1', async () => {
    const r = await runCliInProcess(['ab', '--baseline-ref', baseSha, '--candidate-ref', candSha, ...common, '--bench', 'sleep 30 # {out}', '--run-timeout', '1', '--out-dir', join(root, 'ab4')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not finish within 1 s \(--run-timeout\)/);
  });
  it('bad input is exit 2 with one line, before anything runs', async () => {
    const noOut = await runCliInProcess(['ab', '--baseline-ref', baseSha, '--candidate-ref', candSha, ...common, '--bench', 'sh bench.sh', '--out-dir', join(root, 'ab5')]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--bench: the benchmark command must contain \{out\}/);
    const both = await runCliInProcess(['ab', '--baseline-ref', baseSha, '--baseline-dir', repo, '--candidate-ref', candSha, ...common]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--baseline-ref and --baseline-dir: give one of them/);
    const bad = await runCliInProcess(['ab', '--baseline-ref', 'no-such-branch', '--candidate-ref', candSha, ...common, '--out-dir', join(root, 'ab6')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--baseline-ref 'no-such-branch': not a commit/);
    expect(existsSync(join(root, 'ab5'))).toBe(false);
  });
});
