// The documented GitHub Actions workflow (examples/github-actions/perf-ab.yml) must stay in step
// with the CLI: every flag it passes to `joulebench ab` exists, and it exports for
// github-action-benchmark the files the action steps read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { ROOT } from '../helpers.js';

const wf = parse(readFileSync(join(ROOT, 'examples/github-actions/perf-ab.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: { ab: { steps: Array<{ name?: string; run?: string; uses?: string; with?: Record<string, string> }> } };
};
const steps = wf.jobs.ab.steps;
const abStep = steps.find((s) => /(jb -- |joulebench )ab /.test(s.run ?? ''))!;
// Flags of `ab` itself: the quoted --bench command's own flags (run's) are left out.
const abFlags = [...abStep.run!.replace(/'[^']*'/g, "''").matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!).filter((f) => f !== '--');

describe('GitHub Actions example', () => {
  it('runs on pull requests and pushes, with full history for the worktrees', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'push']);
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))!.with!['fetch-depth']).toBe(0);
  });
  it('passes only flags `joulebench ab` has', () => {
    const ab = buildProgram().commands.find((c) => c.name() === 'ab')!;
    const known = new Set(ab.options.map((o) => o.long));
    expect(abFlags.length).toBeGreaterThan(5);
    for (const f of abFlags) expect(known.has(f), `${f} is not an option of joulebench ab`).toBe(true);
    expect(abFlags).toContain('--fail-on-regression');
    // The benchmark it runs is `joulebench run` with flags `run` has, writing {out}.
    const bench = /--bench '([^']*)'/.exec(abStep.run!)![1]!;
    expect(bench).toMatch(/^node dist\/src\/cli\/main\.js run .*--out \{out\}/);
    const run = buildProgram().commands.find((c) => c.name() === 'run')!;
    const runKnown = new Set(run.options.map((o) => o.long));
    for (const f of bench.match(/--[a-z-]+/g)!) expect(runKnown.has(f), `${f} is not an option of joulebench run`).toBe(true);
  });
  it('feeds github-action-benchmark the files ab exports, one direction per step', () => {
    const gab = steps.filter((s) => s.uses?.startsWith('benchmark-action/github-action-benchmark'));
    expect(gab.map((s) => [s.with!.tool, s.with!['output-file-path']])).toEqual([
      ['customBiggerIsBetter', 'ab/gha-bigger.json'],
      ['customSmallerIsBetter', 'ab/gha-smaller.json'],
    ]);
    expect(abStep.run).toContain('--export-gha-benchmark ab/gha-bigger.json');
    expect(abStep.run).toContain('--export-gha-benchmark-smaller ab/gha-smaller.json');
  });
});
