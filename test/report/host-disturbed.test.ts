import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildRows } from '../../src/report/rows.js';
import { readResult } from '../../src/results/files.js';
import type { ResultDoc } from '../../src/results/schema.js';
import { ROOT } from '../helpers.js';

/**
 * `report` notes a run whose host was disturbed during the timed phase (others took ≥ 5 % of the
 * CPUs, or the CPU throttled), with the host line the bench summary prints; a quiet host adds no
 * note. The activity records are written by hand (what /proc would show for a busy neighbour).
 */
const path = join(ROOT, 'test/fixtures/results/fixture-b-software.json');
function withActivity(act: Partial<NonNullable<ResultDoc['measurements'][number]['hostActivity']>>): ResultDoc {
  const doc = readResult(path);
  const m = doc.measurements.find((x) => x.id === 'hash.sha256d')!;
  m.hostActivity = { spanS: 5.1, cpus: 2, idleFraction: 0.02, stealFraction: 0, iowaitFraction: 0, otherProcessCpuFraction: 0.004, throttled: false, source: 'hand-written', ...act };
  return doc;
}
const md = (doc: ResultDoc) => renderMarkdown(buildRows([{ path, doc }]));

describe('report notes a disturbed host', () => {
  it('a neighbour took 21 % of the CPUs: the note names it', () => {
    const out = md(withActivity({ idleFraction: 0.01, otherProcessCpuFraction: 0.206, topOtherProcesses: [{ pid: 4242, comm: 'tsc', cpuFraction: 0.143 }] } as never));
    expect(out).toContain('hash.sha256d: host during the timed phase: idle 1.0 %, other processes 20.6 % (tsc 14.3 %), steal 0.0 %');
  });
  it('steal alone counts, and so does throttling', () => {
    expect(md(withActivity({ stealFraction: 0.08 }))).toContain('steal 8.0 %');
    expect(md(withActivity({ throttled: true }))).toContain('THERMAL THROTTLING');
  });
  it('a quiet host (0.4 % other processes) adds no note', () => {
    expect(md(withActivity({}))).not.toContain('host during the timed phase');
  });
});
