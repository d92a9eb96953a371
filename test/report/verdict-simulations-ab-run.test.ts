// `ab --detect 10` as the README and the GitHub workflow example run it (bench `run`: 3 gated
// metrics; --max-rounds 32 by default, 16 in the workflow), against the default `ab --rounds 8`, at
// 10 % round spread: 5,000 seeded trials through the real verdict and sizing, common random numbers
// for the two arms (bench/verdict-simulations.ts; figures in bench/out/verdict-simulations.json).
import { describe, it } from 'vitest';
import { AB_CONFIGS } from '../../bench/verdict-simulations.js';
import { checkAbConfig } from '../fixtures/verdict-sims-ab.js';

describe('ab --detect 10 (README, workflow example), 10 % round spread', () => {
  it('false alarms, detection and rounds as committed; the extension lifts false alarms ≤ 2 points and gains detection', () => {
    checkAbConfig(AB_CONFIGS[0]!, 0.1);
  });
});
