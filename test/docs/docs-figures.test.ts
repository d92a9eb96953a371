// Every measured figure README.md and models/README.md quote maps to a committed file: a figure is
// a link to the JSON it came from with a JSON Pointer to the value (scripts/doc-figures.ts), and the
// printed number must be that value at the precision shown; a quoted command output is re-rendered
// from its result file; and a lint finds numbers that claim a measurement without a source.
// README "Development" says how to add a figure.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../src/cli/run.js';
import { benchOutSchema } from '../../src/results/bench-out.js';
import { readResult } from '../../src/results/files.js';
import { figureLinks, parseBlocks, resolvePointer, shownNumber, unsourcedClaims, type Block } from '../../scripts/doc-figures.js';
import { ROOT } from '../helpers.js';

const DOCS = ['README.md', 'models/README.md'];
const blocks: Block[] = DOCS.flatMap((d) => parseBlocks(readFileSync(join(ROOT, d), 'utf8'), d));
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n'));
const at = (b: Block) => `${b.doc}:${b.line}`;

/**
 * Numbers the lint flags that are not measurements (defaults, thresholds, published constants,
 * figures computed by the code): each names the block by a snippet of it and says why.
 */
const NOT_MEASURED: Array<{ doc: string; text: string; why: string }> = [
  { doc: 'README.md', text: 'the figure MLPerf Inference', why: "MLPerf's published latency bounds and run's default target" },
  { doc: 'README.md', text: '**How windows are sized.**', why: 'window rule defaults (--min-window 5 s, --max-window 300 s)' },
  { doc: 'README.md', text: 'An idle baseline', why: 'the --idle-baseline default' },
  { doc: 'README.md', text: 'A price says what it prices', why: 'the ±15 % parameter-count matching rule' },
  { doc: 'README.md', text: '`doctor [--runs N] [--seconds S] [--json]`', why: "what doctor computes: ab's smallest detectable slowdown at 8/16/32 rounds" },
  { doc: 'README.md', text: "Issue 19's bar is no joulebench run below", why: "issue 19's thresholds (0.9× the median, CV ≤ max(5 %, 1.5× cpuminer's)) and the 5 % disturbed-round rule" },
  { doc: 'README.md', text: '**`joulebench doctor`** prints what adds noise', why: "doctor's settings: 90 % power at 8/16/32 rounds, compare's 3.5 % noise threshold" },
  { doc: 'README.md', text: '**Keeping the device busy.**', why: "the poll's 1 ms mapAsync budget (a setting; the recorded run's figures in it are linked)" },
  { doc: 'README.md', text: '**Which meter.**', why: 'the stalled-read rule (3× the slowest recent read, at least 2 s); "not measured" is what energy says' },
  { doc: 'README.md', text: 'One versioned JSON document', why: 'the summary statistics a result carries (95 % CI)' },
  { doc: 'README.md', text: '**Read the fleet report.**', why: 'the outlier rule: MAD floor 1 %, hence ≥ 5.2 % from the median (arithmetic)' },
  { doc: 'README.md', text: '**Cheap, steady runs.**', why: 'stopping-rule defaults (95 % CI within 1 % over 20 % more slices, 5 s)' },
  { doc: 'models/README.md', text: 'Sizes are the graph\'s initializers', why: "sizes the generator writes (initializer bytes, 64 KiB alignment): deterministic, not measured" },
  { doc: 'models/README.md', text: '`test/infer/q4-sizes.test.ts` checks the layout', why: "onnx-community's published file sizes and the presets' computed ones (checked by that test)" },
  { doc: 'models/README.md', text: 'The memory check counts the decode pool', why: 'logits bytes computed from the shapes (2048 × 16 × 50,257 × 4 B) and the machine size' },
  { doc: 'models/README.md', text: 'Weights are generated in 4 MiB chunks', why: 'the 4 MiB chunk size (the measured build figures in it are linked)' },
];

/**
 * Figures other helpers are re-measuring (issue 20 wave 1). An entry exempts its block only while
 * its source does not exist: once the file is committed the lint applies to the block again and a
 * test fails until the figures are linked and the entry deleted. A stale entry (its text gone)
 * fails too.
 */
const PENDING: Array<{ doc: string; text?: string; heading?: string; owner: string; source: string }> = [
];

/**
 * Sections whose figures another test already checks against committed files (each test reads the
 * README and compares the printed numbers with the bench/out file): not linked a second time.
 */
const CHECKED_BY_TEST: Array<{ doc: string; heading?: string; text?: string; test: string; source: string }> = [
  { doc: 'README.md', heading: 'Serving under load (`infer serve`)', test: 'test/infer/serve/readme-figures.test.ts', source: 'bench/out/serve-load-*.json' },
  { doc: 'README.md', text: 'A CI job must not fail on identical code.', test: 'test/report/verdict-simulations-readme.test.ts', source: 'bench/out/verdict-simulations.json' },
  { doc: 'README.md', text: '**Enough rounds for the machine you have.**', test: 'test/report/verdict-simulations-readme.test.ts', source: 'bench/out/verdict-simulations.json (the table below it)' },
  { doc: 'README.md', text: 'Adding rounds never lifted the false-alarm rate', test: 'test/report/verdict-simulations-ab-run.test.ts', source: 'bench/out/verdict-simulations.json (lift ≤ 2 points asserted; the rest is configuration)' },
  { doc: 'README.md', text: '**Disturbed runs and intermittent regressions.**', test: 'test/report/verdict-simulations-readme.test.ts', source: 'bench/out/verdict-simulations.json' },
  { doc: 'README.md', text: '**Warm-up and trend.**', test: 'test/stats/steady-state.test.ts', source: 'a seeded simulation in that test (400 trials, seed 20261207: 8.5 % and 96 %; it asserts < 10 % and > 95 %); the rest are the warm-up and trend defaults' },
  { doc: 'README.md', text: 'Verdict (per MW of site power): at each use', test: 'test/profit/readme-verdict.test.ts', source: '`profit --site sites/boden-sweden.yaml --as-of 2026-11-22` (computed from the site file, not measured)' },
];

