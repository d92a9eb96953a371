// Issue 20, "done when": an intermittent regression is found, never averaged away. Eight rounds
// interleaved like `joulebench ab`, every run a copy of one real `hash bench` result file; the
// candidate runs at half speed in rounds 3 and 6 and within ±0.5 % otherwise, on a quiet machine
// (no host telemetry says otherwise). `compare --fail-on-regression --fail-on-unknown` must say
// SLOWER (intermittent: 2 of 8 rounds) in the table, the headline, the exit code (1) and the
// github-action-benchmark export; the same rounds without the slowdown are SAME (exit 0); the mirror
// (the baseline at half speed in those rounds) is not FASTER.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';
import { jitter, writeRounds } from '../fixtures/runs/rounds.js';

const ROUNDS = 8;
const SLOW = new Set([2, 5]); // rounds 3 and 6
const jb = jitter(20, ROUNDS);
const jc = jitter(21, ROUNDS);
const dir = mkdtempSync(join(tmpdir(), 'jb-intermittent-'));
const GATE = ['--fail-on-regression', '--fail-on-unknown'];

describe('an intermittent regression (half speed in 2 of 8 rounds)', () => {
  it('is SLOWER (intermittent: 2 of 8 rounds): table, headline, exit 1 and the export say so', async () => {
    const d = writeRounds(join(dir, 'slow'), ROUNDS, { baseline: (i) => jb[i]!, candidate: (i) => jc[i]! * (SLOW.has(i) ? 0.5 : 1) });
    const gha = join(dir, 'gha.json');
    const r = await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, ...GATE, '--export-gha-benchmark', gha]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\*\*Result: REGRESSION: 1 of 1 gated metric SLOWER \(hashesPerSecond: intermittent: 2 of 8 rounds\)\*\*/);
    expect(r.stdout).toMatch(/\| ▼ \| \*\*SLOWER \(intermittent: 2 of 8 rounds\)\*\* \| hash\.sha256d hashesPerSecond/);
    expect(r.stdout).toMatch(/candidate -(49|50)\.\d\d % against the baseline in rounds 3, 6 \(2 of 8;/);
    expect(r.stderr).toMatch(/1 gated metric\(s\) SLOWER than the baseline \(1 intermittent\) \(--fail-on-regression\): exit 1/);
    const entry = JSON.parse(readFileSync(gha, 'utf8'))[0];
    expect(entry.extra).toMatch(/compare: SLOWER \(intermittent: 2 of 8 rounds\)/);
    const j = JSON.parse((await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, '--json'])).stdout);
    expect(j.rows[0]).toMatchObject({ verdict: 'SLOWER', verdictDetail: 'intermittent: 2 of 8 rounds', gross: { unit: 'round', of: 8, candidateWorse: [3, 6], candidateBetter: [] }, setAsideBaseline: 0, setAsideCandidate: 0 });
    expect(j.pairing.paired).toBe(true);
  });

  it('the same rounds without the slowdown: SAME, exit 0', async () => {
    const d = writeRounds(join(dir, 'same'), ROUNDS, { baseline: (i) => jb[i]!, candidate: (i) => jc[i]! });
    const r = await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, ...GATE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\*\*Result: no regression: all 1 gated metric SAME\*\*/);
    expect(r.stdout).not.toMatch(/\*\*SLOWER/);
  });

  it('the mirror (the baseline at half speed in rounds 3 and 6) is not FASTER: UNKNOWN, saying why', async () => {
    const d = writeRounds(join(dir, 'mirror'), ROUNDS, { baseline: (i) => jb[i]! * (SLOW.has(i) ? 0.5 : 1), candidate: (i) => jc[i]! });
    const r = await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, ...GATE, '--json']);
    const row = JSON.parse(r.stdout).rows[0];
    expect(row.verdict).toBe('UNKNOWN');
    expect(row.gross).toMatchObject({ candidateWorse: [], candidateBetter: [3, 6] });
    expect(row.reason).toMatch(/in rounds 3, 6 \(2 of 8; .*no host telemetry of a disturbance: an intermittently slow baseline or an unrecorded disturbance, so neither FASTER nor SAME/);
    expect(r.code, r.stderr).toBe(1); // --fail-on-unknown
    const lenient = await runCliInProcess(['compare', '--baseline', d.baseline, '--candidate', d.candidate, '--fail-on-regression']);
    expect(lenient.code, lenient.stderr).toBe(0);
  });
});
