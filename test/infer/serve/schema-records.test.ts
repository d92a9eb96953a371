/**
 * The result schema checks `infer serve`'s per-request records on write and on read: a completed
 * request has one time per output token, the first at its first token and the last at its end;
 * negative times and unknown bases are refused with the field's path.
 */
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../../src/results/files.js';
import { serveDoc } from '../../fixtures/results/serve-docs.js';

const doc = () => serveDoc({ device: 'GPU A', sustainableQps: 2, levels: [{ qps: 2, tokS: 400, ttftP99: 300, tpotP99: 40, meets: true }] }) as any;

describe('serve records in the schema', () => {
  it('a well-formed serve result validates (schema 1.2)', () => {
    expect(validateResult(doc()).measurements[0]!.levels![0]!.requests[0]!.tokenMs).toEqual([10, 20]);
  });

  it('token times that disagree with the request are refused, naming the path', () => {
    const bad = [
      (d: any) => (d.measurements[0].levels[0].requests[0].tokenMs = [10]),
      (d: any) => (d.measurements[0].levels[0].requests[0].tokenMs = [10, 19]),
      (d: any) => (d.measurements[0].levels[0].requests[0].tokenMs = [10, 20, 30]),
      (d: any) => (d.measurements[0].levels[0].requests[0].arrivalMs = -1),
      (d: any) => (d.measurements[0].levels[0].offeredQps = 'lots'),
      (d: any) => (d.measurements[0].sustainable.basis = 'guess'),
    ];
    for (const f of bad) {
      const d = doc();
      f(d);
      expect(() => validateResult(d), f.toString()).toThrow(/measurements\.0\.(levels\.0|sustainable)/);
    }
  });
});
