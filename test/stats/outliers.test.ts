import { describe, expect, it } from 'vitest';
import { labelOutliers, modifiedZScores } from '../../src/stats/outliers.js';

// [10,11,12,11,10,50]: median 11, |x−11| = 1,0,1,0,1,39 → MAD 1; M(50) = .6745·39 = 26.3055 > 3.5.
describe('modified z-score outliers', () => {
  it('labels the one far sample and nothing else', () => {
    const r = labelOutliers([10, 11, 12, 11, 10, 50]);
    expect(r.indices).toEqual([5]);
    expect(r.scores[5]).toBeCloseTo(26.3055, 4);
    expect(r.scores[0]).toBeCloseTo(-0.6745, 4);
    expect(r.fraction).toBeCloseTo(1 / 6, 12);
  });
  it('gives zero scores when there is no spread', () => {
    expect(modifiedZScores([4, 4, 4])).toEqual([0, 0, 0]);
    expect(labelOutliers([4, 4, 4]).indices).toEqual([]);
  });
});