/** The blocks an entry names: under its heading, or containing its text. */
const names = (e: { doc: string; heading?: string; text?: string }, b: Block) => e.doc === b.doc && ((e.heading !== undefined && b.headings.includes(e.heading)) || (e.text !== undefined && b.text.includes(e.text)));

/** Committed files matching a source path (`*` within the file name). */
function committed(source: string): string[] {
  const pattern = source.replace(/[.+?^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '[^/]*');
  const re = new RegExp(`^${pattern}$`);
  return [...tracked].filter((f) => re.test(f));
}

const exempt = (b: Block) =>
  CHECKED_BY_TEST.some((e) => names(e, b)) ||
  NOT_MEASURED.some((e) => e.doc === b.doc && b.text.includes(e.text)) ||
  PENDING.some((e) => names(e, b) && committed(e.source).length === 0);

function sourceOf(file: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
}

describe('documented figures map to committed files', () => {
  it('every figure link names a committed JSON file, and prints the value there at the precision shown', () => {
    const problems: string[] = [];
    const links = blocks.flatMap(figureLinks);
    expect(links.length).toBeGreaterThan(20);
    for (const l of links) {
      const where = `${at(l.block)} [${l.text}](${l.file}#${l.pointer})`;
      if (!tracked.has(l.file)) {
        problems.push(`${where}: ${l.file} is not a committed file`);
        continue;
      }
      const v = resolvePointer(sourceOf(l.file), l.pointer);
      const shown = shownNumber(l.text);
      if (typeof v !== 'number') problems.push(`${where}: the pointer gives ${JSON.stringify(v)}, not a number`);
      else if (!shown) problems.push(`${where}: the link text holds no number`);
      else if (Math.abs(v * l.scale - shown.value) > shown.tolerance * (1 + 1e-9) + 1e-12) problems.push(`${where}: the source says ${v * l.scale}, the text ${l.text}`);
    }
    expect(problems).toEqual([]);
  });

  it('every bench/out file meets the contract (name, date, commit, command, CPU flags, adapter)', () => {
    const files = readdirSync(join(ROOT, 'bench', 'out')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = benchOutSchema.parse(sourceOf(`bench/out/${f}`));
      expect(doc.name, f).toBe(basename(f, '.json'));
    }
  });

  it('a date written next to bench/out figures is the date those figures were measured', () => {
    const problems: string[] = [];
    for (const b of blocks) {
      const dates = [...b.text.matchAll(/\b(20\d\d-\d\d-\d\d)\b/g)].map((m) => m[1]!);
      if (!dates.length) continue;
      for (const l of figureLinks(b).filter((x) => x.file.startsWith('bench/out/'))) {
        const d = String((sourceOf(l.file) as { date: string }).date).slice(0, 10);
        if (!dates.includes(d)) problems.push(`${at(b)}: ${l.file} was measured ${d}, the text says ${dates.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a quoted command output is its source re-rendered (and no other code block quotes rates)', () => {
    const problems: string[] = [];
    for (const b of blocks.filter((x) => x.kind === 'code')) {
      const m = b.marker ? /^figures:\s*run-summary\s+(\S+)$/.exec(b.marker) : null;
      if (m) {
        const want = formatRunSummary(readResult(join(ROOT, m[1]!)), null, m[1]!);
        const strip = (s: string) => s.split('\n').filter((x) => x.trim() !== '').join('\n');
        if (strip(want) !== strip(b.text)) problems.push(`${at(b)}: differs from the summary of ${m[1]} (re-render it)`);
      } else if (/\d\s?(MH\/s|H\/s|tok\/s|tok\/J|H\/J)/.test(b.text)) problems.push(`${at(b)}: quotes measured rates without a '<!-- figures: run-summary <file> -->' marker`);
    }
    expect(problems).toEqual([]);
  });

  it('no number claims a measurement without a source', () => {
    const problems = blocks.filter((b) => !exempt(b)).flatMap((b) => unsourcedClaims(b).map((c) => `${at(b)}: ${c}  (${b.text.slice(0, 60).replace(/\n/g, ' ')}…)`));
    expect(problems).toEqual([]);
  });

  it('every section checked by another test has that test, and names a block', () => {
    for (const e of CHECKED_BY_TEST) {
      expect(tracked.has(e.test), e.test).toBe(true);
      expect(blocks.some((b) => names(e, b)), e.heading ?? e.text).toBe(true);
    }
  });

  it('a pending figure whose source is committed is linked to it and its entry deleted', () => {
    const landed = PENDING.filter((e) => committed(e.source).length > 0).map((e) => `${e.doc} "${e.text ?? e.heading}": ${committed(e.source).join(', ')} is committed; link the figures to it and delete the PENDING entry`);
    expect(landed).toEqual([]);
  });

  it('every exemption still names a block of its document', () => {
    const stale = [...NOT_MEASURED, ...PENDING].filter((e) => !blocks.some((b) => b.doc === e.doc && (('text' in e && e.text && b.text.includes(e.text)) || ('heading' in e && e.heading && b.headings.includes(e.heading)))));
    expect(stale).toEqual([]);
  });
});
