import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageRefusal, runCliInProcess } from '../helpers.js';

/**
 * `joulebench doctor` in process: bad input is refused with one line (exit 2); the workload
 * plumbing (fresh processes, result files read back through the schema, CV and the ab sizing) runs
 * against a stand-in bench (test/fixtures/doctor/fake-bench.mjs, via JOULEBENCH_MAIN) whose values
 * are known, so the printed figures can be checked by hand. The real workload is `hash bench`.
 */
const dir = mkdtempSync(join(tmpdir(), 'jb-doctor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fake = join(import.meta.dirname, '..', 'fixtures/doctor/fake-bench.mjs');

describe('joulebench doctor', () => {
  it('bad input: one line, exit 2, nothing on stdout', async () => {
    expectUsageRefusal(await runCliInProcess(['doctor', '--runs', '2']), /--runs 2: out of range, must be an integer from 3 to 100/);
    expectUsageRefusal(await runCliInProcess(['doctor', '--runs', '3.5']), /--runs '3\.5': must be an integer/);
    expectUsageRefusal(await runCliInProcess(['doctor', '--seconds', 'soon']), /--seconds 'soon': must be a number from 0\.5 to 600/);
    expectUsageRefusal(await runCliInProcess(['doctor', '--bogus']), /unknown option '--bogus'/);
  });

  it('--json: priming run kept apart; CV, round spread and ab sizing from the runs', async () => {
    const env = { JOULEBENCH_MAIN: fake, DOCTOR_FAKE_VALUES: '50,100,104,98,103,101', DOCTOR_FAKE_STATE: join(dir, 'state-a') };
    const r = await runCliInProcess(['doctor', '--runs', '5', '--seconds', '1', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.workload.priming.value).toBe(50); // not counted
    expect(doc.workload.values).toEqual([100, 104, 98, 103, 101]);
    // By hand: mean 101.2, sd √(22.8/4) → CV 2.3592 %; see test/doctor/noise-math.test.ts for the rest.
    expect(doc.workload.runToRunCv).toBeCloseTo(0.023591573885994706, 12);
    expect(doc.workload.roundSpreadLog).toBeCloseTo(0.044525574742183646, 12);
    expect(doc.smallestDetectable.map((d: { rounds: number }) => d.rounds)).toEqual([8, 16, 32]);
    expect(doc.smallestDetectable[0].change).toBeCloseTo(0.0573, 3); // SciPy: 0.057297
    expect(doc.checks.find((c: { id: string }) => c.id === 'adapter')).toMatchObject({ status: 'warn' }); // the fixture is llvmpipe
  });

  it('a failed run is named with its log and kept out of the figures', async () => {
    const env = { JOULEBENCH_MAIN: fake, DOCTOR_FAKE_VALUES: '50,100,fail,98,103', DOCTOR_FAKE_STATE: join(dir, 'state-b') };
    const r = await runCliInProcess(['doctor', '--runs', '4', '--seconds', '1'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/runs: 100\.00 H\/s, failed, 98\.00 H\/s, 103\.00 H\/s\n/);
    const kept = /Warning: 1 of 4 runs failed \(logs in (\S+joulebench-doctor-\w+)\)/.exec(r.stdout);
    expect(kept, r.stdout).not.toBeNull();
    expect(readFileSync(join(kept![1]!, 'run-2.log'), 'utf8')).toBe(''); // the stand-in printed nothing; its exit code is in the reason
    rmSync(kept![1]!, { recursive: true, force: true });
  });
});
