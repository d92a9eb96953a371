// Issue 21 case 12: a meter window holding 0 or 1 readings printed "± 0.000 J": with nothing to
// compare, the interpolation bound came out as zero, a precision the meter never gave. Now the
// uncertainty is unknown (null in the JSON, said in words); with readings on both sides of a change
// it is a number again. `power sample` with a --meter-cmd polled once a second, in process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers.js';

interface Sample {
  samples: number;
  uncertaintyJ: number | null;
  uncertaintyNote: string;
}

describe('energy uncertainty from too few meter readings', () => {
  it('0 readings in a 0.3 s window: "uncertainty unknown", never ± 0.000 J', async () => {
    const human = await runCliInProcess(['power', 'sample', '--seconds', '0.3', '--meter-cmd', 'echo 100', '--meter-interval', '1']);
    expect(human.stdout).not.toMatch(/± 0\.000 J/);
    expect(human.stdout).toMatch(/W average \(uncertainty unknown\)/);
    expect(human.stdout).toMatch(/^ {2}uncertainty: unknown: 0 meter readings inside the window/m);
  }, 30_000);

  it('1 reading in a 1.5 s window (polled every 1 s from the begin read): uncertaintyJ null, the note says why', async () => {
    const json = await runCliInProcess(['power', 'sample', '--seconds', '1.5', '--meter-cmd', 'echo 100', '--meter-interval', '1', '--json']);
    const s = JSON.parse(json.stdout) as Sample;
    expect(s.samples, json.stdout).toBe(1);
    expect(s.uncertaintyJ).toBeNull();
    expect(s.uncertaintyNote).toMatch(/^unknown: 1 meter reading inside the window/);
  }, 30_000);

  it('readings on both sides of a change: a number (the bound is defined again)', async () => {
    // Alternates 100 W and 150 W from one read to the next (a counter in a file).
    const n = join(mkdtempSync(join(tmpdir(), 'jb-few-reads-')), 'n');
    writeFileSync(n, '0');
    const cmd = `k=$(cat '${n}'); echo $(( k % 2 * 50 + 100 )); echo $(( k + 1 )) > '${n}'`;
    const r = await runCliInProcess(['power', 'sample', '--seconds', '0.6', '--meter-cmd', cmd, '--meter-interval', '0.05', '--json']);
    const s = JSON.parse(r.stdout) as Sample;
    expect(s.samples, r.stderr).toBeGreaterThanOrEqual(2);
    expect(s.uncertaintyJ).toBeGreaterThan(0);
  }, 30_000);
});
