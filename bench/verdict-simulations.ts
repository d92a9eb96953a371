/**
 * Seeded Monte Carlo of the verdicts as they ship: how often identical code is called SLOWER
 * (false alarms) and how often a true regression is (detection), through the real code — the
 * verdict (src/stats/compare.ts `compareRuns`, Holm's `applyHolm` over the gated metrics) and the
 * `ab --detect` sizing (src/ab/detect.ts `detectRounds`, src/stats/sample-size.ts).
 *
 *   node --import tsx bench/verdict-simulations.ts [--out bench/out/verdict-simulations.json]
 *
 * It writes the figures the README quotes; test/report/verdict-simulations-*.test.ts re-run every scenario
 * (same seeds) and checks each committed rate against a binomial interval of the fresh counts.
 * Nothing here is timed: the CPU is recorded because every committed figure file carries it.
 *
 * Two families:
 *  - `compare` on unpaired runs (runs of 40 AR(1) slices, r = 0.6, 2 % slice noise; the run value
 *    is the harmonic mean of its slices, as total work / total time): 5 and 8 runs a side.
 *  - `ab --detect` as configured where it ships (README, the GitHub workflow example, the end-to-end
 *    test), each against its default single stage (`ab --rounds 8`, no --detect). Interleaved rounds:
 *    a machine state shared by both runs of a round (log sd 0.1) and per-run noise of sd σ/√2, so the
 *    round log ratio has sd σ (the "spread"). The two arms use common random numbers: the same first
 *    8 rounds (stream 1) decide the single stage and size the extension, whose rounds come from one
 *    stream of their own (stream 2, a fixed slot per trial and round) — so the two arms differ only
 *    by the rounds added, and their difference is measured with a paired interval.
 * The workflow and README bench (`run`) has 3 gated metrics on a machine without a power meter (H/s,
 * prefill tok/s, decode tok/s): they are simulated as 3 independent metrics, the regression in one;
 * a false alarm is any of them SLOWER. The e2e bench (`hash bench`) has one.
 *
 * Sizing inside the loop uses a table of the spread thresholds at which roundsToDetect steps up
 * (computed from pairedPower by bisection, once per configuration): the real detectRounds costs
 * ≈ 0.4 ms a call (noncentral t), the table ≈ 1 µs. Every CHECK_EVERY-th trial also calls
 * detectRounds on a report of its first stage and fails if the two disagree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { detectRounds } from '../src/ab/detect.js';
import type { ComparisonReport } from '../src/report/compare-results.js';
import { applyHolm, compareRuns, DEFAULT_COMPARE, type MetricComparison, type Verdict } from '../src/stats/compare.js';
import { GROSS_MIN_RUNS, grossDeviations } from '../src/stats/disturbance.js';
import { jStat } from '../src/stats/jstat.js';
import { pairedPower } from '../src/stats/sample-size.js';
import { mulberry32 } from '../src/util/random.js';
import { writeFileAtomic } from '../src/util/atomic.js';

/** Rounds of the first stage (`ab --rounds 8`, the default). */
export const FIRST_ROUNDS = 8;
/** Log sd of the machine state shared by both runs of a round (cancels in the ratio). */
const STATE_SD = 0.1;
/** Trials between checks of the sizing table against detectRounds itself. */
export const CHECK_EVERY = 50;

/** `n` standard normal draws from mulberry32(seed), Box–Muller (both branches), in one array. */
export function normals(seed: number, n: number): Float64Array {
  const next = mulberry32(seed);
  const out = new Float64Array(n + 1);
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(next() / 4294967296, 1e-300);
    const u2 = next() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out.subarray(0, n);
}

/** Wilson score interval of k successes in n trials at two-sided confidence `level` (Wilson, JASA 22(158), 1927). */
export function wilsonInterval(k: number, n: number, level: number): [number, number] {
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

/**
 * Interval of the difference of two paired proportions from their discordant counts (b: only the
 * second arm said yes, c: only the first), normal approximation with the paired variance
 * (Agresti, Categorical Data Analysis, 2nd ed., §10.1.1).
 */
export function pairedDifferenceInterval(b: number, c: number, n: number, level: number): [number, number] {
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const d = (b - c) / n;
  const se = Math.sqrt(b + c - ((b - c) * (b - c)) / n) / n;
  return [d - z * se, d + z * se];
}

// ---------------------------------------------------------------------------------------------
// compare, unpaired runs of AR(1) slices

/** One `compare` scenario: n runs a side, run-to-run sd, the candidate's true rate ratio. */
export interface CompareScenario {
  name: string;
  runs: number;
  runSd: number;
  ratio: number;
  seed: number;
  trials: number;
}

/** Verdict counts of a scenario (of the one metric). */
export type VerdictCounts = Record<Verdict, number>;

const SLICES = 40;
const PHI = 0.6;
const SLICE_SD = 0.02;
/** Variance of a run's log mean from its AR(1) slices: σ²/(1−φ²)/n·(1+φ)/(1−φ) (n ≫ 1). */
const WITHIN_VAR = (SLICE_SD * SLICE_SD) / (1 - PHI * PHI) / SLICES * ((1 + PHI) / (1 - PHI));

/** Verdict counts of `compare` on unpaired simulated runs. */
export function simulateCompare(s: CompareScenario): VerdictCounts {
  const perRun = SLICES + 2;
  const z = normals(s.seed, s.trials * 2 * s.runs * perRun);
  const levelSd = Math.sqrt(Math.max(0, s.runSd * s.runSd - WITHIN_VAR));
  const counts: VerdictCounts = { SLOWER: 0, FASTER: 0, SAME: 0, UNKNOWN: 0 };
  const a = new Array<number>(s.runs);
  const b = new Array<number>(s.runs);
  let k = 0;
  const run = (rate: number) => {
    const level = rate * Math.exp(levelSd * z[k++]!);
    let x = (SLICE_SD / Math.sqrt(1 - PHI * PHI)) * z[k++]!;
    let inv = 0;
    for (let i = 0; i < SLICES; i++) {
      x = PHI * x + SLICE_SD * z[k++]!;
      inv += 1 / (level * (1 + x));
    }
    return SLICES / inv;
  };
  for (let t = 0; t < s.trials; t++) {
    for (let i = 0; i < s.runs; i++) a[i] = run(1e6);
    for (let i = 0; i < s.runs; i++) b[i] = run(1e6 * s.ratio);
    counts[compareRuns({ values: a }, { values: b }, true).verdict]++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// How often normal noise alone makes a gross deviation (src/stats/disturbance.ts)

/** Samples of `n` normal round log ratios with a gross deviation below / above the median. */
export interface GrossNullScenario {
  n: number;
  samples: number;
  seed: number;
}

/** Count the samples in which grossDeviations flags a value below and above the median (no noise threshold). */
export function simulateGrossNull(s: GrossNullScenario): { low: number; high: number } {
  const z = normals(s.seed, s.n * s.samples);
  const x = new Array<number>(s.n);
  let low = 0;
  let high = 0;
  for (let t = 0; t < s.samples; t++) {
    for (let i = 0; i < s.n; i++) x[i] = z[t * s.n + i]!;
    const g = grossDeviations(x, 0);
    if (g.low.length) low++;
    if (g.high.length) high++;
  }
  return { low, high };
}

/** The README's chance rate of a gross deviation at 8 rounds. */
export const GROSS_NULL: GrossNullScenario = { n: GROSS_MIN_RUNS, samples: 200_000, seed: 5001 };

// ---------------------------------------------------------------------------------------------
// ab --detect, two stages against one

/** An `ab --detect` configuration as shipped (one family: configurations differing only in --max-rounds). */
export interface AbConfig {
  /** Where it ships, and its flags. */
  name: string;
  flags: string[];
  alpha: number;
  power: number;
  detectRel: number;
  /** --max-rounds of each configuration simulated together (same first stage, same extension stream). */
  maxRounds: number[];
  /** Gated metrics of its benchmark. */
  metrics: number;
}

/** One scenario: round log-ratio spread σ and the candidate's ratio on metric 0 (1 = identical code). */
export interface AbScenario {
  spread: number;
  ratio: number;
  seed: number;
  trials: number;
}

/** What one arm did over the trials. */
export interface ArmCounts extends VerdictCounts {
  /** Trials with any gated metric SLOWER (what fails `--fail-on-regression`). */
  anySlower: number;
  /** Sum of the rounds run (mean = roundsSum / trials). */
  roundsSum: number;
  /** Trials that ran more than the first stage. */
  extended: number;
}

/** Counts per arm, and the paired discordance of each sized arm against the single stage. */
export interface AbResult {
  fixed: ArmCounts;
  sized: Record<string, ArmCounts & { onlySized: number; onlyFixed: number }>;
  /** Sizing checks against detectRounds itself (all agreed, else this throws). */
  checked: number;
}

/**
 * roundsToDetect as a step function of the spread: for each n, the largest spread at which n
 * rounds still reach the power (pairedPower falls as the spread grows); the rounds for a spread are
 * the first n whose threshold it does not exceed, else `maxRounds` (capped).
 */
export function sizingTable(p: { alpha: number; power: number; detectRel: number; minRounds: number; maxRounds: number }): (spreadLog: number) => number {
  const input = (s: number) => ({ spreadLog: s, detectRel: p.detectRel, higherIsBetter: true, alpha: p.alpha, noiseThreshold: DEFAULT_COMPARE.noiseThreshold });
  const limits: number[] = [];
  for (let n = p.minRounds; n <= p.maxRounds; n++) {
    let lo = 0;
    let hi = 10;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (pairedPower(n, input(mid)) >= p.power) lo = mid;
      else hi = mid;
    }
    limits.push(lo);
  }
  return (s) => {
    for (let i = 0; i < limits.length; i++) if (s <= limits[i]!) return p.minRounds + i;
    return p.maxRounds;
  };
}

function emptyArm(): ArmCounts {
  return { SLOWER: 0, FASTER: 0, SAME: 0, UNKNOWN: 0, anySlower: 0, roundsSum: 0, extended: 0 };
}

/** A report of the first stage, as `ab` hands it to detectRounds (only what it reads). */
function firstStageReport(rows: MetricComparison[], alpha: number): ComparisonReport {
  return {
    rows: rows.map((r, m) => ({ ...r, measurementId: `sim.m${m}`, metric: 'rate', higherIsBetter: true, gated: true })),
    pairing: { paired: true, why: 'simulated rounds' },
    alpha,
    noiseThreshold: DEFAULT_COMPARE.noiseThreshold,
    minRuns: DEFAULT_COMPARE.minRuns,
  } as unknown as ComparisonReport;
}

/** The gated family's verdicts on `rounds` rounds (Holm over the metrics, as compareRunSets does). */
function verdicts(vals: Float64Array, rounds: number, c: AbConfig): MetricComparison[] {
  const fam: MetricComparison[] = [];
  for (let m = 0; m < c.metrics; m++) {
    const a = new Array<number>(rounds);
    const b = new Array<number>(rounds);
    for (let j = 0; j < rounds; j++) {
      a[j] = vals[(m * 2) * MAX_SLOTS + j]!;
      b[j] = vals[(m * 2 + 1) * MAX_SLOTS + j]!;
    }
    fam.push(compareRuns({ values: a }, { values: b }, true, { alpha: c.alpha, paired: true }));
  }
  applyHolm(fam, c.alpha);
  return fam;
}

/** Most rounds of any shipped configuration (slots per metric and side in the value buffer). */
const MAX_SLOTS = 64;

function tally(arm: ArmCounts, fam: MetricComparison[], rounds: number): void {
  arm[fam[0]!.verdict]++;
  if (fam.some((r) => r.verdict === 'SLOWER')) arm.anySlower++;
  arm.roundsSum += rounds;
  if (rounds > FIRST_ROUNDS) arm.extended++;
}

/** Fill round values [from, to) of one trial into `vals` from a normal stream (3 draws per round and metric). */
function fillRounds(vals: Float64Array, z: Float64Array, base: number, from: number, to: number, c: AbConfig, s: AbScenario): void {
  const noise = s.spread / Math.SQRT2;
  let k = base;
  for (let m = 0; m < c.metrics; m++) {
    const shift = m === 0 ? Math.log(s.ratio) : 0;
    for (let j = from; j < to; j++) {
      const state = STATE_SD * z[k++]!;
      vals[m * 2 * MAX_SLOTS + j] = Math.exp(state + noise * z[k++]!);
      vals[(m * 2 + 1) * MAX_SLOTS + j] = Math.exp(state + shift + noise * z[k++]!);
    }
  }
}

/** Simulate one scenario of an `ab --detect` family: the single stage and each --max-rounds. */
export function simulateAb(c: AbConfig, s: AbScenario): AbResult {
  const maxAll = Math.max(...c.maxRounds);
  if (maxAll > MAX_SLOTS) throw new RangeError(`--max-rounds ${maxAll} above the simulation's ${MAX_SLOTS} slots`);
  const perFirst = c.metrics * FIRST_ROUNDS * 3;
  const perExt = c.metrics * (maxAll - FIRST_ROUNDS) * 3;
  const z1 = normals(s.seed, s.trials * perFirst);
  const z2 = normals(s.seed + 0x9e3779b9, s.trials * perExt);
  const minRounds = Math.max(2, FIRST_ROUNDS, DEFAULT_COMPARE.minRuns);
  const size = sizingTable({ alpha: c.alpha / c.metrics, power: c.power, detectRel: c.detectRel, minRounds, maxRounds: maxAll });
  const vals = new Float64Array(c.metrics * 2 * MAX_SLOTS);
  const fixed = emptyArm();
  const sized: AbResult['sized'] = Object.fromEntries(c.maxRounds.map((mr) => [String(mr), { ...emptyArm(), onlySized: 0, onlyFixed: 0 }]));
  let checked = 0;
  for (let t = 0; t < s.trials; t++) {
    fillRounds(vals, z1, t * perFirst, 0, FIRST_ROUNDS, c, s);
    const first = verdicts(vals, FIRST_ROUNDS, c);
    tally(fixed, first, FIRST_ROUNDS);
    const want = size(Math.max(...first.map((r) => r.spreadLog ?? 0)));
    if (t % CHECK_EVERY === 0) {
      const real = detectRounds(firstStageReport(first, c.alpha), { detectRel: c.detectRel, power: c.power, firstRounds: FIRST_ROUNDS, maxRounds: maxAll }).rounds;
      if (real !== want) throw new Error(`sizing table says ${want} rounds, detectRounds ${real} (trial ${t}, seed ${s.seed})`);
      checked++;
    }
    if (want > FIRST_ROUNDS) fillRounds(vals, z2, t * perExt, FIRST_ROUNDS, maxAll, c, s);
    const hit = (fam: MetricComparison[]) => (s.ratio === 1 ? fam.some((r) => r.verdict === 'SLOWER') : fam[0]!.verdict === 'SLOWER');
    for (const mr of c.maxRounds) {
      const rounds = Math.min(want, mr);
      const fam = rounds === FIRST_ROUNDS ? first : verdicts(vals, rounds, c);
      const arm = sized[String(mr)]!;
      tally(arm, fam, rounds);
      if (hit(fam) && !hit(first)) arm.onlySized++;
      if (!hit(fam) && hit(first)) arm.onlyFixed++;
    }
  }
  return { fixed, sized, checked };
}

// ---------------------------------------------------------------------------------------------
// The scenarios whose figures the README quotes

/** `compare` scenarios (unpaired runs): false alarms at 2 % run noise, detection of −10 % at 5 %. */
export const COMPARE_SCENARIOS: CompareScenario[] = [
  { name: 'identical code, 5 runs a side, 2 % run sd', runs: 5, runSd: 0.02, ratio: 1, seed: 1002, trials: 5000 },
  { name: 'identical code, 8 runs a side, 2 % run sd', runs: 8, runSd: 0.02, ratio: 1, seed: 1003, trials: 5000 },
  { name: '−10 %, 5 runs a side, 5 % run sd', runs: 5, runSd: 0.05, ratio: 0.9, seed: 1004, trials: 5000 },
  { name: '−10 %, 8 runs a side, 5 % run sd', runs: 8, runSd: 0.05, ratio: 0.9, seed: 1005, trials: 5000 },
];

/** The `ab --detect` configurations as shipped. */
export const AB_CONFIGS: AbConfig[] = [
  {
    name: 'README and workflow example (bench `run`: 3 gated metrics)',
    flags: ['ab --rounds 8 --detect 10 (README; --power 0.9 and --max-rounds 32 by default)', 'ab --rounds 8 --detect 10 --max-rounds 16 (examples/github-actions/perf-ab.yml)'],
    alpha: 0.05,
    power: 0.9,
    detectRel: 0.1,
    maxRounds: [32, 16],
    metrics: 3,
  },
  {
    name: 'end-to-end test (bench `hash bench`: 1 gated metric)',
    flags: ['ab --rounds 8 --detect 20 --power 0.99 --max-rounds 32 --alpha 0.01 (test/report/compare-ab-real-runs.solo.test.ts)'],
    alpha: 0.01,
    power: 0.99,
    detectRel: 0.2,
    maxRounds: [32],
    metrics: 1,
  },
];

/** Round spreads simulated: 10 % (a moderately noisy machine) and 25 % (seen on a fresh-clone CI VM: ratios 0.68–1.64). */
export const AB_SPREADS = [0.1, 0.25];
/** Trials per scenario. */
export const AB_TRIALS = 5000;

/** Every `ab` scenario: per configuration and spread, identical code and the --detect regression (same seed: common random numbers). */
export function abScenarios(): Array<{ config: AbConfig; scenario: AbScenario }> {
  return AB_CONFIGS.flatMap((config, ci) =>
    AB_SPREADS.flatMap((spread, si) => [1, 1 - config.detectRel].map((ratio) => ({ config, scenario: { spread, ratio, seed: 4000 + 10 * ci + si, trials: AB_TRIALS } }))),
  );
}

/** The committed figure file (bench/out/verdict-simulations.json). */
export interface SimulationFile {
  name: 'verdict-simulations';
  date: string;
  commit: string | null;
  command: string;
  cpu: { model: string; flags: string[] };
  adapter: null;
  what: string;
  compare: Array<CompareScenario & { counts: VerdictCounts }>;
  gross: GrossNullScenario & { low: number; high: number };
  ab: Array<{ config: string; flags: string[]; alpha: number; power: number; detectRel: number; metrics: number; spread: number; ratio: number; seed: number; trials: number; result: AbResult }>;
}

/** Where the figures are committed. */
export const SIMULATION_FILE = join(import.meta.dirname, 'out', 'verdict-simulations.json');

function pct1(k: number, n: number): string {
  return `${((100 * k) / n).toFixed(1)} %`;
}

/** How a configuration's arm is named in the README table. */
function armLabel(x: SimulationFile['ab'][number], maxRounds: string | null): string {
  const alpha = x.alpha !== DEFAULT_COMPARE.alpha ? ` --alpha ${x.alpha}` : '';
  if (maxRounds === null) return `\`ab --rounds 8${alpha}\` (no --detect${alpha ? '' : ': the default'})`;
  const power = x.power !== 0.9 ? ` --power ${x.power}` : '';
  const where = x.metrics > 1 ? (maxRounds === '32' ? 'README; --max-rounds 32 by default' : 'workflow example') : 'end-to-end test';
  return `\`ab --rounds 8 --detect ${x.detectRel * 100}${power} --max-rounds ${maxRounds}${alpha}\` (${where})`;
}

/**
 * The README's table of `ab --detect` figures, rendered from the committed file (the README holds
 * exactly this text; test/report/verdict-simulations-readme.test.ts checks it).
 */
export function renderAbTable(f: SimulationFile): string {
  const rows = [
    '| configuration | gated metrics | round spread | rounds run (mean) | identical code: a gated metric SLOWER | a regression of the --detect size: SLOWER |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const x of f.ab.filter((a) => a.ratio === 1)) {
    const eff = f.ab.find((a) => a.config === x.config && a.spread === x.spread && a.ratio !== 1)!;
    const arms: Array<[string | null, (r: AbResult) => ArmCounts]> = [[null, (r) => r.fixed], ...Object.keys(x.result.sized).map((mr) => [mr, (r: AbResult) => r.sized[mr]!] as [string, (r: AbResult) => ArmCounts])];
    for (const [mr, arm] of arms) {
      const n = arm(x.result);
      const e = arm(eff.result);
      rows.push(`| ${armLabel(x, mr)} | ${x.metrics} | ${x.spread * 100} % | ${(n.roundsSum / x.trials).toFixed(1)} | ${pct1(n.anySlower, x.trials)} | ${pct1(e.SLOWER, eff.trials)} (−${x.detectRel * 100} %) |`);
    }
  }
  return rows.join('\n');
}

/** The README's sentence of `compare` figures, rendered from the committed file. */
export function renderCompareFigures(f: SimulationFile): string {
  const c = (runs: number, ratio: number) => f.compare.find((s) => s.runs === runs && s.ratio === ratio)!;
  const fa = (s: CompareScenario & { counts: VerdictCounts }) => pct1(s.counts.SLOWER + s.counts.FASTER, s.trials);
  const det = (s: CompareScenario & { counts: VerdictCounts }) => pct1(s.counts.SLOWER, s.trials);
  return `identical code at 2 % run-to-run sd → false SLOWER/FASTER ${fa(c(5, 1))} with 5 runs a side, ${fa(c(8, 1))} with 8; a true 10 % slowdown at 5 % run noise → SLOWER ${det(c(5, 0.9))} with 5 runs a side, ${det(c(8, 0.9))} with 8 (${c(5, 1).trials.toLocaleString('en-US')} trials each)`;
}

/** The README's chance rate of a gross deviation, rendered from the committed file. */
export function renderGrossFigure(f: SimulationFile): string {
  return `At ${f.gross.n} normal rounds such a deviation arises by chance in ${((100 * f.gross.low) / f.gross.samples).toFixed(2)} % of comparisons below the median and ${((100 * f.gross.high) / f.gross.samples).toFixed(2)} % above it (${f.gross.samples.toLocaleString('en-US')} seeded samples)`;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function cpuFlags(): string[] {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return line ? line.replace(/^flags\s*:\s*/, '').split(/\s+/).filter(Boolean) : [];
  } catch {
    return [];
  }
}

/** Run every scenario and write the figure file. */
export function main(argv: string[]): number {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : SIMULATION_FILE;
  if (!out) {
    process.stderr.write('verdict-simulations: --out <file> needs a path\n');
    return 2;
  }
  const t0 = performance.now();
  const file: SimulationFile = {
    name: 'verdict-simulations',
    date: new Date().toISOString(),
    commit: gitCommit(),
    command: 'node --import tsx bench/verdict-simulations.ts',
    cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', flags: cpuFlags() },
    adapter: null,
    what: 'seeded Monte Carlo of compare and ab --detect verdicts through the real code (counts per scenario); not timed',
    compare: COMPARE_SCENARIOS.map((s) => ({ ...s, counts: simulateCompare(s) })),
    gross: { ...GROSS_NULL, ...simulateGrossNull(GROSS_NULL) },
    ab: abScenarios().map(({ config, scenario }) => ({ config: config.name, flags: config.flags, alpha: config.alpha, power: config.power, detectRel: config.detectRel, metrics: config.metrics, ...scenario, result: simulateAb(config, scenario) })),
  };
  writeFileAtomic(out, JSON.stringify(file, null, 2) + '\n');
  process.stderr.write(`verdict-simulations: ${file.compare.length + file.ab.length} scenarios in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${out}\n${renderAbTable(file)}\n${renderCompareFigures(file)}\n${renderGrossFigure(file)}\n`);
  return 0;
}

if (process.argv[1]?.endsWith('verdict-simulations.ts') || process.argv[1]?.endsWith('verdict-simulations.js')) process.exitCode = main(process.argv.slice(2));
